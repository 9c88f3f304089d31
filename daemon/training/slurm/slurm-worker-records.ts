/**
 * What a reuse-mode worker folder (`<workersDir>/worker-<n>/`) records about its worker, read
 * back when a restarted daemon re-attaches to it. Every fact comes from a file written before
 * the state it describes could be relied on, so a daemon killed at any moment leaves a
 * consistent picture:
 *
 * - `worker.json` (written before sbatch): the worker's GPU need and its trials' maxTrialDuration;
 * - `slurm_job_id` (the daemon after sbatch answers, the job when it starts; else squeue's
 *   working directory finds the job);
 * - line k of `replies.jsonl` (appended once the trial's record is durable, see
 *   `TrainingServiceListener.flush`; a partial last line is no reply): reply k, which names the trial the worker was given
 *   (`trialId`, `trialDir`) or is `no_more_trials`. Only the last two replies matter: reply k is
 *   written after the daemon read (and saved the offset past) request k, which ended the trial
 *   of reply k-1, so every earlier trial had ended before the offset;
 * - `messages.jsonl` up to the saved offset (channel-offset.ts: in the store, committed with the
 *   records those messages changed, or `messages.offset`): the requests (and `trial_done`s) the
 *   previous daemon already acted on; what follows is read again by the re-attached channel.
 *
 * `summarizeWorkerChannel` is pure; `readWorkerRecord` does the reading.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseTrialMessage } from '../../../trial-runtime/protocol/parse-message';
import { readExitRecord, readJobId } from './slurm-job';
import { MESSAGES_FILE } from './file-channel-endpoint';
import { readReplyLines, repliesMtimeMs } from './reply-file';
import { completeLines } from '../../../trial-runtime/protocol/complete-lines';

/** File in a worker folder with what the daemon needs to adopt the worker again. */
export const WORKER_META_FILE = 'worker.json';

/** One reply of a worker's channel, as far as re-attaching cares. */
export type WorkerReply = { kind: 'trial'; trialId: string; trialDir: string } | { kind: 'end' };

/** The state of a worker's channel, reconstructed from its files. */
export interface WorkerChannelSummary {
  /** Replies written (complete lines of `replies.jsonl`). */
  repliesWritten: number;
  /** `request_parameters` messages before the saved offset (what the previous daemon acted on). */
  requestsSeen: number;
  /** The worker's current trial: the last reply, when it names a trial that had not ended by the offset. */
  holding: { trialId: string; trialDir: string; reply: number } | undefined;
  /** Trial ids whose end (a later request, or `trial_done`) is before the offset. */
  endedBeforeOffset: Set<string>;
  /** Trial ids whose end is anywhere in the file (before or after the offset). */
  endedInFile: Set<string>;
}

/** The state of one worker folder: its channel plus the job behind it. */
export interface WorkerRecord extends WorkerChannelSummary {
  dir: string;
  /** n of `worker-<n>`. */
  id: number;
  /** Slurm job id recorded in the folder, if any. */
  jobId: string | undefined;
  /** GPU need of the worker (`TrialJob.gpuNumber`, -1 = not managed); undefined when worker.json is missing. */
  gpuKey: number | undefined;
  /** maxTrialDuration (ms) of the worker's trials, from worker.json; undefined when none. */
  maxDurationMs: number | undefined;
  /** When the reply naming `holding`'s trial was written (epoch ms): the reply file's mtime, since that reply is its last line. */
  holdingSince: number | undefined;
  /** Exit code the batch script recorded, undefined while the worker command has not ended. */
  exitRecord: number | undefined;
  /** Reply index of the trials of the last two replies. */
  replyOf: Map<string, number>;
}

/**
 * Replays a worker's channel: `replies` in order (may be sparse: only the last two are needed), message lines before the saved offset, and
 * complete lines after it. Trial k (given in reply r) ends at the first request numbered > r,
 * or at a `trial_done` after request r. Malformed lines are skipped (the channel reports them
 * when it reads them). Pure.
 */
