import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useCpuBackend } from '../../trial-runtime/nn/tf-cpu';
import { builtinSpaces, createSupernet } from '../../../trial-runtime/supernets/registry';
import { BUILTIN_SPACE_NAMES } from '../../../daemon/cli/commands/runtime';
import { saveCheckpoint } from '../../../trial-runtime/train/checkpoint';
import { generateSearchSpace } from '../../../trial-runtime/programs/ss-gen';
import { readRolloutsFile } from '../../../trial-runtime/ranking/rollouts';

const BIN = join(__dirname, '..', '..', '..', '..', 'bin', 'nasctl.js');
const PROGRAMS = join(__dirname, '..', '..', '..', 'trial-runtime', 'programs');
const dir = mkdtempSync(join(tmpdir(), 'nasctl-runtime-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the real `nasctl` binary (the CLI in its own process, as a user runs it). */
function nasctl(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NASCTL_TF_BACKEND: 'cpu', NASCTL_HOME: join(dir, 'home') } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A tiny SPOS supernet for 28x28x1 inputs (3 choice layers). */
const TINY = { inputSize: 28, inChannels: 1, numClasses: 10, stemChannels: 4, stageChannels: [8, 16], stageRepeats: [1, 2], lastChannels: 16, widthMultiplier: 1, depthMultiplier: 1, dropout: 0 };

test('ss_gen --space writes a valid NNI space with its cost model', () => {
  const r = nasctl(['ss_gen', '--space', 'nb201', '-o', 'nb201.json']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /6 choices, with a FLOPs\/params cost model/);
  const space = JSON.parse(readFileSync(join(dir, 'nb201.json'), 'utf8')) as Record<string, unknown>;
  assert.ok('_cost' in space);
});

test('ss_gen -t runs the trial command in dry mode and gets the same space as the supernet declares', () => {
  const cmd = `node ${join(PROGRAMS, 'train-supernet.js')} --space spos-cpu --supernet-options '{"depthMultiplier":0.25}'`;
  const r = nasctl(['ss_gen', '-t', cmd, '-o', 'spos.json']);
  assert.equal(r.code, 0, r.stderr);
  const written = JSON.parse(readFileSync(join(dir, 'spos.json'), 'utf8')) as unknown;
  assert.deepEqual(written, JSON.parse(JSON.stringify(generateSearchSpace('spos-cpu', { depthMultiplier: 0.25 }))));
  const bad = nasctl(['ss_gen', '-t', 'true', '-o', 'none.json']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /exited without writing .*none\.json/);
});

test('eval-arch with two checkpoints writes rollouts that rank-eval scores against a ground truth', () => {
  useCpuBackend();
  const ckpts = [1, 2].map((seed) => {
    const net = createSupernet('spos-cpu', { ...TINY, seed, scope: `cli-${seed}` });
    net.build();
    const d = saveCheckpoint(join(dir, `ckpt${seed}`), { space: 'spos-cpu', supernetOptions: TINY, epoch: seed, step: 0, metrics: {}, backend: 'cpu', rng: { seed, scheme: 'per-step' }, lrSchedule: null, extra: {} }, net.root.namedWeights());
    net.dispose();
    return d;
  });
  const archs = [[0, 1, 2], [3, 3, 3], [1, 0, 2], [2, 2, 1]];
  writeFileSync(join(dir, 'archs.yml'), archs.map((a) => `- [${a.join(', ')}]`).join('\n') + '\n');
  writeFileSync(join(dir, 'eval.yml'), 'recalBatches: 2\nrecalBatchSize: 16\nvalBatchSize: 64\nvalBatches: 1\ndataset: {name: fashion-mnist, limit: {train: 256, val: 64}}\n');
  const r = nasctl(['eval-arch', 'eval.yml', 'archs.yml', '--load', ckpts[0]!, '--load', ckpts[1]!, '--dump-rollouts', 'rollouts.jsonl']);
  assert.equal(r.code, 0, r.stderr);
  const { header, records } = readRolloutsFile(join(dir, 'rollouts.jsonl'));
  assert.equal(header.evaluator, 'oneshot');
  assert.equal(records.length, 8);
  assert.deepEqual([...new Set(records.map((x) => x.arch))], archs.map((a) => JSON.stringify(a)));
  writeFileSync(
    join(dir, 'gt.csv'),
    'arch,accuracy\n' + archs.map((a, i) => `"${JSON.stringify(a).replace(/"/g, '""')}",${90 + i}`).join('\n') + '\n',
  );
  const ranked = nasctl(['rank-eval', 'rollouts.jsonl', '--gt', 'gt.csv', '--json', 'stats.json']);
  assert.equal(ranked.code, 0, ranked.stderr);
  assert.match(ranked.stdout, /kendall/i);
  const stats = JSON.parse(readFileSync(join(dir, 'stats.json'), 'utf8')) as unknown;
  assert.ok(JSON.stringify(stats).includes('kendall'));
});

test('eval-arch reports bad input clearly: no --load, unknown config key', () => {
  writeFileSync(join(dir, 'bad.yml'), 'recalBatchez: 2\n');
  const noLoad = nasctl(['eval-arch', 'eval.yml', 'archs.yml', '--dump-rollouts', 'x.jsonl']);
  assert.equal(noLoad.code, 2);
  assert.match(noLoad.stderr, /--load/);
  const badKey = nasctl(['eval-arch', 'bad.yml', 'archs.yml', '--load', 'x', '--dump-rollouts', 'x.jsonl']);
  assert.equal(badKey.code, 2);
  assert.match(badKey.stderr, /recalBatchez/);
});

test('--help of the runtime commands prints each program\'s full usage and exits 0', () => {
  const expected: Record<string, RegExp[]> = {
    'eval-arch': [/--dump-rollouts OUT/, /--workers N/],
    'rank-eval': [/--gt GROUND_TRUTH/, /--lower-is-better/],
    'train-arch': [/--arch STRING/, /--epochs INTEGER\s+default: \d+/, /--\[no-\]nesterov/],
    'ground-truth': [/import-nb201/, /import-nds/],
  };
  for (const [command, patterns] of Object.entries(expected)) {
    for (const flag of ['--help', '-h']) {
      const r = nasctl([command, flag]);
      assert.equal(r.code, 0, `${command} ${flag}: ${r.stderr}`);
      for (const p of patterns) assert.match(r.stdout, p, `${command} ${flag}`);
    }
  }
});

test('ss_gen --help names every built-in space of the registry', () => {
  assert.deepEqual([...BUILTIN_SPACE_NAMES].sort(), builtinSpaces().map((s) => s.name).sort());
  const r = nasctl(['ss_gen', '--help']);
  assert.equal(r.code, 0, r.stderr);
  for (const name of BUILTIN_SPACE_NAMES) assert.ok(r.stdout.replace(/\s+/g, ' ').includes(name), name);
});
