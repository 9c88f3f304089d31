import type { Rng } from '../../../tuners/rng';

/** A selected teacher: its board index, its matching score `w` and `ρ = sigmoid(−w)`. */
export interface TeacherChoice {
  index: number;
  score: number;
  rho: number;
  /** `d = softmax(student(x_slice)) − p_slice` of the chosen entry, flattened (for the meta update). */
  diff: Float32Array;
}

/** Logistic sigmoid. */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * Cream's meta-matching network (§2.4): `M(d) = W·d + b`, a Linear(numClasses·SLICE → 1) kept as
 * plain numbers (it is tiny; no tensors to dispose). `W` starts U(−1, 1) as timm's
 * `_init_weight_goog` gives a Linear with one output; `b` = 0.
 */
export class MetaMatchingNetwork {
  readonly weight: Float32Array;
  bias = 0;
  /** Number of hyper-gradient updates applied (logs, checkpoints). */
  updates = 0;

  /** `rng` draws the initial weights (seeded by the caller). Throws RangeError for a bad size. */
  constructor(readonly inFeatures: number, rng: Rng) {
    if (!Number.isInteger(inFeatures) || inFeatures <= 0) throw new RangeError(`meta network input size must be a positive integer, got ${inFeatures}`);
    this.weight = Float32Array.from({ length: inFeatures }, () => 2 * rng.next() - 1);
  }

  /** `W·d + b`. Throws RangeError when `d` has the wrong length. */
  score(d: ArrayLike<number>): number {
    if (d.length !== this.inFeatures) throw new RangeError(`meta network expects ${this.inFeatures} values (numClasses·SLICE), got ${d.length}`);
    let s = this.bias;
    for (let i = 0; i < d.length; i++) s += (this.weight[i] as number) * (d[i] as number);
    return s;
  }

  /**
   * Teacher selection (§2.4): scores every entry's `d_j`, picks the argmax (first on ties) and
   * returns `ρ = sigmoid(−w)` of the CHOSEN teacher. Deliberate deviation from Cream's quirk,
   * whose ρ uses the score of the last entry iterated. Throws RangeError for an empty list.
   */
  select(diffs: readonly Float32Array[]): TeacherChoice {
    if (diffs.length === 0) throw new RangeError('teacher selection needs a non-empty board');
    let best = 0;
    let bestScore = -Infinity;
    diffs.forEach((d, j) => {
      const s = this.score(d);
      if (s > bestScore) {
        bestScore = s;
        best = j;
      }
    });
    return { index: best, score: bestScore, rho: sigmoid(-bestScore), diff: diffs[best] as Float32Array };
  }

  /**
   * The hyper-gradient of §2.6 in closed form, then one plain SGD step of size `lr` on W and b
   * (gradient clipped to norm 1). With θ'[0] = θ[0] − lr·ρ·k (k = ∂KD/∂θ[0], `d` held constant)
   * and v = ∂L_val/∂θ[0], the gradient is `lr·⟨v, k⟩·ρ(1−ρ)·[d, 1]`. Returns the gradient's norm
   * before clipping.
   */
  hyperStep(dot: number, choice: Pick<TeacherChoice, 'rho' | 'diff'>, lr: number): number {
    const coef = lr * dot * choice.rho * (1 - choice.rho);
    let sq = coef * coef;
    for (let i = 0; i < this.inFeatures; i++) sq += (coef * (choice.diff[i] as number)) ** 2;
    const norm = Math.sqrt(sq);
    const scale = norm > 1 ? 1 / norm : 1;
    for (let i = 0; i < this.inFeatures; i++) this.weight[i] = (this.weight[i] as number) - lr * scale * coef * (choice.diff[i] as number);
    this.bias -= lr * scale * coef;
    this.updates++;
    return norm;
  }
}
