import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { epochOfFolder, parseBoard, parseManifest, sortCheckpoints } from '../../../daemon/watch/parse-checkpoint';
import { checkpointDirectoryOf, shellWords } from '../../../daemon/watch/checkpoint-directory';

const T = '2024-01-01T00:00:00.000Z';

describe('parseManifest', () => {
  it('reads epoch, step, finite metrics, space, backend and createdAt', () => {
    const text = JSON.stringify({ format: 'nasctl-checkpoint', version: 1, space: 'spos-cpu', epoch: 3, step: 150, backend: 'wasm', createdAt: '2025-02-02T00:00:00.000Z', metrics: { train_loss: 1.5, val_acc: 0.6, bad: null } });
    const e = parseManifest(text, '/c/epoch_003', 'epoch_003', T);
    assert.deepEqual(e, { name: 'epoch_003', dir: '/c/epoch_003', epoch: 3, step: 150, space: 'spos-cpu', backend: 'wasm', createdAt: '2025-02-02T00:00:00.000Z', metrics: { train_loss: 1.5, val_acc: 0.6 } });
  });

  it('lists a corrupt manifest with an error and the epoch of its folder name', () => {
    const e = parseManifest('{"format": "nasctl-checkp', '/c/epoch_007', 'epoch_007', T);
    assert.equal(e.epoch, 7);
    assert.equal(e.createdAt, T);
    assert.match(e.error ?? '', /epoch_007\/manifest\.json is not valid JSON.*use another epoch folder/);
    const foreign = parseManifest('{"hello": 1}', '/c/epoch_002', 'epoch_002', T);
    assert.match(foreign.error ?? '', /not a nasctl checkpoint manifest/);
  });

  it('epochOfFolder accepts only epoch_NNN', () => {
    assert.equal(epochOfFolder('epoch_012'), 12);
    assert.equal(epochOfFolder('latest'), undefined);
    assert.equal(epochOfFolder('.tmp-epoch_001-5'), undefined);
  });

  it('sortCheckpoints orders by epoch then name', () => {
    const mk = (name: string, epoch: number) => ({ name, dir: name, epoch, metrics: {}, createdAt: T });
    assert.deepEqual(sortCheckpoints([mk('epoch_10', 10), mk('epoch_2', 2), mk('epoch_002', 2)]).map((e) => e.name), ['epoch_002', 'epoch_2', 'epoch_10']);
  });
});

describe('parseBoard', () => {
  it('reads the Cream board', () => {
    const b = parseBoard(JSON.stringify({ updatedAt: T, epoch: 2, step: 40, entries: [{ arch: [0, 1, 2], prec1: 71.5, flops: 310.2 }] }), 'board.json');
    assert.deepEqual(b, { updatedAt: T, epoch: 2, step: 40, entries: [{ arch: [0, 1, 2], prec1: 71.5, flops: 310.2 }] });
  });
  it('names the bad entry', () => {
    assert.throws(() => parseBoard('{"entries": [{"arch": [0], "prec1": "x", "flops": 1}]}', '/c/board.json'), /\/c\/board\.json: entries\[0\] must be/);
    assert.throws(() => parseBoard('nope', '/c/board.json'), /not valid JSON/);
    assert.throws(() => parseBoard('{}', '/c/board.json'), /"entries" array/);
  });
});

describe('checkpointDirectoryOf', () => {
  const base = { trialCodeDirectory: '/code', trialCommand: 'node train.js' };
  it('prefers the config field', () => {
    assert.equal(checkpointDirectoryOf({ ...base, checkpointDirectory: '/abs/ckpt', trialCommand: 'x --checkpoint-dir other' }), '/abs/ckpt');
  });
  it('falls back to --checkpoint-dir of trialCommand, resolved against trialCodeDirectory', () => {
    assert.equal(checkpointDirectoryOf({ ...base, trialCommand: 'node t.js --epochs 2 --checkpoint-dir output/supernet --seed 0' }), '/code/output/supernet');
    assert.equal(checkpointDirectoryOf({ ...base, trialCommand: `node t.js --checkpoint-dir='my dir/x'` }), '/code/my dir/x');
    assert.equal(checkpointDirectoryOf({ ...base, trialCommand: 'node t.js --checkpoint-dir=/abs/c' }), '/abs/c');
  });
  it('is null for other experiments', () => {
    assert.equal(checkpointDirectoryOf(base), null);
  });
  it('shellWords honours quotes', () => {
    assert.deepEqual(shellWords(`a 'b c' "d \\"e\\"" f\\ g`), ['a', 'b c', 'd "e"', 'f g']);
  });
});
