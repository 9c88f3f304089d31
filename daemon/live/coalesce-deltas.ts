import type { LiveDelta } from '../service/live-delta';

/**
 * Coalesces one batch of an experiment's deltas for batched clients: of several `trial` deltas
 * of the same trial only the last is kept (a trial record is a full snapshot, so the earlier ones
 * carry nothing the last does not), and of several `experiment` deltas only the last. Every other
 * delta (metric, log, checkpoint, board) is kept (curves and logs need every point). The result stays in seq
 * order; seq numbers of dropped deltas are simply skipped, which clients accept (they only drop
 * deltas whose seq is not above the last one seen). Called by the live batcher at every flush.
 * Pure; returns a new array (the given one is not changed).
 */
export function coalesceDeltas(batch: readonly LiveDelta[]): LiveDelta[] {
  const lastOfTrial = new Map<string, number>();
  let lastExperiment = -1;
  batch.forEach((d, i) => {
    if (d.type === 'trial') lastOfTrial.set(d.trial.id, i);
    else if (d.type === 'experiment') lastExperiment = i;
  });
  return batch.filter((d, i) => {
    if (d.type === 'trial') return lastOfTrial.get(d.trial.id) === i;
    if (d.type === 'experiment') return i === lastExperiment;
    return true;
  });
}
