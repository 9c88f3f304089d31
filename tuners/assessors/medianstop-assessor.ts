import type { OptimizeMode, TrialView } from '../tuner';
import type { Assessment, Assessor, AssessorCreateArgs, AssessorFactory } from '../assessor';
import { CONTINUE } from '../assessor';
import { readEnum, readNumber, rejectUnknownArgs } from '../class-args';
import { readAssessorArgs } from './assessor-args-error';

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
  /** Running averages of completed trials, by trial id (finished trials never change). */
  private readonly averages = new Map<string, number[]>();

  constructor(private readonly s: MedianstopSettings) {}

  /** See {@link Assessor.assess}. Never throws. */
  assess(trial: TrialView, history: readonly TrialView[]): Assessment {
    const t = trial.intermediate.length;
    if (t === 0 || t < this.s.startStep) return CONTINUE;
    const maximize = this.s.optimizeMode === 'maximize';
    const best = trial.intermediate.reduce((a, b) => (maximize ? Math.max(a, b) : Math.min(a, b)));
    const atStep: number[] = [];
    for (const other of history) {
      if (other.status !== 'SUCCEEDED' || other.id === trial.id || other.intermediate.length < t) continue;
      const avg = this.runningAverages(other)[t - 1];
      if (avg !== undefined && Number.isFinite(avg)) atStep.push(avg);
    }
    if (atStep.length === 0) return CONTINUE;
    atStep.sort((a, b) => a - b);
    const n = atStep.length;
    const median = atStep[maximize ? Math.floor((n - 1) / 2) : Math.floor(n / 2)] as number;
    const worse = maximize ? best < median : best > median;
    if (!worse) return CONTINUE;
    return {
      decision: 'stop',
      reason: `Medianstop: best intermediate result ${fmt(best)} after ${t} step(s) is ${maximize ? 'below' : 'above'} the median ${fmt(median)} of the running averages of ${n} completed trial(s) at step ${t}`,
    };
  }

  private runningAverages(trial: TrialView): number[] {
    const cached = this.averages.get(trial.id);
    if (cached !== undefined && cached.length === trial.intermediate.length) return cached;
    const out: number[] = [];
    let sum = 0;
    trial.intermediate.forEach((v, i) => {
      sum += v;
      out.push(sum / (i + 1));
    });
    this.averages.set(trial.id, out);
    return out;
  }
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(4);
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
