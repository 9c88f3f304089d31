import { InvalidArgumentError } from 'commander';
import { TRIAL_STATUSES, type TrialSortKey, type TrialStatus } from '../store/types';

/**
 * Argument parsers for commander options. Each is called by commander with the raw text and
 * throws InvalidArgumentError (commander prints it naming the option; main exits with 2).
 */
export function positiveInt(text: string): number {
  if (!/^[0-9]+$/.test(text) || Number(text) < 1) throw new InvalidArgumentError(`"${text}" is not a positive integer.`);
  return Number(text);
}

/** Parses a non-negative integer (offsets). */
export function nonNegativeInt(text: string): number {
  if (!/^[0-9]+$/.test(text)) throw new InvalidArgumentError(`"${text}" is not a non-negative integer.`);
  return Number(text);
}

/** Accepts durations such as "30s", "10m", "2h", "1.5d" (as the config's duration fields). */
export function durationText(text: string): string {
  if (!/^[0-9]+(\.[0-9]+)?(s|m|h|d)$/.test(text)) throw new InvalidArgumentError(`"${text}" is not a duration; use a number and a unit s, m, h or d, e.g. 2h or 30m.`);
  return text;
}

/** A TCP port 1..65535 (0 asks the system for a free one). */
export function port(text: string): number {
  if (!/^[0-9]+$/.test(text) || Number(text) > 65535) throw new InvalidArgumentError(`"${text}" is not a port number (0-65535).`);
  return Number(text);
}

/** Comma-separated trial statuses, case-insensitive ("failed,running"). */
export function statusList(text: string): TrialStatus[] {
  return text.split(',').map((s) => s.trim().toUpperCase()).filter((s) => s !== '').map((s) => {
    if (!(TRIAL_STATUSES as readonly string[]).includes(s)) throw new InvalidArgumentError(`"${s}" is not a trial status; use ${TRIAL_STATUSES.join(', ')}.`);
    return s as TrialStatus;
  });
}

const SORT_KEYS: readonly TrialSortKey[] = ['sequence', 'status', 'createdAt', 'startedAt', 'endedAt', 'duration', 'finalMetric'];

/** A trial sort key; "metric" is accepted for finalMetric. */
export function sortKey(text: string): TrialSortKey {
  const t = text === 'metric' ? 'finalMetric' : text;
  if (!(SORT_KEYS as readonly string[]).includes(t)) throw new InvalidArgumentError(`"${text}" is not a sort key; use ${SORT_KEYS.join(', ')} (or metric).`);
  return t as TrialSortKey;
}
