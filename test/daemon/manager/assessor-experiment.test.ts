import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExperimentManager } from '../../../daemon/manager/experiment-manager';
import { builtinTuners } from '../../../tuners/registry';
import { builtinAssessors } from '../../../tuners/assessors/registry';
import { createTrainingService } from '../../../daemon/server/create-training-service';
import type { AssessorFactory } from '../../../tuners/assessor';
import type { ExperimentRecord } from '../../../daemon/store/types';
import { ConfigError } from '../../../daemon/errors';
import { experimentPareto } from '../../../daemon/manager/experiment-pareto';
import { withTimeout } from '../training/local/recording-listener';

const SPACE = { lr: { _type: 'choice', _value: [0.1, 0.01, 0.001] }, width: { _type: 'choice', _value: [8, 16, 32, 64] } };

/**
 * A trial in sh whose learning curve depends on its sequence number: trials 0 and 1 are good
 * (flat at 0.9 and 0.95), later ones bad (flat at 0.2). A bad trial hangs after its result number
 * `hangAfter`, so only the assessor's kill ends it before the test's timeout.
 */
const curveTrial = (hangAfter: number): string => [
  'case "$NASCTL_TRIAL_SEQUENCE" in 0) q=0.9;; 1) q=0.95;; *) q=0.2;; esac',
  'for i in 1 2 3 4 5; do',
  `  printf '{"type":"metric","trialId":"%s","kind":"intermediate","value":%s}\\n' "$NASCTL_TRIAL_ID" "$q" >&3`,
  `  if [ "$q" = 0.2 ] && [ "$i" -ge ${hangAfter} ]; then sleep 60; fi`,
  'done',
  `printf '{"type":"metric","trialId":"%s","kind":"final","value":%s}\\n' "$NASCTL_TRIAL_ID" "$q" >&3`,
].join('\n');

