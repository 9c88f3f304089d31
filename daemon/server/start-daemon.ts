import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { ExperimentService } from '../service/experiment-service';
import { ExperimentManager } from '../manager/experiment-manager';
import { builtinTuners } from '../../tuners/registry';
import { createApiApp } from '../api/create-api-app';
import { packageVersion } from '../api/package-version';
import { attachLiveEvents } from '../live/attach-live-events';
import { readDaemonInfo, writeDaemonInfo, removeDaemonInfo, isProcessAlive } from '../cli/daemon-info';
import { ConflictError } from '../errors';
import { createTrainingService } from './create-training-service';
import { CheckpointWatchers } from '../watch/checkpoint-watchers';

export interface DaemonHandle {
  host: string;
  port: number;
  token: string;
  service: ExperimentService;
  manager: ExperimentManager;
  /** Watches the checkpoint folders of running supernet experiments. */
  checkpoints: CheckpointWatchers;
  /** Stops every experiment (trials killed, marked for re-run on resume), closes the server, removes daemon.json. */
  close(): Promise<void>;
}

export interface StartDaemonOptions {
  home: string;
  host?: string;
  /** First port to try (default 8080); when busy, the next free one is used. */
  port?: number;
  log?: (line: string) => void;
  /** Resume experiments that were RUNNING when a previous daemon died (default true). */
  resumeInterrupted?: boolean;
}


/**
 * The composition root: builds the manager, REST API and live events, listens, and records
 * itself in <home>/daemon.json. One daemon per NASCTL_HOME.
 */
export async function startDaemon(opts: StartDaemonOptions): Promise<DaemonHandle> {
  const log = opts.log ?? ((line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`));
  const host = opts.host ?? '127.0.0.1';
  const existing = readDaemonInfo(opts.home);
  if (existing && existing.pid !== process.pid && isProcessAlive(existing.pid)) {
    throw new ConflictError(`a nasctl daemon already serves ${opts.home} (pid ${existing.pid}, http://${existing.host}:${existing.port}); stop it with \`nasctl daemon stop\` or use another NASCTL_HOME`);
  }
  const token = randomBytes(24).toString('hex');
  const version = packageVersion();
  const manager = new ExperimentManager({ home: opts.home, tuners: builtinTuners(), createTrainingService, log });
  // Before experiments resume: a resumed supernet experiment's checkpoint folder is watched at once.
  const checkpoints = new CheckpointWatchers({ service: manager, publish: (d) => manager.publishDelta(d), log });
  const requireToken = !isLoopback(host);
  // The built web UI (dist/webui); without it the API app serves a placeholder page.
  const app = createApiApp(manager, { token, requireToken, staticDir: join(__dirname, '..', '..', 'webui'), version, log, checkpoints });
  const server = createServer(app);
  const live = attachLiveEvents(server, manager, { token, requireToken });
  const port = await listen(server, host, opts.port ?? 8080);
  writeDaemonInfo(opts.home, { pid: process.pid, host, port, token, startedAt: Date.now(), version });
  log(`nasctl daemon ${version} serving ${opts.home} on http://${host}:${port}`);
  if (opts.resumeInterrupted !== false) {
    for (const id of manager.resumeInterrupted()) log(`resumed interrupted experiment ${id}`);
  }
  let closing: Promise<void> | undefined;
  return {
    host,
    port,
    token,
    service: manager,
    manager,
    checkpoints,
    close: () => {
      closing ??= (async () => {
        await manager.shutdown();
        await checkpoints.close();
        await live.close();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        removeDaemonInfo(opts.home, process.pid);
      })();
      return closing;
    },
  };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** Listens on `port`, or the next free port when it is taken (up to 50 tries). */
async function listen(server: Server, host: string, port: number): Promise<number> {
  for (let p = port; p < port + 50; p++) {
    const ok = await new Promise<boolean>((resolve, reject) => {
      const onError = (e: NodeJS.ErrnoException) => {
        server.off('listening', onListening);
        if (e.code === 'EADDRINUSE' || e.code === 'EACCES') resolve(false);
        else reject(e);
      };
      const onListening = () => {
        server.off('error', onError);
        resolve(true);
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen(p === 0 ? 0 : p, host);
    });
    if (ok) {
      const addr = server.address();
      return typeof addr === 'object' && addr ? addr.port : p;
    }
    if (port === 0) break;
  }
  throw new Error(`no free port in ${port}..${port + 49} on ${host}; pass --port`);
}
