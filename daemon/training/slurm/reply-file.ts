/**
 * The daemon's replies on the file channel: one append-only file per channel, `replies.jsonl`,
 * one complete daemon → trial message per line, reply k being line k (0-based). Each reply is
 * appended with a single `write` of the whole line, and readers (the trial, a re-attaching
 * daemon) only take lines up to the last newline, so a line being written (or one a daemon
 * killed mid-write left unfinished) is never read as a reply. Appending to a file that exists
 * creates no inode: a new reply file per trial (temp file + rename) cost ~0.45 ms of ext4
 * journaling per trial, most of the Slurm reuse-mode overhead.
 */
import { closeSync, constants as fsConstants, fstatSync, ftruncateSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { encodeMessage } from '../../../trial-runtime/protocol/encode-message';
import type { DaemonToTrial } from '../../../trial-runtime/protocol/messages';
import { completeLines } from '../../../trial-runtime/protocol/complete-lines';
import { closeQuietly } from './close-quietly';

/** The file of a channel's replies. */
export const REPLIES_FILE = 'replies.jsonl';

/**
 * A channel's reply file, kept open for appending (one per reuse worker). `open` repairs a tail
 * that an earlier daemon killed mid-write left without its newline (the trial never read it)
 * before anything is appended after it. Throws on a file-system error.
 */
export class ReplyFile {
  readonly file: string;
  private fd: number | undefined;

  /** `dir` is the channel directory; nothing is opened before the first `append`. */
  constructor(dir: string) {
    this.file = path.join(dir, REPLIES_FILE);
  }

  /**
   * Appends `message` as the next reply: one write of the whole line. Called at the hand-over
   * point (the trial's record is durable). Throws on a file-system error (the caller reports it).
   */
  append(message: DaemonToTrial): void {
    if (this.fd === undefined) {
      const fd = openSync(this.file, fsConstants.O_RDWR | fsConstants.O_APPEND | fsConstants.O_CREAT, 0o644);
      try {
        dropPartialTail(fd);
      } catch (error) {
        closeSync(fd);
        throw error;
      }
      this.fd = fd;
    }
    const line = Buffer.from(encodeMessage(message));
    const written = writeSync(this.fd, line);
    if (written !== line.length) throw new Error(`short write to ${this.file} (${written} of ${line.length} bytes)`);
  }

  /** Closes the file (a later `append` opens it again). Never throws. */
  close(): void {
    closeQuietly(this.fd);
    this.fd = undefined;
  }
}

/**
 * Replaces the channel's replies with `message` alone (temp file + rename): spawn mode's reply 0,
 * written before the job is submitted, so a trial submitted again after a daemon restart does
 * not find a stale first line. Throws on a file-system error.
 */
export function writeFirstReply(dir: string, message: DaemonToTrial): void {
  const target = path.join(dir, REPLIES_FILE);
  writeFileSync(`${target}.tmp`, encodeMessage(message));
  renameSync(`${target}.tmp`, target);
}

/**
 * Appends `message` as the next reply of the channel in `dir`, opening and closing the file
 * (spawn mode's `no_more_trials`; reuse workers keep a `ReplyFile` open). Throws on a file-system error.
 */
export function appendReply(dir: string, message: DaemonToTrial): void {
  const replies = new ReplyFile(dir);
  try {
    replies.append(message);
  } finally {
    replies.close();
  }
}

/**
 * The complete reply lines of the channel in `dir`, in order (a trailing partial line is left
 * out); [] when there is no reply file. Throws on a file-system error other than ENOENT.
 */
export function readReplyLines(dir: string): string[] {
  let data: Buffer;
  try {
    data = readFileSync(path.join(dir, REPLIES_FILE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return completeLines(data);
}

/** Number of complete replies in the channel in `dir` (0 when none). Throws like `readReplyLines`. */
export function countReplies(dir: string): number {
  return readReplyLines(dir).length;
}

/** When the reply file of `dir` was last written (epoch ms), undefined when it does not exist. */
export function repliesMtimeMs(dir: string): number | undefined {
  try {
    return statSync(path.join(dir, REPLIES_FILE)).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Truncates the file open as `fd` after its last newline (nothing when it ends with one or is empty). */
function dropPartialTail(fd: number): void {
  const size = fstatSync(fd).size;
  if (size === 0) return;
  const last = Buffer.alloc(1);
  if (readSync(fd, last, 0, 1, size - 1) === 1 && last[0] === 0x0a) return;
  // A partial tail: find the last newline from the start (reply files stay small: one line per trial).
  const data = Buffer.alloc(size);
  const n = readSync(fd, data, 0, size, 0);
  ftruncateSync(fd, data.subarray(0, n).lastIndexOf(0x0a) + 1);
}
