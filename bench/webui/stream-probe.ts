/** What the in-page probe saw while trial updates streamed in. */
export interface ProbeResult {
  /** requestAnimationFrame timestamps (performance.now()). */
  frames: number[];
  /** Durations of long tasks (> 50 ms main-thread work) reported by PerformanceObserver, ms. */
  longTasks: number[];
  /** First frame (Date.now() ms) in which each `trialId|status` was on screen. */
  seen: Array<[string, number]>;
}

/**
 * Runs IN THE PAGE (passed to page.evaluate; it must not reference anything outside itself):
 * for `durationMs`, records every animation frame's timestamp, every long task, and the first
 * frame in which each visible row (`.vrow[data-trial]`) showed each status (`data-status`).
 * A rAF callback runs just before the frame is painted, so a row seen there is painted in that
 * frame. Resolves with what it saw.
 */
export function streamProbe(durationMs: number): Promise<ProbeResult> {
  interface El { getAttribute(n: string): string | null }
  const g = globalThis as unknown as {
    requestAnimationFrame(cb: (t: number) => void): void;
    document: { querySelectorAll(s: string): ArrayLike<El> };
    PerformanceObserver: new (cb: (list: { getEntries(): Array<{ duration: number }> }) => void) => {
      observe(o: { type: string; buffered?: boolean }): void; disconnect(): void;
    };
  };
  return new Promise((resolve) => {
    const frames: number[] = [];
    const longTasks: number[] = [];
    const seen = new Map<string, number>();
    let observer: { disconnect(): void } | undefined;
    try {
      const o = new g.PerformanceObserver((list) => {
        for (const e of list.getEntries()) longTasks.push(e.duration);
      });
      o.observe({ type: 'longtask' });
      observer = o;
    } catch {
      observer = undefined;
    }
    let start = -1;
    const tick = (t: number) => {
      if (start < 0) start = t;
      frames.push(t);
      const now = Date.now();
      const rows = g.document.querySelectorAll('.vrow[data-trial]');
      for (let i = 0; i < rows.length; i++) {
        const key = `${rows[i].getAttribute('data-trial')}|${rows[i].getAttribute('data-status')}`;
        if (!seen.has(key)) seen.set(key, now);
      }
      if (t - start < durationMs) g.requestAnimationFrame(tick);
      else {
        observer?.disconnect();
        resolve({ frames, longTasks, seen: [...seen] });
      }
    };
    g.requestAnimationFrame(tick);
  });
}
