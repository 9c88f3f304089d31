import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '../../../daemon/errors';
import { groupByCheckpoint, parseRollouts, readRolloutsFile, RolloutsWriter } from '../../../trial-runtime/ranking/rollouts';

test('writer and reader round-trip, NaN as null, grouped by checkpoint', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nasctl-rollouts-'));
  try {
    const file = path.join(dir, 'r.jsonl');
    const w = new RolloutsWriter(file, { space: 'nb201', evaluator: 'oneshot', metric: 'accuracy', higherIsBetter: true });
    w.append({ arch: 'a', checkpoint: 'epoch-10', score: 0.5, metrics: { loss: 1.2, accuracy: 0.5 } });
    w.append({ arch: 'b', checkpoint: 'epoch-10', score: NaN, metrics: { loss: NaN } });
    w.append({ arch: 'a', checkpoint: 'epoch-20', score: 0.6, metrics: { loss: 1.0 } });
    w.close();
    w.close();
    assert.throws(() => w.append({ arch: 'c', checkpoint: null, score: 1, metrics: {} }), /after close/);
    const r = readRolloutsFile(file);
    assert.equal(r.header.evaluator, 'oneshot');
    assert.equal(r.records.length, 3);
    assert.ok(Number.isNaN(r.records[1]?.score) && Number.isNaN(r.records[1]?.metrics.loss));
    const groups = groupByCheckpoint(r.records);
    assert.deepEqual(
      groups.map((g) => [g.checkpoint, g.scores.length]),
      [
        ['epoch-10', 2],
        ['epoch-20', 1],
      ],
    );
    assert.deepEqual(groupByCheckpoint(r.records, 'loss')[1]?.scores, [{ arch: 'a', score: 1.0 }]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('bad rollouts name the line and what is wrong', () => {
  const head = '{"format":"nasctl-rollouts","version":1,"evaluator":"oneshot","metric":"accuracy","higherIsBetter":true}';
  assert.throws(() => parseRollouts('{"arch":"a"}\n', 'r'), (e: unknown) => e instanceof ConfigError && e.path === '/header');
  assert.throws(() => parseRollouts(`${head}\n{"arch":1,"checkpoint":null,"score":1}\n`, 'r'), (e: unknown) => e instanceof ConfigError && e.path === '/lines/1/arch');
  assert.throws(() => parseRollouts(`${head}\nnot json\n`, 'r'), /line 2 is not JSON/);
  assert.throws(() => parseRollouts(`${head}\n{"arch":"a","checkpoint":null,"score":"high"}\n`, 'r'), /"score" must be a number or null/);
  assert.equal(parseRollouts(`${head}\n\n`, 'r').records.length, 0);
});
