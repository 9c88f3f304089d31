import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { didYouMean, nearestName } from '../../../daemon/config/nearest-name';

const KEYS = ['trialConcurrency', 'trialCommand', 'trialCodeDirectory', 'trialGpuNumber', 'maxTrialNumber', 'maxTrialDuration', 'logLevel'];

describe('nearestName', () => {
  it('suggests the key a typo was meant to be', () => {
    assert.equal(nearestName('trialConcurency', KEYS), 'trialConcurrency');
    assert.equal(nearestName('trialcommand', KEYS), 'trialCommand');
    assert.equal(nearestName('maxTrialNum', KEYS), 'maxTrialNumber');
    assert.equal(nearestName('loglevel', KEYS), 'logLevel');
    assert.equal(nearestName('concurrency', KEYS), 'trialConcurrency');
  });
  it('suggests nothing for unrelated names', () => {
    assert.equal(nearestName('foo', KEYS), undefined);
    assert.equal(nearestName('platform', KEYS), undefined);
    assert.equal(nearestName('x', []), undefined);
  });
  it('formats the hint', () => {
    assert.equal(didYouMean('trialConcurency', KEYS), "; did you mean 'trialConcurrency'?");
    assert.equal(didYouMean('zzz', KEYS), '');
  });
});
