import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWorkerRecord, summarizeWorkerChannel, workerFolders, type WorkerReply } from '../../../../daemon/training/slurm/slurm-worker-records';
import { readSavedOffset } from '../../../../daemon/training/slurm/channel-offset';

const REQUEST = '{"type":"request_parameters"}';
const metric = (trialId: string): string => JSON.stringify({ type: 'metric', trialId, kind: 'final', value: 1 });
const trial = (trialId: string): WorkerReply => ({ kind: 'trial', trialId, trialDir: `/t/${trialId}` });

describe('summarizeWorkerChannel', () => {
  it('a worker in the middle of its second trial holds it; the first ended before the offset', () => {
    const s = summarizeWorkerChannel([trial('a'), trial('b')], [REQUEST, metric('a'), REQUEST], [metric('b')]);
    assert.equal(s.requestsSeen, 2);
    assert.deepEqual(s.holding, { trialId: 'b', trialDir: '/t/b', reply: 1 });
    assert.deepEqual([...s.endedBeforeOffset], ['a']);
    assert.deepEqual([...s.endedInFile], ['a']);
  });

  it('a worker waiting for its next trial holds none; a request after the offset ends the trial in the file only', () => {
    const waiting = summarizeWorkerChannel([trial('a')], [REQUEST, metric('a'), REQUEST], []);
    assert.equal(waiting.holding, undefined);
    assert.equal(waiting.requestsSeen, 2);
    const unread = summarizeWorkerChannel([trial('a')], [REQUEST], [metric('a'), REQUEST]);
    assert.deepEqual(unread.holding?.trialId, 'a');
    assert.equal(unread.endedBeforeOffset.size, 0);
    assert.deepEqual([...unread.endedInFile], ['a']);
  });

  it('trial_done ends the current trial; no_more_trials is held by nobody; a pending worker holds reply 0', () => {
    const done = summarizeWorkerChannel([trial('a')], [REQUEST, metric('a'), JSON.stringify({ type: 'trial_done', trialId: 'a' })], []);
    assert.equal(done.holding, undefined);
    assert.deepEqual([...done.endedBeforeOffset], ['a']);
    const ended = summarizeWorkerChannel([trial('a'), { kind: 'end' }], [REQUEST, REQUEST], []);
    assert.equal(ended.holding, undefined);
    const pending = summarizeWorkerChannel([trial('a')], [], []);
    assert.deepEqual(pending.holding, { trialId: 'a', trialDir: '/t/a', reply: 0 });
    assert.equal(pending.requestsSeen, 0);
  });

  it('skips malformed lines', () => {
    const s = summarizeWorkerChannel([trial('a'), trial('b')], ['{not json', REQUEST, '{"type":"nope"}', REQUEST], []);
    assert.equal(s.requestsSeen, 2);
    assert.equal(s.holding?.trialId, 'b');
  });
});

describe('readWorkerRecord', () => {
  const root = mkdtempSync(join(tmpdir(), 'nasctl-worker-records-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('reads replies, the offset, the job id, worker.json and the exit record; a partial last line is not read', () => {
    const dir = join(root, 'worker-3');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'replies.jsonl'), [{ type: 'parameters', trialId: 'a', sequence: 0, parameters: {}, trialDir: '/t/a' }, { type: 'parameters', trialId: 'b', sequence: 1, parameters: {}, trialDir: '/t/b' }].map((m) => `${JSON.stringify(m)}\n`).join(''));
    const before = `${REQUEST}\n${metric('a')}\n${REQUEST}\n`;
    writeFileSync(join(dir, 'messages.jsonl'), `${before}${metric('b')}\n${REQUEST.slice(0, 10)}`);
    writeFileSync(join(dir, 'messages.offset'), String(Buffer.byteLength(before)));
    writeFileSync(join(dir, 'slurm_job_id'), '42\n');
    writeFileSync(join(dir, 'worker.json'), '{"gpuKey":0}\n');
    const record = readWorkerRecord(dir, readSavedOffset(dir))!;
    assert.equal(record.id, 3);
    assert.equal(record.jobId, '42');
    assert.equal(record.gpuKey, 0);
    assert.equal(record.exitRecord, undefined);
    assert.equal(record.repliesWritten, 2);
    assert.equal(record.requestsSeen, 2);
    assert.equal(record.holding?.trialId, 'b');
    assert.equal(record.endedInFile.has('b'), false, 'the partial request line does not count');
    assert.equal(record.replyOf.get('a'), 0);
    writeFileSync(join(dir, 'exit_code'), '0\n');
    assert.equal(readWorkerRecord(dir, readSavedOffset(dir))!.exitRecord, 0);
    assert.equal(readWorkerRecord(join(root, 'not-a-worker'), 0), undefined);
  });

  it('reads only the last two replies of a long-lived worker; lists worker folders', () => {
    const dir = join(root, 'worker-12');
    mkdirSync(dir, { recursive: true });
    const lines = [0, 1, 2, 3, 4].map((k) => `${JSON.stringify({ type: 'parameters', trialId: `t${k}`, sequence: k, parameters: {}, trialDir: `/t/${k}` })}\n`);
    // A sixth reply cut short (a daemon killed mid-write): no reply, the worker never read it.
    writeFileSync(join(dir, 'replies.jsonl'), `${lines.join('')}{"type":"parameters","trialId":"t5"`);
    writeFileSync(join(dir, 'messages.jsonl'), `${REQUEST}\n`.repeat(5));
    writeFileSync(join(dir, 'messages.offset'), '150                 ');
    const record = readWorkerRecord(dir, readSavedOffset(dir))!;
    assert.equal(record.repliesWritten, 5);
    assert.equal(record.requestsSeen, 5);
    assert.deepEqual([...record.replyOf.keys()].sort(), ['t3', 't4']);
    assert.equal(record.holding?.trialId, 't4');
    assert.ok(record.endedBeforeOffset.has('t3'));
    mkdirSync(join(root, 'other'));
    assert.deepEqual(workerFolders(root).sort(), [join(root, 'worker-12'), join(root, 'worker-3')]);
    assert.deepEqual(workerFolders(join(root, 'missing')), []);
  });
});