describe('assessors and generation export in the daemon (real store, real child processes)', () => {
  let home: string;
  let manager: ExperimentManager;
  const logs: string[] = [];
  const brokenAssessor: AssessorFactory = {
    name: 'Broken',
    classArgsSchema: { type: 'object' },
    create: () => ({
      assess: () => {
        throw new Error('assessor bug');
      },
    }),
  };

  before(() => {
    home = mkdtempSync(join(tmpdir(), 'nasctl-assessor-'));
    manager = new ExperimentManager({ home, tuners: builtinTuners(), assessors: [...builtinAssessors(), brokenAssessor], createTrainingService, log: (l) => logs.push(l) });
  });
  after(async () => {
    await manager.shutdown();
    rmSync(home, { recursive: true, force: true });
  });

  const settle = (id: string): Promise<ExperimentRecord> => withTimeout(manager.whenSettled(id), 30_000, `experiment ${id} to settle`);
  const base = { searchSpace: SPACE, trialCommand: curveTrial(2), trialConcurrency: 1, maxTrialNumber: 4, tuner: { name: 'random' }, trainingService: { platform: 'local' } };

  it('Medianstop kills bad trials: EARLY_STOPPED with its reason, not retried, counted in the budget', async () => {
    const { id } = await manager.createExperiment({ ...base, maxRetries: 2, assessor: { name: 'medianstop', classArgs: { start_step: 2 } } }, home);
    const rec = await settle(id);
    assert.equal(rec.status, 'DONE');
    assert.deepEqual(rec.config.assessor, { name: 'Medianstop', classArgs: { start_step: 2, optimize_mode: 'maximize' } });
    const trials = manager.listTrials(id, { sort: 'sequence', order: 'asc' }).items;
    assert.deepEqual(trials.map((t) => t.status), ['SUCCEEDED', 'SUCCEEDED', 'EARLY_STOPPED', 'EARLY_STOPPED'], 'no retries of early-stopped trials');
    for (const t of trials.slice(2)) {
      assert.match(t.reason ?? '', /^Medianstop: best intermediate result 0\.2000 after 2 step\(s\) is below the median 0\.9000 of the running averages of 2 completed trial\(s\) at step 2$/);
      const detail = manager.getTrial(id, t.id);
      assert.equal(detail.metrics.filter((m) => m.kind === 'intermediate').length, 2, 'stopped at start_step');
      const last = detail.events[detail.events.length - 1]!;
      assert.deepEqual([last.from, last.to, last.reason], ['RUNNING', 'EARLY_STOPPED', t.reason]);
      assert.match(readFileSync(manager.trialLogPath(id, t.id, 'trial'), 'utf8'), /early stopped: Medianstop/);
    }
    const summary = manager.getExperiment(id);
    assert.equal(summary.trialCounts.EARLY_STOPPED, 2);
    assert.equal(summary.bestMetric, 0.95);
  });

  it('Curvefitting stops a trial whose fitted curve stays below threshold × best', async () => {
    const { id } = await manager.createExperiment({ ...base, trialCommand: curveTrial(4), maxTrialNumber: 3, assessor: { name: 'Curvefitting', classArgs: { epoch_num: 5, start_step: 4 } } }, home);
    await settle(id);
    const trials = manager.listTrials(id, { sort: 'sequence', order: 'asc' }).items;
    assert.deepEqual(trials.map((t) => t.status), ['SUCCEEDED', 'SUCCEEDED', 'EARLY_STOPPED']);
    assert.match(trials[2]!.reason ?? '', /^Curvefitting: after 4 step\(s\) the learning curve predicts 0\.2000 at step 5, below 0\.9025 \(threshold 0\.95 × best final 0\.9500\)$/);
  });

  it('an assessor that throws is disabled and logged; trials run to their end', async () => {
    const { id } = await manager.createExperiment({ ...base, maxTrialNumber: 2, trialCommand: curveTrial(99), assessor: { name: 'broken' } }, home);
    const rec = await settle(id);
    assert.equal(rec.status, 'DONE');
    const trials = manager.listTrials(id, { sort: 'sequence', order: 'asc' }).items;
    assert.deepEqual(trials.map((t) => t.status), ['SUCCEEDED', 'SUCCEEDED']);
    assert.equal(logs.filter((l) => l.includes(`experiment ${id}: assessor 'Broken' failed on trial ${trials[0]!.id}`) && l.includes('assessor bug')).length, 1, logs.join('\n'));
  });

  it('rejects an unknown assessor and bad classArgs with the field path', async () => {
    await assert.rejects(manager.createExperiment({ ...base, assessor: { name: 'Mediamstop' } }, home), (e: unknown) => e instanceof ConfigError && e.path === '/assessor/name' && /Medianstop/.test(e.message));
    await assert.rejects(
      manager.createExperiment({ ...base, assessor: { name: 'Curvefitting', classArgs: { epoch_num: 5, start_step: 9 } } }, home),
      (e: unknown) => e instanceof ConfigError && e.path === '/assessor/classArgs/start_step',
    );
    await assert.rejects(manager.createExperiment({ ...base, assessor: { name: 'Curvefitting' } }, home), (e: unknown) => e instanceof ConfigError && /epoch_num/.test(e.message));
  });

  it('writes export/generation_NNN.json with the top candidates when Evolution completes a generation', async () => {
    // final = 0.<sequence>: the best trials are the latest ones.
    const cmd = `printf '{"type":"metric","trialId":"%s","kind":"final","value":{"default":0.%s,"flops":%s}}\\n' "$NASCTL_TRIAL_ID" "$NASCTL_TRIAL_SEQUENCE" "$NASCTL_TRIAL_SEQUENCE" >&3`;
    const { id } = await manager.createExperiment(
      { ...base, trialCommand: cmd, trialConcurrency: 3, maxTrialNumber: 9, tuner: { name: 'Evolution', classArgs: { populationSize: 4, selectNum: 2, mutationNum: 1, crossoverNum: 1 } } },
      home,
    );
    await settle(id);
    const dir = join(manager.getExperiment(id).dir, 'export');
    assert.deepEqual(readdirSync(dir).sort(), ['generation_000.json', 'generation_001.json'], 'the third generation (trial 8 only) is incomplete');
    const trials = manager.listTrials(id, { sort: 'sequence', order: 'asc' }).items;
    const g1 = JSON.parse(readFileSync(join(dir, 'generation_001.json'), 'utf8')) as { experimentId: string; generation: number; firstSequence: number; lastSequence: number; top: Array<{ rank: number; trialId: string; sequence: number; metric: number; finalMetric: Record<string, number>; parameters: unknown }> };
    assert.equal(g1.experimentId, id);
    assert.equal(g1.generation, 1);
    assert.deepEqual([g1.firstSequence, g1.lastSequence], [4, 7]);
    assert.deepEqual(g1.top.map((t) => [t.rank, t.sequence, t.metric]), [[1, 7, 0.7], [2, 6, 0.6]]);
    assert.equal(g1.top[0]!.trialId, trials[7]!.id);
    assert.deepEqual(g1.top[0]!.parameters, trials[7]!.parameters);
    assert.deepEqual(g1.top[0]!.finalMetric, { default: 0.7, flops: 7 });
    const g0 = JSON.parse(readFileSync(join(dir, 'generation_000.json'), 'utf8')) as typeof g1;
    assert.deepEqual(g0.top.map((t) => t.sequence), [3, 2]);
    // Dict final metrics reach the Pareto front: flops = sequence and accuracy grows with it, so
    // no trial dominates another and all nine are on the front.
    const pareto = experimentPareto(manager.getExperiment(id).record, trials, 'flops', 'default');
    assert.equal(pareto.considered, 9);
    assert.deepEqual(pareto.front.map((p) => p.sequence), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
