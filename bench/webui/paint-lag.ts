import type { SimTimeline } from './sim-training-service';
import { median } from './frame-stats';

/** Lags between a trial's change in the daemon and the frame that showed it, ms. */
export interface PaintLags {
  /** A visible row changed status in place (RUNNING -> SUCCEEDED). */
  patch: { count: number; median: number; p95: number; max: number };
  /** A new trial's row first appeared (from its start). */
  appear: { count: number; median: number; p95: number; max: number };
}

function summary(xs: number[]): PaintLags['patch'] {
  const s = [...xs].sort((a, b) => a - b);
  return { count: s.length, median: median(s), p95: s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] ?? 0, max: s[s.length - 1] ?? 0 };
}

/**
 * Pairs what the page showed (`seen`: first Date.now() at which `trialId|status` was on screen)
 * with when the simulated trials changed (`timeline`). A patch lag counts only rows that were on
 * screen in an earlier status before they showed SUCCEEDED (the in-place update the user watches).
 * Pure.
 */
export function paintLags(seen: ReadonlyArray<[string, number]>, timeline: SimTimeline): PaintLags {
  const byTrial = new Map<string, Map<string, number>>();
  for (const [key, at] of seen) {
    const [id, status] = key.split('|');
    let m = byTrial.get(id);
    if (!m) byTrial.set(id, (m = new Map()));
    m.set(status, at);
  }
  const patch: number[] = [];
  const appear: number[] = [];
  for (const [id, statuses] of byTrial) {
    const started = timeline.started.get(id);
    const ended = timeline.ended.get(id);
    if (started === undefined) continue; // a trial of the generated history
    appear.push(Math.max(0, Math.min(...statuses.values()) - started));
    const done = statuses.get('SUCCEEDED');
    const before = [statuses.get('WAITING'), statuses.get('RUNNING')].filter((x): x is number => x !== undefined);
    if (ended !== undefined && done !== undefined && before.some((b) => b < done)) patch.push(Math.max(0, done - ended));
  }
  return { patch: summary(patch), appear: summary(appear) };
}
