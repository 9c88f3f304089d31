/** The spawner process and its client: real processes, real Unix sockets. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { SpawnerLauncher, chooseNativeSpawner, type SpawnerLauncherOptions } from '../../../../daemon/training/local/spawner-client';
import { encodeNativeRequest, findNativeSpawner } from '../../../../daemon/training/local/native-spawner-protocol';
import { ChannelServer } from '../../../../daemon/training/local/channel-server';
import { signalGroup } from '../../../../daemon/training/local/process-group';
import type { LaunchEvents } from '../../../../daemon/training/local/process-launcher';
import { helloLine } from '../../../../daemon/training/local/spawner-messages';
import { groupAlive, makeTempDir, withTimeout } from './recording-listener';
import { runTrialProcess } from './trial-process-harness';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Launch events as promises (for launcher-level tests). */
function recordLaunch(): { events: LaunchEvents; failed(): Promise<string>; spawned(): Promise<number> } {
  let fail!: (message: string) => void;
  let spawned!: (pid: number) => void;
  const failed = new Promise<string>((resolve) => (fail = resolve));
  const pid = new Promise<number>((resolve) => (spawned = resolve));
  return {
    events: {
      onSpawned: spawned,
      onChannel: (socket) => socket.destroy(),
      onExit: () => {},
      onSpawnError: fail,
      onLost: () => {},
    },
    failed: () => withTimeout(failed, 10000, 'spawn-failed'),
    spawned: () => withTimeout(pid, 10000, 'spawned'),
  };
}

/** Runs `body` with a new launcher and a temp folder; closes and removes both afterwards. */
async function withLauncher(options: SpawnerLauncherOptions, dirName: string, body: (launcher: SpawnerLauncher, root: string) => Promise<void>): Promise<void> {
  const launcher = new SpawnerLauncher(options);
  const dir = makeTempDir(dirName);
  try {
    await body(launcher, dir.root);
  } finally {
    await launcher.close();
    dir.remove();
  }
}

/** Starts `exit 0` through `launcher` and checks that it runs. */
async function assertServing(launcher: SpawnerLauncher, cwd: string): Promise<void> {
  const ok = recordLaunch();
  launcher.launch({ shell: '/bin/sh', script: 'exit 0', cwd, env: {} }, ok.events);
  assert.ok((await ok.spawned()) > 0);
}

/** Both spawners: the native one (built by scripts/build-native.js) and the Node one. */
const KINDS = ['native', 'node'] as const;

