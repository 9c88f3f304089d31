/** A point of a metric-vs-cost scatter. */
export interface CostPoint {
  cost: number;
  metric: number;
  id: string;
}

/**
 * The Pareto front of `points`: those no other point beats on both lower cost and better metric
 * (larger when `maximize`), sorted by cost. O(n log n); pure.
 */
export function paretoFront(points: readonly CostPoint[], maximize: boolean): CostPoint[] {
  const better = (a: number, b: number) => (maximize ? a > b : a < b);
  const sorted = [...points].sort((a, b) => a.cost - b.cost || (better(a.metric, b.metric) ? -1 : 1));
  const front: CostPoint[] = [];
  for (const p of sorted) {
    const last = front[front.length - 1];
    if (!last || better(p.metric, last.metric)) {
      if (last && last.cost === p.cost) front.pop();
      front.push(p);
    }
  }
  return front;
}
