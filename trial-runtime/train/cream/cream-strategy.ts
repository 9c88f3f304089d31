import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../../../daemon/errors';
import { createRng, type Rng } from '../../../tuners/rng';
import type { Supernet } from '../../supernets/supernet';
import { smoothedCrossEntropy } from '../loss';
import { choiceCounts, flopsFunction } from '../path-sampler';
import type { StrategyContext } from '../strategy-registry';
import type { StepContext, StepLossArgs, StepOutcome, TrainingStrategy } from '../training-strategy';
import { boardSnapshot, writeBoardFile } from './board-file';
import { resolveCreamStrategyOptions, type CreamStrategyOptions } from './cream-options';
import { opProbabilities, samplePathWith } from './cream-sampling';
import { decodeCreamState, encodeCreamState } from './cream-state';
import { creamLoss, detached, firstRows, softTargetCrossEntropy, softmaxRows } from './distill-loss';
import { MetaMatchingNetwork, type TeacherChoice } from './meta-matching';
import { admit, type BoardItem } from './prioritized-board';

/** Salt of the meta network's init stream (createRng(seed, salt)). */
const META_SALT = 0xc2ea;

/** The teacher of the current step (absent during warm-up or while the board is empty). */
interface StepTeacher {
  arch: readonly number[];
  rho: number;
  index: number;
}

/**
 * Cream of the Crop's supernet training (ALGORITHMS.md §2.2–2.6) as a {@link TrainingStrategy}:
 * paths drawn by HOW_TO_PROB; after `metaStaEpoch` warm-up epochs, a teacher picked from the
 * prioritized board (`top1`, ρ = 0.5, or the meta-matching network) and the loss
 * `(ρ·KD + (2−ρ)·CE_ls)/2` with the teacher's logits detached; every step after warm-up the path
 * may enter the board (§2.3); every `updateIter` steps the meta network takes a hyper-gradient step.
 * The board is published as `<checkpointDir>/board.json` and checkpointed with the meta weights.
 *
 * Deliberate deviations from the quirks of §2 (also noted where they happen):
 * - ρ is the sigmoid of the CHOSEN teacher's score, not of the last board entry iterated;
 * - ρ is a constant in the student's loss (no gradient through the meta network or the student's
 *   outputs on the stored slices); the meta network learns only from the §2.6 update;
 * - the §2.6 update is the closed-form one-step look-ahead on θ[0] (the stem conv weight) with the
 *   selection's `d` held constant, evaluated at the weights after the trainer's step, plain SGD
 *   on the meta weights; Cream's extra student step on the 4-image slice is not taken.
 * Kept quirks: p_slice holds the teacher's soft labels (the path's own only while the board is
 * empty); θ' uses the meta learning rate; θ[0] only.
 */
export class CreamStrategy implements TrainingStrategy {
  readonly name = 'cream';
  readonly options: CreamStrategyOptions;
  readonly meta: MetaMatchingNetwork;
  private board: readonly BoardItem[] = [];
  private readonly numOps: number;
  private readonly numKeys: number;
  private readonly flopsOf: (arch: number[]) => number;
  private readonly xLen: number;
  private teacher: StepTeacher | undefined;
  private pendingPSlice: Float32Array | undefined;
  private dirtySince: number | undefined;
  private lastWriteStep = -Infinity;
  private lastCtx: StepContext | undefined;

  /** Throws ConfigError('--strategy-options') for bad options or a space whose layers differ in op count. */
  constructor(
    private readonly net: Supernet,
    raw: Record<string, unknown>,
    epochs: number,
    seed: number,
    private readonly checkpointDir: string | undefined,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    const counts = choiceCounts(net.searchSpace());
    this.numOps = counts[0] ?? 0;
    if (counts.length === 0 || counts.some((n) => n !== this.numOps)) throw new ConfigError('--strategy-options', `cream needs layers with the same number of ops (got ${counts.join(', ')}); use --space cream or cream-cpu`);
    this.numKeys = counts.length;
    this.options = resolveCreamStrategyOptions(raw, epochs, this.numOps);
    this.flopsOf = flopsFunction(net);
    const [h, w, c] = net.inputShape;
    this.xLen = this.options.slice * h * w * c;
    this.meta = new MetaMatchingNetwork(net.numClasses * this.options.slice, createRng(seed, META_SALT));
  }

