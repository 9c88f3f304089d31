import { InvalidTransitionError } from '../errors';
import { isFinished, type TrialStatus } from './types';

/**
 * The trial state machine: which status a trial may move to from each non-finished status.
 * Finished states have no way out. RUNNING -> WAITING is deliberately absent: resuming an
 * experiment creates new trials (source "resume") instead of rewinding old ones.
 */
export const ALLOWED_TRANSITIONS: Readonly<Record<'WAITING' | 'RUNNING', readonly TrialStatus[]>> = {
  WAITING: ['RUNNING', 'USER_CANCELED', 'SYS_CANCELED'],
  RUNNING: ['SUCCEEDED', 'FAILED', 'USER_CANCELED', 'SYS_CANCELED', 'EARLY_STOPPED'],
};

/**
 * Checks a requested status change before any store touches a row. Called by every store's
 * transitionTrial. Pure: it does not know the trial's current status (the compare-and-set does).
 * Throws InvalidTransitionError when `from` is finished or `to` is not reachable from `from`.
 */
export function checkTransition(trialId: string, from: TrialStatus, to: TrialStatus): void {
  if (isFinished(from)) {
    throw new InvalidTransitionError(
      `trial ${trialId}: cannot change a finished trial (requested ${from} -> ${to}); ` +
      'finished trials never change, create a new trial (retry/resume) instead',
    );
  }
  const allowed = ALLOWED_TRANSITIONS[from as 'WAITING' | 'RUNNING'];
  if (!allowed.includes(to)) {
    throw new InvalidTransitionError(
      `trial ${trialId}: ${from} -> ${to} is not allowed; from ${from} a trial may go to ${allowed.join(', ')}`,
    );
  }
}

/**
 * The time recorded on the event of a transition: endedAt for a finished target, startedAt for
 * RUNNING, else `now`. Called by stores so that an event's time matches the trial's timestamps.
 */
export function transitionTime(to: TrialStatus, patch: { startedAt?: number; endedAt?: number }, now: number): number {
  if (isFinished(to) && patch.endedAt !== undefined) return patch.endedAt;
  if (to === 'RUNNING' && patch.startedAt !== undefined) return patch.startedAt;
  return now;
}