export function summarizeWorkerChannel(replies: WorkerReply[], before: string[], after: string[]): WorkerChannelSummary {
  const endedBeforeOffset = new Set<string>();
  const endedInFile = new Set<string>();
  let requests = 0;
  let requestsSeen = 0;
  const trialOfReply = (k: number): string | undefined => {
    const reply = replies[k];
    return reply?.kind === 'trial' ? reply.trialId : undefined;
  };
  const replay = (lines: string[], ended: Set<string>[]): void => {
    for (const line of lines) {
      const parsed = parseTrialMessage(line);
      if (!parsed.ok) continue;
      const { message } = parsed;
      if (message.type === 'request_parameters') {
        requests += 1;
        // Request `requests - 1` ends the trial of reply `requests - 2`.
        const ending = trialOfReply(requests - 2);
        if (ending !== undefined) for (const set of ended) set.add(ending);
      } else if (message.type === 'trial_done' && requests > 0) {
        const current = trialOfReply(requests - 1);
        if (current !== undefined && current === message.trialId) for (const set of ended) set.add(current);
      }
    }
  };
  replay(before, [endedBeforeOffset, endedInFile]);
  requestsSeen = requests;
  replay(after, [endedInFile]);
  const lastIndex = replies.length - 1;
  const last = replies[lastIndex];
  const holding = last?.kind === 'trial' && !endedBeforeOffset.has(last.trialId) ? { trialId: last.trialId, trialDir: last.trialDir, reply: lastIndex } : undefined;
  return { repliesWritten: replies.length, requestsSeen, holding, endedBeforeOffset, endedInFile };
}

/**
 * Reads worker folder `dir` (a `worker-<n>` folder); `savedOffset` is how far the earlier daemon
 * read its `messages.jsonl` (`ChannelOffset.load`). Called when a restarted daemon adopts a
 * worker. Returns undefined when `dir` is not a worker folder (no `worker-<n>` name, no batch
 * script) or cannot be read; never throws.
 */
export function readWorkerRecord(dir: string, savedOffset: number): WorkerRecord | undefined {
  const match = /^worker-(\d+)$/.exec(path.basename(dir));
  if (match === null) return undefined;
  try {
    const lines = readReplyLines(dir);
    const count = lines.length;
    const replies: WorkerReply[] = new Array<WorkerReply>(count);
    for (let k = Math.max(0, count - 2); k < count; k += 1) replies[k] = parseReply(lines[k]!);
    const messages = readOptionalBuffer(path.join(dir, MESSAGES_FILE)) ?? Buffer.alloc(0);
    const offset = savedOffset <= messages.length ? savedOffset : 0; // saved offsets sit at line boundaries
    const summary = summarizeWorkerChannel(replies, completeLines(messages.subarray(0, offset)), completeLines(messages.subarray(offset)));
    const replyOf = new Map<string, number>();
    replies.forEach((reply, k) => {
      if (reply?.kind === 'trial') replyOf.set(reply.trialId, k);
    });
    const meta = readMeta(dir);
    return {
      ...summary,
      dir,
      id: Number(match[1]),
      jobId: readJobId(dir),
      gpuKey: meta.gpuKey,
      maxDurationMs: meta.maxDurationMs,
      holdingSince: summary.holding === undefined ? undefined : repliesMtimeMs(dir),
      exitRecord: readExitRecord(dir),
      replyOf,
    };
  } catch {
    return undefined;
  }
}

/** The `worker-<n>` folders in `parent` (absolute paths); [] when it does not exist. Never throws. */
export function workerFolders(parent: string): string[] {
  try {
    return readdirSync(parent)
      .filter((name) => /^worker-\d+$/.test(name))
      .map((name) => path.join(parent, name));
  } catch {
    return [];
  }
}

/** Contents of `worker.json`: the worker's GPU need and its trials' maxTrialDuration (ms), if any. */
export function workerMetaText(gpuKey: number, maxDurationMs?: number): string {
  return `${JSON.stringify(maxDurationMs === undefined ? { gpuKey } : { gpuKey, maxDurationMs })}\n`;
}

function readMeta(dir: string): { gpuKey: number | undefined; maxDurationMs: number | undefined } {
  const meta = { gpuKey: undefined as number | undefined, maxDurationMs: undefined as number | undefined };
  const text = readOptional(path.join(dir, WORKER_META_FILE));
  if (text === undefined) return meta;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null) {
      if ('gpuKey' in value && typeof value.gpuKey === 'number') meta.gpuKey = value.gpuKey;
      if ('maxDurationMs' in value && typeof value.maxDurationMs === 'number') meta.maxDurationMs = value.maxDurationMs;
    }
  } catch {
    // unreadable: unknown
  }
  return meta;
}

function parseReply(text: string): WorkerReply {
  const value: unknown = JSON.parse(text);
  if (typeof value === 'object' && value !== null && 'type' in value && value.type === 'parameters' && 'trialId' in value && typeof value.trialId === 'string') {
    const trialDir = 'trialDir' in value && typeof value.trialDir === 'string' ? value.trialDir : '';
    return { kind: 'trial', trialId: value.trialId, trialDir };
  }
  return { kind: 'end' };
}

function readOptional(file: string): string | undefined {
  return readOptionalBuffer(file)?.toString('utf8');
}

function readOptionalBuffer(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
