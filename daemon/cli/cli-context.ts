import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { StartDaemon } from './daemon-handle';
import { ApiClient } from './api-client';
import { readLiveDaemonInfo, type DaemonInfo } from './daemon-info';
import { NasctlError } from '../errors';

/** Output and environment of one CLI run; tests inject writers and env. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** true when stdout is a terminal (progress bars, prompts). */
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Replaceable collaborators of the CLI (tests swap them; defaults are the real ones). */
export interface CliDeps {
  /** Starts a daemon in this process (`--foreground`). Default: lazily required ../server/start-daemon. */
  startDaemon?: StartDaemon;
  /** Script of the background daemon. Default: dist/daemon/server/main.js. */
  daemonEntry?: string;
  /** Resolves on Ctrl-C for long-running commands (`--foreground`, `log --follow`). Default: SIGINT. */
  interrupted?: () => Promise<void>;
  /** Answers a yes/no question (`experiment delete` without --yes). Default: none (the command refuses). */
  confirm?: (question: string) => Promise<boolean>;
}

/** No daemon is running for this home. */
export class DaemonNotRunningError extends NasctlError {
  constructor(home: string) {
    super('DAEMON_NOT_RUNNING', 503, `no nasctl daemon is running for ${home} (no live daemon.json); start one with "nasctl create --config FILE" or "nasctl resume ID"`);
  }
}

/**
 * What every command gets: writers, the nasctl home, and a REST client for the running daemon.
 * Built once per `main()` call.
 */
export class CliContext {
  private homeOption?: string;
  /** Exit code the command asks for (main returns it); 0 unless a command sets it. */
  exitCode = 0;
  constructor(readonly io: CliIo, readonly deps: CliDeps) {}

  /** Called by main with the global `--home` option before any command runs. */
  setHomeOption(home: string | undefined): void {
    this.homeOption = home;
  }

  /** The nasctl home: `--home`, else NASCTL_HOME, else ~/.nasctl (absolute). */
  home(): string {
    const h = this.homeOption ?? this.io.env.NASCTL_HOME ?? join(homedir(), '.nasctl');
    return resolve(this.io.cwd, h);
  }

  /** The running daemon's info. Throws DaemonNotRunningError when there is none. */
  daemon(): DaemonInfo {
    const info = readLiveDaemonInfo(this.home());
    if (!info) throw new DaemonNotRunningError(this.home());
    return info;
  }

  /** Resolves on Ctrl-C: `deps.interrupted` when given, else at the next SIGINT. */
  interrupted(): Promise<void> {
    return this.deps.interrupted?.() ?? new Promise((resolve) => { process.once('SIGINT', () => resolve()); });
  }

  /** A client of the running daemon. Throws DaemonNotRunningError when there is none. */
  client(): ApiClient {
    return new ApiClient(this.daemon());
  }

  out(line = ''): void {
    this.io.stdout(`${line}\n`);
  }

  err(line: string): void {
    this.io.stderr(`${line}\n`);
  }
}
