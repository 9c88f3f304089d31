/**
 * TrialProcess behaviour, written once and run against every launcher: the native and the Node
 * spawner processes and direct spawns from this process (NASCTL_SPAWNER=0). What a trial sees must not
 * depend on which one started it.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { DirectLauncher } from '../../../../daemon/training/local/direct-launcher';
import { SpawnerLauncher } from '../../../../daemon/training/local/spawner-client';
import type { ProcessLauncher } from '../../../../daemon/training/local/process-launcher';
import { groupAlive, makeTempDir } from './recording-listener';
import { runTrialProcess } from './trial-process-harness';

const O_NONBLOCK = 0o4000;

const launchers: Array<{ name: string; make: () => ProcessLauncher }> = [
  { name: 'native spawner', make: () => new SpawnerLauncher({ log: () => {}, kind: 'native' }) },
  { name: 'node spawner', make: () => new SpawnerLauncher({ log: () => {}, kind: 'node' }) },
  { name: 'direct', make: () => new DirectLauncher(() => {}) },
];

for (const { name, make } of launchers) {
  describe(`TrialProcess through the ${name} launcher`, () => {
    const launcher = make();
    const dir = makeTempDir(`trial-process-${name}`);
    after(async () => {
      await launcher.close();
      dir.remove();
    });

    test('fd 3 works both ways, is blocking like a pipe, and lines come after onStarted', async () => {
      const script = [
        `echo '{"n":1}' >&3`,
        'read -r reply <&3',
        `echo "got:$reply" >&3`,
        // The flags field of fdinfo is octal.
        `echo "flags:$(awk '/^flags/ {print $2}' /proc/$$/fdinfo/3)" >&3`,
        `printf 'partial' >&3`,
        'exit 0',
      ].join('\n');
      const run = runTrialProcess(launcher, dir.root, script);
      await run.line('{"n":1}');
      run.process.send('pong\n');
      const exit = await run.exited;
      assert.deepEqual(exit, { exitCode: 0 });
      assert.equal(run.lines[1], 'got:pong');
      const flags = parseInt(run.lines[2]!.slice('flags:'.length), 8);
      assert.ok(Number.isInteger(flags), run.lines[2]);
      assert.equal(flags & O_NONBLOCK, 0, 'the trial gets a blocking descriptor');
      assert.deepEqual(run.lineErrors.length, 1, 'an unterminated last line is reported at EOF');
      assert.equal(run.order[0], 'started');
      assert.equal(run.order.at(-1), 'exit');
      assert.ok((await run.started)! > 0);
    });

    test('exit codes, signals and the log files', async () => {
      const coded = runTrialProcess(launcher, dir.root, 'echo out; echo err >&2; exit 7');
      const signalled = runTrialProcess(launcher, dir.root, 'kill -USR1 $$');
      assert.deepEqual(await coded.exited, { exitCode: 7 });
      assert.deepEqual(await signalled.exited, { signal: 'SIGUSR1' });
      assert.match(readFileSync(path.join(dir.root, 'stdout.log'), 'utf8'), /out/);
      assert.match(readFileSync(path.join(dir.root, 'stderr.log'), 'utf8'), /err/);
    });

    test('kill after the pid is known: SIGTERM to the group, grandchildren included', async () => {
      const run = runTrialProcess(launcher, dir.root, `sleep 1000 & echo ready >&3; wait`);
      await run.line('ready');
      const pid = (await run.started)!;
      await run.process.kill();
      assert.deepEqual(await run.exited, { signal: 'SIGTERM' });
      assert.equal(await groupAlive(pid), false);
    });

    test('kill right after construction (before the pid may be known) is carried out', async () => {
      const run = runTrialProcess(launcher, dir.root, 'trap "" TERM; exec sleep 1000', { killGraceMs: 300 });
      const killed = run.process.kill();
      const pid = await run.started;
      await killed;
      const exit = await run.exited;
      assert.ok(exit.signal === 'SIGTERM' || exit.signal === 'SIGKILL', JSON.stringify(exit));
      assert.ok(pid !== undefined && pid > 0);
      assert.equal(await groupAlive(pid), false);
    });

    test('a missing working directory or shell becomes an exit with a clear message, never a throw', async () => {
      const noCwd = runTrialProcess(launcher, dir.root, 'true', { cwd: path.join(dir.root, 'missing') });
      assert.match((await noCwd.exited).spawnError!, /does not exist; check trialCodeDirectory/);
      assert.equal(await noCwd.started, undefined);
      const noShell = runTrialProcess(launcher, dir.root, 'true', { shell: path.join(dir.root, 'no-such-shell') });
      const exit = await noShell.exited;
      assert.match(exit.spawnError!, /cannot start "true": .*ENOENT/);
      assert.deepEqual(noShell.order, ['started', 'exit']);
    });

    test('log files that cannot be created end the process with an actionable message', async () => {
      const run = runTrialProcess(launcher, path.join(dir.root, 'no-dir'), 'true', { cwd: dir.root });
      const exit = await run.exited;
      assert.match(exit.spawnError!, /cannot create the log files/);
    });
  });
}
