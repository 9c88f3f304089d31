import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { BadRequestError } from '../../errors';
import type { CliContext } from '../cli-context';
import { port } from '../cli-args';
import { ApiClient, daemonUrl } from '../api-client';
import { ensureDaemon } from '../daemon-launcher';
import { daemonLogPath } from '../daemon-info';
import { runForeground } from '../foreground-run';

/** Reads a YAML (or JSON) config file as an object. Throws BadRequestError naming --config. */
export function loadConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new BadRequestError('--config', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; check the path`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (err) {
    throw new BadRequestError('--config', `${file} is not valid YAML: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new BadRequestError('--config', `${file} must hold a mapping of config fields (trialCommand, searchSpaceFile, tuner, ...)`);
  }
  return parsed as Record<string, unknown>;
}

interface CreateOptions {
  config: string;
  port?: number;
  host?: string;
  foreground?: boolean;
}

/** Registers `nasctl create`. Called once by main. */
export function registerCreateCommand(program: Command, ctx: CliContext): void {
  program
    .command('create')
    .description('create an experiment from a config file and start it (starts the daemon when needed)')
    .requiredOption('-c, --config <file>', 'experiment config (YAML); relative paths in it resolve against its folder')
    .option('-p, --port <port>', 'port of a daemon started by this command (default 8080)', port)
    .option('--host <host>', 'host of a daemon started by this command (default 127.0.0.1; other hosts require the token)')
    .option('-f, --foreground', 'run the daemon in this process, print trial results, exit when the experiment ends')
    .addHelpText('after', `
Examples:
  $ nasctl create --config experiments/quickstart/config.yml
  $ nasctl create -c search.yml --port 8081
  $ nasctl create -c supernet.yml --foreground      # exit code 0 on DONE, 1 on ERROR, 130 on Ctrl-C`)
    .action(async (o: CreateOptions) => {
      const file = resolve(ctx.io.cwd, o.config);
      const config = loadConfigFile(file);
      const baseDir = dirname(file);
      if (o.foreground) {
        ctx.exitCode = await runForeground(ctx, { host: o.host, port: o.port }, async (service) => {
          const created = await service.createExperiment(config, baseDir);
          for (const n of created.notices) ctx.err(`notice: ${n}`);
          return created.id;
        });
        return;
      }
      const home = ctx.home();
      const { info, started } = await ensureDaemon({ home, host: o.host, port: o.port, entry: ctx.deps.daemonEntry });
      if (started) {
        ctx.err(`started the nasctl daemon (pid ${info.pid}, log ${daemonLogPath(home)})`);
      } else if ((o.port !== undefined && o.port !== info.port) || (o.host !== undefined && o.host !== info.host)) {
        ctx.err(`note: the daemon already runs on ${info.host}:${info.port}; --host/--port apply only when it starts`);
      }
      const created = await new ApiClient(info).createExperiment(config, baseDir);
      for (const n of created.notices) ctx.err(`notice: ${n}`);
      ctx.out(`experiment ${created.id} created`);
      ctx.out(`web UI: ${daemonUrl(info)}/`);
    });
}
