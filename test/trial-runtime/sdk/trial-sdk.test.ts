import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { TrialSdk } from '../../../trial-runtime/sdk/trial-sdk';
import { SDK_PATH, makeTempDir } from '../../daemon/training/local/recording-listener';

test('standalone script: defaults once, then null; reports printed to stdout as JSON lines', () => {
  const dir = makeTempDir('sdk');
  try {
    writeFileSync(
      path.join(dir.root, 'trial.js'),
      `const sdk = require(${JSON.stringify(SDK_PATH)});
(async () => {
  const p = await sdk.getNextParameters({ lr: 0.5 });
  sdk.reportIntermediate(1);
  sdk.reportFinal({ default: 2, top5: 3 });
  console.log(JSON.stringify({ p, next: await sdk.getNextParameters(), id: sdk.getTrialId(), exp: sdk.getExperimentId(), under: sdk.isUnderNasctl() }));
  await sdk.flush();
})();`,
    );
    const env = { ...process.env };
    for (const key of Object.keys(env)) if (key.startsWith('NASCTL_')) delete env[key];
    const lines = execFileSync(process.execPath, ['trial.js'], { cwd: dir.root, env, encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(lines.map((line) => JSON.parse(line)), [
      { type: 'metric', trialId: 'STANDALONE', kind: 'intermediate', value: 1 },
      { type: 'metric', trialId: 'STANDALONE', kind: 'final', value: { default: 2, top5: 3 } },
      { p: { lr: 0.5 }, next: null, id: 'STANDALONE', exp: 'STANDALONE', under: false },
    ]);
  } finally {
    dir.remove();
  }
});

test('without defaults the standalone parameters are {}', async () => {
  const out: string[] = [];
  const sdk = new TrialSdk({ env: {}, writeStdout: (line) => out.push(line) });
  assert.deepEqual(await sdk.getNextParameters(), {});
  assert.equal(await sdk.getNextParameters(), null);
  assert.equal(out.length, 0);
});

test('non-finite metric values are rejected with a clear error', () => {
  const sdk = new TrialSdk({ env: {}, writeStdout: () => {} });
  assert.throws(() => sdk.reportFinal(Number.NaN), /not a finite number/);
  assert.throws(() => sdk.reportIntermediate({ default: 1, loss: Number.POSITIVE_INFINITY }), /"loss"/);
});

test('a bad NASCTL_CHANNEL_FD is reported at construction', () => {
  assert.throws(() => new TrialSdk({ env: { NASCTL_CHANNEL_FD: 'x' } }), /not a file descriptor number/);
});
