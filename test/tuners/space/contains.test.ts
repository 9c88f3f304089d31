import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isInSpace } from '../../../tuners/space/contains';
import { everyTypeSpace } from '../contract-spaces';
import type { Candidate } from '../../../tuners/tuner';

const good: Candidate = {
  opt: null, block: { _value: 'skip', _idx: 2 }, inputs: { _value: ['x1', 'x3'], _idx: [1, 3] }, layers: 5,
  dropout: 0.5, lr: 0.01, batch: 48, width: 64, shift: -3.2, scale: 0.7, qshift: 9.5, qscale: 4,
};

describe('isInSpace', () => {
  it('accepts a valid candidate', () => assert.equal(isInSpace(good, everyTypeSpace()), undefined));

  const bad: Array<[string, Candidate, RegExp]> = [
    ['missing key', { ...good, lr: undefined }, /"lr"/],
    ['extra key', { ...good, extra: 1 }, /"extra": not a parameter/],
    ['choice not listed', { ...good, opt: 'rmsprop' }, /"opt"/],
    ['layer_choice idx/name mismatch', { ...good, block: { _value: 'skip', _idx: 0 } }, /"block"/],
    ['layer_choice as a bare name', { ...good, block: 'skip' }, /"block"/],
    ['input_choice duplicates', { ...good, inputs: { _value: ['x1', 'x1'], _idx: [1, 1] } }, /distinct/],
    ['input_choice wrong count', { ...good, inputs: { _value: ['x1'], _idx: [1] } }, /expected 2/],
    ['randint high excluded', { ...good, layers: 6 }, /"layers"/],
    ['randint non-integer', { ...good, layers: 2.5 }, /"layers"/],
    ['uniform out of range', { ...good, dropout: 0.6 }, /"dropout"/],
    ['quniform off-grid', { ...good, batch: 50 }, /multiple/],
    ['lognormal non-positive', { ...good, scale: 0 }, /"scale"/],
    ['qnormal off-grid', { ...good, qshift: 9.7 }, /multiple/],
    ['NaN', { ...good, shift: Number.NaN }, /finite/],
  ];
  for (const [name, c, re] of bad) it(`reports ${name}`, () => assert.match(isInSpace(c, everyTypeSpace()) ?? 'undefined', re));
});
