import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '../../../daemon/errors';
import { loadConfigFile } from '../../../daemon/config/load-config';
import { builtinTuners } from '../../../tuners/registry';
import { buildGroundTruth, collectRecords, trialOptionsOf, type ExportedTrial } from '../../../bench/ground-truth/collect-ground-truth';
import { archAt } from '../../../bench/ground-truth/train-arch-trial';
import { parseGroundTruthJson, formatGroundTruthJson } from '../../../trial-runtime/ranking/ground-truth';

const GT = path.resolve(__dirname, '..', '..', '..', '..', 'experiments', 'ground-truth');

const trial = (id: string, index: number, acc: number, endedAt: number, status = 'SUCCEEDED'): ExportedTrial => ({ id, status, parameters: { index }, finalMetric: { default: acc, flops: 100 + index, params: 7, test_loss: 0.5, seconds: 3 }, endedAt });

test('collectRecords: the latest succeeded trial per index; failed ones ignored; missing indices listed; foreign exports rejected', () => {
  const r = collectRecords([trial('a', 0, 0.5, 1), trial('b', 1, 0.6, 2, 'FAILED'), trial('c', 0, 0.7, 3), trial('d', 2, 0.8, 4)], 4);
  assert.equal(r.byIndex.get(0)?.['default'], 0.7);
  assert.deepEqual(r.superseded, ['a']);
  assert.deepEqual(r.missing, [1, 3]);
  assert.throws(() => collectRecords([trial('x', 9, 0.1, 1)], 4), (e: unknown) => e instanceof ConfigError && /index 9/.test(e.message));
  assert.throws(() => collectRecords([{ id: 'y', status: 'SUCCEEDED', parameters: { index: 0 } }], 4), ConfigError);
});

test('buildGroundTruth: a ground-truth JSON in the documented format from the config, the list and the trials', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nasctl-gt-collect-'));
  try {
    fs.copyFileSync(path.join(GT, 'spos-fmnist', 'config.yml'), path.join(dir, 'config.yml'));
    fs.writeFileSync(path.join(dir, 'archs.json'), '[[0,0,0,0,0],[3,2,1,0,3],[1,1,1,1,1]]');
    assert.throws(() => buildGroundTruth(dir, [trial('a', 0, 0.81, 1)], false), (e: unknown) => e instanceof ConfigError && /2 of 3 architectures/.test(e.message));
    const { gt } = buildGroundTruth(dir, [trial('a', 0, 0.8123, 1), trial('b', 1, 0.79, 2), trial('c', 2, 0.805, 3)], false);
    assert.equal(gt.space, 'spos-cpu');
    assert.equal(gt.metric, 'fashion-mnist_test_acc_percent');
    assert.match(gt.source ?? '', /2 epochs x 12000 fashion-mnist training images, batch 64, lr 0.1 linear/);
    assert.deepEqual(gt.records.map((r) => [r.arch, r.accuracy]), [['[0,0,0,0,0]', 81.23], ['[3,2,1,0,3]', 79], ['[1,1,1,1,1]', 80.5]]);
    assert.deepEqual(gt.records[1]?.extra, { index: 1, flops: 101, params: 7, test_loss: 0.5, seconds: 3 });
    assert.deepEqual(parseGroundTruthJson(formatGroundTruthJson(gt), 'x').records, gt.records);
    const partial = buildGroundTruth(dir, [trial('a', 2, 0.8, 1)], true).gt;
    assert.equal(partial.records.length, 1);
    assert.match(partial.source ?? '', /MISSING indices 0, 1/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the committed ground-truth configs pass the daemon validation, grid over every list index, and name their list and budget', () => {
  for (const [dir, count] of [['spos-fmnist', 60], ['nb201-small', 30]] as const) {
    const file = path.join(GT, dir, 'config.yml');
    const { config } = loadConfigFile(file, { tuners: builtinTuners() });
    assert.deepEqual((config.searchSpace['index'] as { _value: number[] })._value, Array.from({ length: count }, (_, i) => i));
    assert.equal(config.maxTrialNumber, count);
    assert.equal(config.trialConcurrency, 1);
    const o = trialOptionsOf(config.trialCommand);
    assert.equal(o.archList, 'archs.json');
    assert.equal(archAt(path.join(GT, dir, o.archList), count - 1).length, dir === 'nb201-small' ? 6 : 5);
    assert.equal(o.dataset, 'fashion-mnist');
  }
});

test('archAt: entry of the list, or a ConfigError naming the file and the index', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nasctl-gt-list-'));
  try {
    const f = path.join(dir, 'archs.json');
    fs.writeFileSync(f, '[[1,2],[3,"x"]]');
    assert.deepEqual(archAt(f, 0), [1, 2]);
    assert.throws(() => archAt(f, 1), (e: unknown) => e instanceof ConfigError && /archs.json\[1\]/.test(e.message));
    assert.throws(() => archAt(f, 2), (e: unknown) => e instanceof ConfigError && e.path === '--index');
    fs.writeFileSync(f, '{');
    assert.throws(() => archAt(f, 0), (e: unknown) => e instanceof ConfigError && e.path === '--arch-list');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
