/** Test helper: a TrainingServiceListener that records events and lets tests await them. */
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { groupHasLiveMembers } from '../../../../daemon/training/local/process-group';
import type { TrialToDaemon } from '../../../../trial-runtime/protocol/messages';
import type { TrainingServiceListener, TrialExit, TrialJob } from '../../../../daemon/training/training-service';

/** Absolute path of the compiled TypeScript SDK, for trial scripts written by tests. */
export const SDK_PATH = path.resolve(__dirname, '../../../../trial-runtime/sdk/index.js');
/** Folder of the Python client. */
export const PYTHON_CLIENT_DIR = path.resolve(__dirname, '../../../../../trial-runtime/python');

/** Records every event; `exited(id)` resolves on that trial's onExit (rejects after `timeoutMs`). */
export class RecordingListener implements TrainingServiceListener {
  readonly started = new Map<string, { pid?: number; gpuIndices?: number[] }>();
  readonly messages = new Map<string, TrialToDaemon[]>();
  readonly malformed: Array<{ trialId: string; line: string; error: string }> = [];
  readonly exits = new Map<string, TrialExit>();
  readonly order: string[] = [];
  capacityEvents = 0;
  private readonly exitWaiters = new Map<string, (exit: TrialExit) => void>();
  private readonly startWaiters = new Map<string, () => void>();
  private capacityWaiters: Array<() => void> = [];
  private messageWaiters: Array<{ trialId: string; type: string; resolve: () => void }> = [];
  /** Optional hook run inside onExit (e.g. the scheduler starting the next trial). */
  onExitHook: ((exit: TrialExit) => void) | undefined;
  /** Optional: hears pending reasons (Slurm); set by tests that check them. */
  onPending?: (trialId: string, reason: string | undefined) => void;

  onStarted(trialId: string, info: { pid?: number; gpuIndices?: number[] }): void {
    this.started.set(trialId, info);
    this.order.push(`started:${trialId}`);
    this.startWaiters.get(trialId)?.();
  }
  onMessage(trialId: string, message: TrialToDaemon): void {
    let list = this.messages.get(trialId);
    if (list === undefined) this.messages.set(trialId, (list = []));
    list.push(message);
    this.order.push(`message:${trialId}:${message.type}`);
    this.messageWaiters = this.messageWaiters.filter((w) => {
      if (w.trialId !== trialId || w.type !== message.type) return true;
      w.resolve();
      return false;
    });
  }

  /** Resolves when trial `trialId` has sent a message of `type`. */
  message(trialId: string, type: string, timeoutMs = 15000): Promise<void> {
    if ((this.messages.get(trialId) ?? []).some((m) => m.type === type)) return Promise.resolve();
    return withTimeout(new Promise<void>((resolve) => this.messageWaiters.push({ trialId, type, resolve })), timeoutMs, `${type} from ${trialId}`);
  }
  onMalformed(trialId: string, line: string, error: string): void {
    this.malformed.push({ trialId, line, error });
  }
  onExit(exit: TrialExit): void {
    this.exits.set(exit.trialId, exit);
    this.order.push(`exit:${exit.trialId}`);
    this.onExitHook?.(exit);
    this.exitWaiters.get(exit.trialId)?.(exit);
  }
  onCapacity(): void {
    this.capacityEvents += 1;
    const waiters = this.capacityWaiters;
    this.capacityWaiters = [];
    for (const resolve of waiters) resolve();
  }

  exited(trialId: string, timeoutMs = 15000): Promise<TrialExit> {
    const done = this.exits.get(trialId);
    if (done !== undefined) return Promise.resolve(done);
    return withTimeout(new Promise((resolve) => this.exitWaiters.set(trialId, resolve)), timeoutMs, `exit of ${trialId}`);
  }

  startedEvent(trialId: string, timeoutMs = 15000): Promise<void> {
    if (this.started.has(trialId)) return Promise.resolve();
    return withTimeout(new Promise<void>((resolve) => this.startWaiters.set(trialId, resolve)), timeoutMs, `start of ${trialId}`);
  }

  capacity(timeoutMs = 15000): Promise<void> {
    return withTimeout(new Promise<void>((resolve) => this.capacityWaiters.push(resolve)), timeoutMs, 'onCapacity');
  }

  metrics(trialId: string): Array<{ kind: string; value: unknown }> {
    return (this.messages.get(trialId) ?? []).flatMap((m) => (m.type === 'metric' ? [{ kind: m.kind, value: m.value }] : []));
  }
}

/** Rejects with a clear message if `promise` does not settle within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A temp directory with `trials/`; `remove()` deletes it. */
export function makeTempDir(prefix: string): { root: string; remove(): void } {
  const root = mkdtempSync(path.join(os.tmpdir(), `nasctl-${prefix}-`));
  mkdirSync(path.join(root, 'trials'));
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** A job running `command` in `root`, with its trial dir created. */
export function makeJob(root: string, trialId: string, command: string, extra: Partial<TrialJob> = {}): TrialJob {
  const trialDir = path.join(root, 'trials', trialId);
  mkdirSync(trialDir, { recursive: true });
  return {
    experimentId: 'exp1',
    trialId,
    sequence: Number(trialId.replace(/\D/g, '') || 0),
    parameters: { lr: 0.1, op: 'conv3x3' },
    trialDir,
    command,
    cwd: root,
    ...extra,
  };
}

/**
 * True while group `pgid` has a running member: `process.kill(-pgid, 0)` throwing ESRCH means
 * gone; if it succeeds, members that are only zombies awaiting PID 1 (slow to reap in some
 * containers) do not count.
 */
export function groupAlive(pgid: number): Promise<boolean> {
  return groupHasLiveMembers(pgid);
}
