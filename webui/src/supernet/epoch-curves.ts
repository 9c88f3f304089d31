import type { MetricRecord } from '../api/types';

/** Per-epoch curves of one trial of a supernet-training experiment. */
export interface EpochCurves {
  trialId: string;
  epoch: number[];
  trainLoss: (number | null)[];
  valLoss: (number | null)[];
  trainAcc: (number | null)[];
  valAcc: (number | null)[];
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * The per-epoch curves of a trial from its intermediate metrics as train-supernet reports them
 * (dict: default = val acc, train_loss, train_acc, val_loss, epoch, lr). x is the `epoch` key,
 * else the report number; plain-number reports count as val acc. Pure.
 */
export function epochCurves(trialId: string, metrics: readonly MetricRecord[]): EpochCurves {
  const out: EpochCurves = { trialId, epoch: [], trainLoss: [], valLoss: [], trainAcc: [], valAcc: [] };
  let n = 0;
  for (const m of metrics) {
    if (m.kind !== 'intermediate') continue;
    n += 1;
    const v = m.value;
    if (typeof v === 'number') {
      out.epoch.push(n);
      out.trainLoss.push(null);
      out.valLoss.push(null);
      out.trainAcc.push(null);
      out.valAcc.push(num(v));
      continue;
    }
    out.epoch.push(num(v.epoch) ?? n);
    out.trainLoss.push(num(v.train_loss));
    out.valLoss.push(num(v.val_loss));
    out.trainAcc.push(num(v.train_acc));
    out.valAcc.push(num(v.val_acc) ?? num(v.default));
  }
  return out;
}

/**
 * Several trials' curves on one shared x axis (the union of their epochs, sorted), one y array
 * per (trial, quantity) with null where a trial has no value. Pure.
 */
export function alignEpochs(curves: readonly EpochCurves[], pick: (c: EpochCurves) => (number | null)[]): { x: number[]; ys: (number | null)[][] } {
  const xs = [...new Set(curves.flatMap((c) => c.epoch))].sort((a, b) => a - b);
  const ys = curves.map((c) => {
    const byEpoch = new Map<number, number | null>();
    const vals = pick(c);
    c.epoch.forEach((e, i) => byEpoch.set(e, vals[i] ?? null));
    return xs.map((e) => byEpoch.get(e) ?? null);
  });
  return { x: xs, ys };
}
