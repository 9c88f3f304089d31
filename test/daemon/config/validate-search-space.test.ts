import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateSearchSpace } from '../../../daemon/config/validate-search-space';
import { ConfigError } from '../../../daemon/errors';

const EVERY_TYPE = {
  c: { _type: 'choice', _value: [1, 'a', true, null] },
  LayerChoice1: { _type: 'layer_choice', _value: ['conv3x3', 'conv5x5'] },
  inputs: { _type: 'input_choice', _value: { candidates: ['a', 'b', 'c'], n_chosen: 2 } },
  depth: { _type: 'randint', _value: [1, 8] },
  u: { _type: 'uniform', _value: [-1, 1] },
  lu: { _type: 'loguniform', _value: [1e-4, 1e-1] },
  qu: { _type: 'quniform', _value: [0, 1, 0.25] },
  qlu: { _type: 'qloguniform', _value: [1, 100, 1] },
  n: { _type: 'normal', _value: [0, 1] },
  ln: { _type: 'lognormal', _value: [0, 0.5] },
  qn: { _type: 'qnormal', _value: [0, 1, 0.5] },
  qln: { _type: 'qlognormal', _value: [0, 1, 2] },
};

describe('validateSearchSpace', () => {
  it('accepts every parameter type and keeps key order', () => {
    const { space, cost } = validateSearchSpace(EVERY_TYPE, '/searchSpace');
    assert.deepEqual(space, EVERY_TYPE);
    assert.deepEqual(Object.keys(space), Object.keys(EVERY_TYPE));
    assert.equal(cost, undefined);
  });

  it('moves _cost out of the space', () => {
    const costModel = { base: { flops: 100, params: 10 }, perChoice: { LayerChoice1: { conv3x3: { flops: 5, params: 1 } } } };
    const { space, cost } = validateSearchSpace({ ...EVERY_TYPE, _cost: costModel }, '/searchSpace');
    assert.equal('_cost' in space, false);
    assert.deepEqual(cost, costModel);
  });

  it('uses the pointer prefix and file note in errors', () => {
    assert.throws(
      () => validateSearchSpace({ x: { _type: 'uniform', _value: [1, 0] } }, '/space', ' (in file f.json)'),
      (e: unknown) => e instanceof ConfigError && e.path === '/space/x/_value' && e.message.endsWith('(in file f.json)'),
    );
  });

  it('escapes keys in JSON pointers', () => {
    assert.throws(
      () => validateSearchSpace({ 'a/b': { _type: 'choice', _value: [] } }, '/searchSpace'),
      (e: unknown) => e instanceof ConfigError && e.path === '/searchSpace/a~1b/_value',
    );
  });

  it('reports several problems in one message, the first one as path', () => {
    assert.throws(
      () => validateSearchSpace({ a: { _type: 'choice', _value: [] }, b: { _type: 'randint', _value: [1.5, 2] } }, '/searchSpace'),
      (e: unknown) => e instanceof ConfigError && e.path === '/searchSpace/a/_value' && e.message.includes('(also: /searchSpace/b/_value/0: expected an integer'),
    );
  });
});
