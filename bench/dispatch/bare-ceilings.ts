/**
 * Bare ceilings for bench/dispatch: the same work without nasctl around it, measured in the
 * same run so the ratios mean something on any machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import Database from 'better-sqlite3';

export interface CeilingFigure {
  name: string;
  trials: number;
  seconds: number;
  trialsPerSecond: number;
}

const PY_WORKER = `
import os, sys
ch = os.fdopen(3, 'r+b', buffering=0)
buf = b''
while True:
    data = ch.read(65536)
    if not data:
        break
    buf += data
    while b'\\n' in buf:
        line, buf = buf.split(b'\\n', 1)
        ch.write(b'{"type":"metric","kind":"final","value":1}\\n')
`;

/** Two SQLite WAL transactions per trial, python workers answering over fd 3: no daemon. */
export async function bareReuseCeiling(trials: number, concurrency: number): Promise<CeilingFigure> {
  const dir = mkdtempSync(join(tmpdir(), 'nasctl-ceiling-'));
  const db = new Database(join(dir, 'bare.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, status TEXT, value TEXT)');
  const insert = db.prepare('INSERT INTO t (id, status) VALUES (?, ?)');
  const update = db.prepare('UPDATE t SET status = ?, value = ? WHERE id = ? AND status = ?');
  const workers: Array<{ child: ChildProcess; channel: Duplex }> = [];
  for (let i = 0; i < concurrency; i++) {
    const child = spawn('python3', ['-c', PY_WORKER], { stdio: ['ignore', 'ignore', 'inherit', 'pipe'] });
    workers.push({ child, channel: child.stdio[3] as Duplex });
  }
  const t0 = process.hrtime.bigint();
  let next = 0;
  let done = 0;
  await new Promise<void>((resolve) => {
    const dispatch = (w: { channel: Duplex }) => {
      if (next >= trials) return;
      const id = next++;
      db.transaction(() => insert.run(id, 'RUNNING'))();
      w.channel.write(`{"type":"parameters","trialId":"${id}","parameters":{"a":1}}\n`);
      pending.set(w.channel, id);
    };
    const pending = new Map<Duplex, number>();
    for (const w of workers) {
      let buf = '';
      w.channel.on('data', (chunk: Buffer) => {
        buf += chunk.toString('utf8');
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          const id = pending.get(w.channel)!;
          db.transaction(() => update.run('SUCCEEDED', JSON.parse(line).value as number, id, 'RUNNING'))();
          done += 1;
          if (done === trials) resolve();
          else dispatch(w);
        }
      });
      dispatch(w);
    }
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  for (const w of workers) {
    w.channel.end();
    w.child.kill();
  }
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return { name: 'bare ceiling: 2 SQLite txns + python workers', trials, seconds, trialsPerSecond: trials / seconds };
}

/**
 * Bare spawn of an `sh` trial that writes one line to fd 3, at the given concurrency. With
 * `trialFiles` each trial also gets what a spawn-mode trial costs the disk in nasctl (and in any
 * manager that keeps per-trial logs): a fresh folder, a `parameters.json` written before the start,
 * and `stdout.log` / `stderr.log` opened by the shell. Folders go under a temp folder removed at the end.
 */
export async function bareSpawnCeiling(trials: number, concurrency: number, trialFiles = false): Promise<CeilingFigure> {
  const root = trialFiles ? mkdtempSync(join(tmpdir(), 'nasctl-ceiling-')) : undefined;
  const t0 = process.hrtime.bigint();
  let next = 0;
  const one = (i: number): Promise<void> =>
    new Promise((resolve, reject) => {
      let script = `echo '{"type":"metric","kind":"final","value":1}' >&3`;
      if (root !== undefined) {
        const dir = join(root, String(i));
        mkdirSync(dir);
        writeFileSync(join(dir, 'parameters.json'), '{"a":1,"b":2}');
        script = `exec >>'${dir}/stdout.log' 2>>'${dir}/stderr.log'\n${script}`;
      }
      const child = spawn('sh', ['-c', script], { stdio: ['ignore', 'ignore', 'inherit', 'pipe'] });
      const channel = child.stdio[3] as Duplex;
      let got = false;
      channel.on('data', () => {
        got = true;
      });
      child.on('error', reject);
      child.on('close', () => (got ? resolve() : reject(new Error('no line on fd 3'))));
    });
  const lane = async () => {
    while (next < trials) {
      await one(next++);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
  const name = trialFiles ? 'bare ceiling: same + trial folder and 3 files' : 'bare ceiling: spawn sh writing to fd 3';
  return { name, trials, seconds, trialsPerSecond: trials / seconds };
}

/**
 * CPU (µs, user + system) of one `mkdir` in the temp folder's file system, over `count` fresh
 * folders made and then removed. Every trial folder costs this on the daemon's helper thread; on
 * ext4 it swings 10x with what the disk did just before (deletes, discards), so the bench prints it
 * beside each run's figures. Throws what mkdirSync throws.
 */
export function mkdirCpuMicros(count: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'nasctl-mkdir-'));
  try {
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < count; i++) mkdirSync(join(dir, String(i)));
    const cpu = process.cpuUsage(cpu0);
    return (cpu.user + cpu.system) / count;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
