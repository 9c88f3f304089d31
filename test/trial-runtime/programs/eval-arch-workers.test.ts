import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useCpuBackend } from '../nn/tf-cpu';
import { ConfigError } from '../../../daemon/errors';
import { createSupernet } from '../../../trial-runtime/supernets/registry';
import { saveCheckpoint } from '../../../trial-runtime/train/checkpoint';
import { readRolloutsFile, type Rollouts } from '../../../trial-runtime/ranking/rollouts';
import { mergeWorkerRollouts, oneShotOptions, planWorkers } from '../../../trial-runtime/programs/eval-arch-program';
import { TINY_SPOS, tempDir } from '../train/tiny-fixtures';

before(useCpuBackend);

const PROGRAM = path.resolve(__dirname, '..', '..', '..', 'trial-runtime', 'programs', 'eval-arch-program.js');

test('planWorkers: requested count, CPU default min(cores, 4), one per GPU with the GPU package, never more than the archs', () => {
  const base = { archCount: 10, cpuCount: 2, gpuPackage: false, cudaVisibleDevices: undefined };
  assert.deepEqual(planWorkers({ ...base, requested: '3' }), [{ start: 0, end: 3 }, { start: 3, end: 6 }, { start: 6, end: 10 }]);
  assert.equal(planWorkers({ ...base, requested: undefined }).length, 2);
  assert.equal(planWorkers({ ...base, requested: undefined, cpuCount: 16 }).length, 4);
  assert.equal(planWorkers({ ...base, requested: '8', archCount: 3 }).length, 3);
  assert.deepEqual(planWorkers({ ...base, requested: '2', archCount: 0 }), [{ start: 0, end: 0 }]);
  // CUDA_VISIBLE_DEVICES counts only when the GPU package is installed.
  assert.equal(planWorkers({ ...base, requested: undefined, cudaVisibleDevices: '0,1,2' }).length, 2);
  assert.deepEqual(planWorkers({ ...base, requested: undefined, gpuPackage: true, cudaVisibleDevices: '2, 5,7' }).map((s) => s.device), ['2', '5', '7']);
  assert.equal(planWorkers({ ...base, requested: undefined, gpuPackage: true, cudaVisibleDevices: '3' })[0]?.device, undefined);
  for (const bad of ['0', '-1', 'two', '1.5']) assert.throws(() => planWorkers({ ...base, requested: bad }), (e: unknown) => e instanceof ConfigError && e.path === '--workers');
});

test('mergeWorkerRollouts: checkpoint by checkpoint, then slice by slice, list indices shifted; different headers rejected', () => {
  const header = { format: 'nasctl-rollouts' as const, version: 1 as const, evaluator: 'oneshot', metric: 'accuracy', higherIsBetter: true };
  const part = (archs: string[]): Rollouts => ({ header, records: ['a', 'b'].flatMap((c) => archs.map((arch, i) => ({ arch, checkpoint: c, score: 0.5, metrics: { index: i } }))) });
  const merged = mergeWorkerRollouts([part(['x', 'y']), part(['z'])], [0, 2]);
  assert.deepEqual(merged.records.map((r) => `${r.checkpoint}:${r.arch}:${r.metrics['index']}`), ['a:x:0', 'a:y:1', 'a:z:2', 'b:x:0', 'b:y:1', 'b:z:2']);
  assert.throws(() => mergeWorkerRollouts([part(['x']), { ...part(['y']), header: { ...header, metric: 'loss' } }], [0, 1]), ConfigError);
});

test('oneShotOptions: CONFIG over the SPOS tester defaults, skipBefore passed on', () => {
  assert.deepEqual(oneShotOptions({}), { recalBatches: 200, recalBatchSize: 128, valBatchSize: 200, valBatches: undefined, bnMode: 'exact', seed: 0, skipBefore: undefined });
  const o = oneShotOptions({ recalBatches: 2, valBatches: 3, bnMode: 'momentum', seed: 7, skipBefore: true });
  assert.deepEqual([o.recalBatches, o.recalBatchSize, o.valBatches, o.bnMode, o.seed, o.skipBefore], [2, 128, 3, 'momentum', 7, true]);
});

/** Runs the eval-arch program; resolves with its exit code and output. */
function runEvalArch(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PROGRAM, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

test('eval-arch --workers 2 writes the same rollouts as --workers 1 (two checkpoints, five architectures)', async () => {
  const { dir, cleanup } = tempDir('nasctl-eval-workers-');
  try {
    const options = { ...TINY_SPOS, inputSize: 28, numClasses: 10 };
    const dataset = { name: 'fashion-mnist', valFraction: 0.1, seed: 0, limit: { train: 256, val: 64 } };
    const ckpts = [1, 2].map((seed) => {
      const net = createSupernet('spos-cpu', { ...options, seed, scope: `workers-${seed}` });
      net.build();
      const d = saveCheckpoint(path.join(dir, `s${seed}`), { space: 'spos-cpu', supernetOptions: { ...options }, epoch: seed, step: 0, metrics: {}, backend: 'cpu', rng: { seed, scheme: 'per-step' }, lrSchedule: null, extra: { dataset } }, net.root.namedWeights());
      net.dispose();
      return d;
    });
    fs.writeFileSync(path.join(dir, 'config.yml'), 'recalBatches: 2\nrecalBatchSize: 32\nvalBatchSize: 32\n');
    fs.writeFileSync(path.join(dir, 'archs.yml'), '- [0, 1, 2]\n- [3, 3, 3]\n- [1, 0, 2]\n- [2, 2, 0]\n- [0, 0, 0]\n');
    const run = async (workers: string): Promise<Rollouts> => {
      const out = path.join(dir, `rollouts-${workers}.jsonl`);
      const r = await runEvalArch([path.join(dir, 'config.yml'), path.join(dir, 'archs.yml'), ...ckpts.flatMap((c) => ['--load', c]), '--dump-rollouts', out, '--workers', workers]);
      assert.equal(r.code, 0, r.output);
      if (workers === '2') assert.match(r.output, /over 2 workers/);
      return readRolloutsFile(out);
    };
    const one = await run('1');
    const two = await run('2');
    assert.equal(one.records.length, 10);
    assert.deepEqual(two.header, one.header);
    assert.deepEqual(two.records, one.records);
    assert.deepEqual(two.records.map((r) => r.metrics['index']), [0, 1, 2, 3, 4, 0, 1, 2, 3, 4]);
    // A worker's failure fails the run with its reason.
    fs.writeFileSync(path.join(dir, 'archs.yml'), '- [0, 1, 2]\n- [0, 1, 9]\n');
    const bad = await runEvalArch([path.join(dir, 'config.yml'), path.join(dir, 'archs.yml'), '--load', ckpts[0] as string, '--dump-rollouts', path.join(dir, 'bad.jsonl'), '--workers', '2']);
    assert.equal(bad.code, 2, bad.output);
    assert.match(bad.output, /worker 2 \(architectures 1\.\.1\)/);
  } finally {
    cleanup();
  }
});
