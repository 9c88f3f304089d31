import type { RankScatter } from '../api/types';

/** Scatter points sorted by ground truth (uPlot wants ascending x), with their arch keys. Pure. */
export function scatterSeries(s: RankScatter): { x: number[]; y: number[]; arch: string[] } {
  const idx = s.truth.map((_, i) => i).sort((a, b) => (s.truth[a] as number) - (s.truth[b] as number));
  return { x: idx.map((i) => s.truth[i] as number), y: idx.map((i) => s.score[i] as number), arch: idx.map((i) => s.arch[i] as string) };
}
