import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalKey } from '../../../tuners/space/canonical-key';

describe('canonicalKey', () => {
  it('ignores key order at every level', () => {
    assert.equal(canonicalKey({ a: 1, b: { _value: 'x', _idx: 0 } }), canonicalKey({ b: { _idx: 0, _value: 'x' }, a: 1 }));
  });
  it('distinguishes different values and types', () => {
    assert.notEqual(canonicalKey({ a: 1 }), canonicalKey({ a: '1' }));
    assert.notEqual(canonicalKey({ a: [1, 2] }), canonicalKey({ a: [2, 1] }));
    assert.notEqual(canonicalKey({ a: null }), canonicalKey({}));
  });
});
