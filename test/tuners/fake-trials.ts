import type { Candidate, TrialView, Tuner } from '../../tuners/tuner';
import { createRng } from '../../tuners/rng';
import { canonicalKey } from '../../tuners/space/canonical-key';

/** Builds a TrialView for tests. */
export function fakeTrial(sequence: number, parameters: Candidate, status: TrialView['status'], finalMetric?: number): TrialView {
  return {
    id: `t${sequence}`,
    sequence,
    parameters,
    status,
    ...(finalMetric === undefined ? {} : { finalMetric, finalMetricDict: { default: finalMetric, flops: 1 } }),
    intermediate: finalMetric === undefined ? [] : [finalMetric / 2, finalMetric],
  };
}

/** A deterministic pseudo-metric in [0, 1) of a candidate (FNV hash of its canonical key). */
export function fakeMetric(c: Candidate): number {
  let h = 0x811c9dc5;
  for (const ch of canonicalKey(c)) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h / 0x100000000;
}

/** Number of keys whose values differ between two candidates of the same space. */
export function hamming(a: Candidate, b: Candidate): number {
  return Object.keys(a).filter((k) => canonicalKey({ v: a[k] }) !== canonicalKey({ v: b[k] })).length;
}

/** How {@link driveTuner} plays the daemon. */
export interface DriveOptions {
  seed: number;
  rounds: number;
  count: number;
  /** Every trial whose sequence is a multiple of this FAILS (0 = none fail). */
  failEvery?: number;
  /** How many of the newest trials stay RUNNING after each round. */
  leaveRunning?: number;
  /** Metric of a candidate (default {@link fakeMetric}). */
  metric?: (c: Candidate) => number;
}

/**
 * Plays the daemon: each round asks for `count` proposals with the RNG derived from the seed and
 * the history length (as the daemon does), records them RUNNING, then finishes all but the newest
 * `leaveRunning` (SUCCEEDED with the metric, or FAILED) and tells the tuner. Returns the history
 * and the proposals of each round.
 */
export function driveTuner(tuner: Tuner, o: DriveOptions): { history: TrialView[]; rounds: Candidate[][] } {
  const history: TrialView[] = [];
  const rounds: Candidate[][] = [];
  const metric = o.metric ?? fakeMetric;
  for (let r = 0; r < o.rounds; r++) {
    const props = tuner.propose({ count: o.count, history: [...history], rng: createRng(o.seed, history.length) });
    rounds.push(props);
    for (const p of props) history.push(fakeTrial(history.length, p, 'RUNNING'));
    const stop = history.length - (o.leaveRunning ?? 0);
    for (let i = 0; i < stop; i++) {
      const t = history[i] as TrialView;
      if (t.status !== 'RUNNING') continue;
      const failed = (o.failEvery ?? 0) > 0 && t.sequence % (o.failEvery as number) === 0;
      const done = failed ? fakeTrial(t.sequence, t.parameters, 'FAILED') : fakeTrial(t.sequence, t.parameters, 'SUCCEEDED', metric(t.parameters));
      history[i] = done;
      tuner.trialEnded?.(done);
    }
  }
  return { history, rounds };
}