for (const kind of KINDS) {
  describe(`the ${kind} spawner`, () => {
    test('many concurrent spawns: each process gets its own channel and exit', () =>
      withLauncher({ log: () => {}, kind }, `spawner-${kind}-many`, async (launcher, root) => {
        const runs = Array.from({ length: 40 }, (_, i) =>
          runTrialProcess(launcher, root, `echo "me:$ME" >&3; read -r x <&3; echo "echo:$x" >&3; exit $((ME % 5))`, {
            env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ME: String(i) },
          }),
        );
        await Promise.all(runs.map((run, i) => run.line(`me:${i}`).then(() => run.process.send(`reply-${i}\n`))));
        const exits = await Promise.all(runs.map((run) => run.exited));
        exits.forEach((exit, i) => assert.deepEqual(exit, { exitCode: i % 5 }));
        runs.forEach((run, i) => assert.deepEqual(run.lines, [`me:${i}`, `echo:reply-${i}`]));
        const pids = await Promise.all(runs.map((run) => run.started));
        assert.equal(new Set(pids).size, runs.length);
      }));

    test('the spawner reports a bad working directory or a missing shell as spawn-failed', () =>
      withLauncher({ log: () => {}, kind }, `spawner-${kind}-fail`, async (launcher, root) => {
        const badCwd = recordLaunch();
        launcher.launch({ shell: '/bin/sh', script: 'exit 0', cwd: `${root}/nope`, env: {} }, badCwd.events);
        assert.match(await badCwd.failed(), /cannot start "\/bin\/sh" in .*nope: .*ENOENT/);
        const noShell = recordLaunch();
        launcher.launch({ shell: `${root}/nosh`, script: 'exit 0', cwd: root, env: {} }, noShell.events);
        assert.match(await noShell.failed(), /ENOENT/);
        await assertServing(launcher, root); // the spawner is still serving
      }));

    test('a SIGKILLed spawner: running trials end lost once their channel closes, and the next launch starts a new spawner', () => {
      const logs: string[] = [];
      return withLauncher({ log: (line) => logs.push(line), kind }, `spawner-${kind}-kill`, async (launcher, root) => {
        const run = runTrialProcess(launcher, root, `echo ready >&3; read -r x <&3; echo "still here:$x" >&3; exit 0`);
        await run.line('ready');
        const spawnerPid = launcher.spawnerPid!;
        process.kill(spawnerPid, 'SIGKILL');
        assert.match(await run.lost(), /spawner process that started this trial ended \(signal SIGKILL\)/);
        // The trial still runs and its channel still works in both directions.
        run.process.send('go\n');
        await run.line('still here:go');
        const exit = await run.exited;
        assert.equal(exit.exitCode, undefined);
        assert.match(exit.spawnError!, /exit status is unknown/);
        assert.ok(logs.some((line) => /spawner \(pid \d+\) ended \(signal SIGKILL\) with 1 trial process\(es\) outstanding/.test(line)), logs.join('\n'));
        const next = runTrialProcess(launcher, root, 'exit 4');
        assert.deepEqual(await next.exited, { exitCode: 4 });
        assert.notEqual(launcher.spawnerPid, spawnerPid);
      });
    });

    test('a lost trial can still be killed: the daemon signals its group itself', () =>
      withLauncher({ log: () => {}, kind }, `spawner-${kind}-kill-lost`, async (launcher, root) => {
        const run = runTrialProcess(launcher, root, `sleep 1000 & echo ready >&3; wait`, { killGraceMs: 300 });
        await run.line('ready');
        const pid = (await run.started)!;
        process.kill(launcher.spawnerPid!, 'SIGKILL');
        await run.lost();
        await run.process.kill();
        assert.match((await run.exited).spawnError!, /exit status is unknown/);
        assert.equal(await groupAlive(pid), false);
      }));

    test('close() stops the spawner and leaves running trials alone', async () => {
      const launcher = new SpawnerLauncher({ log: () => {}, kind });
      const dir = makeTempDir(`spawner-${kind}-close`);
      let pid: number | undefined;
      try {
        const run = runTrialProcess(launcher, dir.root, 'echo ready >&3; exec sleep 1000');
        await run.line('ready');
        pid = await run.started;
        const spawnerPid = launcher.spawnerPid!;
        await launcher.close();
        assert.equal(isAlive(spawnerPid), false, 'the spawner is gone');
        assert.equal(await groupAlive(pid!), true, 'the trial still runs');
        const refused = recordLaunch();
        launcher.launch({ shell: '/bin/sh', script: 'exit 0', cwd: dir.root, env: {} }, refused.events);
        assert.match(await refused.failed(), /shut down/);
      } finally {
        if (pid !== undefined) signalGroup(pid, 'SIGKILL');
        await launcher.close();
        dir.remove();
      }
    });
  });
}

