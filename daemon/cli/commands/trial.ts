import type { Command } from 'commander';
import type { TrialQuery, TrialSortKey, TrialStatus } from '../../store/types';
import type { CliContext } from '../cli-context';
import { nonNegativeInt, positiveInt, sortKey, statusList } from '../cli-args';
import { formatCounts } from '../format-table';
import { trialTableText } from '../print-experiment';
import { Option } from 'commander';

interface LsOptions {
  status?: TrialStatus[];
  limit: number;
  offset?: number;
  sort?: TrialSortKey;
  order?: 'asc' | 'desc';
  search?: string;
}

/** Registers `trial ls|kill|retry`. Called once by main. */
export function registerTrialCommands(program: Command, ctx: CliContext): void {
  const trial = program
    .command('trial')
    .description('list, kill and retry trials')
    .addHelpText('after', `
Examples:
  $ nasctl trial ls a1b2c3d4
  $ nasctl trial ls a1b2c3d4 --status failed --limit 20
  $ nasctl trial ls a1b2c3d4 --sort metric --order desc
  $ nasctl trial kill a1b2c3d4 Xk2a9
  $ nasctl trial retry a1b2c3d4 Xk2a9`);

  trial
    .command('ls')
    .alias('list')
    .description('list trials of an experiment')
    .argument('<id>', 'experiment id')
    .option('--status <list>', 'only these statuses, comma-separated (e.g. FAILED,RUNNING)', statusList)
    .option('--limit <n>', 'at most this many rows', positiveInt, 100)
    .option('--offset <n>', 'skip this many rows', nonNegativeInt)
    .option('--sort <key>', 'sequence, status, createdAt, startedAt, endedAt, duration, metric', sortKey)
    .addOption(new Option('--order <order>', 'sort order').choices(['asc', 'desc']))
    .option('--search <text>', 'substring of the trial id or of a parameter value')
    .action(async (id: string, o: LsOptions) => {
      const client = ctx.client();
      const q: TrialQuery = { limit: o.limit };
      if (o.status) q.status = o.status;
      if (o.offset !== undefined) q.offset = o.offset;
      if (o.sort) q.sort = o.sort;
      if (o.order) q.order = o.order;
      if (o.search) q.search = o.search;
      const [page, detail] = await Promise.all([client.listTrials(id, q), client.getExperiment(id)]);
      if (page.items.length > 0) ctx.out(trialTableText(page.items, Date.now()));
      ctx.out(`${page.items.length} of ${page.total} matching trials; experiment ${id}: ${formatCounts(detail.trialCounts)}`);
    });

  trial
    .command('kill')
    .description('cancel a waiting or running trial')
    .argument('<id>', 'experiment id')
    .argument('<trialId>', 'trial id')
    .action(async (id: string, trialId: string) => {
      const t = await ctx.client().killTrial(id, trialId);
      ctx.out(`trial ${t.id} ${t.status}`);
    });

  trial
    .command('retry')
    .description('run an ended trial\'s parameters again as a new trial')
    .argument('<id>', 'experiment id')
    .argument('<trialId>', 'trial id')
    .action(async (id: string, trialId: string) => {
      const t = await ctx.client().retryTrial(id, trialId);
      ctx.out(`trial ${t.id} created (retry of ${trialId}, attempt ${t.attempt}), ${t.status}`);
    });
}
