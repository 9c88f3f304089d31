import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as os from 'node:os';
import { validateConfig } from '../../../daemon/config/load-config';
import { createTrainingService } from '../../../daemon/server/create-training-service';
import { SlurmTrainingService } from '../../../daemon/training/slurm/slurm-training-service';
import { builtinTuners } from '../../../tuners/registry';
import { ConfigError } from '../../../daemon/errors';

const base = { trialCommand: 'true', trialConcurrency: 1, searchSpace: { x: { _type: 'choice', _value: [1] } }, tuner: { name: 'Random' } };
const slurmConfig = (extra: Record<string, unknown>) =>
  validateConfig({ ...base, trainingService: { platform: 'slurm', sharedDirectory: os.tmpdir(), ...extra } }, os.tmpdir(), { tuners: builtinTuners() }).config;

/** The service's watch mode (a private field: what its trial channels are created with). */
const pollingOf = (svc: unknown): boolean => (svc as { usePolling: boolean }).usePolling;

test('trainingService.usePolling reaches the Slurm service (NFS-like shared directories), off by default', () => {
  const on = createTrainingService(slurmConfig({ usePolling: true }), () => {});
  assert.ok(on instanceof SlurmTrainingService);
  assert.equal(pollingOf(on), true);
  assert.equal(pollingOf(createTrainingService(slurmConfig({}), () => {})), false);
});

test('a non-boolean usePolling is a config error at its path', () => {
  assert.throws(() => slurmConfig({ usePolling: 'yes' }), (e: unknown) => e instanceof ConfigError && e.path === '/trainingService/usePolling');
});
