import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { TrialRecord } from '../../daemon/store/types';
import { createExperiment, screenshot, startBrowserWorld, waitForService, type BrowserWorld } from './browser-harness';

// One daemon, one browser, one experiment driven through its life by the steps below (in order).
// Trials 0..3 report 3 intermediate metrics and wait for a gate file; trial 3 then fails; trial 4
// (allowed only after the budget edit in the UI) runs until it is killed from the UI.
const TRIAL = `#!/bin/sh
echo "hello from trial $NASCTL_TRIAL_ID (seq $NASCTL_TRIAL_SEQUENCE)"
m() { printf '{"type":"metric","trialId":"%s","kind":"%s","value":%s}\\n' "$NASCTL_TRIAL_ID" "$1" "$2" >&3; }
v=$(( (NASCTL_TRIAL_SEQUENCE * 7) % 10 ))
m intermediate 0.1$v
m intermediate 0.3$v
m intermediate 0.5$v
if [ "$NASCTL_TRIAL_SEQUENCE" -ge 4 ]; then echo "long trial"; exec sleep 300; fi
while [ ! -f ./gate ]; do sleep 0.05; done
if [ "$NASCTL_TRIAL_SEQUENCE" -eq 3 ]; then echo "boom: bad architecture" >&2; exit 3; fi
m final "{\\"default\\":0.7$v,\\"flops\\":$(( v * 1000000 + 5000000 ))}"
`;

const SPACE = {
  layer1: { _type: 'layer_choice', _value: ['conv3x3', 'conv5x5', 'maxpool3x3'] },
  layer2: { _type: 'layer_choice', _value: ['conv3x3', 'conv5x5', 'maxpool3x3'] },
  layer3: { _type: 'layer_choice', _value: ['identity', 'conv1x1'] },
  lr: { _type: 'choice', _value: [0.1, 0.01] },
};

const T = 20_000;
let world: BrowserWorld | undefined;
let ctx: BrowserWorld['ctx'];
let folder: BrowserWorld['folder'];
let page: Page;
let expId: string;

function trials(): TrialRecord[] {
  return ctx.daemon.service.listTrials(expId, { sort: 'sequence', order: 'asc', limit: 100 }).items;
}

function bySeq(seq: number): TrialRecord {
  const t = trials().find((x) => x.sequence === seq);
  assert.ok(t, `trial #${seq} exists`);
  return t;
}

async function rowTexts(col: string): Promise<string[]> {
  return page.locator(`.vrow[data-trial] [data-col="${col}"]`).allTextContents();
}

/** Waits until the table shows exactly the trial ids `ids` in this order (or, with `prefix`, starts with them). */
async function waitRows(ids: string[], prefix = false): Promise<void> {
  await page.waitForFunction(({ want, prefix: p }: { want: string; prefix: boolean }) => {
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ getAttribute(n: string): string | null }> } }).document;
    const got = Array.from(doc.querySelectorAll('.vrow[data-trial]')).map((e) => e.getAttribute('data-trial')).join(',');
    return p ? got === want || got.startsWith(`${want},`) : got === want;
  }, { want: ids.join(','), prefix }, { timeout: T });
}

/** Waits until the page's address matches `re` (it is updated after the table re-renders). */
async function waitUrl(re: RegExp): Promise<void> {
  await page.waitForFunction((source: string) => new RegExp(source).test((globalThis as unknown as { location: { href: string } }).location.href), re.source, { timeout: T });
}

before(async () => {
  world = await startBrowserWorld(TRIAL);
  ({ ctx, page, folder } = world);
  expId = await createExperiment(ctx.base, {
    experimentName: 'webui-e2e',
    searchSpace: SPACE,
    trialCommand: 'sh trial.sh',
    trialCodeDirectory: folder.dir,
    trialConcurrency: 2,
    maxTrialNumber: 4,
    tuner: { name: 'random' },
    trainingService: { platform: 'local' },
  }, folder.dir);
});

after(() => world?.close());

test('experiments page lists the experiment and opens its overview', async () => {
  await page.goto(`${ctx.base}/`);
  await page.locator(`[data-experiment="${expId}"]`).waitFor({ timeout: T });
  assert.match(await page.locator(`[data-experiment="${expId}"]`).innerText(), /webui-e2e/);
  await screenshot(page, 'experiments');
  await page.locator(`[data-experiment="${expId}"] a`).first().click();
  await page.locator('[data-testid="budget-maxTrialNumber"]').waitFor({ timeout: T });
  assert.equal(new URL(page.url()).pathname, `/experiments/${expId}/overview`);
});

