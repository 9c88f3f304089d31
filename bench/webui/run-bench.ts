/**
 * Web UI benchmark: a generated experiment of 100,000 trials x 20 intermediate metrics (set
 * BENCH_TRIALS to change), served by a real daemon and measured in headless Chromium.
 * Run: npx tsc -p tsconfig.json && npx vite build --config webui/vite.config.ts &&
 *      node dist/bench/webui/run-bench.js
 * Prints REST timings, first meaningful paint of the trials page and the overview, sort/filter
 * round trips, and frame times while a resumed run streams trial updates in.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startBenchDaemon } from './bench-daemon';
import { streamBench, STREAM_SIM } from './stream-bench';
import { launchBrowser } from '../../test/webui/browser-harness';
import { generateExperiment } from './generate-experiment';
import { median } from './frame-stats';

const TRIALS = Number(process.env.BENCH_TRIALS ?? 100_000);
/** BENCH_ONLY=stream skips the REST, paint and round-trip parts. */
const only = process.env.BENCH_ONLY;
const FAST_TRIAL = `#!/bin/sh
m() { printf '{"type":"metric","trialId":"%s","kind":"%s","value":%s}\\n' "$NASCTL_TRIAL_ID" "$1" "$2" >&3; }
m intermediate 0.5
m intermediate 0.6
m intermediate 0.7
m final 0.8
`;

function ms(n: number): string {
  return `${n.toFixed(0).padStart(6)} ms`;
}

async function timeFetch(url: string, reps = 3): Promise<{ ms: number; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    const res = await fetch(url);
    const body = await res.arrayBuffer();
    times.push(performance.now() - t);
    bytes = body.byteLength;
    if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  }
  return { ms: median(times), bytes };
}

/** Navigates and returns ms from navigation start until `selector` is visible (in-page clock). */
async function paintTime(page: Page, url: string, selector: string): Promise<number> {
  await page.goto(url, { waitUntil: 'commit' });
  await page.locator(selector).first().waitFor({ timeout: 30_000 });
  return page.evaluate(() => performance.now());
}

/** ms from a click until the first row differs (or the total text changes). */
async function roundTrip(page: Page, act: () => Promise<void>): Promise<number> {
  const before = await page.evaluate(() => {
    const d = (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(n: string): string | null } | null } }).document;
    return `${d.querySelector('.vrow[data-trial]')?.getAttribute('data-trial')}|${d.querySelector('[data-testid="trials-table"]')?.getAttribute('data-total')}`;
  });
  const t = performance.now();
  await act();
  await page.waitForFunction((b: string) => {
    const d = (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(n: string): string | null } | null } }).document;
    const now = `${d.querySelector('.vrow[data-trial]')?.getAttribute('data-trial')}|${d.querySelector('[data-testid="trials-table"]')?.getAttribute('data-total')}`;
    return now !== b && !now.startsWith('undefined');
  }, before, { timeout: 30_000, polling: 'raf' });
  return performance.now() - t;
}

