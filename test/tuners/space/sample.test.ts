import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../tuners/rng';
import { quantize, sampleCandidate, sampleParameter, spaceProblem } from '../../../tuners/space/sample';
import { isInSpace } from '../../../tuners/space/contains';
import { everyTypeSpace } from '../contract-spaces';

describe('sampleCandidate', () => {
  it('draws NNI-shaped values inside the space for every _type', () => {
    const space = everyTypeSpace();
    const rng = createRng(42);
    for (let i = 0; i < 2000; i++) {
      const c = sampleCandidate(space, rng);
      assert.equal(isInSpace(c, space), undefined, JSON.stringify(c));
    }
  });

  it('covers randint [low, high) and every choice, uniformly enough', () => {
    const rng = createRng(1);
    const counts = new Map<unknown, number>();
    for (let i = 0; i < 4000; i++) {
      const v = sampleParameter({ _type: 'randint', _value: [2, 6] }, rng);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    assert.deepEqual([...counts.keys()].sort(), [2, 3, 4, 5]);
    for (const n of counts.values()) assert.ok(n > 850 && n < 1150, `count ${n}`);
  });

  it('input_choice picks n_chosen distinct inputs in index order with matching names', () => {
    const rng = createRng(3);
    for (let i = 0; i < 200; i++) {
      const v = sampleParameter({ _type: 'input_choice', _value: { candidates: ['a', 'b', 'c', 'd', 'e'], n_chosen: 3 } }, rng) as { _value: string[]; _idx: number[] };
      assert.equal(new Set(v._idx).size, 3);
      assert.deepEqual(v._idx, [...v._idx].sort((a, b) => a - b));
      assert.deepEqual(v._value, v._idx.map((j) => 'abcde'[j]));
    }
  });

  it('quniform rounds to q and clips to the bounds', () => {
    const rng = createRng(5);
    const seen = new Set<unknown>();
    for (let i = 0; i < 500; i++) seen.add(sampleParameter({ _type: 'quniform', _value: [1, 11, 4] }, rng));
    assert.deepEqual([...seen].sort((a, b) => (a as number) - (b as number)), [1, 4, 8, 11]);
    assert.equal(quantize(0.1 * 3, 0.1), 0.3);
  });

  it('is reproducible for a seed', () => {
    assert.deepEqual(sampleCandidate(everyTypeSpace(), createRng(8)), sampleCandidate(everyTypeSpace(), createRng(8)));
    assert.notDeepEqual(sampleCandidate(everyTypeSpace(), createRng(8)), sampleCandidate(everyTypeSpace(), createRng(9)));
  });

  it('spaceProblem names malformed specs', () => {
    assert.equal(spaceProblem(everyTypeSpace()), undefined);
    assert.match(spaceProblem({ lr: { _type: 'loguniform', _value: [0, 1] } }) ?? '', /"lr": loguniform/);
    assert.match(spaceProblem({ x: { _type: 'bogus' } } as never) ?? '', /unknown _type "bogus"/);
    assert.match(spaceProblem({ i: { _type: 'input_choice', _value: { candidates: ['a'], n_chosen: 2 } } }) ?? '', /n_chosen/);
  });
});