test('the channel server routes by hello token and closes strangers', async () => {
  const logs: string[] = [];
  const server = new ChannelServer((line) => logs.push(line));
  try {
    const routed = new Promise<string>((resolve) => {
      server.expect('tok-1', (socket, head) => {
        if (head !== undefined) resolve(`head:${head.toString()}`);
        else socket.once('data', (chunk: Buffer) => resolve(`data:${chunk.toString()}`)).resume();
      });
    });
    const client = net.connect(server.address);
    client.write(`${helloLine('tok-1')}first`);
    await withTimeout(new Promise((resolve) => client.once('connect', resolve)), 5000, 'connect');
    // What followed the hello in the same chunk is handed over as `head`.
    assert.match(await withTimeout(routed, 5000, 'routing'), /^(head|data):first$/);
    client.destroy();
    for (const hello of [helloLine('tok-unknown'), 'not a hello\n', 'x'.repeat(300)]) {
      const stranger = net.connect(server.address);
      stranger.write(hello);
      await withTimeout(new Promise((resolve) => stranger.once('close', resolve)), 5000, `close of ${hello.slice(0, 20)}`);
    }
    assert.equal(logs.filter((line) => /connection closed/.test(line)).length, 2, logs.join('\n'));
  } finally {
    await server.close();
  }
});

test('a spawner that cannot start fails each launch with the reason, and its stderr goes to the log', async () => {
  const logs: string[] = [];
  const dir = makeTempDir('spawner-broken');
  const launcher = new SpawnerLauncher({ log: (line) => logs.push(line), spawnerMain: `${dir.root}/missing-spawner.js` });
  try {
    const first = recordLaunch();
    launcher.launch({ shell: '/bin/sh', script: 'exit 0', cwd: dir.root, env: {} }, first.events);
    assert.match(await first.failed(), /spawner process that started this trial ended \(exit code 1\).*before it reported the process started/);
    assert.ok(logs.some((line) => /^spawner: .*Cannot find module/s.test(line)), logs.join('\n'));
  } finally {
    await launcher.close();
    dir.remove();
  }
});

test('the native spawner was built wherever a C compiler is on PATH (else trials silently take the slower path)', () => {
  const compilers = ['cc', 'gcc', 'clang', 'g++'];
  const hasCompiler = compilers.some((cc) => spawnSync(cc, ['--version'], { stdio: 'ignore' }).status === 0);
  if (!hasCompiler) return;
  assert.ok(findNativeSpawner(path.dirname(require.resolve('../../../../daemon/training/local/spawner-client'))), 'run `npm run build`: scripts/build-native.js builds it');
  assert.equal(new SpawnerLauncher({ log: () => {} }).kind, 'native');
  assert.equal(new SpawnerLauncher({ log: () => {}, spawnerMain: '/x/spawner-main.js' }).kind, 'node');
  assert.equal(chooseNativeSpawner({ log: () => {} }, { NASCTL_SPAWNER: 'node' }), undefined);
});

