/** Summary of animation-frame timestamps. */
export interface FrameStats {
  count: number;
  median: number;
  p95: number;
  max: number;
  /** Frames that took longer than 50 ms (a visible stall). */
  over50: number;
}

/** Median of `xs` (0 for none); pure. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Frame durations from consecutive requestAnimationFrame timestamps; pure. */
export function frameStats(timestamps: readonly number[]): FrameStats {
  const d: number[] = [];
  for (let i = 1; i < timestamps.length; i++) d.push(timestamps[i] - timestamps[i - 1]);
  const s = [...d].sort((a, b) => a - b);
  return {
    count: d.length,
    median: median(d),
    p95: s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] ?? 0,
    max: s[s.length - 1] ?? 0,
    over50: d.filter((x) => x > 50).length,
  };
}
