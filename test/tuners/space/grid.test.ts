import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createGrid, gridAxis } from '../../../tuners/space/grid';
import { isInSpace } from '../../../tuners/space/contains';
import { canonicalKey } from '../../../tuners/space/canonical-key';
import { everyTypeSpace, sposSpace } from '../contract-spaces';

const values = (axis: ReturnType<typeof gridAxis>): unknown[] => Array.from({ length: axis.size }, (_, i) => axis.valueAt(i));

describe('grid', () => {
  it('enumerates discrete axes fully and quantizes continuous ones', () => {
    assert.deepEqual(values(gridAxis('r', { _type: 'randint', _value: [2, 5] }, 3)), [2, 3, 4]);
    assert.deepEqual(values(gridAxis('u', { _type: 'uniform', _value: [0, 1] }, 5)), [0, 0.25, 0.5, 0.75, 1]);
    assert.deepEqual(values(gridAxis('q', { _type: 'quniform', _value: [1, 10, 4] }, 3)), [1, 4, 8, 10]);
    const lg = values(gridAxis('l', { _type: 'loguniform', _value: [1e-3, 1e-1] }, 3)) as number[];
    assert.ok(Math.abs((lg[1] as number) - 1e-2) < 1e-12);
    assert.equal(gridAxis('i', { _type: 'input_choice', _value: { candidates: ['a', 'b', 'c', 'd'], n_chosen: 2 } }, 1).size, 6);
  });

  it('every point of a mixed grid is distinct and inside the space', () => {
    const space = everyTypeSpace();
    const grid = createGrid(space, 2);
    const keys = new Set<string>();
    const step = Math.max(1, Math.floor(grid.size / 3000));
    for (let i = 0; i < grid.size; i += step) {
      const c = grid.at(i);
      assert.equal(isInSpace(c, space), undefined, JSON.stringify(c));
      keys.add(canonicalKey(c));
    }
    assert.equal(keys.size, Math.ceil(grid.size / step));
  });

  it('addresses a 4^20 grid lazily, last key fastest', () => {
    const grid = createGrid(sposSpace(), 5);
    assert.equal(grid.size, 4 ** 20);
    assert.deepEqual(grid.at(1).LayerChoice20, { _value: '1', _idx: 1 });
    assert.deepEqual(grid.at(grid.size - 1).LayerChoice1, { _value: '3', _idx: 3 });
    assert.throws(() => grid.at(grid.size), RangeError);
  });
});
