import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hasBoard, prioritizedBoard, prioritizedPathTunerFactory, PrioritizedPathTuner } from '../../tuners/prioritized-path-tuner';
import { randomTunerFactory } from '../../tuners/random-tuner';
import { findTuner } from '../../tuners/registry';
import { createRng } from '../../tuners/rng';
import { isInSpace } from '../../tuners/space/contains';
import { candidateCost } from '../../tuners/space/cost';
import { sampleCandidate } from '../../tuners/space/sample';
import type { Candidate, TrialView } from '../../tuners/tuner';
import { TunerError } from '../../tuners/tuner-error';
import { runTunerContract } from './tuner-contract';
import { fakeTrial, hamming } from './fake-trials';
import { sposCostModel, sposSpace } from './contract-spaces';

runTunerContract(prioritizedPathTunerFactory, {});
runTunerContract(prioritizedPathTunerFactory, { exploit: 0 });
runTunerContract(prioritizedPathTunerFactory, { exploit: 1, boardSize: 3, accGap: 0.05 });

/** 12 SPOS trials: metric = 10 * sequence (maximize), trial 11 FAILED, trial 10 RUNNING. */
function history(): TrialView[] {
  const rng = createRng(5);
  return Array.from({ length: 12 }, (_, i) => {
    const status: TrialView['status'] = i === 11 ? 'FAILED' : i === 10 ? 'RUNNING' : 'SUCCEEDED';
    return fakeTrial(i, sampleCandidate(sposSpace(), rng), status, status === 'SUCCEEDED' ? 10 * i : undefined);
  });
}

describe('PrioritizedPathTuner', () => {
  it('keeps the best K successful paths on its board, best first', () => {
    const tuner = prioritizedPathTunerFactory.create({ searchSpace: sposSpace(), classArgs: { boardSize: 4 } });
    assert.ok(hasBoard(tuner));
    const board = tuner.board(history());
    assert.deepEqual(board.map((b) => b.sequence), [9, 8, 7, 6]);
    assert.deepEqual(board.map((b) => b.metric), [90, 80, 70, 60]);
    // no cost model: FLOPs come from the reported `flops` metric (fake trials report 1)
    assert.ok(board.every((b) => b.flops === 1));
    assert.equal(hasBoard(randomTunerFactory.create({ searchSpace: sposSpace(), classArgs: {} })), false);
  });

  it('ranks by lower metric when minimizing', () => {
    const board = prioritizedBoard(history(), sposSpace(), { boardSize: 3, optimize_mode: 'minimize' });
    assert.deepEqual(board.map((b) => b.metric), [0, 10, 20]);
    assert.deepEqual(board.map((b) => b.fitness), [-0, -10, -20]);
  });

  it('admits only paths inside the FLOPs window, with their cost-model FLOPs', () => {
    const cost = sposCostModel();
    const h = history();
    const flops = h.map((t) => candidateCost(t.parameters, cost).flops).sort((a, b) => a - b);
    const window = { flopsMin: flops[3] as number, flopsLimit: flops[8] as number };
    const board = prioritizedBoard(h, sposSpace(), { boardSize: 10, ...window }, cost);
    assert.ok(board.length > 0);
    for (const b of board) {
      assert.ok((b.flops as number) >= window.flopsMin && (b.flops as number) <= window.flopsLimit, `${b.flops} outside the window`);
      assert.equal(b.flops, candidateCost(b.parameters, cost).flops);
    }
    const inWindow = h.filter((t) => t.status === 'SUCCEEDED').filter((t) => {
      const f = candidateCost(t.parameters, cost).flops;
      return f >= window.flopsMin && f <= window.flopsLimit;
    });
    assert.equal(board.length, inWindow.length);
  });

  it('does not put the same path on the board twice', () => {
    const h = history();
    const dup = fakeTrial(12, h[9]!.parameters, 'SUCCEEDED', 95);
    const board = prioritizedBoard([...h, dup], sposSpace(), { boardSize: 5 });
    assert.deepEqual(board.map((b) => b.sequence), [9, 8, 7, 6, 5]);
  });

  it('with exploit = 1 proposes one-choice mutants of board paths only', () => {
    const h = history();
    const tuner = prioritizedPathTunerFactory.create({ searchSpace: sposSpace(), classArgs: { boardSize: 2, exploit: 1 } });
    const members = [h[9]!.parameters, h[8]!.parameters];
    const kids = tuner.propose({ count: 30, history: h, rng: createRng(3) });
    assert.equal(kids.length, 30);
    for (const k of kids) assert.equal(Math.min(...members.map((m) => hamming(k, m))), 1, `not a mutant of the board: ${JSON.stringify(k)}`);
  });

  it('with exploit = 0 proposes new uniform paths, not mutants', () => {
    const h = history();
    const tuner = prioritizedPathTunerFactory.create({ searchSpace: sposSpace(), classArgs: { exploit: 0 } });
    const kids = tuner.propose({ count: 30, history: h, rng: createRng(3) });
    // a uniform 20-choice path differs from a given one in 15 choices on average
    const near = kids.filter((k) => Math.min(...h.map((t) => hamming(k, t.parameters))) <= 2);
    assert.equal(near.length, 0);
  });

  it('falls back to a constrained draw when uniform sampling misses a narrow window', () => {
    // the space spans 270.42M..398.63M FLOPs; uniform draws almost never reach >= 390M
    const cost = sposCostModel();
    const args = { flopsMin: 390e6, flopsLimit: 395e6, maxTries: 20 };
    const tuner = prioritizedPathTunerFactory.create({ searchSpace: sposSpace(), classArgs: args, cost });
    const props: Candidate[] = tuner.propose({ count: 20, history: [], rng: createRng(8) });
    assert.equal(props.length, 20);
    for (const p of props) {
      assert.equal(isInSpace(p, sposSpace()), undefined);
      const f = candidateCost(p, cost).flops;
      assert.ok(f >= 390e6 && f <= 395e6, `${f} outside the window`);
    }
    assert.ok(new Set(props.map((p) => JSON.stringify(p))).size >= 15, 'fallback draws should vary');
  });

  it('throws a TunerError naming the window when no path fits', () => {
    const tuner = prioritizedPathTunerFactory.create({ searchSpace: sposSpace(), classArgs: { flopsMin: 400e6, flopsLimit: 500e6, maxTries: 10 }, cost: sposCostModel() });
    assert.throws(() => tuner.propose({ count: 1, history: [], rng: createRng(1) }), (e: unknown) => e instanceof TunerError && /FLOPs window/.test(e.message));
  });

  it('rejects bad classArgs with their path', () => {
    assert.throws(() => prioritizedPathTunerFactory.create({ searchSpace: sposSpace(), classArgs: { exploit: 1.5 } }), /exploit/);
    assert.throws(() => prioritizedPathTunerFactory.create({ searchSpace: sposSpace(), classArgs: { boardSize: 0 } }), /boardSize/);
    assert.throws(() => prioritizedPathTunerFactory.create({ searchSpace: sposSpace(), classArgs: { accGap: -1 } }), /accGap/);
    assert.throws(() => prioritizedPathTunerFactory.create({ searchSpace: sposSpace(), classArgs: { pool: 3 } }), /pool/);
  });

  it('is registered as a built-in tuner', () => {
    assert.equal(findTuner('prioritizedpath'), prioritizedPathTunerFactory);
  });

  it('is a class the daemon can recognise', () => {
    assert.ok(prioritizedPathTunerFactory.create({ searchSpace: sposSpace(), classArgs: {} }) instanceof PrioritizedPathTuner);
  });
});
