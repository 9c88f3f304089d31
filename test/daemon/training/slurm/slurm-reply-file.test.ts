import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { appendReply, countReplies, readReplyLines, REPLIES_FILE, ReplyFile, writeFirstReply } from '../../../../daemon/training/slurm/reply-file';
import { readWorkerRecord } from '../../../../daemon/training/slurm/slurm-worker-records';
import { SlurmTrainingService } from '../../../../daemon/training/slurm/slurm-training-service';
import type { SlurmTrainingServiceConfig } from '../../../../daemon/config/experiment-config';
import { RecordingListener, makeJob, withTimeout } from '../local/recording-listener';
import { until } from '../../server/daemon-process';
import { FAST_SERVICE as FAST, jobsKnownToSlurm, queuedJobs, requireSlurm, serviceSuite, writeReleaseGatedWorker } from './slurm-test-kit';

const params = (trialId: string): { type: 'parameters'; trialId: string; sequence: number; parameters: Record<string, number>; trialDir: string } => ({ type: 'parameters', trialId, sequence: 0, parameters: { x: 1 }, trialDir: `/t/${trialId}` });

describe('replies.jsonl', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'nasctl-reply-file-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('one complete line per reply; a partial last line is no reply', () => {
    const dir = mkdtempSync(path.join(root, 'a-'));
    assert.equal(countReplies(dir), 0, 'no file: no reply');
    const replies = new ReplyFile(dir);
    replies.append(params('a'));
    replies.append({ type: 'no_more_trials' });
    replies.close();
    const text = readFileSync(path.join(dir, REPLIES_FILE), 'utf8');
    assert.deepEqual(text.split('\n').slice(0, 2).map((l) => JSON.parse(l) as unknown), [params('a'), { type: 'no_more_trials' }]);
    assert.ok(text.endsWith('\n'));
    appendFileSync(path.join(dir, REPLIES_FILE), '{"type":"parameters","trialId":"b"');
    assert.equal(countReplies(dir), 2, 'the unfinished third line does not count');
  });

  it('the next append drops a tail an earlier daemon left unfinished, so the trial reads a whole line next', () => {
    const dir = mkdtempSync(path.join(root, 'b-'));
    writeFileSync(path.join(dir, REPLIES_FILE), `${JSON.stringify(params('a'))}\n{"type":"parameters","trialId":"gho`);
    appendReply(dir, params('b'));
    assert.deepEqual(readReplyLines(dir).map((l) => (JSON.parse(l) as { trialId: string }).trialId), ['a', 'b']);
    assert.equal(readFileSync(path.join(dir, REPLIES_FILE), 'utf8').includes('gho'), false);
  });

  it('spawn mode replaces the replies with reply 0 (a re-submitted trial finds no stale line)', () => {
    const dir = mkdtempSync(path.join(root, 'c-'));
    appendReply(dir, params('old'));
    appendReply(dir, { type: 'no_more_trials' });
    writeFirstReply(dir, params('new'));
    assert.deepEqual(readReplyLines(dir), [JSON.stringify(params('new'))]);
  });
});

const available = requireSlurm();

describe('Slurm reuse mode: a daemon killed with SIGKILL after writing a reply the worker has not read yet (real cluster)', { skip: !available }, () => {
  const { dir, newExperiment } = serviceSuite('slurm-reply-file');

  it('the worker reads the reply after the restart, the trial runs once, the next reply (after a torn line) reaches the same worker', async () => {
    const experimentId = newExperiment('rfk');
    const workersDir = path.join(dir.root, 'workers-k');
    writeReleaseGatedWorker(dir.root, 'loop.py');
    const release = (trialId: string): void => writeFileSync(path.join(dir.root, `release-${trialId}`), '');
    const childArgs = { root: dir.root, workersDir, experimentId, trialId: 'k0', command: 'python3 loop.py' };
    const child = spawn(process.execPath, [path.join(__dirname, 'reuse-daemon-child.js'), JSON.stringify(childArgs)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('started\n')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`the child daemon exited (${code}) before starting the trial`)));
      }),
      60_000,
      'the child daemon to hand trial k0 to its held worker',
    );
    child.kill('SIGKILL'); // reply 0 is written; the held worker has not read it
    await exited;
    const worker = path.join(workersDir, 'worker-0'); // the only one (its trials.jsonl, written in the background, may not be there: SIGKILL)
    assert.equal(countReplies(worker), 1);
    // As if the daemon had also been killed in the middle of writing a further reply.
    appendFileSync(path.join(worker, REPLIES_FILE), '{"type":"parameters","trialId":"ghost","seq');
    const record = readWorkerRecord(worker, 0)!; // the killed daemon had read no request of it
    assert.equal(record.repliesWritten, 1);
    assert.equal(record.holding?.trialId, 'k0');
    assert.equal(record.requestsSeen, 0);

    const config: SlurmTrainingServiceConfig = { platform: 'slurm', reuseMode: true, cpusPerTrial: 1 };
    const second = new SlurmTrainingService({ config, ...FAST, workersDir });
    const listener = new RecordingListener();
    second.setListener(listener);
    try {
      assert.equal(second.reattach('k0', path.join(dir.root, 'trials', 'k0')), true);
      execFileSync('scontrol', ['release', ...queuedJobs(`nasctl-${experimentId}-`)]);
      release('k0');
      const exit = await listener.exited('k0', 60_000);
      assert.equal(exit.cause, 'exited', JSON.stringify(exit));
      assert.deepEqual(listener.metrics('k0'), [{ kind: 'intermediate', value: 0.5 }, { kind: 'final', value: 1 }], 'each metric once');
      const k1 = makeJob(dir.root, 'k1', 'python3 loop.py', { experimentId, parameters: { lr: 2 } });
      assert.deepEqual(second.tryStart(k1), { started: true });
      release('k1');
      assert.equal((await listener.exited('k1', 60_000)).cause, 'exited');
      assert.deepEqual(listener.metrics('k1'), [{ kind: 'intermediate', value: 0.5 }, { kind: 'final', value: 2 }]);
      assert.equal(second.submissions, 0, 'the adopted worker ran the next trial');
      assert.deepEqual(readReplyLines(worker).map((l) => (JSON.parse(l) as { trialId: string }).trialId), ['k0', 'k1'], 'the torn line was dropped before reply 1');
    } finally {
      await second.shutdown();
    }
    await until(() => (queuedJobs(`nasctl-${experimentId}-`).length === 0 ? true : undefined), 30_000, 'the worker job to end');
    assert.equal(jobsKnownToSlurm(`nasctl-${experimentId}-`).size, 1, 'one worker job in all');
  });
});
