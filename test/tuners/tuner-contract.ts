import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Candidate, CostLimits, TrialView, Tuner, TunerFactory } from '../../tuners/tuner';
import { createRng } from '../../tuners/rng';
import { isInSpace } from '../../tuners/space/contains';
import { candidateCost, withinLimits } from '../../tuners/space/cost';
import { sampleCandidate } from '../../tuners/space/sample';
import { TunerError } from '../../tuners/tuner-error';
import { contractSpaces } from './contract-spaces';
import type { ContractSpace } from './contract-spaces';
import { driveTuner, fakeTrial } from './fake-trials';

/** Options of the contract for tuners that legitimately differ. */
export interface ContractOptions {
  /** The tuner ignores the RNG (grid search): skip "different seeds give different proposals". */
  seedIndependent?: boolean;
  /** The tuner may return [] while trials are pending (generational evolution waits for its generation). */
  mayWait?: boolean;
}

function assertAllInSpace(props: readonly Candidate[], cs: ContractSpace): void {
  for (const p of props) assert.equal(isInSpace(p, cs.space), undefined, `proposal outside "${cs.name}": ${JSON.stringify(p)}`);
}

function limitsOf(args: Record<string, number> | undefined): CostLimits {
  return { flopsMax: args?.flopsLimit, flopsMin: args?.flopsMin, paramsMax: args?.paramsLimit };
}

/** A history with every status, metrics on some, intermediate results, and RUNNING trials at the end. */
function mixedHistory(cs: ContractSpace, n: number): TrialView[] {
  const rng = createRng(99);
  const statuses: TrialView['status'][] = ['SUCCEEDED', 'FAILED', 'SUCCEEDED', 'USER_CANCELED', 'EARLY_STOPPED', 'SYS_CANCELED', 'SUCCEEDED', 'WAITING', 'RUNNING'];
  return Array.from({ length: n }, (_, i) => {
    const status = statuses[i % statuses.length] as TrialView['status'];
    const metric = status === 'SUCCEEDED' || status === 'EARLY_STOPPED' ? rng.next() : undefined;
    return fakeTrial(i, sampleCandidate(cs.space, rng), status, metric);
  });
}

/**
 * The contract every tuner must pass, written once (as Optuna's and Hono's shared suites): on each
 * space, proposals stay inside the space, are reproducible for a seed and history, differ across
 * seeds, respect ctx.count and the cost limits, survive histories with failed, running, canceled
 * and foreign trials, and never throw on an empty history. Call it at the top level of a test file.
 */
