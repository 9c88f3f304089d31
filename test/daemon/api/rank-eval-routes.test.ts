import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from './test-server';
import { runRankEval } from '../../../trial-runtime/ranking/rank-eval-program';
import type { RankEvalView } from '../../../daemon/api/routes/rank-eval-view';

const HEADER = '{"format":"nasctl-rollouts","version":1,"evaluator":"oneshot","metric":"accuracy","higherIsBetter":true}';
const ARCHS = ['a0', 'a1', 'a2', 'a3', 'a4', 'a5'];
const TRUTH = [90, 91, 92, 93, 94, 95];

function rolloutsText(): string {
  const lines = [HEADER];
  for (const ckpt of ['epoch_001', 'epoch_002']) {
    ARCHS.forEach((arch, i) => {
      const score = ckpt === 'epoch_001' ? 0.5 + (i % 3) / 10 : 0.4 + i / 20;
      lines.push(JSON.stringify({ arch, checkpoint: ckpt, score, metrics: { loss: 2 - score } }));
    });
  }
  lines.push(JSON.stringify({ arch: 'zz', checkpoint: 'epoch_002', score: 0.1, metrics: {} })); // no ground truth
  return lines.join('\n') + '\n';
}

function gtText(): string {
  return JSON.stringify({ format: 'nasctl-ground-truth', version: 1, metric: 'test_acc', records: ARCHS.map((arch, i) => ({ arch, accuracy: TRUTH[i] })) });
}

describe('POST /api/v1/rank-eval', () => {
  let srv: TestServer;
  let dir: string;
  let statsText: string;

  before(async () => {
    srv = await startTestServer();
    dir = mkdtempSync(join(tmpdir(), 'nasctl-rank-view-'));
    writeFileSync(join(dir, 'r.jsonl'), rolloutsText());
    writeFileSync(join(dir, 'gt.json'), gtText());
    runRankEval([join(dir, 'r.jsonl'), '--gt', join(dir, 'gt.json'), '--json', join(dir, 'stats.json')], { stdout: () => undefined, stderr: () => undefined });
    statsText = readFileSync(join(dir, 'stats.json'), 'utf8');
  });
  after(async () => {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function post(body: unknown): Promise<{ status: number; body: RankEvalView & { error?: { message: string } } }> {
    const res = await fetch(`${srv.url}/api/v1/rank-eval`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as RankEvalView & { error?: { message: string } } };
  }

  it('shows the statistics file as written and the joined points per checkpoint', async () => {
    const r = await post({ statistics: statsText, rollouts: rolloutsText(), groundTruth: gtText(), groundTruthName: 'gt.json' });
    assert.equal(r.status, 200);
    assert.equal(r.body.statisticsSource, 'file');
    assert.deepEqual(r.body.report, JSON.parse(statsText));
    assert.deepEqual(r.body.scatter.map((s) => s.label), ['epoch_001', 'epoch_002']);
    const s2 = r.body.scatter[1]!;
    assert.deepEqual(s2.arch, ARCHS); // 'zz' has no ground truth: not plotted
    assert.deepEqual(s2.truth, TRUTH);
    assert.deepEqual(s2.score, ARCHS.map((_, i) => 0.4 + i / 20));
    assert.ok(Math.abs((r.body.report.results[1]!.kendallTau.value ?? 0) - 1) < 1e-12);
  });

  it('computes the statistics like `nasctl rank-eval` when only rollouts and ground truth are given', async () => {
    const r = await post({ rollouts: rolloutsText(), rolloutsName: 'r.jsonl', groundTruth: gtText(), groundTruthName: 'gt.json' });
    assert.equal(r.status, 200);
    assert.equal(r.body.statisticsSource, 'computed');
    assert.deepEqual(r.body.report.results, JSON.parse(statsText).results);
  });

  it('reads a CSV ground truth by its name, and a statistics file alone', async () => {
    const csv = 'arch,accuracy\n' + ARCHS.map((a, i) => `${a},${TRUTH[i]}`).join('\n') + '\n';
    const r = await post({ rollouts: rolloutsText(), groundTruth: csv, groundTruthName: 'gt.csv' });
    assert.equal(r.status, 200);
    assert.equal(r.body.scatter[0]!.arch.length, 6);
    const alone = await post({ statistics: statsText });
    assert.equal(alone.status, 200);
    assert.deepEqual(alone.body.scatter, []);
  });

  it('says what is wrong with bad uploads', async () => {
    const none = await post({});
    assert.equal(none.status, 400);
    assert.match(none.body.error!.message, /send a statistics file/);
    const half = await post({ rollouts: rolloutsText() });
    assert.match(half.body.error!.message, /needs both the rollouts file and the ground truth/);
    const badStats = await post({ statistics: '{"x":1}', statisticsName: 'mine.json' });
    assert.equal(badStats.status, 400);
    assert.match(badStats.body.error!.message, /mine\.json is not a rank-eval statistics file/);
    const badRollouts = await post({ rollouts: 'hello\n', rolloutsName: 'r.jsonl', groundTruth: gtText() });
    assert.equal(badRollouts.status, 400);
    assert.match(badRollouts.body.error!.message, /r\.jsonl: the first line must be a rollouts header/);
  });
});
