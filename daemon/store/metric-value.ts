import { BadRequestError } from '../errors';
import type { MetricValue } from '../../trial-runtime/protocol/messages';

/**
 * Validates a metric before a store records it. Called by every store's addMetric; the protocol
 * validator should already have rejected bad values, this is the last guard before disk.
 * Throws BadRequestError for non-finite numbers, dicts without a numeric `default`, or
 * non-numeric dict entries (JSON cannot store NaN/Infinity and sorting needs a number).
 */
export function checkMetricValue(trialId: string, value: MetricValue): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new BadRequestError('value', `trial ${trialId}: metric ${value} is not a finite number; report a finite value`);
    }
    return;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BadRequestError('value', `trial ${trialId}: a metric must be a number or {default: number, ...}`);
  }
  if (typeof value.default !== 'number') {
    throw new BadRequestError('value/default', `trial ${trialId}: a dict metric needs a numeric "default" key`);
  }
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new BadRequestError(`value/${key}`, `trial ${trialId}: metric entry "${key}" must be a finite number`);
    }
  }
}

/** The number a metric sorts and filters by: the value itself, or its `default` entry. */
export function metricDefault(value: MetricValue): number {
  return typeof value === 'number' ? value : value.default;
}
