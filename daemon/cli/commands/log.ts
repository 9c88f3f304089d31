import { StringDecoder } from 'node:string_decoder';
import { Option, type Command } from 'commander';
import type { TrialLogName } from '../../service/experiment-service';
import type { CliContext } from '../cli-context';
import { ApiClient } from '../api-client';
import { followLog, readLogToEnd, type LogTarget } from '../log-follower';

/** Registers `log trial`. Called once by main. */
export function registerLogCommands(program: Command, ctx: CliContext): void {
  const log = program.command('log').description('print logs of trials');
  log
    .command('trial')
    .description('print a trial\'s stdout (or stderr / trial log); --follow keeps printing until the trial ends')
    .argument('<id>', 'experiment id')
    .argument('<trialId>', 'trial id')
    .option('--stderr', 'print stderr instead of stdout')
    .addOption(new Option('--file <name>', 'which log').choices(['stdout', 'stderr', 'trial']))
    .option('-f, --follow', 'keep printing new output until the trial ends (Ctrl-C to stop)')
    .addHelpText('after', `
Examples:
  $ nasctl log trial a1b2c3d4 Xk2a9
  $ nasctl log trial a1b2c3d4 Xk2a9 --stderr
  $ nasctl log trial a1b2c3d4 Xk2a9 --follow`)
    .action(async (id: string, trialId: string, o: { stderr?: boolean; file?: TrialLogName; follow?: boolean }) => {
      const daemon = ctx.daemon();
      const target: LogTarget = {
        client: new ApiClient(daemon),
        experimentId: id,
        trialId,
        name: o.file ?? (o.stderr ? 'stderr' : 'stdout'),
        write: (t) => { if (t) ctx.io.stdout(t); },
      };
      if (!o.follow) {
        const decoder = new StringDecoder('utf8');
        await readLogToEnd(target, 0, decoder);
        target.write(decoder.end());
        return;
      }
      const status = await followLog({ ...target, daemon, interrupted: ctx.interrupted() });
      if (status !== null) ctx.err(`trial ${trialId} ended: ${status}`);
    });
}