  /** The board, best first (read-only view). */
  get entries(): readonly BoardItem[] {
    return this.board;
  }

  /** The current step's teacher (tests, logs). */
  get currentTeacher(): Readonly<StepTeacher> | undefined {
    return this.teacher;
  }

  private distilling(epoch: number): boolean {
    return epoch >= this.options.metaStaEpoch;
  }

  samplePath(rng: Rng, ctx: StepContext): number[] {
    const arch = samplePathWith(opProbabilities(this.options.howToProb, this.options.preProb, this.board, this.numOps), this.numKeys, rng);
    this.teacher = undefined;
    this.pendingPSlice = undefined;
    if (this.distilling(ctx.epoch) && this.board.length > 0) {
      if (this.options.pickMethod === 'top1') this.teacher = { arch: (this.board[0] as BoardItem).arch, rho: 0.5, index: 0 };
      else {
        const choice = this.selectTeacher(arch);
        this.teacher = { arch: (this.board[choice.index] as BoardItem).arch, rho: choice.rho, index: choice.index };
      }
    }
    return arch;
  }

  /**
   * Meta-matching selection (§2.4) for student `arch`: runs the student (training mode, as Cream)
   * on each entry's x_slice, `d_j = softmax(student) − p_slice_j`, teacher = argmax M(d_j).
   */
  selectTeacher(arch: readonly number[]): TeacherChoice {
    const [h, w, c] = this.net.inputShape;
    const n = this.options.slice;
    const diffs = this.board.map((item) => {
      const probs = tf.tidy(() => tf.softmax(this.net.forward(tf.tensor4d(item.xSlice, [n, h, w, c]), arch, { training: true })).dataSync() as Float32Array);
      return probs.map((p, i) => p - (item.pSlice[i] as number));
    });
    return this.meta.select(diffs);
  }

  loss(args: StepLossArgs): tf.Scalar {
    const ce = args.baseLoss();
    const distilling = this.distilling(args.ctx.epoch);
    const teacher = this.teacher;
    if (teacher === undefined) {
      // Board empty after warm-up: the path's own soft labels go with it into the board.
      if (distilling) this.pendingPSlice = softmaxRows(args.logits, this.options.slice);
      return ce;
    }
    // The teacher runs in training mode (Cream: model.train() under no_grad); its logits are
    // copied off the tape, so no gradient reaches the weights it shares with the student.
    const tLogits = detached(this.net.forward(args.xs, teacher.arch, { training: true }));
    const tProbs = tf.softmax(tLogits);
    this.pendingPSlice = firstRows(tProbs, this.options.slice);
    const kd = softTargetCrossEntropy(args.logits, tProbs);
    return creamLoss(kd, ce, teacher.rho);
  }

  afterStep(o: StepOutcome): void {
    this.lastCtx = o.ctx;
    if (!this.distilling(o.ctx.epoch) || o.size < this.options.slice || this.pendingPSlice === undefined) return;
    const item: BoardItem = { arch: [...o.arch], prec1: (100 * o.correct) / o.size, flops: this.flopsOf([...o.arch]) / 1e6, xSlice: o.x.slice(0, this.xLen), pSlice: this.pendingPSlice };
    const next = admit(this.board, item, { size: this.options.poolSize, accGap: this.options.accGap });
    if (next !== this.board) {
      this.board = next;
      this.dirtySince ??= o.ctx.globalStep;
    }
    if (this.dirtySince !== undefined && o.ctx.globalStep - this.lastWriteStep >= this.options.boardWriteEvery) this.publish(o.ctx);
    const u = this.options.updateIter;
    if (this.options.pickMethod === 'meta' && o.ctx.step > 0 && o.ctx.step % u === 0 && this.board.length > 0 && o.size >= 2 * this.options.slice) this.metaUpdate(o);
  }

