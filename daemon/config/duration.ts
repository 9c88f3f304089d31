import { ConfigError } from '../errors';
import { describeValue } from './describe-value';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The duration syntax, as the config schema's pattern also states it. */
export const DURATION_PATTERN = /^([0-9]+(?:\.[0-9]+)?)\s*([smhd])$/;

/**
 * Parses a config duration into milliseconds: "30s", "10m", "1.5h", "7d" (a number followed by
 * s, m, h or d), or a plain number of seconds. Called when the daemon sets budget deadlines and
 * when the loader validates duration fields. Pure.
 *
 * @param path JSON pointer of the field, used in the error (e.g. "/maxExperimentDuration").
 * @throws ConfigError when the text is not a duration or the duration is not > 0.
 */
export function parseDuration(text: string | number, path = ''): number {
  if (typeof text === 'number') {
    if (Number.isFinite(text) && text > 0) return Math.round(text * 1000);
    throw new ConfigError(path, `expected a duration > 0 (a number of seconds); found ${describeValue(text)}`);
  }
  const m = typeof text === 'string' ? DURATION_PATTERN.exec(text.trim()) : null;
  if (m === null || m[1] === undefined || m[2] === undefined) {
    throw new ConfigError(
      path,
      `expected a duration such as "30s", "10m", "2h", "7d" (a number followed by s, m, h or d) or a number of seconds; found ${describeValue(text)}`,
    );
  }
  const ms = Math.round(Number(m[1]) * (UNIT_MS[m[2]] ?? 0));
  if (ms <= 0) throw new ConfigError(path, `expected a duration > 0; found ${describeValue(text)}`);
  return ms;
}
