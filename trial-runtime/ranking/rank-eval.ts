import { bestWorstRank, type BestWorstRankRow } from './best-worst-rank';
import { definedValue, undefinedValue, type CriterionValue } from './criterion-value';
import { joinScores, type JoinReport, type ScoredArch, type TruthArch } from './join-scores';
import { kendallTauB } from './kendall-tau';
import { pearson } from './pearson';
import { precisionAtK, type PrecisionAtKRow } from './precision-at-k';
import { spearman } from './spearman';

/** Options of {@link rankEval}. */
export interface RankEvalOptions {
  /** False for scores where lower is better (a loss): they are negated before ranking. Default true. */
  higherIsBetter?: boolean;
  /** Name of the score (e.g. 'accuracy', 'loss', 'zeroshot:synflow'), copied to the result. */
  metric?: string;
  /** Checkpoint or other label of this set of scores, copied to the result. */
  label?: string;
  /** K ratios of P@K; default PRECISION_RATIOS. */
  precisionRatios?: readonly number[];
  /** K ratios of BR/WR@K; default BEST_WORST_RATIOS. */
  bestWorstRatios?: readonly number[];
}

/** The statistics of one set of scores against the ground truth (the JSON of `rank-eval --json`). */
export interface RankStatistics {
  metric: string;
  label?: string;
  higherIsBetter: boolean;
  /** Number of joined architectures the criteria were computed on. */
  n: number;
  join: JoinReport;
  /** Mean of the raw (not negated) scores over the joined architectures. */
  oneShotAverage: CriterionValue;
  pearson: CriterionValue;
  kendallTau: CriterionValue;
  spearmanRho: CriterionValue;
  precisionAtK: PrecisionAtKRow[];
  bestWorstRank: BestWorstRankRow[];
}

/**
 * Joins `scores` with `groundTruth` by architecture key and computes every criterion of
 * ALGORITHMS.md §5 on the joined pairs. Dropped records are counted by reason in `join`;
 * criteria that are undefined on the input (too few points, constant scores or ground truth)
 * are `{value: null, reason}`, never 0. Pure; never throws on bad data.
 */
export function rankEval(scores: readonly ScoredArch[], groundTruth: readonly TruthArch[], options: RankEvalOptions = {}): RankStatistics {
  const higherIsBetter = options.higherIsBetter ?? true;
  const joined = joinScores(scores, groundTruth);
  const n = joined.arch.length;
  const ranked = higherIsBetter ? joined.scores : joined.scores.map((v) => -v);
  const t = joined.truth;
  let sum = 0;
  for (const v of joined.scores) sum += v;
  const stats: RankStatistics = {
    metric: options.metric ?? 'score',
    higherIsBetter,
    n,
    join: joined.report,
    oneShotAverage: n > 0 ? definedValue(sum / n) : undefinedValue('no architecture has both a score and a ground truth'),
    pearson: pearson(ranked, t),
    kendallTau: kendallTauB(ranked, t),
    spearmanRho: spearman(ranked, t),
    precisionAtK: precisionAtK(ranked, t, options.precisionRatios),
    bestWorstRank: bestWorstRank(ranked, t, options.bestWorstRatios),
  };
  if (options.label !== undefined) stats.label = options.label;
  return stats;
}
