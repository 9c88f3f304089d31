import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useCpuBackend } from '../nn/tf-cpu';
import { builtinSpaces, createSupernet, type SupernetOptions } from '../../../trial-runtime/supernets/registry';
import type { Supernet } from '../../../trial-runtime/supernets/supernet';
import { ConfigError } from '../../../daemon/errors';

before(useCpuBackend);

test('every built-in space can be created and describes its search space', () => {
  const names = builtinSpaces().map((s) => s.name);
  assert.deepEqual(names, ['spos', 'spos-cpu', 'nds-resnet', 'nds-resnexta', 'nb201', 'darts', 'nb201-close', 'darts-close', 'nds-resnet-close', 'nds-resnexta-close', 'cream', 'cream-cpu']);
  const keys = names.map((n) => Object.keys(createSupernet(n).searchSpace()).length);
  assert.deepEqual(keys, [20, 10, 6, 12, 6, 32, 6, 32, 6, 12, 20, 10]);
  assert.equal(createSupernet('spos-cpu').name, 'spos-cpu');
  assert.deepEqual(createSupernet('spos-cpu', { numClasses: 3 }).numClasses, 3);
});

test('unknown space names list the valid ones', () => {
  assert.throws(() => createSupernet('nope'), (e: unknown) => e instanceof ConfigError && e.path === '/space' && /nb201/.test(e.message) && /darts/.test(e.message));
});

test('the same seed gives the same initial weights in every built-in space (tiny sizes)', () => {
  const tiny: Record<string, SupernetOptions> = {
    spos: { inputSize: 16, widthMultiplier: 0.25, depthMultiplier: 0.25, numClasses: 3 },
    'spos-cpu': {},
    'nds-resnet': { depths: [1], widths: [4], stemWidth: 4, inputSize: 8 },
    'nds-resnexta': { depths: [1], widths: [8], botMuls: [0.5], numGroups: [2], stemWidth: 8, inputSize: 8 },
    nb201: { channels: 4, cellsPerStage: 1, inputSize: 8 },
    darts: { channels: 4, layers: 3, inputSize: 8 },
    'nb201-close': { channels: 4, cellsPerStage: 1, inputSize: 8, numCurriculums: 2, gate: { gcnDims: [8], mlpDims: [8] } },
    'darts-close': { channels: 4, layers: 3, inputSize: 8, numCurriculums: 2, gate: { gcnDims: [8], mlpDims: [8] } },
    'nds-resnet-close': { depths: [1, 2], widths: [4], stemWidth: 4, inputSize: 8 },
    'nds-resnexta-close': { depths: [1, 2], widths: [8], botMuls: [0.5], numGroups: [2], stemWidth: 8, inputSize: 8 },
    cream: { staNum: [1, 1, 1, 1, 1], inputSize: 32, numClasses: 3 },
    'cream-cpu': {},
  };
  for (const name of builtinSpaces().map((s) => s.name)) {
    const make = (run: string): Supernet => createSupernet(name, { ...tiny[name], seed: 5, scope: `test-seed-${name}-${run}` });
    const a = make('a');
    const b = make('b');
    a.build();
    b.build();
    const wb = b.root.namedWeights();
    for (const [key, v] of a.root.namedWeights()) {
      assert.deepEqual(Array.from(v.dataSync()), Array.from(wb.get(key)?.dataSync() ?? []), `${name}: weight ${key} differs between two nets with seed 5`);
    }
    a.dispose();
    b.dispose();
  }
});