async function main(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'nasctl-webui-bench-'));
  const code = mkdtempSync(join(tmpdir(), 'nasctl-webui-bench-code-'));
  writeFileSync(join(code, 'trial.sh'), FAST_TRIAL);
  const id = 'bench100k';
  const out: string[] = [];
  const say = (s: string) => {
    out.push(s);
    console.log(s);
  };
  try {
    let t = performance.now();
    generateExperiment({ home, id, trials: TRIALS, intermediates: 20, codeDir: code, trialCommand: 'sh trial.sh',
      progress: (n) => process.stderr.write(`\rgenerated ${n} trials`) });
    process.stderr.write('\n');
    say(`generated ${TRIALS} trials x 20 intermediate metrics in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const daemon = await startBenchDaemon(home, STREAM_SIM);
    const base = `http://127.0.0.1:${daemon.port}`;
    const browser = await launchBrowser();
    try {
      const api = `${base}/api/v1/experiments/${id}`;
      const page = await browser.context.newPage();
      if (!only) {
        say('\nREST (median of 3, daemon on this machine):');
        for (const [label, url] of [
          ['GET /experiments', `${base}/api/v1/experiments`],
          ['GET /experiments/:id', api],
          ['trials, first page of 200', `${api}/trials?limit=200&sort=sequence&order=desc`],
          ['trials, sort finalMetric', `${api}/trials?limit=200&sort=finalMetric&order=desc`],
          ['trials, sort duration', `${api}/trials?limit=200&sort=duration&order=desc`],
          ['trials, status FAILED', `${api}/trials?limit=200&status=FAILED`],
          ['trials, metric range', `${api}/trials?limit=200&metricMin=0.85&metricMax=0.9`],
          ['trials, search choice value', `${api}/trials?limit=200&search=sep_conv3x3`],
          ['trials, search an id', `${api}/trials?limit=200&search=t0ppo`],
          ['trials, search, sort by metric', `${api}/trials?limit=200&search=identity&sort=finalMetric&order=desc`],
          ['trials, sort by a choice', `${api}/trials?limit=200&sortParam=layer3&order=desc`],
          ['trials, sort by choice, off 50k', `${api}/trials?limit=200&sortParam=layer3&order=asc&offset=50000`],
          ['trials, search id, sort by choice', `${api}/trials?limit=200&search=t0ppo&sortParam=layer3&order=asc`],
          ['trials, search value, sort by choice', `${api}/trials?limit=200&search=sep_conv3x3&sortParam=layer3&order=asc`],
          ['trials, sort by metric key flops', `${api}/trials?limit=200&sortMetric=flops&order=desc`],
          ['trials, offset 99,800', `${api}/trials?limit=200&offset=${Math.max(0, TRIALS - 200)}`],
          ['trials, limit 10,000', `${api}/trials?limit=10000&sort=sequence&order=asc`],
          ['charts columns (all trials)', `${api}/charts`],
          ['metrics of one trial', `${api}/trials/t00001/metrics`],
          ['metrics/latest', `${api}/metrics/latest`],
        ] as const) {
          const r = await timeFetch(url);
          say(`  ${label.padEnd(36)} ${ms(r.ms)}  ${(r.bytes / 1024).toFixed(0).padStart(7)} KiB`);
        }

        say('\nHeadless Chromium (cold page loads; goal < 2000 ms):');
        const tp: number[] = [];
        const op: number[] = [];
        for (let i = 0; i < 3; i++) {
          tp.push(await paintTime(page, `${base}/experiments/${id}/trials`, '.vrow[data-trial]'));
          op.push(await paintTime(page, `${base}/experiments/${id}/overview`, '[data-testid="top-trials"]'));
        }
        say(`  trials page, first rows painted   ${ms(median(tp))}  (runs: ${tp.map((x) => x.toFixed(0)).join(', ')})`);
        say(`  overview, top trials painted      ${ms(median(op))}  (runs: ${op.map((x) => x.toFixed(0)).join(', ')})`);
        await page.goto(`${base}/experiments/${id}/charts`, { waitUntil: 'commit' });
        const c0 = performance.now();
        await page.locator('[data-testid="chart-final"] canvas').waitFor({ timeout: 120_000 });
        say(`  charts page, all ${TRIALS} trials drawn ${ms(performance.now() - c0)}`);

        say('\nRound trips on the trials page (click -> new rows painted; goal < 300 ms):');
        await page.goto(`${base}/experiments/${id}/trials`);
        await page.locator('.vrow[data-trial]').first().waitFor();
        const rt: Array<[string, () => Promise<void>]> = [
          ['sort by metric (desc)', () => page.locator('.vhead [data-col="finalMetric"]').click()],
          ['sort by metric (asc)', () => page.locator('.vhead [data-col="finalMetric"]').click()],
          ['sort by duration', () => page.locator('.vhead [data-col="duration"]').click()],
          ['sort by status', () => page.locator('.vhead [data-col="status"]').click()],
          ['filter status FAILED', () => page.locator('[data-testid="filter-FAILED"]').click()],
          ['clear status filter', () => page.locator('[data-testid="filter-FAILED"]').click()],
          ['sort by a choice (layer3)', () => page.locator('.vhead [data-col="p:layer3"]').click()],
          ['sort by a choice (reverse)', () => page.locator('.vhead [data-col="p:layer3"]').click()],
          ['scroll to row 50,000', () => page.locator('[data-testid="trials-table"]').evaluate((e) => { (e as unknown as { scrollTop: number }).scrollTop = 50_000 * 32; })],
        ];
        const rts: number[] = [];
        for (const [label, act] of rt) {
          const r = await roundTrip(page, act);
          rts.push(r);
          say(`  ${label.padEnd(32)} ${ms(r)}`);
        }
        const wanted = `t${Math.floor(TRIALS / 2).toString(36).padStart(5, '0')}`;
        const typed = performance.now();
        await page.locator('[data-testid="trial-search"]').fill(wanted);
        await page.locator(`.vrow[data-trial="${wanted}"]`).waitFor();
        say(`  ${'search by id (100 ms debounce)'.padEnd(32)} ${ms(performance.now() - typed)}`);
      }
      if (!only || only === 'stream') await streamBench(page, base, id, daemon, say);
    } finally {
      await browser.close();
      await daemon.close();
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
    rmSync(code, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack ?? e.message : String(e));
  process.exit(1);
});
