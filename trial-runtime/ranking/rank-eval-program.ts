import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { BadRequestError } from '../../daemon/errors';
import { runProgram } from '../programs/program-errors';
import { wantsHelp } from '../programs/parse-program-args';
import { readGroundTruthFile } from './ground-truth';
import { buildRankEvalReport, type RankEvalReport } from './rank-eval-report';
import { renderRankTable } from './rank-table';
import { readRolloutsFile } from './rollouts';

/** Usage text of `nasctl rank-eval`. */
export const RANK_EVAL_USAGE = `usage: rank-eval ROLLOUTS --gt GROUND_TRUTH [--metric NAME] [--lower-is-better | --higher-is-better] [--json OUT]

  ROLLOUTS          file written by eval-arch --dump-rollouts (JSON Lines, nasctl-rollouts)
  --gt FILE         ground truth (.json nasctl-ground-truth, or .csv with arch,accuracy columns)
  --metric NAME     rank by this entry of each record's metrics instead of its score
  --lower-is-better / --higher-is-better
                    direction of the ranked value (default: the rollouts header for the score;
                    for --metric, lower is better iff the name contains 'loss')
  --json OUT        also write the statistics (one entry per checkpoint) as JSON
`;

export type { RankEvalReport } from './rank-eval-report';

/** Where the program writes (injected so tests run it in process). */
export interface ProgramIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** The process's stdout and stderr. */
export const PROCESS_IO: ProgramIo = { stdout: (t) => void process.stdout.write(t), stderr: (t) => void process.stderr.write(t) };

/**
 * Runs `rank-eval` on `argv` (arguments after the program name): reads the rollouts and the
 * ground truth, evaluates each checkpoint's scores, prints one table per checkpoint and writes
 * the JSON report when asked. Returns the report. Throws BadRequestError for bad arguments and
 * ConfigError for unreadable or malformed files.
 */
export function runRankEval(argv: readonly string[], io: ProgramIo): RankEvalReport {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: { gt: { type: 'string' }, metric: { type: 'string' }, json: { type: 'string' }, 'lower-is-better': { type: 'boolean' }, 'higher-is-better': { type: 'boolean' } },
    });
  } catch (err) {
    throw new BadRequestError('', `${(err as Error).message}\n${RANK_EVAL_USAGE}`, { cause: err });
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new BadRequestError('/rollouts', `expected exactly one ROLLOUTS file, got ${positionals.length}\n${RANK_EVAL_USAGE}`);
  if (values.gt === undefined) throw new BadRequestError('/gt', `--gt GROUND_TRUTH is required\n${RANK_EVAL_USAGE}`);
  if (values['lower-is-better'] && values['higher-is-better']) throw new BadRequestError('/direction', 'give at most one of --lower-is-better and --higher-is-better');
  const rolloutsFile = positionals[0] as string;
  const rollouts = readRolloutsFile(rolloutsFile);
  const gt = readGroundTruthFile(values.gt);
  const metric = values.metric;
  if (metric !== undefined && !rollouts.records.some((r) => metric in r.metrics)) {
    const known = [...new Set(rollouts.records.flatMap((r) => Object.keys(r.metrics)))];
    throw new BadRequestError('/metric', `no rollout record has metric '${metric}'; metrics present: ${known.join(', ') || '(none)'}`);
  }
  let higherIsBetter = metric === undefined ? rollouts.header.higherIsBetter : !/loss/i.test(metric);
  if (values['lower-is-better']) higherIsBetter = false;
  if (values['higher-is-better']) higherIsBetter = true;
  const report = buildRankEvalReport(rollouts, gt, { rollouts: rolloutsFile, groundTruth: values.gt }, { metric, higherIsBetter });
  const results = report.results;
  if (results.length === 0) io.stderr(`rank-eval: warning: ${rolloutsFile} holds no records\n`);
  for (const r of results) io.stdout(renderRankTable(r) + '\n');
  if (values.json !== undefined) {
    fs.mkdirSync(path.dirname(path.resolve(values.json)), { recursive: true });
    fs.writeFileSync(values.json, JSON.stringify(report, null, 2) + '\n');
  }
  return report;
}

/** Process entry: exit 0 on success, 2 on bad input (message only), 1 on a bug (stack); see runProgram. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  if (wantsHelp(argv)) {
    PROCESS_IO.stdout(`${RANK_EVAL_USAGE}\n`);
    return;
  }
  await runProgram('rank-eval', async () => void runRankEval(argv, PROCESS_IO), async () => undefined);
}

if (require.main === module) void main();