test('inline budget edits on the overview take effect in the daemon', async () => {
  await waitForService(ctx.daemon.service, 'two running trials', () => trials().filter((t) => t.status === 'RUNNING').length === 2, T);
  await page.locator('[data-testid="budget-edit-maxTrialNumber"]').click();
  await page.locator('[data-testid="budget-input-maxTrialNumber"]').fill('5');
  await page.locator('[data-testid="budget-input-maxTrialNumber"]').press('Enter');
  await page.locator('[data-testid="budget-limit-maxTrialNumber"]', { hasText: '5' }).waitFor({ timeout: T });
  assert.equal(ctx.daemon.service.getExperiment(expId).record.config.maxTrialNumber, 5);

  await page.locator('[data-testid="budget-edit-trialConcurrency"]').click();
  await page.locator('[data-testid="budget-input-trialConcurrency"]').fill('0');
  await page.locator('[data-testid="budget-input-trialConcurrency"]').press('Enter');
  await page.locator('[data-testid="budget-trialConcurrency"] .error-line').waitFor({ timeout: T }); // rejected in the form
  await page.locator('[data-testid="budget-input-trialConcurrency"]').fill('3');
  await page.locator('[data-testid="budget-input-trialConcurrency"]').press('Enter');
  await page.locator('[data-testid="budget-limit-trialConcurrency"]', { hasText: '3' }).waitFor({ timeout: T });
  assert.equal(ctx.daemon.service.getExperiment(expId).record.config.trialConcurrency, 3);
  await waitForService(ctx.daemon.service, 'a third running trial', () => trials().filter((t) => t.status === 'RUNNING').length === 3, T);
  await screenshot(page, 'overview');
});

test('trials appear and change status live, without reloading the page', async () => {
  await page.locator('nav.tabs a', { hasText: 'Trials' }).click();
  await page.evaluate(() => { (globalThis as Record<string, unknown>).nasctlMarker = 'same page'; });
  for (const seq of [0, 1, 2]) {
    await page.locator(`[data-trial="${bySeq(seq).id}"] [data-status="RUNNING"]`).waitFor({ timeout: T });
  }
  writeFileSync(join(folder.dir, 'gate'), 'go');
  await waitForService(ctx.daemon.service, 'trial #4 running', () => trials().some((t) => t.sequence === 4 && t.status === 'RUNNING'), T);
  const t4 = bySeq(4);
  await page.locator(`[data-trial="${t4.id}"] [data-status="RUNNING"]`).waitFor({ timeout: T });
  for (const seq of [0, 1, 2]) await page.locator(`[data-trial="${bySeq(seq).id}"] [data-status="SUCCEEDED"]`).waitFor({ timeout: T });
  await page.locator(`[data-trial="${bySeq(3).id}"] [data-status="FAILED"]`).waitFor({ timeout: T });
  assert.equal(await page.evaluate(() => (globalThis as Record<string, unknown>).nasctlMarker), 'same page');
  // The table fills the page's width, op names fit their choice columns, and the search box shows its whole placeholder.
  const table = await page.locator('[data-testid="trials-table"]').evaluate((el) => ({ client: el.clientWidth, head: el.querySelector('.vhead')?.getBoundingClientRect().width ?? 0 }));
  assert.ok(table.head >= table.client - 1, `header ${table.head}px narrower than the table ${table.client}px`);
  const cut = await page.locator('[data-trial] [data-col^="p:"]').evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth).map((e) => e.textContent));
  assert.deepEqual(cut, []);
  const search = await page.locator('[data-testid="trial-search"]').evaluate((el) => {
    const input = el as HTMLInputElement;
    const css = getComputedStyle(input);
    const ctx2d = document.createElement('canvas').getContext('2d');
    if (ctx2d) ctx2d.font = css.font;
    const room = input.clientWidth - parseFloat(css.paddingLeft) - parseFloat(css.paddingRight);
    return { text: ctx2d?.measureText(input.placeholder).width ?? 0, room };
  });
  assert.ok(search.text > 0 && search.text + 20 <= search.room, `search placeholder ${search.text}px in ${search.room}px`); // 20 px for the clear button
  await screenshot(page, 'trials');
});

