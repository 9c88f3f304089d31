import { isActiveExperiment } from '../../store/types';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context';
import { ApiClient, daemonUrl } from '../api-client';
import { daemonLogPath, isProcessAlive, readDaemonInfo, readLiveDaemonInfo, removeDaemonInfo } from '../daemon-info';
import { formatDuration } from '../format-table';
import { NasctlError } from '../../errors';

/**
 * Waits until process `pid` is gone, re-checking with a backoff (an unrelated process gives no
 * exit event), up to `timeoutMs`. Resolves true when it exited.
 */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let delay = 25;
  while (isProcessAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, Math.min(delay, Math.max(1, deadline - Date.now()))));
    delay = Math.min(delay * 2, 500);
  }
  return true;
}

/** Registers `daemon status|stop`. Called once by main. */
export function registerDaemonCommands(program: Command, ctx: CliContext): void {
  const daemon = program
    .command('daemon')
    .description('status of the background daemon, or stop it')
    .addHelpText('after', `
Examples:
  $ nasctl daemon status
  $ nasctl daemon stop
  $ NASCTL_HOME=/scratch/nas nasctl daemon status`);

  daemon
    .command('status')
    .description('is a daemon running for this home; where; which version (exit code 1 when not running)')
    .action(async () => {
      const home = ctx.home();
      const info = readLiveDaemonInfo(home);
      if (!info) {
        const stale = readDaemonInfo(home);
        ctx.out(`no daemon running for ${home}${stale ? ` (stale daemon.json of pid ${stale.pid})` : ''}`);
        ctx.exitCode = 1;
        return;
      }
      const client = new ApiClient(info);
      const [health, experiments] = await Promise.all([client.health(), client.listExperiments()]);
      const running = experiments.filter((e) => isActiveExperiment(e.status)).length;
      ctx.out(`daemon running: pid ${info.pid}, version ${health.version}, up ${formatDuration(Date.now() - info.startedAt)}`);
      ctx.out(`  address:     ${daemonUrl(info)}/`);
      ctx.out(`  home:        ${home}`);
      ctx.out(`  log:         ${daemonLogPath(home)}`);
      ctx.out(`  experiments: ${experiments.length} (${running} running)`);
    });

  daemon
    .command('stop')
    .description('stop the daemon (running experiments stop; resume them later)')
    .action(async () => {
      const home = ctx.home();
      const info = readLiveDaemonInfo(home);
      if (!info) {
        if (readDaemonInfo(home)) removeDaemonInfo(home);
        ctx.out(`no daemon running for ${home}`);
        return;
      }
      process.kill(info.pid, 'SIGTERM');
      if (!(await waitForExit(info.pid, 20_000))) {
        throw new NasctlError('DAEMON_STOP_TIMEOUT', 500, `the daemon (pid ${info.pid}) did not exit within 20 s of SIGTERM; see ${daemonLogPath(home)}, or kill it with "kill -9 ${info.pid}"`);
      }
      removeDaemonInfo(home, info.pid);
      ctx.out(`daemon (pid ${info.pid}) stopped`);
    });
}
