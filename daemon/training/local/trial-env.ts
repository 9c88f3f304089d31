/** Builds the environment of a local trial process or reuse worker. */
import { TRIAL_ENV } from '../../../trial-runtime/protocol/messages';
import type { TrialJob } from '../training-service';

/** The channel's file descriptor in every local trial. */
export const CHANNEL_FD = 3;

/**
 * process env < config env < job env < NASCTL_* variables < CUDA_VISIBLE_DEVICES.
 * `gpuIndices` undefined with `gpuNumber` undefined leaves CUDA_VISIBLE_DEVICES as inherited;
 * gpuNumber 0 sets it to "". For a reuse worker (`reuse` true) the per-trial variables
 * (trial id, dir, sequence) are absent: they come with each `parameters` message. `base` is
 * the daemon's environment as `plainEnv` made it once per service; the result holds only strings,
 * so launchers pass it on (and send it to the spawner) without another copy.
 */
export function buildTrialEnv(
  job: TrialJob,
  configEnv: Record<string, string> | undefined,
  gpuIndices: readonly number[] | undefined,
  reuse: boolean,
  base: Readonly<Record<string, string>>,
): Record<string, string> {
  const env: Record<string, string> = { ...base, ...configEnv, ...job.env };
  env[TRIAL_ENV.experimentId] = job.experimentId;
  env[TRIAL_ENV.channelFd] = String(CHANNEL_FD);
  if (reuse) {
    env[TRIAL_ENV.reuse] = '1';
    delete env[TRIAL_ENV.trialId];
    delete env[TRIAL_ENV.trialDir];
    delete env[TRIAL_ENV.sequence];
  } else {
    delete env[TRIAL_ENV.reuse];
    env[TRIAL_ENV.trialId] = job.trialId;
    env[TRIAL_ENV.trialDir] = job.trialDir;
    env[TRIAL_ENV.sequence] = String(job.sequence);
  }
  delete env[TRIAL_ENV.channelDir];
  delete env['NASCTL_SPAWNER']; // the daemon's own setting (spawner on/off), nothing for trials
  if (gpuIndices !== undefined) env['CUDA_VISIBLE_DEVICES'] = gpuIndices.join(',');
  else if (job.gpuNumber === 0) env['CUDA_VISIBLE_DEVICES'] = '';
  return env;
}

/**
 * `env` without its undefined entries. Called once per service on process.env: enumerating
 * process.env itself is slow, so trials start from this copy.
 */
export function plainEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const result: Record<string, string> = {};
  for (const key in env) {
    const value = env[key];
    if (value !== undefined) result[key] = value;
  }
  return result;
}
