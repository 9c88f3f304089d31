import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { channelOffset, OFFSET_FILE, offsetKey, readSavedOffset, serviceStateOf, type ServiceState } from '../../../../daemon/training/slurm/channel-offset';
import { FileChannelEndpoint } from '../../../../daemon/training/slurm/file-channel-endpoint';
import { openSqliteStore } from '../../../../daemon/store/sqlite-store';
import { NOOP_LISTENER } from '../../../../daemon/training/service-common';
import { until } from '../../server/daemon-process';

const root = mkdtempSync(join(tmpdir(), 'nasctl-channel-offset-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A service state kept in a map (what the experiment runner keeps in its store). */
function mapState(): ServiceState & { map: Map<string, unknown> } {
  const map = new Map<string, unknown>();
  return {
    map,
    saveServiceState: (key, value) => {
      if (value === undefined) map.delete(key);
      else map.set(key, value);
    },
    serviceState: (key) => map.get(key),
  };
}

describe('channel offsets', () => {
  it('without a service state: messages.offset, rewritten in place; forget keeps it', () => {
    const dir = join(root, 'file');
    mkdirSync(dir);
    const offset = channelOffset(dir, undefined);
    assert.equal(offset.load(), 0);
    offset.save(1234);
    offset.save(56);
    assert.equal(readSavedOffset(dir), 56, 'a shorter number overwrites a longer one');
    offset.forget();
    offset.close();
    assert.equal(channelOffset(dir, undefined).load(), 56);
  });

  it('with a service state: saved there, no file written; an earlier daemon\'s file counts when it is further; forget drops the key', () => {
    const dir = join(root, 'state');
    mkdirSync(dir);
    const state = mapState();
    const offset = channelOffset(dir, state);
    offset.save(100);
    assert.equal(state.map.get(offsetKey(dir)), 100);
    assert.equal(existsSync(join(dir, OFFSET_FILE)), false);
    assert.equal(channelOffset(dir, state).load(), 100);
    writeFileSync(join(dir, OFFSET_FILE), '250                 ');
    assert.equal(channelOffset(dir, state).load(), 250, 'a daemon of the earlier layout read further');
    offset.save(300);
    assert.equal(channelOffset(dir, state).load(), 300);
    offset.forget();
    assert.equal(state.map.has(offsetKey(dir)), false);
  });

  it('a failing service state never throws out of save or forget; load falls back to the file', () => {
    const dir = join(root, 'failing');
    mkdirSync(dir);
    const state: ServiceState = {
      saveServiceState: () => {
        throw new Error('disk full');
      },
      serviceState: () => {
        throw new Error('disk I/O error');
      },
    };
    const offset = channelOffset(dir, state);
    offset.save(10);
    offset.forget();
    writeFileSync(join(dir, OFFSET_FILE), '7');
    assert.equal(offset.load(), 7);
  });

  it('serviceStateOf: only a listener with both methods keeps service state', () => {
    assert.equal(serviceStateOf(NOOP_LISTENER), undefined);
    assert.equal(serviceStateOf({ ...NOOP_LISTENER, saveServiceState: () => {} }), undefined);
    const state = mapState();
    assert.equal(serviceStateOf({ ...NOOP_LISTENER, ...state }) !== undefined, true);
  });

  it('in the store, the offset is committed with the records written in the same batch, and is lost with them', async () => {
    const dbPath = join(root, 'offsets.db');
    const store = openSqliteStore(dbPath, { groupCommit: true, groupCommitDelayMs: 60_000 });
    store.setMeta('service:' + offsetKey('/ch'), 10);
    store.flush();
    store.setMeta('service:' + offsetKey('/ch'), 20); // in an open batch: not durable yet
    const reader = openSqliteStore(dbPath, { readOnly: true });
    try {
      assert.equal(reader.getMeta('service:' + offsetKey('/ch')), 10, 'another connection sees only the committed offset');
      store.flush();
      assert.equal(reader.getMeta('service:' + offsetKey('/ch')), 20);
    } finally {
      reader.close();
      store.close();
    }
  });

  it('an endpoint given the state saves there after each read and resumes from it', async () => {
    const dir = join(root, 'endpoint');
    const state = mapState();
    const lines: string[] = [];
    const open = (resume: boolean): FileChannelEndpoint =>
      new FileChannelEndpoint({ dir, resume, savedOffset: channelOffset(dir, state), onLine: (line) => lines.push(line), onLineError: (error) => lines.push(`error: ${error}`) });
    const first = open(false);
    const messages = join(dir, 'messages.jsonl');
    appendFileSync(messages, '{"type":"request_parameters"}\n');
    await until(() => (lines.length >= 1 ? true : undefined), 10_000, 'the first line');
    await first.close();
    assert.equal(state.map.get(offsetKey(dir)), '{"type":"request_parameters"}\n'.length);
    assert.equal(existsSync(join(dir, OFFSET_FILE)), false);
    appendFileSync(messages, '{"type":"trial_done","trialId":"t"}\n');
    lines.length = 0;
    const resumed = open(true);
    await until(() => (lines.length >= 1 ? true : undefined), 10_000, 'the line after the saved offset');
    await resumed.close();
    assert.deepEqual(lines, ['{"type":"trial_done","trialId":"t"}']);
  });
});
