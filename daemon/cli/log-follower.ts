import { StringDecoder } from 'node:string_decoder';
import { io as connect, type Socket } from 'socket.io-client';
import type { TrialLogName } from '../service/experiment-service';
import type { LiveDelta } from '../service/live-delta';
import { isFinished } from '../store/types';
import { daemonUrl, type ApiClient } from './api-client';
import type { DaemonInfo } from './daemon-info';

/** Which trial log to read, and where its text goes. */
export interface LogTarget {
  client: ApiClient;
  experimentId: string;
  trialId: string;
  name: TrialLogName;
  write: (text: string) => void;
}

/** What `log trial --follow` needs. */
export interface FollowOptions extends LogTarget {
  daemon: DaemonInfo;
  /** Resolves on Ctrl-C; following stops. */
  interrupted: Promise<void>;
  /** Re-read delays while the trial runs without deltas (default 250 ms doubling to 4 s). */
  minDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Reads a trial log from byte `offset` up to its current end, chunk by chunk, writing the text
 * through `decoder` (which keeps a split UTF-8 character for the next call). Called by `log trial`
 * and by followLog. Resolves with the offset reached and whether any bytes came. Throws ApiError /
 * DaemonUnreachableError.
 */
export async function readLogToEnd(t: LogTarget, offset: number, decoder: StringDecoder): Promise<{ offset: number; gotData: boolean }> {
  let gotData = false;
  for (;;) {
    const r = await t.client.readLog(t.experimentId, t.trialId, t.name, offset);
    if (r.text.length > 0) {
      gotData = true;
      t.write(decoder.write(r.text));
    }
    const moved = r.nextOffset !== offset;
    offset = r.nextOffset;
    if (r.text.length === 0 || !moved) return { offset, gotData };
  }
}

/**
 * Prints a trial's log and keeps printing what is appended until the trial ends (or Ctrl-C).
 * Re-reads with `?offset=` when a socket.io delta of that trial arrives (status, metric, log
 * line) and otherwise with a backoff while the trial runs (stdout writes make no deltas); never
 * busy-loops. Resolves with the trial's final status, or null when interrupted. Throws ApiError /
 * DaemonUnreachableError from the REST calls.
 */
export async function followLog(o: FollowOptions): Promise<string | null> {
  const decoder = new StringDecoder('utf8');
  let offset = 0;
  const drain = async (): Promise<boolean> => {
    const r = await readLogToEnd(o, offset, decoder);
    offset = r.offset;
    return r.gotData;
  };

  let interrupted = false;
  let finalStatus: string | null = null;
  let wake: (() => void) | null = null;
  const poke = (): void => { wake?.(); };
  void o.interrupted.then(() => { interrupted = true; poke(); });

  const checkStatus = async (): Promise<void> => {
    const { trial } = await o.client.getTrial(o.experimentId, o.trialId);
    if (isFinished(trial.status)) finalStatus = trial.status;
  };

  await drain();
  await checkStatus();
  if (finalStatus !== null) {
    await drain();
    return finalStatus;
  }

  const socket: Socket = connect(daemonUrl(o.daemon), { auth: { token: o.daemon.token }, transports: ['websocket'], reconnectionDelayMax: 5000 });
  socket.on('connect', () => { socket.emit('subscribe', { experimentId: o.experimentId }); });
  socket.on('delta', (d: LiveDelta) => {
    if (d.type === 'trial' && d.trial.id === o.trialId) {
      if (isFinished(d.trial.status)) finalStatus = d.trial.status;
      poke();
    } else if ((d.type === 'log' && d.trialId === o.trialId) || (d.type === 'metric' && d.metric.trialId === o.trialId)) {
      poke();
    }
  });
  socket.on('reset', poke);

  const minDelay = o.minDelayMs ?? 250;
  const maxDelay = o.maxDelayMs ?? 4000;
  let delay = minDelay;
  try {
    // A delta may have ended the trial between the first status check and the subscription.
    await checkStatus();
    while (finalStatus === null && !interrupted) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => { wake = null; resolve(); }, delay);
        wake = () => { clearTimeout(t); wake = null; resolve(); };
      });
      if (interrupted) break;
      const got = await drain();
      delay = got ? minDelay : Math.min(delay * 2, maxDelay);
      if (!socket.connected) await checkStatus();
    }
    if (interrupted) return null;
    await drain();
    o.write(decoder.end());
    return finalStatus;
  } finally {
    socket.disconnect();
  }
}
