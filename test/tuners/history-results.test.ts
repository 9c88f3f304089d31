import { test } from 'node:test';
import assert from 'node:assert/strict';
import { topK, type ScoredTrial } from '../../tuners/history-results';
import { createRng } from '../../tuners/rng';
import type { TrialView } from '../../tuners/tuner';

function scored(fitness: number, sequence: number): ScoredTrial {
  return { fitness, trial: { sequence } as TrialView };
}

test('topK equals a full sort (fitness descending, earlier sequence first) for every k, with many ties', () => {
  const rng = createRng(7);
  for (let round = 0; round < 50; round++) {
    const n = Math.floor(rng.next() * 40);
    const items = Array.from({ length: n }, (_, i) => scored(Math.floor(rng.next() * 5), i));
    // shuffle so sequence order is not the input order
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    const sorted = [...items].sort((a, b) => b.fitness - a.fitness || a.trial.sequence - b.trial.sequence);
    for (const k of [0, 1, 2, 5, n, n + 3]) {
      assert.deepEqual(topK(items, k).map((s) => s.trial.sequence), sorted.slice(0, Math.max(0, k)).map((s) => s.trial.sequence), `n=${n} k=${k}`);
    }
  }
});
