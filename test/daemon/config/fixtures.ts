import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LoadConfigOptions } from '../../../daemon/config/load-config';

/** Fake tuner registry: names and classArgs schemas shaped like the real tuners'. */
export const FAKE_OPTIONS: LoadConfigOptions = {
  tuners: [
    {
      name: 'Random',
      classArgsSchema: {
        type: 'object',
        additionalProperties: false,
        properties: { optimize_mode: { enum: ['maximize', 'minimize'], default: 'maximize' } },
      },
    },
    {
      name: 'Evolution',
      classArgsSchema: {
        type: 'object',
        additionalProperties: false,
        properties: {
          optimize_mode: { enum: ['maximize', 'minimize'], default: 'maximize' },
          populationSize: { type: 'integer', minimum: 2, default: 50 },
          flopsLimit: { type: 'number', exclusiveMinimum: 0 },
        },
      },
    },
  ],
};

/** A small valid v2 config object (inline search space), fresh on every call. */
export function baseConfig(): Record<string, unknown> {
  return {
    experimentName: 'test',
    searchSpace: { lr: { _type: 'choice', _value: [0.1, 0.01] } },
    trialCommand: 'node trial.js',
    trialConcurrency: 2,
    tuner: { name: 'Random' },
    trainingService: { platform: 'local' },
  };
}

/** Creates a temp dir, returns it with a cleanup function. */
export function makeTempDir(): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nasctl-config-'));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
