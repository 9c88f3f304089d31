import type { Assessor } from '../../tuners/assessor';
import type { TrialView } from '../../tuners/tuner';

/**
 * The runner's guard around an experiment's assessor: asks it about a running trial and turns
 * its answer into a stop reason. An assessor that throws is a bug in it, not in the trial or the
 * experiment: the gate reports the error once, disables the assessor for the rest of this run (a
 * resume re-enables it) and lets every trial run to its end, which loses no result.
 */
export class AssessorGate {
  private disabledBecause: string | undefined;

  constructor(
    private readonly assessor: Assessor,
    private readonly name: string,
    /** Told once, when the assessor throws: the trial it was judging and the message to log. */
    private readonly onFailure: (trialId: string, message: string) => void,
  ) {}

  /** Why the assessor is disabled, or undefined while it works. */
  get disabledReason(): string | undefined {
    return this.disabledBecause;
  }

  /**
   * Called by the runner after an intermediate metric of a RUNNING trial was recorded. Returns
   * the reason to stop the trial, or undefined to let it continue. Never throws.
   */
  check(trial: TrialView, history: readonly TrialView[]): string | undefined {
    if (this.disabledBecause !== undefined) return undefined;
    try {
      const a = this.assessor.assess(trial, history);
      return a.decision === 'stop' ? a.reason : undefined;
    } catch (e) {
      this.disabledBecause = `assessor '${this.name}' failed on trial ${trial.id} and is disabled until the experiment is resumed: ${e instanceof Error ? e.message : String(e)}`;
      this.onFailure(trial.id, this.disabledBecause);
      return undefined;
    }
  }
}
