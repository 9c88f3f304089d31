import type { OptimizeMode, TrialView } from '../tuner';
import type { Assessment, Assessor, AssessorCreateArgs, AssessorFactory } from '../assessor';
import { CONTINUE } from '../assessor';
import { readEnum, readNumber, rejectUnknownArgs } from '../class-args';
import { AssessorArgsError, readAssessorArgs } from './assessor-args-error';
import { predictFinal } from './curves/predict-final';
import { CompletedTrialsFeed } from '../completed-trials-feed';
import { reasonNumber } from './reason-number';

const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['epoch_num'],
  properties: {
    epoch_num: { type: 'integer', minimum: 1, maximum: 9999, description: 'Number of intermediate results a full trial reports; the curve is extrapolated to this step.' },
    start_step: { type: 'integer', minimum: 0, maximum: 9999, default: 6, description: 'Judge a trial only once it reported at least this many intermediate results.' },
    threshold: { type: 'number', exclusiveMinimum: 0, maximum: 9999, default: 0.95, description: 'Stop when the predicted final is worse than threshold × the best final metric so far (divided by it when minimizing).' },
    gap: { type: 'integer', minimum: 1, maximum: 9999, default: 1, description: 'Judge at steps start_step, start_step + gap, start_step + 2·gap, ...' },
    optimize_mode: { enum: ['maximize', 'minimize'], default: 'maximize', description: 'Whether higher or lower results are better (NNI\'s Curvefitting only maximizes).' },
  },
} as const;

/** Settings of {@link CurvefittingAssessor} after defaults. */
export interface CurvefittingSettings {
  epochNum: number;
  startStep: number;
  threshold: number;
  gap: number;
  optimizeMode: OptimizeMode;
}

/**
 * Learning-curve early stopping after NNI's Curvefitting: at steps t = start_step, start_step +
 * gap, ... (t < epoch_num) the trial's intermediate results 1..t are fitted with an ensemble of
 * parametric curves (see predictFinal: pow3, exp3, log_linear, ilog2, least squares, Akaike
 * weights) and extrapolated to step epoch_num. The trial is stopped when that prediction is worse
 * than threshold × the best final metric of the SUCCEEDED trials so far (their final `default`,
 * or their last intermediate result when they reported no final one); when maximizing "worse"
 * is prediction < threshold·best, when minimizing prediction > best / threshold (the curves are
 * fitted to the negated results). Assumes positive metrics (accuracy, loss) for the ratio to mean
 * what it says. With no succeeded trial or no usable fit (a curve family needs at least its
 * parameter count + 2 results: 4 or 5), the trial continues.
 *
 * Deviations from NNI: no MCMC (deterministic least squares instead), the best performance is
 * taken from the succeeded trials themselves (NNI records the last assessed trial's last value,
 * whichever trial ended), and optimize_mode is honoured.
 */
export class CurvefittingAssessor implements Assessor {
  /** Best final metric (sign as measured, best by optimize_mode) of the SUCCEEDED trials fed so far. */
  private best: number | undefined;
  private readonly feed = new CompletedTrialsFeed();

  constructor(private readonly s: CurvefittingSettings) {}

  /** See {@link Assessor.assess}. Never throws. */
  assess(trial: TrialView, history: readonly TrialView[]): Assessment {
    const t = trial.intermediate.length;
    if (t < this.s.startStep || t >= this.s.epochNum || (t - this.s.startStep) % this.s.gap !== 0) return CONTINUE;
    const maximize = this.s.optimizeMode === 'maximize';
    const best = this.bestFinal(history);
    if (best === undefined) return CONTINUE;
    const ys = maximize ? trial.intermediate : trial.intermediate.map((v) => -v);
    if (ys.some((v) => !Number.isFinite(v))) return CONTINUE;
    const fit = predictFinal(ys, this.s.epochNum);
    if (fit === undefined) return CONTINUE;
    const predicted = maximize ? fit.value : -fit.value;
    const bar = maximize ? best * this.s.threshold : best / this.s.threshold;
    const worse = maximize ? predicted < bar : predicted > bar;
    if (!worse) return CONTINUE;
    return {
      decision: 'stop',
      reason: `Curvefitting: after ${t} step(s) the learning curve predicts ${reasonNumber(predicted)} at step ${this.s.epochNum}, ${maximize ? 'below' : 'above'} ${reasonNumber(bar)} (threshold ${this.s.threshold} ${maximize ? '×' : '÷'} best final ${reasonNumber(best)})`,
    };
  }

  /**
   * The best final metric of the SUCCEEDED trials of `history` (the judged trial is RUNNING, so
   * never among them). Completed trials never change, so each is looked at once
   * (CompletedTrialsFeed) instead of a pass over the whole history per judgement.
   */
  private bestFinal(history: readonly TrialView[]): number | undefined {
    const maximize = this.s.optimizeMode === 'maximize';
    this.feed.sync(
      history,
      (other) => {
        if (other.status !== 'SUCCEEDED') return;
        const v = other.finalMetric ?? other.intermediate[other.intermediate.length - 1];
        if (v === undefined || !Number.isFinite(v)) return;
        if (this.best === undefined || (maximize ? v > this.best : v < this.best)) this.best = v;
      },
      () => (this.best = undefined),
    );
    return this.best;
  }
}

/** Factory of {@link CurvefittingAssessor} ("Curvefitting"); create throws AssessorArgsError on bad classArgs. */
export const curvefittingAssessorFactory: AssessorFactory = {
  name: 'Curvefitting',
  classArgsSchema: SCHEMA,
  create({ classArgs }: AssessorCreateArgs): Assessor {
    const s = readAssessorArgs((): CurvefittingSettings => {
      rejectUnknownArgs(classArgs, SCHEMA);
      if (classArgs.epoch_num === undefined) throw new AssessorArgsError('/epoch_num', 'is required: the number of intermediate results a full trial reports');
      return {
        epochNum: readNumber(classArgs, 'epoch_num', 0, { min: 1, max: 9999, integer: true }),
        startStep: readNumber(classArgs, 'start_step', 6, { min: 0, max: 9999, integer: true }),
        threshold: readNumber(classArgs, 'threshold', 0.95, { min: Number.MIN_VALUE, max: 9999 }),
        gap: readNumber(classArgs, 'gap', 1, { min: 1, max: 9999, integer: true }),
        optimizeMode: readEnum(classArgs, 'optimize_mode', ['maximize', 'minimize'] as const, 'maximize'),
      };
    });
    if (s.startStep >= s.epochNum) {
      throw new AssessorArgsError('/start_step', `(${s.startStep}) must be below epoch_num (${s.epochNum}), else no trial is ever judged`);
    }
    return new CurvefittingAssessor(s);
  },
};
