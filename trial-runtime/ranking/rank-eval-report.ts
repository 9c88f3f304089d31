import type { GroundTruth } from './ground-truth';
import { rankEval, type RankStatistics } from './rank-eval';
import { groupByCheckpoint, type Rollouts } from './rollouts';

/** The JSON statistics file of `rank-eval --json` (also what the web UI's rank-eval page shows). */
export interface RankEvalReport {
  rollouts: string;
  groundTruth: string;
  groundTruthMetric: string;
  evaluator: string;
  results: RankStatistics[];
}

/** How to score: which rollout metric (default the header's) and its direction (default the header's). */
export interface RankEvalReportOptions {
  metric?: string;
  higherIsBetter?: boolean;
}

/**
 * The criteria of every checkpoint group of `rollouts` against `gt`, as one report; `names` are
 * what the report records as the two sources (file paths, or upload names). Called by the
 * rank-eval program and the daemon's rank-eval route so both compute the same thing. Pure.
 */
export function buildRankEvalReport(rollouts: Rollouts, gt: GroundTruth, names: { rollouts: string; groundTruth: string }, options: RankEvalReportOptions = {}): RankEvalReport {
  const higherIsBetter = options.higherIsBetter ?? rollouts.header.higherIsBetter;
  const metric = options.metric ?? rollouts.header.metric;
  const results = groupByCheckpoint(rollouts.records, options.metric).map((g) =>
    rankEval(g.scores, gt.records, { higherIsBetter, metric, ...(g.checkpoint !== null ? { label: g.checkpoint } : {}) }),
  );
  return { rollouts: names.rollouts, groundTruth: names.groundTruth, groundTruthMetric: gt.metric, evaluator: rollouts.header.evaluator, results };
}
