import type { CostModel, SearchSpace } from '../search-space';
import type { Candidate, CostLimits } from '../tuner';
import type { Rng } from '../rng';
import { candidateCost, withinLimits } from '../space/cost';
import type { Cost } from '../space/cost';
import { sampleParameter } from '../space/sample';

/** Per key: the candidate names and the cost each adds (choice and layer_choice keys with a cost table). */
interface Slot {
  key: string;
  /** The value a candidate holds for each choice (layer_choice: {_value, _idx}). */
  values: unknown[];
  costs: Cost[];
}

function slotsOf(space: SearchSpace, cost: CostModel): { slots: Slot[]; free: string[] } {
  const slots: Slot[] = [];
  const free: string[] = [];
  for (const [key, spec] of Object.entries(space)) {
    const table = cost.perChoice[key];
    if (table && (spec._type === 'layer_choice' || spec._type === 'choice')) {
      const names = spec._value.map(String);
      const values: unknown[] = spec._type === 'layer_choice' ? spec._value.map((n, i) => ({ _value: n, _idx: i })) : [...spec._value];
      slots.push({ key, values, costs: names.map((n) => ({ flops: table[n]?.flops ?? 0, params: table[n]?.params ?? 0 })) });
    } else {
      free.push(key);
    }
  }
  return { slots, free };
}

/**
 * The fallback of PrioritizedPath when uniform rejection sampling found nothing in the FLOPs
 * window (a narrow window in a large space): keys without a cost table are drawn as usual, then
 * each choice / layer_choice key with one is drawn uniformly among the candidates that keep the
 * window reachable given the cheapest and dearest completions of the keys after it. Costs are
 * additive (CostModel), so the reachability test is exact for each limit alone; discrete gaps or
 * both limits together can still dead-end, hence `attempts` restarts. Not uniform over the window
 * (it favours candidates that many completions allow): that is why it is only a fallback.
 * Returns undefined when every attempt dead-ended. All randomness from `rng`; never throws.
 */
export function sampleInWindow(space: SearchSpace, cost: CostModel, limits: CostLimits, rng: Rng, attempts: number): Candidate | undefined {
  const { slots, free } = slotsOf(space, cost);
  // suffix bounds: cheapest / dearest cost of slots i..end
  const minRest: Cost[] = new Array<Cost>(slots.length + 1);
  const maxRest: Cost[] = new Array<Cost>(slots.length + 1);
  minRest[slots.length] = { flops: 0, params: 0 };
  maxRest[slots.length] = { flops: 0, params: 0 };
  for (let i = slots.length - 1; i >= 0; i--) {
    const c = (slots[i] as Slot).costs;
    const nextMin = minRest[i + 1] as Cost;
    const nextMax = maxRest[i + 1] as Cost;
    minRest[i] = { flops: nextMin.flops + Math.min(...c.map((x) => x.flops)), params: nextMin.params + Math.min(...c.map((x) => x.params)) };
    maxRest[i] = { flops: nextMax.flops + Math.max(...c.map((x) => x.flops)), params: nextMax.params + Math.max(...c.map((x) => x.params)) };
  }
  const fmin = limits.flopsMin ?? -Infinity;
  const fmax = limits.flopsMax ?? Infinity;
  const pmax = limits.paramsMax ?? Infinity;
  for (let a = 0; a < attempts; a++) {
    const out: Candidate = {};
    for (const key of free) out[key] = sampleParameter(space[key]!, rng);
    // cost of the base and the free keys (the slots are not set yet, so they add nothing)
    let acc = candidateCost(out, cost);
    let dead = false;
    for (let i = 0; i < slots.length && !dead; i++) {
      const slot = slots[i] as Slot;
      const lo = minRest[i + 1] as Cost;
      const hi = maxRest[i + 1] as Cost;
      const ok: number[] = [];
      slot.costs.forEach((c, j) => {
        const f = acc.flops + c.flops;
        const p = acc.params + c.params;
        if (f + lo.flops <= fmax && f + hi.flops >= fmin && p + lo.params <= pmax) ok.push(j);
      });
      if (ok.length === 0) {
        dead = true;
        break;
      }
      const j = ok[rng.int(ok.length)] as number;
      out[slot.key] = slot.values[j];
      acc = { flops: acc.flops + (slot.costs[j] as Cost).flops, params: acc.params + (slot.costs[j] as Cost).params };
    }
    if (dead) continue;
    const ordered: Candidate = {};
    for (const key of Object.keys(space)) ordered[key] = out[key];
    if (withinLimits(candidateCost(ordered, cost), limits)) return ordered;
  }
  return undefined;
}
