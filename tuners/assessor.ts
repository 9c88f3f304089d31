import type { TrialView } from './tuner';

/** What an assessor decided about one running trial. */
export type Assessment =
  | { readonly decision: 'continue' }
  /** `reason` is recorded in the trial's status history (EARLY_STOPPED), so it says why in words. */
  | { readonly decision: 'stop'; readonly reason: string };

/**
 * An early-stopping algorithm (NNI's assessor). Pure like a tuner: no I/O, no clock, no
 * Math.random(); every decision is a function of the trial and the history, so the daemon can
 * recreate it on resume. An implementation may memoise what it derives from finished trials
 * (finished trials never change).
 */
export interface Assessor {
  /**
   * Called by the daemon after each intermediate metric of a RUNNING trial is recorded, with
   * `trial.intermediate` holding every intermediate `default` value so far (at least one).
   * `history` is every trial of the experiment in sequence order, `trial` included. Returning
   * `stop` makes the daemon kill the trial and end it EARLY_STOPPED with the reason; it is not
   * asked again about that trial. Throws only on a bug; the daemon then logs the error and
   * disables the assessor for the rest of the run (trials keep running to their end).
   */
  assess(trial: TrialView, history: readonly TrialView[]): Assessment;
}

/** What an assessor is created from (the config's `assessor.classArgs`, defaults filled). */
export interface AssessorCreateArgs {
  classArgs: Record<string, unknown>;
}

/** Creates assessors of one kind; listed by `builtinAssessors()` and matched by name from the config. */
export interface AssessorFactory {
  /** Canonical name, matched case-insensitively from the config's `assessor.name`. */
  readonly name: string;
  /** JSON Schema of classArgs (validated by the config loader, defaults filled there). */
  readonly classArgsSchema: object;
  /** Throws TunerArgsError (path inside classArgs) on bad classArgs. */
  create(args: AssessorCreateArgs): Assessor;
}

/** The `continue` assessment (one shared frozen object). */
export const CONTINUE: Assessment = Object.freeze({ decision: 'continue' });