export function runTunerContract(
  factory: TunerFactory,
  classArgs: Record<string, unknown>,
  spaces: ContractSpace[] = contractSpaces(),
  options: ContractOptions = {},
): void {
  const make = (cs: ContractSpace, extra: Record<string, unknown> = {}): Tuner =>
    factory.create({ searchSpace: cs.space, classArgs: { ...classArgs, ...(cs.limitArgs ?? {}), ...extra }, cost: cs.cost });

  describe(`tuner contract: ${factory.name}`, () => {
    it('has a name and an object classArgs schema', () => {
      assert.ok(factory.name.length > 0);
      assert.equal((factory.classArgsSchema as { type?: string }).type, 'object');
    });

    it('accepts optimize_mode maximize and minimize, rejects anything else', () => {
      const cs = contractSpaces()[1] as ContractSpace;
      make(cs, { optimize_mode: 'maximize' });
      make(cs, { optimize_mode: 'minimize' });
      assert.throws(() => make(cs, { optimize_mode: 'sideways' }), TunerError);
    });

    for (const cs of spaces) {
      describe(cs.name, () => {
        it('proposes inside the space on an empty history without throwing', () => {
          const props = make(cs).propose({ count: 3, history: [], rng: createRng(1) });
          assert.ok(props.length >= 1 && props.length <= 3, `got ${props.length} proposals`);
          assertAllInSpace(props, cs);
          assert.equal(make(cs).isExhausted?.({ history: [] }) ?? false, false);
        });

        it('keeps every proposal of a run with failures and running trials inside the space', () => {
          const { history } = driveTuner(make(cs), { seed: 3, rounds: 12, count: 4, failEvery: 3, leaveRunning: 2 });
          assert.ok(history.length >= (options.mayWait ? 1 : 12), `only ${history.length} proposals in 12 rounds`);
          assertAllInSpace(history.map((t) => t.parameters), cs);
        });

        it('is reproducible for the same seed and history', () => {
          const a = driveTuner(make(cs), { seed: 7, rounds: 8, count: 3, failEvery: 4, leaveRunning: 1 });
          const b = driveTuner(make(cs), { seed: 7, rounds: 8, count: 3, failEvery: 4, leaveRunning: 1 });
          assert.deepEqual(b.rounds, a.rounds);
          const h = mixedHistory(cs, 20);
          assert.deepEqual(make(cs).propose({ count: 4, history: h, rng: createRng(5, 20) }), make(cs).propose({ count: 4, history: h, rng: createRng(5, 20) }));
        });

        if (!options.seedIndependent) {
          it('gives different proposals for different seeds', () => {
            const a = driveTuner(make(cs), { seed: 1, rounds: 4, count: 3 });
            const b = driveTuner(make(cs), { seed: 2, rounds: 4, count: 3 });
            assert.notDeepEqual(b.rounds, a.rounds);
          });
        }

        it('respects ctx.count', () => {
          const h = mixedHistory(cs, 12);
          for (const count of [1, 2, 5, 9]) {
            assert.ok(make(cs).propose({ count, history: [], rng: createRng(count) }).length <= count);
            const props = make(cs).propose({ count, history: h, rng: createRng(count, h.length) });
            assert.ok(props.length <= count, `asked ${count}, got ${props.length}`);
            assertAllInSpace(props, cs);
          }
        });

        it('works with a history of FAILED, RUNNING, canceled trials and metrics', () => {
          const h = mixedHistory(cs, 60);
          const props = make(cs).propose({ count: 5, history: h, rng: createRng(11, h.length) });
          assert.ok(props.length >= 1 || options.mayWait, 'no proposal');
          assertAllInSpace(props, cs);
          if (options.mayWait) {
            const settled = h.map((t) => (t.status === 'RUNNING' || t.status === 'WAITING' ? fakeTrial(t.sequence, t.parameters, 'FAILED') : t));
            const more = make(cs).propose({ count: 5, history: settled, rng: createRng(11, h.length) });
            assert.ok(more.length >= 1, 'no proposal once nothing is pending');
            assertAllInSpace(more, cs);
          }
        });

        it('tolerates trials whose parameters are not in the space', () => {
          const h = [...mixedHistory(cs, 30), fakeTrial(30, { foreign: 1 }, 'SUCCEEDED', 99), fakeTrial(31, {}, 'SUCCEEDED', 98)];
          const props = make(cs).propose({ count: 3, history: h, rng: createRng(12, h.length) });
          assertAllInSpace(props, cs);
        });

        if (cs.cost && cs.limitArgs) {
          const cost = cs.cost;
          const limits = limitsOf(cs.limitArgs);
          it('respects the cost limits', () => {
            const { history } = driveTuner(make(cs), { seed: 4, rounds: 10, count: 6, failEvery: 5 });
            for (const t of history) assert.ok(withinLimits(candidateCost(t.parameters, cost), limits), `over limits: ${JSON.stringify(candidateCost(t.parameters, cost))}`);
          });

          it('throws a TunerError or proposes nothing when nothing fits the limits', () => {
            const tuner = make(cs, { flopsLimit: 1, flopsMin: 0 });
            let props: Candidate[] = [];
            try {
              props = tuner.propose({ count: 2, history: [], rng: createRng(1) });
            } catch (e) {
              assert.ok(e instanceof TunerError, `expected a TunerError, got ${String(e)}`);
              assert.match(e.message, /limit/);
            }
            assert.deepEqual(props, []);
          });

          it('rejects cost limits when the space has no cost model', () => {
            assert.throws(() => factory.create({ searchSpace: cs.space, classArgs: { ...classArgs, ...cs.limitArgs } }), /cost model/);
          });
        }
      });
    }
  });
}
