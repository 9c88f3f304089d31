import { isActiveExperiment } from '../../store/types';
import type { Command } from 'commander';
import type { BudgetUpdate } from '../../config/experiment-config';
import { BadRequestError } from '../../errors';
import type { CliContext } from '../cli-context';
import { durationText, positiveInt } from '../cli-args';
import { experimentDetailLines } from '../print-experiment';
import { runForeground } from '../foreground-run';

/** Registers `resume`, `view`, `stop` and `update`. Called once by main. */
export function registerLifecycleCommands(program: Command, ctx: CliContext): void {
  program
    .command('resume')
    .description('resume a stopped experiment (its unfinished trials run again)')
    .argument('<id>', 'experiment id')
    .option('-f, --foreground', 'run the daemon in this process until the experiment ends')
    .addHelpText('after', `
Examples:
  $ nasctl resume a1b2c3d4
  $ nasctl resume a1b2c3d4 --foreground`)
    .action(async (id: string, o: { foreground?: boolean }) => {
      if (o.foreground) {
        ctx.exitCode = await runForeground(ctx, {}, async (service) => {
          await service.resumeExperiment(id);
          return id;
        });
        return;
      }
      const client = ctx.client();
      const d = await client.resumeExperiment(id);
      ctx.out(`experiment ${d.id} ${d.status}`);
      ctx.out(`web UI: ${client.baseUrl}/`);
    });

  program
    .command('view')
    .description('load a finished or stopped experiment read-only, to browse it in the web UI')
    .argument('<id>', 'experiment id')
    .addHelpText('after', `
Example:
  $ nasctl view a1b2c3d4`)
    .action(async (id: string) => {
      const client = ctx.client();
      const d = await client.viewExperiment(id);
      for (const l of experimentDetailLines(d)) ctx.out(l);
      ctx.out(`web UI: ${client.baseUrl}/`);
    });

  program
    .command('stop')
    .description('stop an experiment (running trials are canceled), or all of them')
    .argument('[id]', 'experiment id')
    .option('-a, --all', 'stop every running experiment')
    .addHelpText('after', `
Examples:
  $ nasctl stop a1b2c3d4
  $ nasctl stop --all`)
    .action(async (id: string | undefined, o: { all?: boolean }) => {
      if ((id === undefined) === !o.all) throw new BadRequestError('id', 'give an experiment id or --all (not both)');
      const client = ctx.client();
      const ids = id !== undefined ? [id] : (await client.listExperiments()).filter((e) => isActiveExperiment(e.status)).map((e) => e.id);
      if (ids.length === 0) ctx.out('no running experiments');
      for (const x of ids) {
        const d = await client.stopExperiment(x);
        ctx.out(`experiment ${d.id} ${d.status}`);
      }
    });

  program
    .command('update')
    .description('change the budget of an experiment (concurrency, trial count, duration)')
    .argument('<id>', 'experiment id')
    .option('--concurrency <n>', 'trials run at once (trialConcurrency)', positiveInt)
    .option('--max-trial-number <n>', 'total number of trials (maxTrialNumber)', positiveInt)
    .option('--duration <d>', 'maximum experiment duration, e.g. 30m, 2h, 1d (maxExperimentDuration)', durationText)
    .addHelpText('after', `
Examples:
  $ nasctl update a1b2c3d4 --concurrency 4
  $ nasctl update a1b2c3d4 --max-trial-number 500 --duration 12h`)
    .action(async (id: string, o: { concurrency?: number; maxTrialNumber?: number; duration?: string }) => {
      const update: BudgetUpdate = {};
      if (o.concurrency !== undefined) update.trialConcurrency = o.concurrency;
      if (o.maxTrialNumber !== undefined) update.maxTrialNumber = o.maxTrialNumber;
      if (o.duration !== undefined) update.maxExperimentDuration = o.duration;
      if (Object.keys(update).length === 0) throw new BadRequestError('--concurrency', 'nothing to update; give --concurrency, --max-trial-number or --duration');
      const d = await ctx.client().updateExperiment(id, update);
      for (const l of experimentDetailLines(d)) ctx.out(l);
    });
}
