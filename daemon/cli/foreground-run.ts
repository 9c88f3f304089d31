import { createWriteStream, mkdirSync } from 'node:fs';
import { SingleBar, Presets } from 'cli-progress';
import type { ExperimentDetail, ExperimentService } from '../service/experiment-service';
import type { LiveDelta } from '../service/live-delta';
import { isFinished } from '../store/types';
import type { CliContext } from './cli-context';
import { loadStartDaemon, type DaemonHandle } from './daemon-handle';
import { daemonUrl } from './api-client';
import { daemonLogPath, readLiveDaemonInfo } from './daemon-info';
import { formatMetric } from './format-table';
import { ConflictError } from '../errors';

/**
 * Exit code when an experiment run in the foreground is over, or null while it goes on:
 * DONE/STOPPED -> 0, ERROR -> 1, NO_MORE_TRIAL with no trial waiting or running -> 0. Pure.
 */
export function foregroundOutcome(d: ExperimentDetail): number | null {
  if (d.status === 'DONE' || d.status === 'STOPPED') return 0;
  if (d.status === 'ERROR') return 1;
  if (d.status === 'NO_MORE_TRIAL' && d.trialCounts.RUNNING + d.trialCounts.WAITING === 0) return 0;
  return null;
}

/**
 * Runs a daemon inside this process (`create|resume --foreground`), calls `begin` to create or
 * resume the experiment, prints one line per ended trial (and a progress bar on a terminal), and
 * resolves with the exit code when the experiment is over (see foregroundOutcome) or 130 after
 * Ctrl-C (the experiment is stopped first). Always closes the daemon. Throws ConflictError when
 * a background daemon already runs for this home; errors of `begin` propagate after closing.
 */
export async function runForeground(ctx: CliContext, opts: { host?: string; port?: number }, begin: (service: ExperimentService) => Promise<string>): Promise<number> {
  const home = ctx.home();
  const running = readLiveDaemonInfo(home);
  if (running) {
    throw new ConflictError(`a nasctl daemon already runs for ${home} (pid ${running.pid}); run without --foreground, or stop it with "nasctl daemon stop"`);
  }
  const startDaemon = ctx.deps.startDaemon ?? loadStartDaemon();
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const logStream = createWriteStream(daemonLogPath(home), { flags: 'a', mode: 0o600 });
  const log = (line: string): void => { logStream.write(`${new Date().toISOString()} ${line}\n`); };
  let handle: DaemonHandle;
  try {
    handle = await startDaemon({ home, host: opts.host, port: opts.port, log });
  } catch (err) {
    logStream.end();
    throw err;
  }
  let bar: SingleBar | null = null;
  let unsubscribe: () => void = () => undefined;
  try {
    const service = handle.service;
    let expId: string | null = null;
    let finish: (code: number) => void = () => undefined;
    const over = new Promise<number>((resolve) => { finish = resolve; });
    const pending: LiveDelta[] = [];
    let ended = 0;
    const check = (): void => {
      if (expId === null) return;
      const code = foregroundOutcome(service.getExperiment(expId));
      if (code !== null) finish(code);
    };
    const onDelta = (d: LiveDelta): void => {
      if (expId === null) { pending.push(d); return; }
      if (d.experimentId !== expId) return;
      if (d.type === 'trial' && isFinished(d.trial.status)) {
        ended += 1;
        const line = `trial ${d.trial.id} #${d.trial.sequence} ${d.trial.status}${d.trial.finalMetric !== undefined ? ` metric ${formatMetric(d.trial.finalMetric)}` : ''}${d.trial.reason ? ` (${d.trial.reason})` : ''}`;
        if (bar) {
          bar.increment(1);
        } else {
          ctx.out(line);
        }
      }
      if (d.type === 'metric' && d.metric.kind === 'intermediate') {
        // Long trials (supernet training) report per epoch: show that they progress.
        const text = `trial ${d.metric.trialId} intermediate #${d.metric.seq + 1}: ${formatMetric(d.metric.value)}`;
        if (bar) bar.update(ended, { last: text });
        else ctx.out(`  ${text}`);
      }
      if (d.type === 'trial' || d.type === 'experiment') check();
    };
    unsubscribe = service.subscribe(onDelta);
    expId = await begin(service);
    const url = daemonUrl(handle);
    ctx.out(`experiment ${expId} running in the foreground; web UI: ${url}/ (log: ${daemonLogPath(home)}); Ctrl-C stops it`);
    const max = service.getExperiment(expId).record.config.maxTrialNumber;
    if (ctx.io.isTTY && max !== undefined) {
      bar = new SingleBar({ format: 'trials [{bar}] {value}/{total} {last}', stream: process.stdout }, Presets.shades_classic);
      bar.start(max, ended, { last: '' });
    }
    for (const d of pending.splice(0)) onDelta(d);
    check();
    const interrupted = ctx.interrupted().then(() => -1);
    const code = await Promise.race([over, interrupted]);
    bar?.stop();
    bar = null;
    if (code === -1) {
      ctx.err('interrupted: stopping the experiment and its trials');
      await service.stopExperiment(expId).catch(() => undefined);
      return 130;
    }
    const detail = service.getExperiment(expId);
    ctx.out(`experiment ${expId} ${detail.status}; best metric ${formatMetric(detail.bestMetric)}`);
    if (code === 1) ctx.err(`error: ${detail.error ?? 'the experiment failed'}`);
    return code;
  } finally {
    bar?.stop();
    unsubscribe();
    await handle.close();
    await new Promise<void>((resolve) => logStream.end(resolve));
  }
}
