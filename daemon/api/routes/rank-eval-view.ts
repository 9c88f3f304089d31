import { BadRequestError } from '../../errors';
import { parseRollouts, groupByCheckpoint, type Rollouts } from '../../../trial-runtime/ranking/rollouts';
import { parseGroundTruthCsv, parseGroundTruthJson, type GroundTruth } from '../../../trial-runtime/ranking/ground-truth';
import { joinScores } from '../../../trial-runtime/ranking/join-scores';
import type { RankStatistics } from '../../../trial-runtime/ranking/rank-eval';
import { buildRankEvalReport, type RankEvalReport } from '../../../trial-runtime/ranking/rank-eval-report';

/** Body of POST /api/v1/rank-eval: the texts of the files the user chose in the browser. */
export interface RankEvalViewRequest {
  /** Text of the `rank-eval --json` statistics file. */
  statistics?: string;
  statisticsName?: string;
  /** Text of the rollouts file (eval-arch --dump-rollouts, JSON Lines). */
  rollouts?: string;
  rolloutsName?: string;
  /** Text of the ground truth (nasctl-ground-truth JSON, or CSV when its name ends in .csv). */
  groundTruth?: string;
  groundTruthName?: string;
}

/** Score against ground truth of the joined architectures of one checkpoint. */
export interface RankScatter {
  /** Checkpoint label (null: zero-shot or a single unlabeled set). */
  label: string | null;
  metric: string;
  arch: string[];
  score: number[];
  truth: number[];
}

/** Answer of POST /api/v1/rank-eval. */
export interface RankEvalView {
  /** The statistics: the uploaded file's, else computed from rollouts + ground truth exactly as `nasctl rank-eval`. */
  report: RankEvalReport;
  statisticsSource: 'file' | 'computed';
  /** One scatter per checkpoint; empty without rollouts and ground truth. */
  scatter: RankScatter[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Parses a `rank-eval --json` file. Throws BadRequestError saying what is wrong. Pure. */
export function parseStatistics(text: string, where: string): RankEvalReport {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new BadRequestError('body/statistics', `${where} is not valid JSON (${(e as Error).message}); choose the file written by \`nasctl rank-eval ... --json OUT\``);
  }
  if (!isRecord(raw) || !Array.isArray(raw.results)) {
    throw new BadRequestError('body/statistics', `${where} is not a rank-eval statistics file (no "results" list); choose the file written by \`nasctl rank-eval ... --json OUT\``);
  }
  raw.results.forEach((r: unknown, i: number) => {
    if (!isRecord(r) || !isRecord(r.kendallTau) || !isRecord(r.spearmanRho) || !Array.isArray(r.precisionAtK) || !Array.isArray(r.bestWorstRank)) {
      throw new BadRequestError(`body/statistics/results/${i}`, `${where}: results[${i}] lacks kendallTau, spearmanRho, precisionAtK or bestWorstRank; was it written by another version of rank-eval?`);
    }
  });
  return raw as unknown as RankEvalReport;
}

function parseTruth(text: string, name: string): GroundTruth {
  return name.toLowerCase().endsWith('.csv') ? parseGroundTruthCsv(text, name) : parseGroundTruthJson(text, name);
}

/** The value ranked for one result: its metric when the records carry it, else the score. */
function scatterFor(rollouts: Rollouts, gt: GroundTruth, stats: readonly RankStatistics[]): RankScatter[] {
  const metricOf = (label: string | null): string | undefined => {
    const m = stats.find((s) => (s.label ?? null) === label)?.metric ?? stats[0]?.metric;
    return m !== undefined && m !== rollouts.header.metric && rollouts.records.some((r) => m in r.metrics) ? m : undefined;
  };
  const groups = groupByCheckpoint(rollouts.records);
  return groups.map((g) => {
    const metric = metricOf(g.checkpoint);
    const scores = metric === undefined ? g.scores : groupByCheckpoint(rollouts.records.filter((r) => r.checkpoint === g.checkpoint), metric)[0]?.scores ?? [];
    const j = joinScores(scores, gt.records);
    return { label: g.checkpoint, metric: metric ?? rollouts.header.metric, arch: j.arch, score: [...j.scores], truth: [...j.truth] };
  });
}

/**
 * Builds the rank-eval page's data from uploaded file texts: the statistics file as is (or, when
 * absent, computed from rollouts + ground truth like `nasctl rank-eval`), and the score vs
 * ground-truth points per checkpoint when rollouts and ground truth are given. Throws
 * BadRequestError when nothing usable was sent, and ConfigError (from the parsers, naming the file
 * and line) for malformed rollouts or ground truth. Pure.
 */
export function buildRankEvalView(req: RankEvalViewRequest): RankEvalView {
  const statsName = req.statisticsName ?? 'statistics.json';
  const rolloutsName = req.rolloutsName ?? 'rollouts.jsonl';
  const gtName = req.groundTruthName ?? 'ground-truth.json';
  const hasPair = req.rollouts !== undefined && req.groundTruth !== undefined;
  if (!hasPair && (req.rollouts !== undefined || req.groundTruth !== undefined)) {
    throw new BadRequestError(req.rollouts === undefined ? 'body/rollouts' : 'body/groundTruth', 'the scatter needs both the rollouts file and the ground truth; choose the missing one');
  }
  if (req.statistics === undefined && !hasPair) {
    throw new BadRequestError('body', 'send a statistics file (rank-eval --json OUT), or a rollouts file and its ground truth (or all three)');
  }
  const fileReport = req.statistics !== undefined ? parseStatistics(req.statistics, statsName) : undefined;
  if (!hasPair) return { report: fileReport as RankEvalReport, statisticsSource: 'file', scatter: [] };
  const rollouts = parseRollouts(req.rollouts as string, rolloutsName);
  const gt = parseTruth(req.groundTruth as string, gtName);
  let report = fileReport;
  if (!report) {
    report = buildRankEvalReport(rollouts, gt, { rollouts: rolloutsName, groundTruth: gtName });
  }
  return { report, statisticsSource: fileReport ? 'file' : 'computed', scatter: scatterFor(rollouts, gt, report.results) };
}