test('kill from the trials table cancels the trial in the daemon', async () => {
  const t4 = bySeq(4);
  await page.locator(`[data-trial="${t4.id}"] [data-testid="kill"]`).click();
  await waitForService(ctx.daemon.service, 'trial #4 canceled', () => bySeq(4).status === 'USER_CANCELED', T);
  await page.locator(`[data-trial="${t4.id}"] [data-status="USER_CANCELED"]`).waitFor({ timeout: T });
});

test('sorting and filtering give the right rows', async () => {
  const ids = (seqs: number[]) => seqs.map((s) => bySeq(s).id);
  await waitRows(ids([4, 3, 2, 1, 0])); // default: newest first
  await page.locator('.vhead [data-col="finalMetric"]').click(); // metric, best first
  await waitRows(ids([1, 2, 0]), true);
  assert.deepEqual((await rowTexts('finalMetric')).slice(0, 3), ['0.77', '0.74', '0.7']);
  await waitUrl(/sort=finalMetric/);
  await page.locator('.vhead [data-col="finalMetric"]').click();
  await waitUrl(/order=asc/);
  await page.locator('.vhead [data-col="sequence"]').click();
  await page.locator('.vhead [data-col="sequence"]').click();
  await waitRows(ids([0, 1, 2, 3, 4]));

  await page.locator('[data-testid="filter-FAILED"]').click();
  await waitRows(ids([3]));
  await page.locator('[data-testid="filter-SUCCEEDED"]').click();
  await waitRows(ids([0, 1, 2, 3]));
  await page.locator('[data-testid="filter-FAILED"]').click();
  await page.locator('[data-testid="filter-SUCCEEDED"]').click();
  await waitRows(ids([0, 1, 2, 3, 4]));

  await page.locator('[data-testid="metric-min"]').fill('0.72');
  await waitRows(ids([1, 2]));
  await page.locator('[data-testid="metric-max"]').fill('0.75');
  await waitRows(ids([2]));
  await page.locator('[data-testid="metric-min"]').fill('');
  await page.locator('[data-testid="metric-max"]').fill('');
  await waitRows(ids([0, 1, 2, 3, 4]));

  // A column per choice sorts on the server by the chosen value (then by trial number).
  const layer3 = (t: TrialRecord) => (t.parameters.layer3 as { _value: string })._value;
  const byLayer3 = [...trials()].sort((a, b) => (layer3(a) === layer3(b) ? a.sequence - b.sequence : layer3(a) < layer3(b) ? 1 : -1));
  await page.locator('.vhead [data-col="p:layer3"]').click();
  await waitUrl(/sortParam=layer3/);
  await waitRows(byLayer3.map((t) => t.id));
  await page.locator('.vhead [data-col="p:layer3"]').click();
  await waitUrl(/order=asc/);
  await page.locator('.vhead [data-col="sequence"]').click();
  await page.locator('.vhead [data-col="sequence"]').click();
  await waitRows(ids([0, 1, 2, 3, 4]));

  await page.locator('[data-testid="trial-search"]').fill(bySeq(2).id);
  await waitRows(ids([2]));
  await page.locator('[data-testid="trial-search"]').fill('');
  await waitRows(ids([0, 1, 2, 3, 4]));
  assert.equal(await page.locator('[data-testid="trial-total"]').innerText(), '5 trials');
});

test('keyboard navigation moves through rows and Enter opens the trial detail', async () => {
  await page.locator('[data-testid="trials-table"]').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.locator('.vrow.active[data-index="2"]').waitFor({ timeout: T });
  await page.keyboard.press('Enter');
  await page.locator('[data-testid="trial-id"]', { hasText: bySeq(2).id }).waitFor({ timeout: T });
  assert.equal(new URL(page.url()).pathname, `/experiments/${expId}/trials/${bySeq(2).id}`);
});