describe('the native spawner specifically', () => {
  test('the trial gets exactly the given environment and the signal state Node gives, and a signal death is named as Node names it', async () => {
    const dir = makeTempDir('native-env');
    const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ONLY: 'a b=c\té' };
    // What the user's command sees: grep's own blocked and ignored signals, inherited through sh.
    const script = `echo "n=$(env | wc -l) only=$ONLY" >&3; grep -E '^Sig(Blk|Ign)' /proc/self/status | tr -d '\\t\\n' >&3; echo >&3; kill -TERM $$`;
    const signalState = async (kind: 'native' | 'node'): Promise<string> => {
      const launcher = new SpawnerLauncher({ log: () => {}, kind });
      try {
        const run = runTrialProcess(launcher, dir.root, script, { env });
        const first = await run.line(/^n=/);
        assert.match(first, /only=a b=c\té$/);
        // env adds nothing of its own besides what sh exports (PWD, and OLDPWD/SHLVL/_ in some shells).
        assert.ok(Number(/^n=(\d+)/.exec(first)![1]) <= 6, first);
        const state = await run.line(/^SigBlk/);
        assert.deepEqual(await run.exited, { signal: 'SIGTERM' });
        return state;
      } finally {
        await launcher.close();
      }
    };
    try {
      const [native, node] = [await signalState('native'), await signalState('node')];
      // glibc's posix_spawn leaves its two reserved signals (32, 33) ignored; glibc programs reinstall them at start.
      const lowBits = (state: string): string => state.replace(/SigIgn:([0-9a-f]+)/, (_, hex: string) => `SigIgn:${(BigInt(`0x${hex}`) & 0x7fffffffn).toString(16)}`);
      assert.equal(lowBits(native), lowBits(node));
      assert.match(lowBits(native), /^SigBlk:0+SigIgn:0$/);
    } finally {
      dir.remove();
    }
  });

  test('a native spawner that cannot start (not executable here): the Node spawner takes over and no trial fails', async () => {
    const logs: string[] = [];
    const dir = makeTempDir('native-broken');
    const binary = path.join(dir.root, 'nasctl-spawner');
    writeFileSync(binary, 'not a program', { mode: 0o644 });
    const launcher = new SpawnerLauncher({ log: (line) => logs.push(line), kind: 'native', nativeSpawner: binary });
    try {
      const runs = [1, 2, 3].map((code) => runTrialProcess(launcher, dir.root, `echo hi >&3; exit ${code}`));
      assert.deepEqual(await Promise.all(runs.map((run) => run.exited)), [{ exitCode: 1 }, { exitCode: 2 }, { exitCode: 3 }]);
      assert.equal(launcher.kind, 'node');
      assert.ok(logs.some((line) => /native spawner .* could not start: .*EACCES.*Node spawner from now on/.test(line)), logs.join('\n'));
    } finally {
      await launcher.close();
      dir.remove();
    }
  });

  test('a request it cannot carry (a NUL byte) fails that launch only', () =>
    withLauncher({ log: () => {}, kind: 'native' }, 'native-nul', async (launcher, root) => {
      const bad = recordLaunch();
      launcher.launch({ shell: '/bin/sh', script: 'exit 0', cwd: root, env: { X: 'a\0b' } }, bad.events);
      assert.match(await bad.failed(), /"X" cannot be passed/);
      await assertServing(launcher, root);
    }));

  test('it ignores SIGTERM and SIGINT (the daemon decides when trials end) and exits when its stdin closes', () =>
    withLauncher({ log: () => {}, kind: 'native' }, 'native-signals', async (launcher, root) => {
      const run = runTrialProcess(launcher, root, 'echo ready >&3; read -r x <&3; exit 3');
      await run.line('ready');
      const spawnerPid = launcher.spawnerPid!;
      process.kill(spawnerPid, 'SIGTERM');
      process.kill(spawnerPid, 'SIGINT');
      run.process.send('go\n');
      assert.deepEqual(await run.exited, { exitCode: 3 });
      assert.equal(launcher.spawnerPid, spawnerPid, 'the same spawner reported the exit');
      // close() ends its stdin and SIGKILLs it only after a 2 s grace: it must be gone well before.
      const closing = performance.now();
      await launcher.close();
      assert.ok(performance.now() - closing < 1000, `close() took ${(performance.now() - closing).toFixed(0)} ms: the spawner did not exit at EOF on stdin`);
      assert.equal(isAlive(spawnerPid), false);
    }));
});

test('encodeNativeRequest: counted NUL-terminated fields, and what it refuses', () => {
  const request = { type: 'spawn' as const, token: 't-1', shell: '/bin/sh', script: 'echo "a b"\nexit 0', cwd: '/tmp', env: { A: '1', B: 'x=y' } };
  assert.equal(encodeNativeRequest(request), '6\0t-1\0/bin/sh\0echo "a b"\nexit 0\0/tmp\0A=1\0B=x=y\0');
  assert.equal(encodeNativeRequest({ ...request, env: {} }), '4\0t-1\0/bin/sh\0echo "a b"\nexit 0\0/tmp\0');
  assert.deepEqual(encodeNativeRequest({ ...request, cwd: '/t\0mp' }), { error: 'the working directory contains a NUL byte, which a process start cannot carry' });
  assert.match((encodeNativeRequest({ ...request, env: { 'A=B': '1' } }) as { error: string }).error, /"A=B" cannot be passed/);
});
