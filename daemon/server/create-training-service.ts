import type { ExperimentConfig } from '../config/experiment-config';
import type { TrainingService } from '../training/training-service';
import { LocalTrainingService } from '../training/local/local-training-service';
import { ConfigError } from '../errors';

/** Chooses the training service of an experiment from `trainingService.platform`. */
export function createTrainingService(config: ExperimentConfig, log: (line: string) => void): TrainingService {
  const ts = config.trainingService;
  switch (ts.platform) {
    case 'local':
      return new LocalTrainingService({ config: ts, log });
    case 'slurm':
      throw new ConfigError('/trainingService/platform', "the 'slurm' training service is not available in this version of nasctl; use platform: local");
  }
}
