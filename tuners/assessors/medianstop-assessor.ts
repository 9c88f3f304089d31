import type { OptimizeMode, TrialView } from '../tuner';
import type { Assessment, Assessor, AssessorCreateArgs, AssessorFactory } from '../assessor';
import { CONTINUE } from '../assessor';
import { readEnum, readNumber, rejectUnknownArgs } from '../class-args';
import { readAssessorArgs } from './assessor-args-error';
import { CompletedTrialsFeed } from '../completed-trials-feed';
import { reasonNumber } from './reason-number';

const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    optimize_mode: { enum: ['maximize', 'minimize'], default: 'maximize', description: 'Whether higher or lower intermediate results are better.' },
    start_step: { type: 'integer', minimum: 0, maximum: 9999, default: 0, description: 'Judge a trial only once it reported at least this many intermediate results.' },
  },
} as const;

/** Settings of {@link MedianstopAssessor} after defaults. */
export interface MedianstopSettings {
  optimizeMode: OptimizeMode;
  startStep: number;
}

/**
 * The median stopping rule (Google Vizier; NNI's Medianstop): a running trial at step t (t
 * intermediate results so far, t >= start_step) is stopped when its best intermediate result so
 * far is strictly worse than the median, over the completed trials that reported at least t
 * intermediate results, of their running average of the first t results. "Completed" means
 * SUCCEEDED (as NNI, which counts only trials that ended successfully); with no such trial the
 * trial continues. The median of an even count is NNI's: the lower middle value when maximizing,
 * the upper middle one when minimizing (the lenient side in both cases).
 */
export class MedianstopAssessor implements Assessor {
  /**
   * Per step s (0-based), the running averages at step s of every completed trial seen so far,
   * sorted ascending (only finite ones). A completed trial never changes, so it is added once and
   * assess costs O(log m) plus a look at the trials that ended since the last call, not a pass
   * over all completed trials per intermediate metric.
   */
  private readonly averagesAt: number[][] = [];
  /** Feeds each completed trial to `add` once. */
  private readonly feed = new CompletedTrialsFeed();

  constructor(private readonly s: MedianstopSettings) {}

  /** See {@link Assessor.assess}; `trial` is RUNNING, as the interface says. Never throws. */
  assess(trial: TrialView, history: readonly TrialView[]): Assessment {
    const t = trial.intermediate.length;
    if (t === 0 || t < this.s.startStep) return CONTINUE;
    this.sync(history);
    const maximize = this.s.optimizeMode === 'maximize';
    const best = trial.intermediate.reduce((a, b) => (maximize ? Math.max(a, b) : Math.min(a, b)));
    const atStep = this.averagesAt[t - 1];
    if (atStep === undefined || atStep.length === 0) return CONTINUE;
    const n = atStep.length;
    const median = atStep[maximize ? Math.floor((n - 1) / 2) : Math.floor(n / 2)] as number;
    const worse = maximize ? best < median : best > median;
    if (!worse) return CONTINUE;
    return {
      decision: 'stop',
      reason: `Medianstop: best intermediate result ${reasonNumber(best)} after ${t} step(s) is ${maximize ? 'below' : 'above'} the median ${reasonNumber(median)} of the running averages of ${n} completed trial(s) at step ${t}`,
    };
  }

  /** Adds the completed trials of `history` not added yet (see CompletedTrialsFeed). */
  private sync(history: readonly TrialView[]): void {
    this.feed.sync(history, (trial) => this.add(trial), () => (this.averagesAt.length = 0));
  }

  /** Inserts the running averages of a SUCCEEDED trial (once per trial) into `averagesAt`. */
  private add(trial: TrialView): void {
    if (trial.status !== 'SUCCEEDED') return;
    let sum = 0;
    trial.intermediate.forEach((v, i) => {
      sum += v;
      const avg = sum / (i + 1);
      if (!Number.isFinite(avg)) return;
      const sorted = (this.averagesAt[i] ??= []);
      sorted.splice(upperBound(sorted, avg), 0, avg);
    });
  }
}

/** The first index of the ascending array `sorted` whose value is above `v`. */
function upperBound(sorted: readonly number[], v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Factory of {@link MedianstopAssessor} ("Medianstop"); create throws AssessorArgsError on bad classArgs. */
export const medianstopAssessorFactory: AssessorFactory = {
  name: 'Medianstop',
  classArgsSchema: SCHEMA,
  create({ classArgs }: AssessorCreateArgs): Assessor {
    return new MedianstopAssessor(readAssessorArgs(() => {
      rejectUnknownArgs(classArgs, SCHEMA);
      return {
        optimizeMode: readEnum(classArgs, 'optimize_mode', ['maximize', 'minimize'] as const, 'maximize'),
        startStep: readNumber(classArgs, 'start_step', 0, { min: 0, integer: true }),
      };
    }));
  },
};
