import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { TunerBoardResult } from '../../daemon/api/routes/tuner-board-routes';
import { createExperiment, screenshot, startBrowserWorld, waitForService, type BrowserWorld } from './browser-harness';

// Each trial waits for a gate file, then reports a final metric that depends on its sequence
// number, so the board fills only after the page is open and changes as trials finish.
const TRIAL = `#!/bin/sh
while [ ! -f ./gate ]; do sleep 0.05; done
v=$(( (NASCTL_TRIAL_SEQUENCE * 37) % 100 ))
printf '{"type":"metric","trialId":"%s","kind":"final","value":0.%02d}\\n' "$NASCTL_TRIAL_ID" "$v" >&3
`;

const SPACE = {
  op: { _type: 'layer_choice', _value: ['small', 'big', 'huge'] },
  width: { _type: 'choice', _value: [16, 32, 64] },
  _cost: { base: { flops: 10_000_000, params: 1000 }, perChoice: { op: { big: { flops: 40_000_000, params: 4000 }, huge: { flops: 90_000_000, params: 9000 } } } },
};

const TRIALS = 6;
const T = 20_000;
let world: BrowserWorld | undefined;
let ctx: BrowserWorld['ctx'];
let folder: BrowserWorld['folder'];
let page: Page;
let expId: string;

before(async () => {
  world = await startBrowserWorld(TRIAL);
  ({ ctx, page, folder } = world);
  expId = await createExperiment(ctx.base, {
    experimentName: 'cream-search-ui', searchSpace: SPACE, trialCommand: 'sh trial.sh', trialCodeDirectory: folder.dir,
    trialConcurrency: 2, maxTrialNumber: TRIALS, tuner: { name: 'PrioritizedPath', classArgs: { boardSize: 3, accGap: 0.05 } },
    trainingService: { platform: 'local' },
  }, folder.dir);
});

after(() => world?.close());

test('the overview shows the PrioritizedPath board, filled live as real trials finish', async () => {
  await page.goto(`${ctx.base}/experiments/${expId}/overview`);
  await page.locator('[data-testid="tuner-board-empty"]').waitFor({ timeout: T });
  assert.match(await page.locator('[data-testid="tuner-board-meta"]').innerText(), /^0 of 3 paths, from 0 finished trials$/);
  // Marks this page load: a reload would lose it.
  await page.evaluate(() => { (globalThis as unknown as { boardMarker: number }).boardMarker = 1; });

  writeFileSync(join(folder.dir, 'gate'), '');
  const service = ctx.daemon.service;
  await waitForService(service, `${TRIALS} finished trials`, () =>
    service.listTrials(expId, { status: ['SUCCEEDED'], limit: 0 }).total === TRIALS, T);
  await page.locator('[data-testid="tuner-board-meta"]', { hasText: `from ${TRIALS} finished trials` }).waitFor({ timeout: T });

  const res = await fetch(`${ctx.base}/api/v1/experiments/${expId}/tuner-board`);
  const board = (await res.json()) as TunerBoardResult;
  assert.ok(board.entries.length >= 1 && board.entries.length <= 3, `board has 1-3 entries, got ${board.entries.length}`);
  const rows = page.locator('[data-testid="tuner-board"] tbody tr');
  assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-board-trial'))), board.entries.map((e) => e.trialId));
  const first = board.entries[0]!;
  const op = (first.parameters.op as { _value: string })._value;
  const flops = { small: '10.00M', big: '50.00M', huge: '100.0M' }[op];
  const firstText = await rows.first().innerText();
  assert.match(firstText, new RegExp(`^1\\s+${first.trialId}\\s+op=${op}\\s+width=${String(first.parameters.width)}\\s+${first.metric}\\s+${flops}\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$`));
  assert.match(await page.locator('[data-testid="tuner-board-meta"]').innerText(), new RegExp(`^${board.entries.length} of 3 paths, from ${TRIALS} finished trials$`));
  assert.equal(await page.evaluate(() => (globalThis as unknown as { boardMarker?: number }).boardMarker), 1, 'updated without a reload');
  await screenshot(page, 'tuner-board');
});

test('the overview explains that another tuner keeps no board', async () => {
  const other = await createExperiment(ctx.base, {
    experimentName: 'random-ui', searchSpace: { width: SPACE.width }, trialCommand: 'true', trialCodeDirectory: folder.dir,
    trialConcurrency: 1, maxTrialNumber: 1, tuner: { name: 'random' }, trainingService: { platform: 'local' },
  }, folder.dir);
  await page.goto(`${ctx.base}/experiments/${other}/overview`);
  const none = page.locator('[data-testid="tuner-board-none"]');
  await none.waitFor({ timeout: T });
  assert.match(await none.innerText(), /Tuner Random keeps no prioritized board: only PrioritizedPath/);
  assert.equal(await page.locator('[data-testid="tuner-board"]').count(), 0);
});
