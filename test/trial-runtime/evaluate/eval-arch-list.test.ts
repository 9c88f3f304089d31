import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useCpuBackend } from '../nn/tf-cpu';
import { ConfigError } from '../../../daemon/errors';
import type { ImageDataset } from '../../../trial-runtime/data/dataset';
import { createSupernet } from '../../../trial-runtime/supernets/registry';
import { saveCheckpoint } from '../../../trial-runtime/train/checkpoint';
import { evaluateArchList, readArchList } from '../../../trial-runtime/evaluate/eval-arch-list';
import { readRolloutsFile } from '../../../trial-runtime/ranking/rollouts';
import { TINY_SHAPE, TINY_SPOS, tempDir, tinySplit } from '../train/tiny-fixtures';

before(useCpuBackend);

const DS: ImageDataset = { name: 'tiny', numClasses: 4, shape: TINY_SHAPE, train: tinySplit(32, 1), val: tinySplit(16, 2) };

test('eval-arch list: every architecture with two checkpoints, one rollout line each', async () => {
  const { dir, cleanup } = tempDir('nasctl-evallist-');
  try {
    const ckpts = [1, 2].map((seed) => {
      const net = createSupernet('spos-cpu', { ...TINY_SPOS, seed, scope: `evallist-${seed}` });
      net.build();
      const d = saveCheckpoint(path.join(dir, `s${seed}`), { space: 'spos-cpu', supernetOptions: { ...TINY_SPOS }, epoch: seed, step: 0, metrics: {}, backend: 'cpu', rng: { seed, scheme: 'per-step' }, lrSchedule: null, extra: {} }, net.root.namedWeights());
      net.dispose();
      return d;
    });
    const list = path.join(dir, 'archs.yml');
    fs.writeFileSync(list, '- [0, 1, 2]\n- [3, 3, 3]\n- {LayerChoice1: "1", LayerChoice2: "1", LayerChoice3: "0"}\n');
    const archs = readArchList(list);
    assert.equal(archs.length, 3);
    const out = path.join(dir, 'rollouts.jsonl');
    const recs = await evaluateArchList(archs, ckpts, { recalBatches: 2, recalBatchSize: 8, valBatchSize: 8 }, out, { loaded: DS });
    assert.equal(recs.length, 6);
    const { header, records } = readRolloutsFile(out);
    assert.equal(header.metric, 'accuracy');
    assert.equal(header.space, 'spos-cpu');
    assert.deepEqual(records.map((r) => `${r.metrics['epoch']}:${r.metrics['index']}`), ['1:0', '1:1', '1:2', '2:0', '2:1', '2:2']);
    assert.equal(records[2]?.arch, '[1,1,0]');
    for (const r of records) assert.ok(r.score >= 0 && r.score <= 1 && r.score === r.metrics['accuracy']);
    fs.writeFileSync(list, '- [0, 1, 2]\n- [0, 1, 7]\n');
    await assert.rejects(evaluateArchList(readArchList(list), ckpts, { recalBatches: 1, recalBatchSize: 8, valBatchSize: 8 }, out, { loaded: DS }), (e: unknown) => e instanceof ConfigError && /archs\[1\]\/LayerChoice3/.test(e.message));
    fs.writeFileSync(list, 'a: 1\n');
    assert.throws(() => readArchList(list), /must hold a list/);
  } finally {
    cleanup();
  }
});
