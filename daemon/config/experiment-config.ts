import type { SearchSpace, CostModel } from '../../tuners/search-space';

/**
 * A validated, normalized experiment config (NNI v2 field names). Produced by the config loader
 * from YAML (v2, or v1 converted) or from a REST body; relative paths are already absolute.
 */
export interface ExperimentConfig {
  experimentName?: string;
  /** Absolute path of the search space file, when the space came from a file. */
  searchSpaceFile?: string;
  /** The search space itself (read from searchSpaceFile, or given inline). */
  searchSpace: SearchSpace;
  /** Cost model from an `ss_gen` file, when present. */
  searchSpaceCost?: CostModel;
  trialCommand: string;
  /** Absolute directory the trial command runs in. */
  trialCodeDirectory: string;
  trialConcurrency: number;
  /** 0 = CPU only (CUDA_VISIBLE_DEVICES=""); absent = scheduled as CPU-only but sees all GPUs. */
  trialGpuNumber?: number;
  /** Duration string, e.g. "10m", "2h", "1d". */
  maxExperimentDuration?: string;
  maxTrialNumber?: number;
  maxTrialDuration?: string;
  /** How many times a FAILED trial is re-run with the same parameters (default 0). */
  maxRetries: number;
  tuner: AlgorithmConfig;
  assessor?: AlgorithmConfig;
  trainingService: TrainingServiceConfig;
  /** Absolute; default NASCTL_HOME. */
  experimentWorkingDirectory?: string;
  /** Absolute folder of supernet checkpoints the daemon watches (default: trialCommand's --checkpoint-dir; see daemon/watch). */
  checkpointDirectory?: string;
  logLevel: 'trace' | 'debug' | 'info' | 'warning' | 'error' | 'fatal';
  /** Seed of the tuner's RNG (default 0): same seed and history -> same proposals. */
  seed: number;
}

export interface AlgorithmConfig {
  /** Matched case-insensitively against registered tuners/assessors. */
  name: string;
  classArgs?: Record<string, unknown>;
}

export type TrainingServiceConfig = LocalTrainingServiceConfig | SlurmTrainingServiceConfig;

export interface LocalTrainingServiceConfig {
  platform: 'local';
  useActiveGpu?: boolean;
  maxTrialNumberPerGpu: number;
  gpuIndices?: number[];
  reuseMode: boolean;
  /** Extra environment variables for trials (e.g. LD_LIBRARY_PATH for CUDA 11 libraries). */
  env?: Record<string, string>;
}

export interface SlurmTrainingServiceConfig {
  platform: 'slurm';
  partition?: string;
  account?: string;
  qos?: string;
  time?: string;
  gpusPerTrial?: number;
  cpusPerTrial?: number;
  memPerTrial?: string;
  sbatchArgs?: string[];
  sharedDirectory?: string;
  reuseMode: boolean;
  /** Watch channel files by polling (NFS-like shared directories). */
  usePolling?: boolean;
  env?: Record<string, string>;
}

/** Budget fields a running experiment accepts changes to (`nasctl update`, PATCH). */
export interface BudgetUpdate {
  trialConcurrency?: number;
  maxTrialNumber?: number;
  maxExperimentDuration?: string;
}