test('trial detail shows the architecture diagram, the curve and the log', async () => {
  const t = bySeq(2);
  await page.locator('[data-testid="arch-diagram"]').waitFor({ timeout: T });
  const blocks = page.locator('[data-testid="arch-diagram"] .arch-block');
  assert.equal(await blocks.count(), 3); // the layer choices; lr is a hyperparameter, not a layer
  assert.equal(await page.locator('[data-testid="arch-diagram"] [data-key="lr"]').count(), 0);
  const lr = page.locator('[data-testid="arch-hparams"] .arch-hparam[data-key="lr"]');
  assert.match(await lr.innerText(), new RegExp(`^${String(t.parameters.lr).replace('.', '\\.')}\\b`));
  for (const key of ['layer1', 'layer2', 'layer3']) {
    const chosen = t.parameters[key] as { _value: string } | string;
    const name = typeof chosen === 'string' ? chosen : chosen._value;
    assert.equal(await page.locator(`.arch-block[data-key="${key}"] .arch-chosen`).textContent(), name);
  }
  await page.locator('[data-testid="trial-curve"] canvas').waitFor({ timeout: T });
  assert.equal(await page.locator('[data-testid="trial-curve"]').getAttribute('data-points'), '3'); // 3 intermediate reports
  await page.locator('[data-testid="log-stdout"]', { hasText: `hello from trial ${t.id}` }).waitFor({ timeout: T });
  assert.equal(await page.locator('[data-testid="status-history"] tbody tr').count(), 3); // created, running, succeeded
  assert.equal(await page.locator('[data-testid="final-metric"]').innerText(), '0.74');
  await screenshot(page, 'trial-detail');

  await page.goto(`${ctx.base}/`); // failed trial: reason and stderr
  await page.locator(`[data-experiment="${expId}"] a`).first().click();
  await page.locator('nav.tabs a', { hasText: 'Trials' }).click();
  await page.locator(`[data-trial="${bySeq(3).id}"]`).click();
  await page.locator('button.tab', { hasText: 'stderr' }).click();
  await page.locator('[data-testid="log-stderr"]', { hasText: 'boom: bad architecture' }).waitFor({ timeout: T });
});

test('compare overlays the selected trials and charts render', async () => {
  await page.locator('nav.tabs a', { hasText: 'Trials' }).click();
  for (const s of [0, 1]) await page.locator(`[data-trial="${bySeq(s).id}"] input[type="checkbox"]`).check();
  await page.locator('[data-testid="compare"]').click();
  await page.locator('[data-testid="compare-chart"] canvas').waitFor({ timeout: T });
  assert.match(await page.locator('[data-testid="compare-chart"]').innerText(), new RegExp(bySeq(1).id));
  await page.locator('nav.tabs a', { hasText: 'Charts' }).click();
  for (const id of ['chart-final', 'chart-intermediate', 'chart-pareto', 'chart-duration', 'parallel-coords']) {
    await page.locator(`[data-testid="${id}"]`).waitFor({ timeout: T });
  }
  assert.match(await page.locator('.card', { hasText: 'Metric vs cost' }).innerText(), /Pareto front: \d+ trials/);
  await screenshot(page, 'charts');
  await page.locator('[data-testid="theme-toggle"]').click();
  await screenshot(page, 'charts-dark');
});

test('experiments page: trial counts update live, without reloading', async () => {
  await page.goto(`${ctx.base}/`);
  const row = page.locator(`[data-experiment="${expId}"]`);
  await row.waitFor({ timeout: T });
  await page.evaluate(() => { (globalThis as Record<string, unknown>).nasctlMarker = 'same list'; });
  const countsCell = row.locator('td').nth(6);
  const before = await countsCell.innerText();
  ctx.daemon.service.addTrial(expId, bySeq(0).parameters);
  const total = (text: string) => [...text.matchAll(/\d+/g)].reduce((a, m) => a + Number(m[0]), 0);
  await page.waitForFunction(({ id, want }: { id: string; want: number }) => {
    const doc = (globalThis as unknown as { document: { querySelector(s: string): { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> } | null } }).document;
    const cells = doc.querySelector(`[data-experiment="${id}"]`)?.querySelectorAll('td');
    const text = cells?.[6]?.textContent ?? '';
    return [...text.matchAll(/\d+/g)].reduce((a, m) => a + Number(m[0]), 0) === want;
  }, { id: expId, want: total(before) + 1 }, { timeout: T });
  assert.equal(await page.evaluate(() => (globalThis as Record<string, unknown>).nasctlMarker), 'same list');
});

test('a deep link to a trial page loads the UI', async () => {
  const res = await fetch(`${ctx.base}/experiments/${expId}/trials`);
  assert.equal(res.status, 200);
  assert.match(await res.text(), /<div id="root">/);
});
