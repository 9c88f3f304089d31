import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { runRankEval } from '../../trial-runtime/ranking/rank-eval-program';
import { createExperiment, screenshot, startBrowserWorld, type BrowserWorld } from './browser-harness';

// A supernet-like trial: reports 3 epochs of train-supernet's dict metrics, then waits for a gate
// file. The test writes its checkpoints (as the trainer does: temp folder renamed) and the board.
const TRIAL = `#!/bin/sh
m() { printf '{"type":"metric","trialId":"%s","kind":"intermediate","value":%s}\\n' "$NASCTL_TRIAL_ID" "$1" >&3; }
m '{"default":0.40,"epoch":1,"train_loss":2.10,"train_acc":0.35,"val_loss":1.90,"lr":0.02}'
m '{"default":0.55,"epoch":2,"train_loss":1.60,"train_acc":0.52,"val_loss":1.45,"lr":0.015}'
m '{"default":0.63,"epoch":3,"train_loss":1.20,"train_acc":0.61,"val_loss":1.10,"lr":0.01}'
while [ ! -f ./gate ]; do sleep 0.05; done
`;

const SPACE = {
  layer0: { _type: 'layer_choice', _value: ['shuffle3x3', 'shuffle5x5', 'shuffle7x7', 'xception3x3'] },
  layer1: { _type: 'layer_choice', _value: ['shuffle3x3', 'shuffle5x5', 'shuffle7x7', 'xception3x3'] },
  lr: { _type: 'choice', _value: [0.02] },
};

const T = 20_000;
let world: BrowserWorld | undefined;
let ctx: BrowserWorld['ctx'];
let folder: BrowserWorld['folder'];
let files: string;
let page: Page;
let expId: string;

function writeCheckpoint(epoch: number): void {
  const root = join(folder.dir, 'ckpt');
  const name = `epoch_${String(epoch).padStart(3, '0')}`;
  const tmp = join(root, `.tmp-${name}`);
  mkdirSync(tmp, { recursive: true });
  writeFileSync(join(tmp, 'manifest.json'), JSON.stringify({
    format: 'nasctl-checkpoint', version: 1, space: 'spos-cpu', epoch, step: epoch * 50, backend: 'wasm', createdAt: new Date().toISOString(),
    metrics: { train_loss: 2.6 - epoch / 2, train_acc: 0.2 + epoch / 7, val_acc: 0.25 + epoch / 8, val_loss: 2.4 - epoch / 2, lr: 0.02 },
  }));
  renameSync(tmp, join(root, name));
}

before(async () => {
  world = await startBrowserWorld(TRIAL);
  ({ ctx, page, folder } = world);
  files = mkdtempSync(join(tmpdir(), 'nasctl-rank-files-'));
  writeCheckpoint(1);
  expId = await createExperiment(ctx.base, {
    experimentName: 'supernet-ui', searchSpace: SPACE, trialCommand: 'sh trial.sh --checkpoint-dir ckpt',
    trialCodeDirectory: folder.dir, trialConcurrency: 1, maxTrialNumber: 1, tuner: { name: 'random' }, trainingService: { platform: 'local' },
  }, folder.dir);
});

after(async () => {
  await world?.close();
  rmSync(files, { recursive: true, force: true });
});

test('the Supernet tab shows the per-epoch curves, live checkpoints and the Cream board', async () => {
  await page.goto(`${ctx.base}/experiments/${expId}/overview`);
  await page.locator('a.tab', { hasText: 'Supernet' }).click();
  assert.equal(new URL(page.url()).pathname, `/experiments/${expId}/supernet`);
  // 3 epochs x (train loss + val loss) and x (train acc + val acc).
  await page.locator('[data-testid="chart-supernet-loss"][data-points="6"]').waitFor({ timeout: T });
  await page.locator('[data-testid="chart-supernet-acc"][data-points="6"]').waitFor({ timeout: T });
  await page.locator('[data-checkpoint="epoch_001"]').waitFor({ timeout: T });
  assert.equal(await page.locator('[data-testid="board-none"]').count(), 1);

  // Written while the page is open: appears without a reload.
  writeCheckpoint(2);
  await page.locator('[data-checkpoint="epoch_002"]').waitFor({ timeout: T });
  assert.match(await page.locator('[data-checkpoint="epoch_002"]').innerText(), /^2\s+epoch_002\s+1\.6\s+0\.4857\s+0\.5\s+1\.4\s+0\.02/);

  const root = join(folder.dir, 'ckpt');
  writeFileSync(join(root, 'board.json.tmp'), JSON.stringify({ updatedAt: new Date().toISOString(), epoch: 2, step: 100, entries: [
    { arch: [0, 3, 0], prec1: 68.5, flops: 212.4 }, { arch: [2, 1, 0], prec1: 71.25, flops: 298.1 }, { arch: [1, 1, 0], prec1: 69.9, flops: 250 },
  ] }));
  renameSync(join(root, 'board.json.tmp'), join(root, 'board.json'));
  await page.locator('[data-testid="board"] [data-board-rank="3"]').waitFor({ timeout: T });
  assert.match(await page.locator('[data-board-rank="1"]').innerText(), /^1\s+layer0=shuffle7x7\s+layer1=shuffle5x5\s+lr=0\.02\s+71\.25\s+298\.1$/);
  await screenshot(page, 'supernet');
});

test('the rank-eval page shows the criteria table and the score-vs-ground-truth scatter', async () => {
  const archs = Array.from({ length: 40 }, (_, i) => `arch${i}`);
  const truth = archs.map((_, i) => 80 + i * 0.3);
  const lines = ['{"format":"nasctl-rollouts","version":1,"evaluator":"oneshot","metric":"accuracy","higherIsBetter":true}'];
  archs.forEach((arch, i) => lines.push(JSON.stringify({ arch, checkpoint: 'epoch_002', score: 0.5 + i * 0.004 + ((i * 7) % 5) * 0.01, metrics: {} })));
  writeFileSync(join(files, 'rollouts.jsonl'), lines.join('\n') + '\n');
  writeFileSync(join(files, 'gt.json'), JSON.stringify({ format: 'nasctl-ground-truth', version: 1, metric: 'test_acc', records: archs.map((arch, i) => ({ arch, accuracy: truth[i] })) }));
  const report = runRankEval([join(files, 'rollouts.jsonl'), '--gt', join(files, 'gt.json'), '--json', join(files, 'stats.json')], { stdout: () => undefined, stderr: () => undefined });
  const tau = report.results[0]!.kendallTau.value as number;

  await page.goto(`${ctx.base}/rank-eval`);
  await page.locator('[data-testid="file-statistics"]').setInputFiles(join(files, 'stats.json'));
  await page.locator('[data-testid="criteria"]').waitFor({ timeout: T });
  assert.equal(await page.locator('[data-testid="kendall-tau"]').innerText(), tau.toFixed(4));
  assert.equal(await page.locator('[data-testid="precision-at-k"] tbody tr').count(), 7);
  assert.equal(await page.locator('[data-testid="best-worst-rank"] tbody tr').count(), 6);
  await page.locator('[data-testid="file-rollouts"]').setInputFiles(join(files, 'rollouts.jsonl'));
  await page.locator('[data-testid="file-groundTruth"]').setInputFiles(join(files, 'gt.json'));
  await page.locator('[data-testid="chart-rank-scatter"][data-points="40"]').waitFor({ timeout: T });
  await screenshot(page, 'rank-eval');
});
