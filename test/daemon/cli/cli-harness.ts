import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, type MainOptions } from '../../../daemon/cli/main';
import { writeDaemonInfo } from '../../../daemon/cli/daemon-info';
import type { TestServer } from '../api/test-server';

/** Result of one `main()` call with captured output. */
export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** A temp NASCTL_HOME (optionally pointing at a test server) and a runner of `nasctl ARGS`. */
export interface CliHarness {
  home: string;
  run(args: string[], extra?: MainOptions & { onStdout?: (all: string) => void }): Promise<CliResult>;
  cleanup(): void;
}

/** Creates the harness; with `server`, writes daemon.json (pid of this process, so it is "live"). */
export function cliHarness(server?: TestServer, token = 'test-token'): CliHarness {
  const home = mkdtempSync(join(tmpdir(), 'nasctl-home-'));
  if (server) writeDaemonInfo(home, { pid: process.pid, host: server.host, port: server.port, token, startedAt: Date.now(), version: 'test' });
  return {
    home,
    run: async (args, extra = {}) => {
      let out = '';
      let err = '';
      const { onStdout, ...rest } = extra;
      const code = await main(['node', 'nasctl', ...args], {
        stdout: (s) => { out += s; onStdout?.(out); },
        stderr: (s) => { err += s; },
        isTTY: false,
        env: { NASCTL_HOME: home },
        cwd: home,
        ...rest,
      });
      return { code, out, err };
    },
    cleanup: () => rmSync(home, { recursive: true, force: true }),
  };
}
