import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExperimentManager } from '../../../daemon/manager/experiment-manager';
import { builtinTuners } from '../../../tuners/registry';
import { createTrainingService } from '../../../daemon/server/create-training-service';
import type { TunerFactory } from '../../../tuners/tuner';
import type { ExperimentRecord } from '../../../daemon/store/types';
import { NasctlError } from '../../../daemon/errors';
import { fakeNvidiaSmi } from '../training/local/fake-nvidia-smi';
import { withTimeout } from '../training/local/recording-listener';

/** A trial in plain sh: reports one intermediate and one final metric over fd 3, then exits. */
const SH_TRIAL =
  `printf '{"type":"metric","trialId":"%s","kind":"intermediate","value":0.25}\\n{"type":"metric","trialId":"%s","kind":"final","value":{"default":0.5,"flops":7}}\\n' "$NASCTL_TRIAL_ID" "$NASCTL_TRIAL_ID" >&3`;

const SPACE = { lr: { _type: 'choice', _value: [0.1, 0.01, 0.001] }, width: { _type: 'randint', _value: [8, 64] } };

describe('ExperimentManager (real store, real child processes)', () => {
  let home: string;
  let manager: ExperimentManager;
  const logs: string[] = [];
  const throwingTuner: TunerFactory = {
    name: 'Exploding',
    classArgsSchema: { type: 'object' },
    create: () => ({
      propose: (ctx) => {
        if (ctx.history.length >= 2) throw new Error('boom at trial 2');
        return [{ lr: 0.1, width: 9 }];
      },
    }),
  };

  before(() => {
    home = mkdtempSync(join(tmpdir(), 'nasctl-manager-'));
    manager = new ExperimentManager({
      home,
      tuners: [...builtinTuners(), throwingTuner],
      createTrainingService,
      log: (l) => logs.push(l),
    });
  });
  after(async () => {
    await manager.shutdown();
    rmSync(home, { recursive: true, force: true });
  });

  const settle = (id: string): Promise<ExperimentRecord> => withTimeout(manager.whenSettled(id), 30_000, `experiment ${id} to settle`);

  it('runs exactly maxTrialNumber trials, records metrics, ends DONE', async () => {
    const { id } = await manager.createExperiment(
      { searchSpace: SPACE, trialCommand: SH_TRIAL, trialConcurrency: 3, maxTrialNumber: 7, tuner: { name: 'random' }, trainingService: { platform: 'local' } },
      home,
    );
    const rec = await settle(id);
    assert.equal(rec.status, 'DONE');
    const { items, total } = manager.listTrials(id, { limit: 100 });
    assert.equal(total, 7);
    assert.ok(items.every((t) => t.status === 'SUCCEEDED'), JSON.stringify(items.map((t) => [t.status, t.reason])));
    const detail = manager.getTrial(id, items[0]!.id);
    assert.deepEqual(detail.metrics.map((m) => m.kind), ['intermediate', 'final']);
    assert.deepEqual(detail.trial.finalMetric, { default: 0.5, flops: 7 });
    assert.deepEqual(detail.events.map((e) => e.to), ['WAITING', 'RUNNING', 'SUCCEEDED']);
    const summary = manager.listExperiments().find((e) => e.id === id)!;
    assert.equal(summary.bestMetric, 0.5);
    assert.equal(summary.trialCounts.SUCCEEDED, 7);
    const csv = manager.exportExperiment(id, 'csv');
    assert.equal(csv.trim().split('\n').length, 8);
    assert.match(csv.split('\n')[0]!, /param:lr/);
  });

  it('retries failed trials with the same parameters, up to maxRetries', async () => {
    const { id } = await manager.createExperiment(
      { searchSpace: SPACE, trialCommand: 'echo broken >&2; exit 3', trialConcurrency: 2, maxTrialNumber: 2, maxRetries: 1, tuner: { name: 'random' }, trainingService: { platform: 'local' } },
      home,
    );
    await settle(id);
    const { items } = manager.listTrials(id, { sort: 'sequence', order: 'asc' });
    assert.equal(items.length, 4);
    assert.ok(items.every((t) => t.status === 'FAILED'));
    assert.match(items[0]!.reason ?? '', /exit code 3.*broken/s);
    const retries = items.filter((t) => t.source === 'retry');
    assert.equal(retries.length, 2);
    for (const r of retries) assert.deepEqual(r.parameters, items.find((t) => t.id === r.retryOf)!.parameters);
  });

  it('a tuner that throws puts the experiment in ERROR with the message and loses nothing', async () => {
    const { id } = await manager.createExperiment(
      { searchSpace: SPACE, trialCommand: SH_TRIAL, trialConcurrency: 1, maxTrialNumber: 5, tuner: { name: 'exploding' }, trainingService: { platform: 'local' } },
      home,
    );
    const rec = await settle(id);
    assert.equal(rec.status, 'ERROR');
    assert.match(rec.error ?? '', /boom at trial 2/);
    assert.match(rec.error ?? '', new RegExp(`nasctl resume ${id}`));
    const { items } = manager.listTrials(id, {});
    assert.equal(items.length, 2);
    assert.ok(items.every((t) => t.status === 'SUCCEEDED'));
  });

  it('kills a running trial (USER_CANCELED), stops and resumes, then completes the budget', async () => {
    const marker = join(home, 'quick-now');
    const cmd = `if [ -f ${marker} ]; then ${SH_TRIAL}; else sleep 30; fi`;
    const { id } = await manager.createExperiment(
      { searchSpace: SPACE, trialCommand: cmd, trialConcurrency: 2, maxTrialNumber: 3, tuner: { name: 'random' }, trainingService: { platform: 'local' } },
      home,
    );
    const running = await withTimeout(waitForRunning(manager, id, 2), 10_000, 'two running trials');
    const killed = await manager.killTrial(id, running[0]!);
    assert.equal(killed.status, 'USER_CANCELED');
    await withTimeout(waitForRunning(manager, id, 2), 10_000, 'the third trial to start');
    await manager.stopExperiment(id);
    assert.equal(manager.getExperiment(id).record.status, 'STOPPED');
    const interrupted = manager.listTrials(id, { status: ['SYS_CANCELED'] }).items;
    assert.equal(interrupted.length, 2);
    assert.ok(interrupted.every((t) => (t.reason ?? '').startsWith('interrupted')));
    assert.throws(() => manager.updateExperiment(id, { maxTrialNumber: 9 }), /resume it first/);
    writeFileSync(marker, '');
    await manager.resumeExperiment(id);
    assert.throws(() => manager.updateExperiment(id, { maxTrialNumber: 1 }), (e: unknown) => e instanceof NasctlError && /at least/.test(e.message));
    const rec = await settle(id);
    assert.equal(rec.status, 'DONE');
    const all = manager.listTrials(id, { limit: 100 }).items;
    assert.equal(all.filter((t) => t.source === 'tuner').length, 3, 'exactly maxTrialNumber tuner trials');
    const reruns = all.filter((t) => t.source === 'resume');
    assert.equal(reruns.length, 2);
    assert.ok(reruns.every((t) => t.status === 'SUCCEEDED'));
    for (const r of reruns) assert.deepEqual(r.parameters, all.find((t) => t.id === r.retryOf)!.parameters);
  });

  it('ends a trial that exceeds maxTrialDuration as EARLY_STOPPED', async () => {
    const { id } = await manager.createExperiment(
      { searchSpace: SPACE, trialCommand: 'sleep 20', trialConcurrency: 1, maxTrialNumber: 1, maxTrialDuration: '1s', tuner: { name: 'random' }, trainingService: { platform: 'local' } },
      home,
    );
    await settle(id);
    const [t] = manager.listTrials(id, {}).items;
    assert.equal(t!.status, 'EARLY_STOPPED');
  });

  it('raising maxTrialNumber of a DONE experiment runs more trials', async () => {
    const { id } = await manager.createExperiment(
      { searchSpace: SPACE, trialCommand: SH_TRIAL, trialConcurrency: 2, maxTrialNumber: 2, tuner: { name: 'random' }, trainingService: { platform: 'local' } },
      home,
    );
    await settle(id);
    manager.updateExperiment(id, { maxTrialNumber: 4 });
    const rec = await settle(id);
    assert.equal(rec.status, 'DONE');
    assert.equal(manager.listTrials(id, {}).total, 4);
    assert.equal(manager.getExperiment(id).record.configRevision, 2);
  });

  it('rejects a bad config with the field path and writes nothing', async () => {
    const before = manager.listExperiments().length;
    await assert.rejects(
      manager.createExperiment({ searchSpace: SPACE, trialCommand: 'true', trialConcurency: 2, tuner: { name: 'random' }, trainingService: { platform: 'local' } }, home),
      (e: unknown) => e instanceof NasctlError && /trialConcurrency/.test(e.message),
    );
    assert.equal(manager.listExperiments().length, before);
  });

  it('finds an experiment folder copied from another home and shows it read-only', async () => {
    const { id } = await manager.createExperiment(
      { searchSpace: SPACE, trialCommand: SH_TRIAL, trialConcurrency: 1, maxTrialNumber: 1, tuner: { name: 'random' }, trainingService: { platform: 'local' } },
      home,
    );
    await settle(id);
    const other = mkdtempSync(join(tmpdir(), 'nasctl-copy-'));
    try {
      cpSync(join(home, 'experiments', id), join(other, 'experiments', id), { recursive: true });
      const m2 = new ExperimentManager({ home: other, tuners: builtinTuners(), createTrainingService, log: () => {} });
      const list = m2.listExperiments();
      assert.deepEqual(list.map((e) => e.id), [id]);
      assert.equal(list[0]!.readOnly, true);
      const t = m2.listTrials(id, {}).items[0]!;
      assert.ok(t.trialDir.startsWith(other), `${t.trialDir} should be inside the copied folder`);
      assert.ok(existsSync(m2.trialLogPath(id, t.id, 'stdout')));
      await m2.shutdown();
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('deletes an experiment and its folder', async () => {
    const { id } = await manager.createExperiment(
      { searchSpace: SPACE, trialCommand: SH_TRIAL, trialConcurrency: 1, maxTrialNumber: 1, tuner: { name: 'random' }, trainingService: { platform: 'local' } },
      home,
    );
    await settle(id);
    await manager.deleteExperiment(id);
    assert.equal(existsSync(join(home, 'experiments', id)), false);
    assert.throws(() => manager.getExperiment(id), /not found/);
  });

  it('keeps working after a trial writes malformed protocol lines', async () => {
    const cmd = `echo 'not json' >&3; echo '{"type":"metric"}' >&3; ${SH_TRIAL}`;
    const { id } = await manager.createExperiment(
      { searchSpace: SPACE, trialCommand: cmd, trialConcurrency: 1, maxTrialNumber: 1, tuner: { name: 'random' }, trainingService: { platform: 'local' } },
      home,
    );
    await settle(id);
    const [t] = manager.listTrials(id, {}).items;
    assert.equal(t!.status, 'SUCCEEDED');
    assert.equal(manager.metrics(id, t!.id).length, 2);
    const trialLog = readFileSync(manager.trialLogPath(id, t!.id, 'trial'), 'utf8');
    assert.match(trialLog, /malformed protocol line/);
    assert.equal(manager.getExperiment(id).malformedProtocolLines, 2, 'both bad lines are counted');
  });

  it('assigns GPUs from nvidia-smi, records them on the trial, and says why trials wait', async () => {
    const smi = fakeNvidiaSmi(home);
    smi.set([{ index: 0, util: 0, used: 0, total: 16000, pids: [] }, { index: 1, util: 90, used: 9000, total: 16000, pids: [4242] }]);
    process.env['NASCTL_NVIDIA_SMI'] = smi.path;
    try {
      const cmd = `echo "CVD=$CUDA_VISIBLE_DEVICES"; ${SH_TRIAL}`;
      const { id } = await manager.createExperiment(
        { searchSpace: SPACE, trialCommand: cmd, trialConcurrency: 2, trialGpuNumber: 1, maxTrialNumber: 3, tuner: { name: 'random' }, trainingService: { platform: 'local', useActiveGpu: false } },
        home,
      );
      const reasons = new Set<string>();
      const unsubscribe = manager.subscribe((d) => {
        if (d.experimentId === id) for (const r of manager.getExperiment(id).waitReasons) reasons.add(r);
      });
      const rec = await settle(id);
      unsubscribe();
      assert.equal(rec.status, 'DONE');
      for (const t of manager.listTrials(id, {}).items) {
        assert.equal(t.status, 'SUCCEEDED');
        assert.deepEqual(t.gpuIndices, [0], 'gpu 1 is used by another process and useActiveGpu is false');
        assert.match(readFileSync(join(t.trialDir, 'stdout.log'), 'utf8'), /CVD=0\n/);
      }
      // The exact per-GPU texts are checked in test/daemon/training/local/gpu-scheduling.test.ts.
      assert.ok([...reasons].some((r) => /trial\(s\) wait: .*(nvidia-smi|GPU)/.test(r)), [...reasons].join(' | '));
    } finally {
      delete process.env['NASCTL_NVIDIA_SMI'];
    }
  });

  it('reuse mode runs many trials through long-lived workers; only trials that keep a file get a folder', async () => {
    const worker = join(home, 'worker.py');
    writeFileSync(
      worker,
      [
        'import sys',
        `sys.path.insert(0, ${JSON.stringify(join(__dirname, '..', '..', '..', '..', 'trial-runtime', 'python'))})`,
        'import nasctl_trial as nt',
        'while True:',
        '    p = nt.get_next_parameters()',
        '    if p is None: break',
        '    if p["width"] % 2 == 0:',
        '        with open(nt.get_trial_dir() + "/kept.txt", "w") as f: f.write(nt.get_trial_id())',
        '    nt.report_final_result(p["width"] / 64.0)',
      ].join('\n'),
    );
    const { id } = await manager.createExperiment(
      { searchSpace: SPACE, trialCommand: `python3 ${worker}`, trialConcurrency: 2, maxTrialNumber: 40, tuner: { name: 'random' }, trainingService: { platform: 'local', reuseMode: true } },
      home,
    );
    const rec = await settle(id);
    assert.equal(rec.status, 'DONE');
    const { items, total } = manager.listTrials(id, { limit: 100 });
    assert.equal(total, 40);
    assert.ok(items.every((t) => t.status === 'SUCCEEDED'), JSON.stringify(items.filter((t) => t.status !== 'SUCCEEDED').slice(0, 2)));
    for (const t of items) assert.equal(t.finalMetric, (t.parameters['width'] as number) / 64);
    // The daemon names each trial's folder but creates none: the SDK made those the trials wrote to.
    for (const t of items) {
      const kept = join(t.trialDir, 'kept.txt');
      if ((t.parameters['width'] as number) % 2 === 0) assert.equal(readFileSync(kept, 'utf8'), t.id);
      else assert.equal(existsSync(t.trialDir), false, t.trialDir);
    }
  });
});

async function waitForRunning(manager: ExperimentManager, id: string, n: number): Promise<string[]> {
  return new Promise((resolve) => {
    const check = () => {
      const r = manager.listTrials(id, { status: ['RUNNING'] }).items;
      if (r.length >= n) {
        unsubscribe();
        resolve(r.map((t) => t.id));
      }
    };
    const unsubscribe = manager.subscribe((d) => {
      if (d.experimentId === id && d.type === 'trial') check();
    });
    check();
  });
}
