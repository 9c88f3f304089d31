import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../../../daemon/errors';
import { choiceCounts, enumerateArchs, selectStratified, type CostedArch } from '../../../bench/ground-truth/select-archs';
import { makeArchList } from '../../../bench/ground-truth/make-arch-list';

/** Source folder of the ground-truth experiments (tests run from dist/test/bench/ground-truth). */
const GT = path.resolve(__dirname, '..', '..', '..', '..', 'experiments', 'ground-truth');

test('enumerateArchs: mixed radix, last key fastest, all distinct; choiceCounts rejects continuous keys', () => {
  const all = enumerateArchs([2, 3]);
  assert.deepEqual(all, [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]);
  assert.equal(new Set(enumerateArchs([4, 4, 4, 4, 4]).map((a) => a.join())).size, 1024);
  assert.throws(() => enumerateArchs([10, 10, 10], 999), ConfigError);
  assert.deepEqual(choiceCounts({ a: { _type: 'choice', _value: [1, 2] }, b: { _type: 'layer_choice', _value: ['x', 'y', 'z'] } }), [2, 3]);
  assert.throws(() => choiceCounts({ lr: { _type: 'uniform', _value: [0, 1] } }), (e: unknown) => e instanceof ConfigError && e.path === '/lr');
});

test('selectStratified: one architecture per FLOPs stratum, increasing FLOPs, seeded and reproducible', () => {
  const all: CostedArch[] = enumerateArchs([10, 10]).map((arch) => ({ arch, flops: (arch[0] as number) * 10 + (arch[1] as number), params: 1 }));
  const pick = selectStratified(all, 10, 3);
  assert.equal(pick.length, 10);
  pick.forEach((p, s) => assert.equal(Math.floor(p.flops / 10), s, `stratum ${s}`));
  assert.deepEqual(selectStratified(all, 10, 3), pick);
  assert.notDeepEqual(selectStratified(all, 10, 4).map((p) => p.flops), pick.map((p) => p.flops));
  assert.equal(selectStratified(all, 100, 0).length, 100);
  for (const bad of [0, 101, 2.5]) assert.throws(() => selectStratified(all, bad, 0), (e: unknown) => e instanceof ConfigError && e.path === '--count');
});

test('the committed architecture lists are what make-arch-list writes (spos-fmnist: 60 of 1,024, nb201-small: 30 of 15,625, seed 6)', () => {
  const cases = [
    { dir: 'spos-fmnist', space: 'spos-cpu', supernetOptions: { depthMultiplier: 0.25 }, count: 60 },
    { dir: 'nb201-small', space: 'nb201', supernetOptions: { channels: 8, cellsPerStage: 1 }, count: 30 },
  ];
  for (const c of cases) {
    const committed = JSON.parse(fs.readFileSync(path.join(GT, c.dir, 'archs.json'), 'utf8')) as number[][];
    const made = makeArchList({ space: c.space, supernetOptions: c.supernetOptions, dataset: 'fashion-mnist', count: c.count, seed: 6 });
    assert.deepEqual(committed, made.map((m) => m.arch), c.dir);
    assert.equal(new Set(committed.map((a) => a.join())).size, c.count, `${c.dir}: distinct`);
    for (let i = 1; i < made.length; i++) assert.ok((made[i] as CostedArch).flops >= (made[i - 1] as CostedArch).flops);
  }
});
