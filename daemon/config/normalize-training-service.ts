import { ConfigError } from '../errors';
import type { LocalTrainingServiceConfig, SlurmTrainingServiceConfig, TrainingServiceConfig } from './experiment-config';
import { resolveUserPath } from './resolve-user-path';

/** Defaults of the training service fields (also stated as `default` in the schema). */
export const TRAINING_SERVICE_DEFAULTS = { maxTrialNumberPerGpu: 1, reuseMode: false } as const;

/**
 * Normalizes `gpuIndices` given as a list, a comma string ("0,1") or one integer into a list.
 * Called after schema validation (which already checked the form). Pure.
 *
 * @throws ConfigError at `/trainingService/gpuIndices` when an index is listed twice.
 */
export function normalizeGpuIndices(value: number | string | number[]): number[] {
  const list = typeof value === 'number' ? [value] : typeof value === 'string' ? value.split(',').map((s) => Number(s.trim())) : [...value];
  const seen = new Set<number>();
  for (const gpu of list) {
    if (seen.has(gpu)) throw new ConfigError('/trainingService/gpuIndices', `GPU ${gpu} is listed twice in ${JSON.stringify(value)}; list each GPU once`);
    seen.add(gpu);
  }
  return list;
}

/**
 * Builds the normalized training service config from its schema-valid form: defaults filled,
 * gpuIndices as a list, the slurm sharedDirectory resolved against `baseDir`. Called by the loader.
 *
 * @throws ConfigError from {@link normalizeGpuIndices}.
 */
export function normalizeTrainingService(raw: Record<string, unknown>, baseDir: string): TrainingServiceConfig {
  if (raw.platform === 'local') {
    const local: LocalTrainingServiceConfig = {
      ...(raw as Omit<LocalTrainingServiceConfig, 'gpuIndices'>),
      platform: 'local',
      maxTrialNumberPerGpu: (raw.maxTrialNumberPerGpu as number | undefined) ?? TRAINING_SERVICE_DEFAULTS.maxTrialNumberPerGpu,
      reuseMode: (raw.reuseMode as boolean | undefined) ?? TRAINING_SERVICE_DEFAULTS.reuseMode,
    };
    if (raw.gpuIndices !== undefined) local.gpuIndices = normalizeGpuIndices(raw.gpuIndices as number | string | number[]);
    return local;
  }
  const slurm: SlurmTrainingServiceConfig = {
    ...(raw as Omit<SlurmTrainingServiceConfig, 'platform'>),
    platform: 'slurm',
    reuseMode: (raw.reuseMode as boolean | undefined) ?? TRAINING_SERVICE_DEFAULTS.reuseMode,
  };
  if (slurm.sharedDirectory !== undefined) slurm.sharedDirectory = resolveUserPath(slurm.sharedDirectory, baseDir);
  return slurm;
}
