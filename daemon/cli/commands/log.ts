import { StringDecoder } from 'node:string_decoder';
import { Option, type Command } from 'commander';
import type { TrialLogName } from '../../service/experiment-service';
import type { CliContext } from '../cli-context';
import { followLog } from '../log-follower';

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
      const name: TrialLogName = o.file ?? (o.stderr ? 'stderr' : 'stdout');
      const daemon = ctx.daemon();
      const client = ctx.client();
      if (!o.follow) {
        const decoder = new StringDecoder('utf8');
        let offset = 0;
        for (;;) {
          const r = await client.readLog(id, trialId, name, offset);
          if (r.text.length === 0 || r.nextOffset === offset) break;
          ctx.io.stdout(decoder.write(r.text));
          offset = r.nextOffset;
        }
        const rest = decoder.end();
        if (rest) ctx.io.stdout(rest);
        return;
      }
      const interrupted = ctx.deps.interrupted ? ctx.deps.interrupted() : new Promise<void>((resolve) => { process.once('SIGINT', () => resolve()); });
      const status = await followLog({ client, daemon, experimentId: id, trialId, name, write: (t) => { if (t) ctx.io.stdout(t); }, interrupted });
      if (status !== null) ctx.err(`trial ${trialId} ended: ${status}`);
    });
}
