import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import type { LiveDelta } from '../../../daemon/service/live-delta';
import type { TrialRecord } from '../../../daemon/store/types';
import { withTimeout } from '../training/local/recording-listener';
import { api, killDaemon, startDaemon, type DaemonProcess } from './daemon-process';

const TRIAL =
  `sleep 0.3; printf '{"type":"metric","trialId":"%s","kind":"intermediate","value":0.1}\\n{"type":"metric","trialId":"%s","kind":"final","value":0.9}\\n' "$NASCTL_TRIAL_ID" "$NASCTL_TRIAL_ID" >&3`;

/** Processes (any) whose environment names this experiment. */
function processesOf(experimentId: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, 'latin1').split('\0').includes(`NASCTL_EXPERIMENT_ID=${experimentId}`)) {
        const state = readFileSync(`/proc/${name}/stat`, 'latin1').split(') ')[1]?.[0];
        if (state !== 'Z') out.push(Number(name));
      }
    } catch {
      // gone
    }
  }
  return out;
}

/** Resolves once `predicate` holds for a delta of the experiment (checked on every delta). */
function waitForDelta(socket: Socket, experimentId: string, predicate: (d: LiveDelta) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const onDelta = (d: LiveDelta) => {
      if (d.experimentId === experimentId && predicate(d)) {
        socket.off('delta', onDelta);
        resolve();
      }
    };
    socket.on('delta', onDelta);
    socket.emit('subscribe', { experimentId });
  });
}

describe('the daemon killed with SIGKILL mid-run, then restarted', () => {
  const home = mkdtempSync(join(tmpdir(), 'nasctl-crash-'));
  const daemons: DaemonProcess[] = [];
  after(async () => {
    for (const d of daemons) await killDaemon(d, 'SIGKILL');
    rmSync(home, { recursive: true, force: true });
  });

  it('resumes by itself, ends orphans, and completes exactly maxTrialNumber trials with nothing lost', async () => {
    let daemon = await startDaemon(home);
    daemons.push(daemon);
    let { port } = daemon;
    const { id } = await api<{ id: string }>(port, 'POST', '/experiments', {
      config: {
        searchSpace: { x: { _type: 'randint', _value: [0, 1_000_000] } },
        trialCommand: TRIAL,
        trialConcurrency: 3,
        maxTrialNumber: 15,
        tuner: { name: 'random' },
        trainingService: { platform: 'local' },
      },
      baseDir: home,
    });
    const succeededBefore: string[] = [];
    // Kill at several points: after 2, then 5 more, then 4 more trials succeeded.
    for (const wanted of [2, 7, 11]) {
      const socket = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'] });
      const seen = new Set<string>();
      await withTimeout(
        waitForDelta(socket, id, (d) => {
          if (d.type === 'trial' && d.trial.status === 'SUCCEEDED') seen.add(d.trial.id);
          return seen.size + succeededBefore.length >= wanted;
        }),
        30_000,
        `${wanted} trials to succeed`,
      );
      socket.close();
      const page = await api<{ items: TrialRecord[] }>(port, 'GET', `/experiments/${id}/trials?limit=1000`);
      succeededBefore.splice(0, succeededBefore.length, ...page.items.filter((t) => t.status === 'SUCCEEDED').map((t) => t.id));
      await killDaemon(daemon, 'SIGKILL');
      daemon = await startDaemon(home);
      daemons.push(daemon);
      ({ port } = daemon);
    }
    const socket = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'] });
    const done = waitForDelta(socket, id, (d) => d.type === 'experiment' && d.experiment.status === 'DONE');
    const already = await api<{ status: string }>(port, 'GET', `/experiments/${id}`);
    if (already.status !== 'DONE') await withTimeout(done, 60_000, 'the experiment to finish');
    socket.close();

    const { items } = await api<{ items: TrialRecord[] }>(port, 'GET', `/experiments/${id}/trials?limit=1000`);
    const tunerTrials = items.filter((t) => t.source === 'tuner');
    assert.equal(tunerTrials.length, 15, 'exactly maxTrialNumber parameter sets');
    for (const sid of succeededBefore) {
      const t = items.find((x) => x.id === sid);
      assert.equal(t?.status, 'SUCCEEDED', `trial ${sid} finished before a crash and must still be there`);
      const { metrics } = await api<{ metrics: unknown[] }>(port, 'GET', `/experiments/${id}/trials/${sid}/metrics`);
      assert.equal(metrics.length, 2, `metrics of ${sid} survive`);
    }
    // Every parameter set ends with a success: the original or its re-run after an interruption.
    for (const t of tunerTrials) {
      const chain = [t, ...items.filter((x) => x.retryOf === t.id)];
      assert.ok(chain.some((x) => x.status === 'SUCCEEDED'), `parameters of ${t.id} never succeeded: ${chain.map((x) => `${x.status}:${x.reason ?? ''}`).join(', ')}`);
    }
    const interrupted = items.filter((t) => t.status === 'SYS_CANCELED');
    for (const t of interrupted) assert.match(t.reason ?? '', /^interrupted/);
    assert.deepEqual(processesOf(id), [], 'no trial process of the experiment is left');
    await killDaemon(daemon, 'SIGTERM');
  });
});
