import { Command, CommanderError } from 'commander';
import { NasctlError } from '../errors';
import { packageVersion } from '../api/package-version';
import { CliContext, type CliDeps, type CliIo } from './cli-context';
import { registerCreateCommand } from './commands/create';
import { registerLifecycleCommands } from './commands/lifecycle';
import { registerExperimentCommands } from './commands/experiment';
import { registerTrialCommands } from './commands/trial';
import { registerLogCommands } from './commands/log';
import { registerDaemonCommands } from './commands/daemon';
import { registerRuntimeCommands } from './commands/runtime';
import { ttyConfirm } from './tty-confirm';

/** Options of one CLI run: output writers, environment and replaceable collaborators. */
export type MainOptions = Partial<CliIo> & CliDeps;

/** Builds the commander program of `nasctl` (a new one per run; nothing global). */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('nasctl')
    .description('experiment manager for one-shot neural architecture search')
    .version(packageVersion(), '-V, --version')
    .option('--home <dir>', 'nasctl home holding daemon.json, daemon.log and experiments (default: $NASCTL_HOME or ~/.nasctl)')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: (s) => ctx.io.stdout(s),
      writeErr: (s) => ctx.io.stderr(s),
    })
    .hook('preAction', (cmd) => {
      ctx.setHomeOption(cmd.optsWithGlobals<{ home?: string }>().home);
    });
  registerCreateCommand(program, ctx);
  registerLifecycleCommands(program, ctx);
  registerExperimentCommands(program, ctx);
  registerTrialCommands(program, ctx);
  registerLogCommands(program, ctx);
  registerDaemonCommands(program, ctx);
  registerRuntimeCommands(program, ctx);
  // Every (sub)command: no process.exit, same writers.
  const configure = (c: Command): void => {
    c.exitOverride();
    c.configureOutput({ writeOut: (s) => ctx.io.stdout(s), writeErr: (s) => ctx.io.stderr(s) });
    c.commands.forEach(configure);
  };
  configure(program);
  return program;
}

/**
 * Runs the `nasctl` command line. `argv` is process.argv-shaped (node, script, args...).
 * Called by bin/nasctl.js and by tests (which inject writers and env). Resolves with the exit
 * code: 0 success, 1 failure (daemon unreachable, experiment ERROR in --foreground), 2 invalid
 * arguments or an error answered by the daemon (printed as `error: <message>`), 130 Ctrl-C.
 * Never throws for expected errors.
 */
export async function main(argv: string[], opts: MainOptions = {}): Promise<number> {
  const io: CliIo = {
    stdout: opts.stdout ?? ((s) => { process.stdout.write(s); }),
    stderr: opts.stderr ?? ((s) => { process.stderr.write(s); }),
    isTTY: opts.isTTY ?? Boolean(process.stdout.isTTY),
    env: opts.env ?? process.env,
    cwd: opts.cwd ?? process.cwd(),
  };
  const deps: CliDeps = { ...opts };
  if (!deps.confirm && !opts.stdout && process.stdin.isTTY) deps.confirm = ttyConfirm;
  const ctx = new CliContext(io, deps);
  const program = buildProgram(ctx);
  if (argv.length <= 2) {
    program.outputHelp();
    return 2;
  }
  try {
    await program.parseAsync(argv, { from: 'node' });
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help / --version exit 0; a missing subcommand (help shown as an error) or an invalid
      // argument exits 2; commander has already printed the message naming the argument.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof NasctlError) {
      io.stderr(`error: ${err.message}\n`);
      return err.status >= 400 && err.status < 500 ? 2 : 1;
    }
    io.stderr(`error: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    return 1;
  }
}
