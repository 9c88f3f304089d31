import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../tuners/rng';
import { createEncoding } from '../../../tuners/space/encode';
import { sampleCandidate } from '../../../tuners/space/sample';
import { isInSpace } from '../../../tuners/space/contains';
import { binomial, rankCombination, unrankCombination } from '../../../tuners/space/combinations';
import { everyTypeSpace } from '../contract-spaces';

describe('encoding', () => {
  it('round-trips candidates of every _type', () => {
    const space = everyTypeSpace();
    const enc = createEncoding(space);
    const rng = createRng(2);
    for (let i = 0; i < 500; i++) {
      const c = sampleCandidate(space, rng);
      assert.deepEqual(enc.decode(enc.encode(c)), c);
    }
  });

  it('random genes decode inside the space', () => {
    const space = everyTypeSpace();
    const enc = createEncoding(space);
    const rng = createRng(3);
    for (let i = 0; i < 300; i++) {
      const g = enc.genes.map((_, j) => enc.randomGene(j, rng));
      assert.equal(isInSpace(enc.decode(g), space), undefined);
    }
  });

  it('throws RangeError on values outside the space', () => {
    const enc = createEncoding(everyTypeSpace());
    assert.throws(() => enc.encode({ opt: 'nope' }), RangeError);
  });

  it('ranks and unranks every combination', () => {
    assert.equal(binomial(6, 3), 20);
    for (let r = 0; r < 20; r++) assert.equal(rankCombination(6, unrankCombination(6, 3, r)), r);
    assert.deepEqual(unrankCombination(4, 2, 0), [0, 1]);
    assert.deepEqual(unrankCombination(4, 2, 5), [2, 3]);
  });
});
