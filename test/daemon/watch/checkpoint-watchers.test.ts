import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, type DaemonHandle } from '../../../daemon/server/start-daemon';
import type { LiveDelta } from '../../../daemon/service/live-delta';
import type { BoardSnapshot, CheckpointEntry, CheckpointList } from '../../../daemon/watch/checkpoint-types';

const T = 20_000;
/** Waits for the gate file, so the experiment runs until the test lets it end. */
const TRIAL = 'while [ ! -f ./gate ]; do sleep 0.05; done';

function manifest(epoch: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ format: 'nasctl-checkpoint', version: 1, space: 'spos-cpu', epoch, step: epoch * 10, backend: 'cpu', createdAt: new Date(1_700_000_000_000 + epoch * 1000).toISOString(), metrics: { train_loss: 2 - epoch / 10, train_acc: 0.3 + epoch / 20, val_acc: 0.25 + epoch / 20, val_loss: 2.1 - epoch / 10, lr: 0.02 }, ...extra });
}

/** Writes epoch_NNN like the trainer does: a temp folder renamed into place. */
function writeCheckpoint(root: string, epoch: number, text = manifest(epoch)): string {
  const name = `epoch_${String(epoch).padStart(3, '0')}`;
  const tmp = join(root, `.tmp-${name}-1`);
  mkdirSync(tmp, { recursive: true });
  writeFileSync(join(tmp, 'weights.bin'), Buffer.alloc(64));
  writeFileSync(join(tmp, 'manifest.json'), text);
  renameSync(tmp, join(root, name));
  return name;
}

function fsWatchHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'FSEventWrap' || r === 'StatWatcher').length;
}

