/** A score of one architecture (one-shot accuracy, -loss, a zero-shot proxy, ...). */
export interface ScoredArch {
  /** Architecture key, the same string the ground truth uses. */
  arch: string;
  score: number;
}

/** A ground-truth accuracy of one architecture. */
export interface TruthArch {
  arch: string;
  accuracy: number;
}

/** Why an input record did not take part in the criteria. */
export type DropReason =
  | 'score-not-finite'
  | 'score-duplicate'
  | 'score-conflicting-duplicates'
  | 'no-ground-truth'
  | 'ground-truth-not-finite'
  | 'ground-truth-duplicate'
  | 'ground-truth-conflicting-duplicates';

/** How many records were dropped for one reason, with up to 5 example keys. */
export interface DropCount {
  reason: DropReason;
  count: number;
  examples: string[];
}

/** What the join kept and dropped; nothing is dropped silently. */
export interface JoinReport {
  scoresIn: number;
  groundTruthIn: number;
  /** Architectures with both a usable score and a usable ground truth. */
  matched: number;
  /** Dropped records by reason (only reasons that occurred). */
  dropped: DropCount[];
  /** Usable ground-truth architectures that no score mentions (normal: tables cover more archs). */
  groundTruthWithoutScore: number;
}

/** The joined pairs, in score input order, and the report. */
export interface JoinedScores {
  arch: string[];
  scores: Float64Array;
  truth: Float64Array;
  report: JoinReport;
}

class Drops {
  private readonly byReason = new Map<DropReason, DropCount>();
  add(reason: DropReason, arch: string, count = 1): void {
    const d = this.byReason.get(reason) ?? { reason, count: 0, examples: [] };
    d.count += count;
    if (d.examples.length < 5 && !d.examples.includes(arch)) d.examples.push(arch);
    this.byReason.set(reason, d);
  }
  list(): DropCount[] {
    return [...this.byReason.values()];
  }
}

/**
 * Deduplicates records by key: non-finite values are dropped (`notFinite`); a key listed several
 * times with one value keeps one record (the extra ones count as `duplicate`); a key listed with
 * different values is dropped entirely (`conflicting`), since no copy is more right than another.
 */
function dedupe(records: ReadonlyArray<{ arch: string; value: number }>, drops: Drops, notFinite: DropReason, duplicate: DropReason, conflicting: DropReason): Map<string, number> {
  const seen = new Map<string, number[]>();
  for (const r of records) {
    if (!Number.isFinite(r.value)) {
      drops.add(notFinite, r.arch);
      continue;
    }
    const list = seen.get(r.arch);
    if (list) list.push(r.value);
    else seen.set(r.arch, [r.value]);
  }
  const out = new Map<string, number>();
  for (const [arch, values] of seen) {
    if (values.every((v) => v === values[0])) {
      out.set(arch, values[0] as number);
      if (values.length > 1) drops.add(duplicate, arch, values.length - 1);
    } else {
      drops.add(conflicting, arch, values.length);
    }
  }
  return out;
}

/**
 * Joins scores with ground truth by architecture key, reporting every dropped record and why
 * (non-finite values, duplicates, conflicting duplicates, no ground truth). Called by
 * `rankEval`; pure.
 */
export function joinScores(scores: readonly ScoredArch[], groundTruth: readonly TruthArch[]): JoinedScores {
  const drops = new Drops();
  const gt = dedupe(
    groundTruth.map((g) => ({ arch: g.arch, value: g.accuracy })),
    drops,
    'ground-truth-not-finite',
    'ground-truth-duplicate',
    'ground-truth-conflicting-duplicates',
  );
  const sc = dedupe(
    scores.map((s) => ({ arch: s.arch, value: s.score })),
    drops,
    'score-not-finite',
    'score-duplicate',
    'score-conflicting-duplicates',
  );
  const arch: string[] = [];
  const s: number[] = [];
  const t: number[] = [];
  for (const [key, value] of sc) {
    const truth = gt.get(key);
    if (truth === undefined) {
      drops.add('no-ground-truth', key);
      continue;
    }
    arch.push(key);
    s.push(value);
    t.push(truth);
  }
  const report: JoinReport = { scoresIn: scores.length, groundTruthIn: groundTruth.length, matched: arch.length, dropped: drops.list(), groundTruthWithoutScore: gt.size - arch.length };
  return { arch, scores: Float64Array.from(s), truth: Float64Array.from(t), report };
}
