import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../../daemon/errors';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { estimatorRows, parseRowSpec, readScoresFile, renderEstimatorTable } from '../../../bench/ground-truth/estimator-table';
import { formatGroundTruthJson } from '../../../trial-runtime/ranking/ground-truth';
import type { GroundTruth } from '../../../trial-runtime/ranking/ground-truth';
import type { Rollouts } from '../../../trial-runtime/ranking/rollouts';

const GT: GroundTruth = { format: 'nasctl-ground-truth', version: 1, metric: 'acc', records: Array.from({ length: 20 }, (_, i) => ({ arch: `a${i}`, accuracy: 50 + i })) };
const ROLLOUTS: Rollouts = {
  header: { format: 'nasctl-rollouts', version: 1, evaluator: 'zeroshot:p', metric: 'good', higherIsBetter: true },
  records: Array.from({ length: 20 }, (_, i) => ({ arch: `a${i}`, checkpoint: null, score: i, metrics: { good: i, val_loss: i, flat: 3 } })),
};

test('parseRowSpec: NAME=FILE and NAME=FILE:METRIC; no = is an error', () => {
  assert.deepEqual(parseRowSpec('one-shot=r/x.jsonl'), { name: 'one-shot', rollouts: 'r/x.jsonl' });
  assert.deepEqual(parseRowSpec('synflow=r/z.jsonl:synflow'), { name: 'synflow', rollouts: 'r/z.jsonl', metric: 'synflow' });
  assert.throws(() => parseRowSpec('r/x.jsonl'), ConfigError);
});

test('estimatorRows + table: perfect order tau 1 and P@top-10% 1; a loss metric is negated (tau -1 here); constant scores undefined, never 0', () => {
  const good = estimatorRows({ name: 'good', rollouts: 'r' }, ROLLOUTS, GT)[0]!;
  assert.equal(good.stats.kendallTau.value, 1);
  const loss = estimatorRows({ name: 'loss', rollouts: 'r', metric: 'val_loss' }, ROLLOUTS, GT)[0]!;
  assert.equal(loss.stats.kendallTau.value, -1);
  const flat = estimatorRows({ name: 'flat', rollouts: 'r', metric: 'flat' }, ROLLOUTS, GT)[0]!;
  assert.equal(flat.stats.kendallTau.value, null);
  const table = renderEstimatorTable([good, loss, flat]);
  assert.match(table, /\| good \| 20 \| 1\.000 \| 1\.000 \| 1\.000 \| 1\.00 \| 1\.00 \| 0 \|/);
  assert.match(table, /\| loss \| 20 \| -1\.000 \|/);
  assert.match(table, /\| flat \| 20 \| undefined \| undefined \|/);
  assert.throws(() => estimatorRows({ name: 'typo', rollouts: 'r', metric: 'synflw' }, ROLLOUTS, GT), (e: unknown) => e instanceof ConfigError && /no metric 'synflw'/.test(e.message));
});

test('readScoresFile: a ground-truth JSON is read as scores (a retrained table against the original: the noise ceiling)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nasctl-gt-scores-'));
  try {
    const f = path.join(dir, 'seed1.json');
    fs.writeFileSync(f, formatGroundTruthJson({ ...GT, records: GT.records.slice(0, 5).map((r, i) => ({ arch: r.arch, accuracy: 60 - i })) }));
    const scores = readScoresFile(f);
    assert.equal(scores.header.evaluator, 'ground-truth');
    assert.equal(scores.records.length, 5);
    const row = estimatorRows({ name: 'seed 1', rollouts: f }, scores, GT)[0]!;
    assert.equal(row.stats.n, 5);
    assert.ok(Math.abs((row.stats.kendallTau.value ?? 0) + 1) < 1e-12);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
