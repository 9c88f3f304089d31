/*
 * The estimator study's table: each estimator's rollouts ranked against one ground truth with
 * rank-eval's criteria, one Markdown row per estimator (and checkpoint):
 *
 *   node dist/bench/ground-truth/estimator-table.js --gt experiments/ground-truth/spos-fmnist/ground-truth.json \
 *     --row "one-shot uniform=rollouts/spos-oneshot-uniform.jsonl" \
 *     --row "synflow=rollouts/spos-zeroshot.jsonl:synflow" ... [--json OUT]
 *
 * A row is NAME=ROLLOUTS or NAME=ROLLOUTS:METRIC (METRIC: an entry of the records' metrics,
 * ranked higher-is-better unless its name contains 'loss'; without it the rollouts' score).
 * ROLLOUTS may also be a ground-truth JSON (e.g. the same architectures retrained with another
 * seed): its accuracies are then the scores, which measures the table's own noise.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../../daemon/errors';
import { GROUND_TRUTH_FORMAT, readGroundTruthFile, type GroundTruth } from '../../trial-runtime/ranking/ground-truth';
import { rankEval, type RankStatistics } from '../../trial-runtime/ranking/rank-eval';
import { groupByCheckpoint, type Rollouts, readRolloutsFile } from '../../trial-runtime/ranking/rollouts';
import type { CriterionValue } from '../../trial-runtime/ranking/criterion-value';
import { runProgram } from '../../trial-runtime/programs/program-errors';

/** One estimator of the table. */
export interface EstimatorSpec {
  name: string;
  rollouts: string;
  /** Entry of each record's metrics to rank by; undefined = the record's score. */
  metric?: string;
}

/** One row: the estimator, its checkpoint label (one-shot), and rank-eval's statistics. */
export interface EstimatorRow {
  name: string;
  checkpoint: string | null;
  stats: RankStatistics;
}

/**
 * Scores of a file: a rollouts file, or a ground-truth JSON read as rollouts (score = accuracy,
 * evaluator 'ground-truth'). Throws ConfigError as the readers do.
 */
export function readScoresFile(file: string): Rollouts {
  if (file.endsWith('.json')) {
    const head = fs.readFileSync(file, 'utf8').slice(0, 200);
    if (head.includes(`"${GROUND_TRUTH_FORMAT}"`)) {
      const gt = readGroundTruthFile(file);
      return {
        header: { format: 'nasctl-rollouts', version: 1, evaluator: 'ground-truth', metric: gt.metric, higherIsBetter: true },
        records: gt.records.map((r) => ({ arch: r.arch, checkpoint: null, score: r.accuracy, metrics: { accuracy: r.accuracy } })),
      };
    }
  }
  return readRolloutsFile(file);
}

/** Parses `NAME=FILE[:METRIC]`. Pure. Throws ConfigError('--row') when there is no `=`. */
export function parseRowSpec(text: string): EstimatorSpec {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new ConfigError('--row', `'${text}' must be NAME=ROLLOUTS or NAME=ROLLOUTS:METRIC`);
  const rest = text.slice(eq + 1);
  const colon = rest.lastIndexOf(':');
  return colon > 0 ? { name: text.slice(0, eq), rollouts: rest.slice(0, colon), metric: rest.slice(colon + 1) } : { name: text.slice(0, eq), rollouts: rest };
}

/**
 * Ranks one estimator's rollouts against the ground truth, one row per checkpoint (named
 * `NAME @ <checkpoint folder>` when there are several). Pure given
 * the parsed files. Throws ConfigError when `metric` is in no record (a typo would otherwise
 * give an all-undefined row).
 */
export function estimatorRows(spec: EstimatorSpec, rollouts: Rollouts, gt: GroundTruth): EstimatorRow[] {
  const metric = spec.metric;
  if (metric !== undefined && !rollouts.records.some((r) => metric in r.metrics)) throw new ConfigError('--row', `${spec.rollouts} has no metric '${metric}'`);
  const higherIsBetter = metric === undefined ? rollouts.header.higherIsBetter : !/loss/i.test(metric);
  const groups = groupByCheckpoint(rollouts.records, metric);
  return groups.map((g) => ({
    name: groups.length > 1 && g.checkpoint !== null ? `${spec.name} @ ${path.basename(g.checkpoint)}` : spec.name,
    checkpoint: g.checkpoint,
    stats: rankEval(g.scores, gt.records, { higherIsBetter, metric: metric ?? rollouts.header.metric }),
  }));
}

function cell(v: CriterionValue | undefined, digits = 3): string {
  return v === undefined || v.value === null ? 'undefined' : v.value.toFixed(digits);
}

/** The Markdown table of the rows (n, Kendall's tau-b, Spearman, Pearson, P@top-10%, P@bottom-10%, dropped). Pure. */
export function renderEstimatorTable(rows: readonly EstimatorRow[]): string {
  const out = ['| estimator | n | Kendall tau-b | Spearman rho | Pearson r | P@top-10% | P@bottom-10% | dropped |', '|---|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    const p10 = r.stats.precisionAtK.find((p) => Math.abs(p.ratio - 0.1) < 1e-12);
    const dropped = r.stats.join.dropped.map((d) => `${d.count} ${d.reason}`).join(', ') || '0';
    out.push(`| ${r.name} | ${r.stats.n} | ${cell(r.stats.kendallTau)} | ${cell(r.stats.spearmanRho)} | ${cell(r.stats.pearson)} | ${cell(p10?.top, 2)} | ${cell(p10?.bottom, 2)} | ${dropped} |`);
  }
  return out.join('\n') + '\n';
}

/** Entry: prints the table; `--json OUT` also writes every row's full statistics. */
export async function main(argv: readonly string[]): Promise<void> {
  await runProgram('estimator-table', async () => {
    const { values } = parseArgs({ args: [...argv], options: { gt: { type: 'string' }, row: { type: 'string', multiple: true }, json: { type: 'string' } } });
    if (values.gt === undefined || (values.row ?? []).length === 0) throw new ConfigError('/argv', 'usage: estimator-table --gt GROUND_TRUTH --row NAME=ROLLOUTS[:METRIC] [--row ...] [--json OUT]');
    const gt = readGroundTruthFile(values.gt);
    const cache = new Map<string, Rollouts>();
    const rows = (values.row ?? []).map(parseRowSpec).flatMap((spec) => {
      let r = cache.get(spec.rollouts);
      if (r === undefined) cache.set(spec.rollouts, (r = readScoresFile(spec.rollouts)));
      return estimatorRows(spec, r, gt);
    });
    process.stdout.write(renderEstimatorTable(rows));
    if (values.json !== undefined) fs.writeFileSync(values.json, JSON.stringify({ groundTruth: values.gt, rows }, null, 2) + '\n');
  }, async () => undefined);
}

if (require.main === module) void main(process.argv.slice(2));
