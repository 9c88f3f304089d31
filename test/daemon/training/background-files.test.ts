import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BackgroundFiles } from '../../../daemon/training/background-files';
import { TrialDirPool } from '../../../daemon/training/trial-dir-pool';

describe('BackgroundFiles', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'nasctl-bgfiles-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('writes queued files and makes directories on its thread; flush waits for them', async () => {
    const lines: string[] = [];
    const files = new BackgroundFiles({ log: (l) => lines.push(l) });
    const made = await files.makeDirs([path.join(root, 'a'), path.join(root, 'b'), path.join(root, 'a')]);
    assert.deepEqual(made, [path.join(root, 'a'), path.join(root, 'b')]);
    for (let i = 0; i < 100; i += 1) files.write(path.join(root, 'a', `f${i}.json`), JSON.stringify({ i }));
    await files.flush();
    assert.equal(readdirSync(path.join(root, 'a')).length, 100);
    assert.equal(readFileSync(path.join(root, 'a', 'f42.json'), 'utf8'), '{"i":42}');
    // The duplicate mkdir was reported (EEXIST), not thrown.
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /background file operation failed: .*a: EEXIST/);
    await files.close();
  });

  it('appends lines to one file in the order they were queued, across batches', async () => {
    const files = new BackgroundFiles({ log: () => {} });
    const log = path.join(root, 'trials.jsonl');
    files.append(log, 'a\n');
    files.write(path.join(root, 'between.json'), '{}');
    files.append(log, 'b\n');
    files.append(log, 'c\n');
    await files.flush();
    files.append(log, 'd\n');
    await files.close();
    assert.equal(readFileSync(log, 'utf8'), 'a\nb\nc\nd\n');
  });

  it('a file that cannot be written is logged with its path; later files still get written', async () => {
    const lines: string[] = [];
    const files = new BackgroundFiles({ log: (l) => lines.push(l) });
    files.write(path.join(root, 'missing', 'x.json'), '{}');
    files.write(path.join(root, 'ok.json'), '{}');
    await files.close();
    assert.match(lines.join('\n'), /missing\/x\.json: ENOENT/);
    assert.equal(existsSync(path.join(root, 'ok.json')), true);
    files.write(path.join(root, 'after-close.json'), '{}');
    assert.equal(existsSync(path.join(root, 'after-close.json')), false);
  });

  it('writes and appends queued within batchMs reach the disk together, not one turn at a time', async () => {
    const files = new BackgroundFiles({ log: () => {}, batchMs: 10_000 });
    const a = path.join(root, 'batch-a.jsonl');
    const b = path.join(root, 'batch-b.jsonl');
    files.append(a, '1\n');
    files.append(b, 'x\n');
    await new Promise((resolve) => setImmediate(resolve));
    files.append(a, '2\n');
    files.write(b, 'replaced\n'); // a write in between: the append after it comes after it
    files.append(b, 'y\n');
    // Several turns later, inside the window: nothing was sent yet; flush sends it.
    for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(existsSync(a), false, 'still queued');
    await files.flush();
    assert.equal(readFileSync(a, 'utf8'), '1\n2\n');
    assert.equal(readFileSync(b, 'utf8'), 'replaced\ny\n');
    await files.close();
  });
});

describe('TrialDirPool', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'nasctl-dirpool-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('every id it hands out has its directory; unused prepared ones are removed on close, used ones stay', async () => {
    let n = 0;
    const pool = new TrialDirPool({ trialsDir: root, nextId: () => `t${n++}`, ahead: 8 });
    const first = pool.take(); // nothing prepared yet: made at once
    assert.equal(existsSync(first.dir), true);
    assert.equal(first.dir, path.join(root, first.id));
    // Wait (bounded) until the refill landed: the directories exist before they are handed out.
    const taken = [first];
    for (let i = 0; i < 40; i += 1) {
      const t = pool.take();
      assert.equal(existsSync(t.dir), true, t.id);
      taken.push(t);
      writeFileSync(path.join(t.dir, 'used'), '');
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(new Set(taken.map((t) => t.id)).size, taken.length, 'ids are unique');
    await pool.close();
    const left = readdirSync(root).sort();
    assert.deepEqual(left, taken.map((t) => t.id).sort(), 'only the directories handed out remain');
  });

  it('skips ids whose directory exists and hands out an id drawn twice only once', async () => {
    const dir = path.join(root, 'collisions');
    mkdirSync(path.join(dir, 'x'), { recursive: true });
    // The first refill draws a, a, b, c; the synchronous take then meets the existing x.
    const ids = ['a', 'a', 'b', 'c', 'x', 'y'];
    let n = 0;
    const pool = new TrialDirPool({ trialsDir: dir, nextId: () => ids.shift() ?? `n${n++}`, ahead: 4 });
    const taken = [pool.take()];
    assert.equal(taken[0]!.id, 'y', 'x exists already: skipped');
    await pool.whenRefilled();
    for (let i = 0; i < 3; i += 1) taken.push(pool.take());
    const names = taken.map((t) => t.id);
    assert.ok(names.includes('a') && names.includes('c'), `the refill landed: ${names.join(',')}`);
    assert.equal(new Set(names).size, names.length, `ids are unique: ${names.join(',')}`);
    assert.ok(!names.includes('x'));
    await pool.close();
  });

  it('keeps more directories ready each time demand outruns it, up to a bound', async () => {
    const dir = path.join(root, 'growth');
    mkdirSync(dir);
    let n = 0;
    const pool = new TrialDirPool({ trialsDir: dir, nextId: () => `g${n++}`, ahead: 4 });
    pool.take(); // new pool: empty because it is new, no growth
    assert.equal(pool.target, 4);
    // Once the first refill landed, take faster than it refills: the pool runs dry.
    await pool.whenRefilled();
    for (let k = 0; k < 10; k += 1) pool.take();
    assert.ok(pool.target >= 8, `grew: ${pool.target}`);
    assert.ok(pool.target <= 256);
    await pool.close();
  });
});
