/** A point of a two-objective comparison: x is minimized, y maximized or minimized. */
export interface ObjectivePoint {
  readonly x: number;
  readonly y: number;
}

/**
 * Indices of the non-dominated points, sorted by x ascending (ties by index). Point p dominates q
 * when p.x <= q.x and p.y is at least as good as q.y, and one of the two strictly; equal points do
 * not dominate each other, so duplicates on the front are all kept. An O(n log n) sweep: sort by
 * x ascending and y best first, then walk x-groups keeping the best y seen at smaller x; a group's
 * best points are on the front exactly when they beat it strictly. Pure; assumes finite numbers.
 */
export function paretoFront(points: readonly ObjectivePoint[], y: 'maximize' | 'minimize'): number[] {
  const sign = y === 'maximize' ? 1 : -1;
  const order = points.map((_, i) => i);
  order.sort((a, b) => {
    const pa = points[a] as ObjectivePoint;
    const pb = points[b] as ObjectivePoint;
    return pa.x - pb.x || sign * (pb.y - pa.y) || a - b;
  });
  const front: number[] = [];
  let bestSoFar = -Infinity;
  let i = 0;
  while (i < order.length) {
    const x = (points[order[i] as number] as ObjectivePoint).x;
    const groupBest = sign * (points[order[i] as number] as ObjectivePoint).y;
    let j = i;
    while (j < order.length && (points[order[j] as number] as ObjectivePoint).x === x) {
      if (groupBest > bestSoFar && sign * (points[order[j] as number] as ObjectivePoint).y === groupBest) front.push(order[j] as number);
      j++;
    }
    if (groupBest > bestSoFar) bestSoFar = groupBest;
    i = j;
  }
  return front;
}
