/**
 * Encodes a protocol message as one line: compact JSON followed by "\n". The only framing the
 * protocol has, shared by the daemon and the trial SDK.
 */
import type { DaemonToTrial, TrialToDaemon } from './messages';

/**
 * Returns `JSON.stringify(message) + "\n"`. JSON never contains a raw newline, so the result is
 * exactly one line. Assumes metric values are finite (JSON has no NaN/Infinity; the SDKs check).
 */
export function encodeMessage(message: TrialToDaemon | DaemonToTrial): string {
  return JSON.stringify(message) + '\n';
}
