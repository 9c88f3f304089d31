/**
 * How far the daemon has read one file channel's `messages.jsonl` (a byte offset at a line
 * boundary), kept so that a restarted daemon that re-attaches goes on where the earlier one
 * stopped: no message is acted on twice, none is skipped.
 *
 * Where the listener keeps service state (the daemon: the experiment's store), the offset is
 * saved there, in the same transaction as what the messages caused (their metrics, the trial
 * states they changed): both are durable together at the next group commit or hand-over flush,
 * so a daemon killed at any moment neither loses the messages of an uncommitted batch (an offset
 * saved ahead of them) nor repeats them. It also costs a statement in a transaction that is
 * written anyway, not a write into the shared file system per read. Without such a listener (a
 * service driven on its own), `messages.offset` in the channel folder holds it; that file is
 * also read when re-attaching, for channels a daemon of an earlier version read.
 */
import { constants as fsConstants, openSync, readFileSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import type { TrainingServiceListener } from '../training-service';
import { closeQuietly } from './close-quietly';

/** Where a daemon of an earlier version (or a service without a store) saves the offset. */
export const OFFSET_FILE = 'messages.offset';
/** Width of the saved offset: every save overwrites the same bytes, so the file never needs truncating. */
const OFFSET_WIDTH = 20;

/** The service state a listener may keep for the service (see TrainingServiceListener). */
export type ServiceState = Required<Pick<TrainingServiceListener, 'saveServiceState' | 'serviceState'>>;

/** The saved offset of one channel. */
export interface ChannelOffset {
  /** The saved offset; 0 when none (or unreadable). */
  load(): number;
  /** Saves `offset` (after a read that consumed lines). Never throws: without it a re-attach reads again from the last saved offset. */
  save(offset: number): void;
  /** The channel is over for good (its job ended): its offset is no longer needed. Never throws. */
  forget(): void;
  /** Releases what `save` holds open. Never throws. */
  close(): void;
}

/** The listener's service state when it keeps one (both methods), else undefined. */
export function serviceStateOf(listener: TrainingServiceListener): ServiceState | undefined {
  if (listener.saveServiceState === undefined || listener.serviceState === undefined) return undefined;
  return listener as ServiceState;
}

/** The offset of the channel in `dir`: in `state` when given, else in `<dir>/messages.offset`. */
export function channelOffset(dir: string, state: ServiceState | undefined): ChannelOffset {
  return state === undefined ? new FileOffset(dir) : new StateOffset(dir, state);
}

/** The key of channel `dir`'s offset in the service state. */
export function offsetKey(dir: string): string {
  return `channel-offset:${path.resolve(dir)}`;
}

/** Offset in the listener's service state (the store); an earlier daemon's file counts when it is further. */
class StateOffset implements ChannelOffset {
  private readonly key: string;

  constructor(
    private readonly dir: string,
    private readonly state: ServiceState,
  ) {
    this.key = offsetKey(dir);
  }

  load(): number {
    let stored = 0;
    try {
      const value = this.state.serviceState(this.key);
      if (typeof value === 'number' && Number.isInteger(value) && value >= 0) stored = value;
    } catch {
      // an unreadable store: the file (if any) decides
    }
    return Math.max(stored, readSavedOffset(this.dir));
  }

  save(offset: number): void {
    try {
      this.state.saveServiceState(this.key, offset);
    } catch {
      // best effort (a read-only or failing store): a re-attach reads again from the last saved offset
    }
  }

  forget(): void {
    try {
      this.state.saveServiceState(this.key, undefined);
    } catch {
      // the key stays: harmless
    }
  }

  close(): void {}
}

/** Offset in `<dir>/messages.offset`, one positional write into a file kept open. */
class FileOffset implements ChannelOffset {
  private fd: number | undefined;

  constructor(private readonly dir: string) {}

  load(): number {
    return readSavedOffset(this.dir);
  }

  save(offset: number): void {
    try {
      // No O_TRUNC: a daemon killed between truncating and writing would leave no offset at all.
      this.fd ??= openSync(path.join(this.dir, OFFSET_FILE), fsConstants.O_WRONLY | fsConstants.O_CREAT, 0o644);
      writeSync(this.fd, String(offset).padEnd(OFFSET_WIDTH), 0);
    } catch {
      // best effort: without it a re-attach re-reads from the last saved offset
    }
  }

  forget(): void {}

  close(): void {
    closeQuietly(this.fd);
    this.fd = undefined;
  }
}

/** The offset saved in `<dir>/messages.offset`; 0 when none or unreadable. */
export function readSavedOffset(dir: string): number {
  try {
    const value = Number(readFileSync(path.join(dir, OFFSET_FILE), 'utf8').trim());
    return Number.isInteger(value) && value >= 0 ? value : 0;
  } catch {
    return 0;
  }
}
