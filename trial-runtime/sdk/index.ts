/**
 * Convenience functions over one lazily created `TrialSdk` for this process (created on the
 * first call, not on import). Typical trial:
 *
 *   const params = await getNextParameters({ lr: 0.1 });
 *   for (...) reportIntermediate(acc);
 *   reportFinal(acc);
 *   await flush(); // only needed before process.exit()
 *
 * Reuse-mode workers loop: `while ((p = await getNextParameters()) !== null) { ... }` — the same
 * loop runs once standalone and in spawn mode.
 */
import { TrialSdk } from './trial-sdk';
import type { MetricValue, TrialParameters } from '../protocol/messages';

export { TrialSdk, STANDALONE_ID } from './trial-sdk';
export type { TrialSdkOptions, TrialChannel } from './trial-sdk';
export { FileChannel } from './file-channel';
export { FdChannel, ChannelError } from './fd-channel';

let processSdk: TrialSdk | undefined;

/** The process-wide SDK behind the functions below; created from `process.env` on first use. */
export function getSdk(): TrialSdk {
  if (processSdk === undefined) processSdk = new TrialSdk();
  return processSdk;
}

/** See `TrialSdk.getNextParameters`. */
export function getNextParameters(defaults?: TrialParameters): Promise<TrialParameters | null> {
  return getSdk().getNextParameters(defaults);
}

/** See `TrialSdk.reportIntermediate`. */
export function reportIntermediate(value: MetricValue): void {
  getSdk().reportIntermediate(value);
}

/** See `TrialSdk.reportFinal`. */
export function reportFinal(value: MetricValue): void {
  getSdk().reportFinal(value);
}

/** See `TrialSdk.flush`: await before `process.exit()` so the last report arrives. */
export function flush(): Promise<void> {
  return getSdk().flush();
}

/** See `TrialSdk.getTrialId`. */
export function getTrialId(): string {
  return getSdk().getTrialId();
}

/** See `TrialSdk.getTrialDir`: the current trial's folder, created on first use. */
export function getTrialDir(): string {
  return getSdk().getTrialDir();
}

/** See `TrialSdk.getExperimentId`. */
export function getExperimentId(): string {
  return getSdk().getExperimentId();
}

/** See `TrialSdk.isUnderNasctl`. */
export function isUnderNasctl(): boolean {
  return getSdk().isUnderNasctl();
}
