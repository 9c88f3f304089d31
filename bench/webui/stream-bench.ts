import type { Page } from 'playwright-core';
import type { LiveDelta } from '../../daemon/service/live-delta';
import type { BenchDaemon } from './bench-daemon';
import type { SimOptions } from './sim-training-service';
import { frameStats } from './frame-stats';
import { paintLags } from './paint-lag';
import { streamProbe, type ProbeResult } from './stream-probe';

/** Trial status updates per second to reach (BENCH_RATE), and for how long (BENCH_STREAM_S). */
const RATE = Number(process.env.BENCH_RATE ?? 200);
const STREAM_MS = 1000 * Number(process.env.BENCH_STREAM_S ?? 12);

/** Simulated trials of the streaming part: 1.5 s each, 3 intermediate metrics and a final. */
export const STREAM_SIM: SimOptions = { durationMs: 1500, intermediates: 3 };

/**
 * Streaming part of the web UI bench: resumes experiment `id` on the bench daemon, whose
 * simulated trials (each: created WAITING, RUNNING, SUCCEEDED = 3 trial deltas, plus 4 metric
 * deltas) run with a concurrency that gives RATE trial updates per second, while the trials page
 * is open; measures frame times, long tasks and the lag from a change to the frame showing it,
 * and a sort round trip during the stream. Prints with `say`. Stops the experiment at the end.
 */
export async function streamBench(page: Page, base: string, id: string, daemon: BenchDaemon, say: (s: string) => void): Promise<void> {
  const api = `${base}/api/v1/experiments/${id}`;
  const concurrency = Math.ceil((RATE / 3) * (STREAM_SIM.durationMs / 1000));
  say(`\nStreaming: ${RATE} trial updates/s for ${STREAM_MS / 1000} s (real daemon, simulated trials: ${concurrency} concurrent x ${STREAM_SIM.durationMs} ms), trials page open:`);
  await page.goto(`${base}/experiments/${id}/trials`);
  await page.locator('.vrow[data-trial]').first().waitFor();
  const counts: Record<string, number> = {};
  const unsub = daemon.manager.subscribe((d: LiveDelta) => {
    if (d.experimentId === id) counts[d.type] = (counts[d.type] ?? 0) + 1;
  });
  const res = await fetch(`${api}/resume`, { method: 'POST' });
  if (!res.ok) throw new Error(`resume failed: ${res.status} ${await res.text()}`);
  const patch = await fetch(api, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ trialConcurrency: concurrency }) });
  if (!patch.ok) throw new Error(`PATCH trialConcurrency failed: ${patch.status} ${await patch.text()}`);
  const t0 = performance.now();
  const probe: ProbeResult = await page.evaluate(streamProbe, STREAM_MS);
  const secs = (performance.now() - t0) / 1000;
  const during = await sortRoundTrip(page);
  unsub();
  await fetch(`${api}/stop`, { method: 'POST' });

  const f = frameStats(probe.frames);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  say(`  deltas published: ${total} in ${secs.toFixed(1)} s: ${JSON.stringify(counts)}`);
  say(`  trial status updates: ${((counts.trial ?? 0) / secs).toFixed(0)}/s, metric updates: ${((counts.metric ?? 0) / secs).toFixed(0)}/s (goal: 200 trial updates/s)`);
  say(`  frames: ${f.count} (${(f.count / secs).toFixed(0)}/s), gap p50 ${f.median.toFixed(1)} ms, p95 ${f.p95.toFixed(1)} ms, max ${f.max.toFixed(1)} ms, gaps > 50 ms: ${f.over50}`);
  const lt = probe.longTasks;
  say(`  long tasks (> 50 ms): ${lt.length}, total ${lt.reduce((a, b) => a + b, 0).toFixed(0)} ms, longest ${Math.max(0, ...lt).toFixed(0)} ms`);
  const service = daemon.services[daemon.services.length - 1];
  if (service) {
    const lags = paintLags(probe.seen, service.timeline);
    say(`  lag, visible row RUNNING -> SUCCEEDED painted: n=${lags.patch.count}, p50 ${lags.patch.median.toFixed(0)} ms, p95 ${lags.patch.p95.toFixed(0)} ms, max ${lags.patch.max.toFixed(0)} ms`);
    say(`  lag, new trial's row first painted (by design <= 1 s refresh): n=${lags.appear.count}, p50 ${lags.appear.median.toFixed(0)} ms, p95 ${lags.appear.p95.toFixed(0)} ms`);
  }
  say(`  sort by metric round trip at the end of the stream: ${during === undefined ? 'did not finish within 30 s' : `${during.toFixed(0)} ms`}`);
}

/** ms from clicking the metric header until the first row changes; undefined on timeout. */
async function sortRoundTrip(page: Page): Promise<number | undefined> {
  const first = () => page.evaluate(() => {
    const d = (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(n: string): string | null } | null } }).document;
    return d.querySelector('.vrow[data-trial]')?.getAttribute('data-trial') ?? '';
  });
  const before = await first();
  const t = performance.now();
  await page.locator('.vhead [data-col="finalMetric"]').click();
  try {
    await page.waitForFunction((b: string) => {
      const d = (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(n: string): string | null } | null } }).document;
      const now = d.querySelector('.vrow[data-trial]')?.getAttribute('data-trial');
      return now !== undefined && now !== null && now !== b;
    }, before, { timeout: 30_000, polling: 'raf' });
    return performance.now() - t;
  } catch {
    return undefined;
  }
}
