import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../tuners/rng';
import { createSupernet } from '../../../trial-runtime/supernets/registry';
import { FlopsBinPathSampler, UniformPathSampler, choiceCounts, flopsFunction } from '../../../trial-runtime/train/path-sampler';

test('uniform sampling stays in the space, covers every candidate and is seeded', () => {
  const net = createSupernet('spos-cpu');
  const s = new UniformPathSampler(net.searchSpace());
  const seen = new Set<number>();
  for (let i = 0; i < 200; i++) {
    const a = s.sample(createRng(1, i));
    assert.equal(a.length, 10);
    a.forEach((c) => {
      assert.ok(c >= 0 && c < 4);
      seen.add(c);
    });
    assert.deepEqual(s.sample(createRng(1, i)), a);
  }
  assert.equal(seen.size, 4);
  assert.throws(() => choiceCounts({ lr: { _type: 'uniform', _value: [0, 1] } }), /choice/);
});

test('flopsFunction agrees with the supernet cost', () => {
  const net = createSupernet('spos');
  const f = flopsFunction(net);
  const s = new UniformPathSampler(net.searchSpace());
  for (let i = 0; i < 20; i++) {
    const a = s.sample(createRng(2, i));
    assert.ok(Math.abs(f(a) - net.cost(a).flops) < 1e-3);
  }
});

test('FLOPs-bin sampling: every draw inside [290M, 360M] and the 7 bins evenly used (SPOS)', () => {
  const net = createSupernet('spos');
  const f = flopsFunction(net);
  for (const newBinEachTry of [false, true]) {
    const s = new FlopsBinPathSampler(net.searchSpace(), f, { minFlops: 290e6, maxFlops: 360e6, bins: 7, timeout: 500, newBinEachTry });
    const perBin = new Array<number>(7).fill(0);
    const n = 700;
    for (let i = 0; i < n; i++) {
      const a = s.sample(createRng(5, i));
      const fl = f(a);
      assert.ok(fl >= 290e6 && fl <= 360e6, `draw ${i}: ${fl}`);
      assert.equal(s.lastFellBack, false);
      perBin[Math.min(6, Math.floor((fl - 290e6) / 10e6))]! += 1;
    }
    if (!newBinEachTry) for (const c of perBin) assert.ok(c > n / 7 / 2 && c < (n / 7) * 1.5, `bins ${perBin}`);
    else assert.ok(perBin[0]! < perBin[3]!, `NNI's variant favours the likely middle bins: ${perBin}`);
  }
});

test('FLOPs-bin sampling falls back to an unconstrained draw when a bin is unreachable', () => {
  const net = createSupernet('spos');
  const s = new FlopsBinPathSampler(net.searchSpace(), flopsFunction(net), { minFlops: 1, maxFlops: 2, bins: 1, timeout: 5 });
  const a = s.sample(createRng(0));
  assert.equal(s.lastFellBack, true);
  assert.equal(a.length, 20);
  assert.throws(() => new FlopsBinPathSampler(net.searchSpace(), flopsFunction(net), { minFlops: 2, maxFlops: 1 }), /empty/);
});
