import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration } from '../../../daemon/config/duration';
import { ConfigError } from '../../../daemon/errors';

describe('parseDuration', () => {
  for (const [text, ms] of [['30s', 30_000], ['10m', 600_000], ['2h', 7_200_000], ['7d', 604_800_000], ['1.5h', 5_400_000], [' 5 m ', 300_000], [90, 90_000], [0.5, 500]] as const) {
    it(`parses ${JSON.stringify(text)} as ${ms} ms`, () => assert.equal(parseDuration(text), ms));
  }
  for (const bad of ['', '10', '10 minutes', '1w', '-5s', '0s', 'h', 0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
    it(`rejects ${JSON.stringify(bad)} with a ConfigError at the given path`, () => {
      assert.throws(() => parseDuration(bad, '/maxTrialDuration'), (e: unknown) =>
        e instanceof ConfigError && e.path === '/maxTrialDuration' && /expected a duration/.test(e.message));
    });
  }
});
