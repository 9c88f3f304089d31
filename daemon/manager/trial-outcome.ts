import type { TrialExit } from '../training/training-service';
import type { TrialStatus } from '../store/types';

/** What the user or daemon asked for when it killed a trial ('assessor': an assessor said stop). */
export type KillIntent = 'user' | 'stop' | 'shutdown' | 'assessor';

/**
 * Maps how a trial process ended to its final state and a human-readable reason
 * (`assessorReason`: the assessor's words, used with intent 'assessor').
 * Pure; see test/daemon/manager/trial-outcome.test.ts.
 */
export function trialOutcome(
  exit: TrialExit, intent: KillIntent | undefined, hasFinalMetric: boolean, assessorReason?: string,
): { status: TrialStatus; reason?: string } {
  // An assessor's decision stands even when the trial exited by itself before the kill landed.
  if (intent === 'assessor') return { status: 'EARLY_STOPPED', reason: assessorReason ?? 'stopped by the assessor' };
  if (intent === 'user') return { status: 'USER_CANCELED', reason: 'killed by the user' };
  if (intent === 'stop') return { status: 'SYS_CANCELED', reason: 'interrupted: experiment stopped' };
  if (intent === 'shutdown') return { status: 'SYS_CANCELED', reason: 'interrupted: daemon shut down' };
  switch (exit.cause) {
    case 'timeout':
      return { status: 'EARLY_STOPPED', reason: 'maxTrialDuration reached' };
    case 'killed':
      return { status: 'USER_CANCELED', reason: 'killed' };
    case 'lost':
      return { status: 'FAILED', reason: withTail(`lost: ${exit.detail ?? 'the trial disappeared'}`, exit.stderrTail) };
    case 'exited':
      if (exit.exitCode === 0) {
        return hasFinalMetric
          ? { status: 'SUCCEEDED' }
          : { status: 'SUCCEEDED', reason: 'exited 0 without reporting a final metric' };
      }
      if (exit.signal) return { status: 'FAILED', reason: withTail(`killed by signal ${exit.signal}`, exit.stderrTail) };
      return { status: 'FAILED', reason: withTail(`exit code ${exit.exitCode ?? 'unknown'}${exit.detail ? ` (${exit.detail})` : ''}`, exit.stderrTail) };
  }
}

function withTail(head: string, tail: string | undefined): string {
  const t = tail?.trim();
  return t ? `${head}; stderr tail:\n${t}` : head;
}
