import type { ExperimentConfig } from '../config/experiment-config';
import type { TrainingService } from '../training/training-service';
import { LocalTrainingService } from '../training/local/local-training-service';
import { SlurmTrainingService } from '../training/slurm/slurm-training-service';

/**
 * Chooses the training service of an experiment from `trainingService.platform`.
 * NASCTL_NVIDIA_SMI names another nvidia-smi (a wrapper, or a stand-in in tests).
 */
export function createTrainingService(config: ExperimentConfig, log: (line: string) => void): TrainingService {
  const ts = config.trainingService;
  switch (ts.platform) {
    case 'local':
      return new LocalTrainingService({ config: ts, log, ...(process.env['NASCTL_NVIDIA_SMI'] ? { nvidiaSmiPath: process.env['NASCTL_NVIDIA_SMI'] } : {}) });
    case 'slurm':
      return new SlurmTrainingService({ config: ts, log, usePolling: ts.usePolling ?? false });
  }
}
