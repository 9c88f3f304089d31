import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BadRequestError } from '../../../daemon/errors';
import { runRankEval, type RankEvalReport } from '../../../trial-runtime/ranking/rank-eval-program';
import { RolloutsWriter } from '../../../trial-runtime/ranking/rollouts';

const PROGRAM = path.resolve(__dirname, '../../../trial-runtime/ranking/rank-eval-program.js');

function fixture(dir: string): { rollouts: string; gt: string } {
  const rollouts = path.join(dir, 'r.jsonl');
  const w = new RolloutsWriter(rollouts, { space: 'nb201', evaluator: 'oneshot', metric: 'accuracy', higherIsBetter: true });
  const archs = Array.from({ length: 40 }, (_, i) => `arch-${i}`);
  archs.forEach((arch, i) => w.append({ arch, checkpoint: 'ep10', score: i % 7, metrics: { loss: 40 - i } }));
  archs.forEach((arch, i) => w.append({ arch, checkpoint: 'ep20', score: i, metrics: { loss: 40 - i } }));
  w.append({ arch: 'unknown', checkpoint: 'ep20', score: 3, metrics: { loss: 1 } });
  w.close();
  const gt = path.join(dir, 'gt.csv');
  fs.writeFileSync(gt, 'arch,accuracy\n' + archs.map((a, i) => `${a},${50 + i}`).join('\n') + '\n');
  return { rollouts, gt };
}

test('in process: one table per checkpoint, JSON report, --metric loss ranks lower-is-better', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nasctl-rank-eval-'));
  try {
    const { rollouts, gt } = fixture(dir);
    let out = '';
    const io = { stdout: (t: string) => void (out += t), stderr: () => undefined };
    const json = path.join(dir, 'out', 'stats.json');
    const report = runRankEval([rollouts, '--gt', gt, '--json', json], io);
    assert.equal(report.results.length, 2);
    assert.equal(report.results[1]?.label, 'ep20');
    assert.equal(report.results[1]?.kendallTau.value, 1);
    assert.equal(report.results[1]?.join.dropped[0]?.reason, 'no-ground-truth');
    assert.match(out, /rank-eval: accuracy @ ep10/);
    assert.match(out, /rank-eval: accuracy @ ep20/);
    const onDisk = JSON.parse(fs.readFileSync(json, 'utf8')) as RankEvalReport;
    assert.equal(onDisk.results[0]?.n, 40);
    const byLoss = runRankEval([rollouts, '--gt', gt, '--metric', 'loss'], io);
    assert.equal(byLoss.results[0]?.higherIsBetter, false);
    assert.equal(byLoss.results[0]?.kendallTau.value, 1);
    assert.throws(() => runRankEval([rollouts, '--gt', gt, '--metric', 'acc5'], io), (e: unknown) => e instanceof BadRequestError && /metrics present: loss/.test(e.message));
    assert.throws(() => runRankEval([rollouts], io), /--gt GROUND_TRUTH is required/);
    assert.throws(() => runRankEval([rollouts, '--gt', gt, '--bogus'], io), BadRequestError);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PROGRAM, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('as a process: exit 0 with the table, exit 2 with a message on bad input', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nasctl-rank-eval-'));
  try {
    const { rollouts, gt } = fixture(dir);
    const ok = await run([rollouts, '--gt', gt]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /Kendall's tau-b\s+1\n/);
    const bad = await run([rollouts, '--gt', path.join(dir, 'missing.csv')]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /rank-eval: error: cannot read ground truth/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
