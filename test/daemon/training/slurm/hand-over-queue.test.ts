import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HandOverQueue } from '../../../../daemon/training/slurm/hand-over-queue';

describe('HandOverQueue', () => {
  it('runs the writes of one turn after the current synchronous code, behind one flush, in order', async () => {
    const events: string[] = [];
    const queue = new HandOverQueue({ flush: () => events.push('flush'), log: (line) => events.push(`log ${line}`) });
    queue.push(() => events.push('a'));
    const submitted = queue.next().then(() => events.push('submit'));
    queue.push(() => events.push('b'));
    events.push('trial recorded as started'); // what the scheduler does right after tryStart returns
    await submitted;
    assert.deepEqual(events, ['trial recorded as started', 'flush', 'a', 'b', 'submit']);
    queue.push(() => events.push('c'));
    await Promise.resolve();
    assert.deepEqual(events.slice(5), ['flush', 'c'], 'a later turn flushes again');
  });

  it('a failing flush or write is logged and the other writes still run', async () => {
    const events: string[] = [];
    const queue = new HandOverQueue({
      flush: () => {
        throw new Error('disk full');
      },
      log: (line) => events.push(line),
    });
    queue.push(() => {
      throw new Error('EACCES');
    });
    queue.push(() => events.push('second'));
    await queue.next();
    assert.equal(events.length, 3, JSON.stringify(events));
    assert.match(events[0]!, /durable.*disk full/);
    assert.match(events[1]!, /EACCES/);
    assert.equal(events[2], 'second');
  });
});
