import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { BadRequestError } from '../../errors';
import type { CliContext } from '../cli-context';
import { experimentDetailLines, experimentListText } from '../print-experiment';

/** Registers `experiment list|show|export|delete`. Called once by main. */
export function registerExperimentCommands(program: Command, ctx: CliContext): void {
  const exp = program
    .command('experiment')
    .description('list, show, export and delete experiments')
    .addHelpText('after', `
Examples:
  $ nasctl experiment list
  $ nasctl experiment show a1b2c3d4
  $ nasctl experiment export a1b2c3d4 --format csv -o trials.csv
  $ nasctl experiment delete a1b2c3d4 --yes`);

  exp
    .command('list')
    .alias('ls')
    .description('list experiments with status, trial counts and best metric')
    .action(async () => {
      ctx.out(experimentListText(await ctx.client().listExperiments()));
    });

  exp
    .command('show')
    .description('show status, error, budgets, trial counts, best metric and wait reasons')
    .argument('<id>', 'experiment id')
    .action(async (id: string) => {
      for (const l of experimentDetailLines(await ctx.client().getExperiment(id))) ctx.out(l);
    });

  exp
    .command('export')
    .description('export trials (parameters, status, metrics) as CSV or JSON')
    .argument('<id>', 'experiment id')
    .addOption(new Option('--format <format>', 'output format').choices(['csv', 'json']).default('json'))
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(async (id: string, o: { format: 'csv' | 'json'; output?: string }) => {
      const text = await ctx.client().exportExperiment(id, o.format);
      if (o.output) {
        const file = resolve(ctx.io.cwd, o.output);
        writeFileSync(file, text);
        ctx.err(`wrote ${file}`);
      } else {
        ctx.io.stdout(text.endsWith('\n') ? text : `${text}\n`);
      }
    });

  exp
    .command('delete')
    .alias('rm')
    .description('stop an experiment if running and delete its folder (trials, logs, checkpoints)')
    .argument('<id>', 'experiment id')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(async (id: string, o: { yes?: boolean }) => {
      const client = ctx.client();
      const d = await client.getExperiment(id);
      if (!o.yes) {
        if (!ctx.deps.confirm) throw new BadRequestError('--yes', `deleting ${id} removes ${d.dir}; add --yes to confirm`);
        if (!(await ctx.deps.confirm(`delete experiment ${id} and ${d.dir}? [y/N] `))) {
          ctx.out('not deleted');
          return;
        }
      }
      await client.deleteExperiment(id);
      ctx.out(`experiment ${id} deleted`);
    });
}
