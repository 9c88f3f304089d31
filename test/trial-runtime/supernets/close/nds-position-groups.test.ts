import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ndsPositionGroups, ndsPositionMapping } from '../../../../trial-runtime/supernets/close/nds-position-groups';

const rep = (v: number, n: number): number[] => new Array<number>(n).fill(v);

test('pre rule reproduces the ALGORITHMS.md §3.6 ResNet (P=23) and ResNeXt-A (P=15) mappings', () => {
  assert.deepEqual(ndsPositionMapping(23, 9, 'pre', 17), [0, 4, 3, 5, 6, 2, 8, 8, 7, 7, 7, ...rep(1, 12)]);
  assert.deepEqual(ndsPositionMapping(23, 17, 'pre', 17), [0, 4, 3, 5, 6, 2, 8, 9, 7, 10, 11, 1, 14, 15, 13, 16, 16, ...rep(12, 6)]);
  assert.deepEqual(ndsPositionMapping(15, 9, 'pre', 13), [0, 3, 4, 2, 6, 5, 7, 1, 1, 1, 1, 8, 8, 8, 8]);
  assert.deepEqual(ndsPositionMapping(23, 1, 'pre', 17), rep(0, 23));
});

test('each split names its parent block (WIT source); max splits the longest group', () => {
  const { splits } = ndsPositionGroups(23, 5, 'pre', 17);
  assert.deepEqual(splits, [{ block: 1, parent: 0 }, { block: 2, parent: 0 }, { block: 3, parent: 0 }, { block: 4, parent: 0 }]);
  assert.deepEqual(ndsPositionGroups(23, 6, 'pre', 17).splits[4], { block: 5, parent: 3 });
  // max: [0,23) -> [0,11)0 [11,23)1 -> longest [11,23) -> [11,17)1 [17,23)2 -> longest [0,11) -> [0,5)0 [5,11)3
  assert.deepEqual(ndsPositionMapping(23, 4, 'max', 17), [...rep(0, 5), ...rep(3, 6), ...rep(1, 6), ...rep(2, 6)]);
  assert.deepEqual(ndsPositionGroups(23, 4, 'max', 17).splits.map((s) => s.parent), [0, 1, 0]);
  assert.throws(() => ndsPositionGroups(2, 3, 'pre', 3), /no group/);
});