describe('checkpoint watcher (real daemon, real files)', () => {
  let home: string;
  let code: string;
  let daemon: DaemonHandle;
  let base: string;
  const logs: string[] = [];

  /** Resolves with the first delta matching `pick` (subscribed before `action` runs). */
  function nextDelta<D extends LiveDelta>(pick: (d: LiveDelta) => d is D, action: () => void, what: string): Promise<D> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        unsub();
        reject(new Error(`timed out after ${T} ms waiting for ${what}`));
      }, T);
      const unsub = daemon.service.subscribe((d) => {
        if (pick(d)) {
          clearTimeout(timer);
          unsub();
          resolve(d);
        }
      });
      action();
    });
  }

  const checkpointDelta = (id: string, name: string) => (d: LiveDelta): d is Extract<LiveDelta, { type: 'checkpoint' }> =>
    d.experimentId === id && d.type === 'checkpoint' && d.checkpoint.name === name;

  async function get<B>(path: string): Promise<{ status: number; body: B }> {
    const res = await fetch(`${base}/api/v1${path}`);
    return { status: res.status, body: (await res.json()) as B };
  }

  async function startExperiment(name: string, ckpt: string): Promise<string> {
    const { id } = await daemon.service.createExperiment({
      experimentName: name, searchSpace: { lr: { _type: 'choice', _value: [0.1] } }, trialCommand: `${TRIAL} # --checkpoint-dir ${ckpt}`,
      trialCodeDirectory: code, trialConcurrency: 1, maxTrialNumber: 1, tuner: { name: 'random' }, trainingService: { platform: 'local' },
    }, code);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('watcher did not start')), T);
      const check = () => {
        if (!daemon.checkpoints.watchedIds().includes(id)) return false;
        clearTimeout(timer);
        unsub();
        resolve();
        return true;
      };
      const unsub = daemon.service.subscribe(() => void check());
      check();
    });
    await daemon.checkpoints.settled();
    return id;
  }

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'nasctl-watch-home-'));
    code = mkdtempSync(join(tmpdir(), 'nasctl-watch-code-'));
    daemon = await startDaemon({ home, port: 0, log: (l) => logs.push(l), resumeInterrupted: false });
    base = `http://127.0.0.1:${daemon.port}`;
  });
  after(async () => {
    writeFileSync(join(code, 'gate'), '');
    await daemon?.close();
    rmSync(home, { recursive: true, force: true });
    rmSync(code, { recursive: true, force: true });
  });

  it('lists existing checkpoints, publishes new ones and the board live, reports corrupt manifests, closes on stop', async () => {
    const baseline = fsWatchHandles();
    const root = join(code, 'ckpt');
    writeCheckpoint(root, 0); // there before the experiment: listed, no delta
    const id = await startExperiment('watched', 'ckpt');
    assert.ok(fsWatchHandles() > baseline, 'the folder is watched');

    let list = await get<CheckpointList>(`/experiments/${id}/checkpoints`);
    assert.equal(list.status, 200);
    assert.equal(list.body.directory, root);
    assert.equal(list.body.watching, true);
    assert.deepEqual(list.body.checkpoints.map((c) => c.name), ['epoch_000']);

    // Renamed into place (as the trainer writes), then one written in place (non-atomically).
    const d1 = await nextDelta(checkpointDelta(id, 'epoch_001'), () => writeCheckpoint(root, 1), 'checkpoint epoch_001');
    assert.equal(d1.checkpoint.epoch, 1);
    assert.equal(d1.checkpoint.dir, join(root, 'epoch_001'));
    assert.equal(d1.checkpoint.metrics.train_loss, 1.9);
    assert.equal(d1.checkpoint.createdAt, new Date(1_700_000_001_000).toISOString());
    await nextDelta(checkpointDelta(id, 'epoch_002'), () => {
      mkdirSync(join(root, 'epoch_002'));
      writeFileSync(join(root, 'epoch_002', 'manifest.json'), manifest(2));
    }, 'checkpoint epoch_002');
    // latest/ and temp folders are not checkpoints.
    mkdirSync(join(root, 'latest'), { recursive: true });
    writeFileSync(join(root, 'latest', 'manifest.json'), manifest(2));

    // A corrupt manifest is listed with its error and logged; the daemon keeps serving.
    const bad = await nextDelta(checkpointDelta(id, 'epoch_003'), () => writeCheckpoint(root, 3, '{"format": "nasctl-che'), 'corrupt checkpoint');
    assert.match(bad.checkpoint.error ?? '', /epoch_003\/manifest\.json is not valid JSON/);
    assert.ok(logs.some((l) => l.includes(id) && l.includes('epoch_003/manifest.json is not valid JSON')), 'corrupt manifest logged');
    assert.equal((await get<{ ok: boolean }>('/health')).body.ok, true);

    // The board: 404 with a reason, then live once written (tmp + rename).
    const none = await get<{ error: { code: string; message: string } }>(`/experiments/${id}/board`);
    assert.equal(none.status, 404);
    assert.match(none.body.error.message, /no Cream board yet: .*board\.json does not exist/);
    const board: BoardSnapshot = { updatedAt: new Date().toISOString(), epoch: 3, step: 30, entries: [{ arch: [0, 1, 2, 3], prec1: 71.25, flops: 300.5 }, { arch: [3, 2, 1, 0], prec1: 69, flops: 280 }] };
    const bd = await nextDelta((d): d is Extract<LiveDelta, { type: 'board' }> => d.experimentId === id && d.type === 'board', () => {
      writeFileSync(join(root, 'board.json.tmp'), JSON.stringify(board));
      renameSync(join(root, 'board.json.tmp'), join(root, 'board.json'));
    }, 'board delta');
    assert.deepEqual(bd.board, board);
    const got = await get<BoardSnapshot>(`/experiments/${id}/board`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, board);

    list = await get<CheckpointList>(`/experiments/${id}/checkpoints`);
    assert.deepEqual(list.body.checkpoints.map((c: CheckpointEntry) => [c.name, c.epoch, c.error !== undefined]), [['epoch_000', 0, false], ['epoch_001', 1, false], ['epoch_002', 2, false], ['epoch_003', 3, true]]);

    // A checkpoint written right before the stop is still reported (the watcher rescans as it closes).
    const last = nextDelta(checkpointDelta(id, 'epoch_004'), () => writeCheckpoint(root, 4), 'checkpoint written before the stop');
    const res = await fetch(`${base}/api/v1/experiments/${id}/stop`, { method: 'POST' });
    assert.equal(res.status, 200);
    await last;
    await daemon.checkpoints.settled();
    assert.deepEqual(daemon.checkpoints.watchedIds(), []);
    assert.equal(fsWatchHandles(), baseline, 'no fs watcher left after the stop');
    list = await get<CheckpointList>(`/experiments/${id}/checkpoints`);
    assert.equal(list.body.watching, false);
    assert.equal(list.body.checkpoints.length, 5);
  });

  it('answers clear errors for experiments without checkpoints and unknown ids', async () => {
    const { id } = await daemon.service.createExperiment({
      searchSpace: { lr: { _type: 'choice', _value: [0.1] } }, trialCommand: 'true', trialCodeDirectory: code,
      trialConcurrency: 1, maxTrialNumber: 1, tuner: { name: 'random' }, trainingService: { platform: 'local' },
    }, code);
    const list = await get<CheckpointList>(`/experiments/${id}/checkpoints`);
    assert.deepEqual(list.body, { directory: null, watching: false, checkpoints: [] });
    const board = await get<{ error: { message: string } }>(`/experiments/${id}/board`);
    assert.equal(board.status, 404);
    assert.match(board.body.error.message, /no checkpoint directory.*checkpointDirectory/);
    assert.equal((await get(`/experiments/nope/checkpoints`)).status, 404);
  });

  it('closes every watcher when the daemon shuts down', async () => {
    const baseline = fsWatchHandles();
    const id = await startExperiment('shutdown', join(code, 'other'));
    assert.deepEqual(daemon.checkpoints.watchedIds(), [id]);
    assert.ok(fsWatchHandles() > baseline);
    await daemon.close();
    assert.deepEqual(daemon.checkpoints.watchedIds(), []);
    assert.equal(fsWatchHandles(), baseline, 'no fs watcher left after shutdown');
  });
});
