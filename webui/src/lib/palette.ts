/** Distinct series colors (readable on light and dark backgrounds). */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#59a14f', '#b07aa1', '#edc948', '#76b7b2', '#ff9da7', '#9c755f', '#bab0ac'];

/** The i-th palette color, cycling. */
export function seriesColor(i: number): string {
  return PALETTE[i % PALETTE.length];
}