  /**
   * §2.6 on batch[0:SLICE] (KD) and batch[SLICE:2·SLICE] (validation CE_ls), at the current
   * weights: k = ∂KD/∂θ[0], v = ∂L_val/∂θ[0], then {@link MetaMatchingNetwork.hyperStep}.
   */
  private metaUpdate(o: StepOutcome): void {
    const arch = [...o.arch];
    const choice = this.selectTeacher(arch);
    const teacherArch = (this.board[choice.index] as BoardItem).arch;
    const [h, w, c] = this.net.inputShape;
    const n = this.options.slice;
    const theta0 = this.net.variablesForArch(arch)[0] as tf.Variable;
    const dot = tf.tidy(() => {
      const xa = tf.tensor4d(o.x.subarray(0, this.xLen), [n, h, w, c]);
      const xb = tf.tensor4d(o.x.subarray(this.xLen, 2 * this.xLen), [n, h, w, c]);
      const yb = tf.tensor1d(o.y.subarray(n, 2 * n), 'int32');
      const soft = tf.softmax(detached(this.net.forward(xa, teacherArch, { training: true })));
      const k = tf.variableGrads(() => softTargetCrossEntropy(this.net.forward(xa, arch, { training: true }), soft), [theta0]).grads[theta0.name];
      const v = tf.variableGrads(() => smoothedCrossEntropy(this.net.forward(xb, arch, { training: true }), yb, this.options.labelSmoothing), [theta0]).grads[theta0.name];
      return k && v ? (tf.sum(tf.mul(k, v)).dataSync()[0] as number) : 0;
    });
    const norm = this.meta.hyperStep(dot, choice, this.options.metaLr);
    this.log(`cream: meta-network update ${this.meta.updates} at epoch ${o.ctx.epoch + 1} step ${o.ctx.step} (teacher #${choice.index}, rho ${choice.rho.toFixed(3)}, |grad| ${norm.toExponential(2)})`);
  }

  /** Writes board.json now (when a checkpoint directory is known). */
  private publish(ctx: StepContext): void {
    this.dirtySince = undefined;
    this.lastWriteStep = ctx.globalStep;
    if (this.checkpointDir !== undefined) writeBoardFile(this.checkpointDir, boardSnapshot(this.board, ctx.epoch + 1, ctx.globalStep + 1, new Date()));
  }

  endEpoch(epoch: number): void {
    if (this.dirtySince !== undefined && this.lastCtx !== undefined) this.publish(this.lastCtx);
    if (this.board.length > 0) {
      const best = this.board[0] as BoardItem;
      this.log(`cream: epoch ${epoch} board ${this.board.length}/${this.options.poolSize}, best prec1 ${best.prec1.toFixed(2)} % at ${best.flops.toFixed(3)} MFLOPs [${best.arch.join(',')}]`);
    }
  }

  checkpointState(): Record<string, unknown> {
    return encodeCreamState(this.board, this.meta) as unknown as Record<string, unknown>;
  }

  restoreState(state: Record<string, unknown>): void {
    const s = decodeCreamState(state, { xLen: this.xLen, pLen: this.options.slice * this.net.numClasses, metaLen: this.meta.inFeatures, numKeys: this.numKeys });
    this.board = s.board;
    this.meta.weight.set(s.meta.weight);
    this.meta.bias = s.meta.bias;
    this.meta.updates = s.meta.updates;
  }
}

/** The 'cream' entry of the strategy registry. Throws as {@link CreamStrategy}'s constructor. */
export function createCreamStrategy(ctx: StrategyContext): CreamStrategy {
  return new CreamStrategy(ctx.net, ctx.options, ctx.epochs, ctx.seed, ctx.checkpointDir, ctx.log);
}
