import type * as tf from '@tensorflow/tfjs-core';
import type { CostModel, SearchSpace } from '../../tuners/search-space';
import { createRng } from '../../tuners/rng';
import { candidateCost } from '../../tuners/space/cost';
import { Module } from '../nn/module';
import type { BatchNorm } from '../nn/batch-norm';
import type { Conv2d } from '../nn/conv2d';
import { ConvBnPair, type PairActivation } from '../nn/conv-bn-pair';
import { indicesToParameters, parseIndexArch } from './arch-parsing';
import type { ArchCost, ArchInput, ForwardOptions, Supernet } from './supernet';

/** Root of a supernet's module tree: holds the top-level modules, has no weights of its own. */
class RootModule extends Module {
  constructor() {
    super('');
  }
  add<M extends Module>(m: M): M {
    return this.register(m);
  }
}

/** What every supernet hands to {@link SupernetBase}. */
export interface SupernetBaseInit {
  name: string;
  inputShape: readonly [number, number, number];
  numClasses: number;
  /** The search space (keys in canonical order); kept, never mutated. */
  space: SearchSpace;
  /** Seed of the weight init; default 0. */
  seed?: number | undefined;
  /** Engine-level variable-name prefix; default '<name>-<seed>'. */
  scope?: string | undefined;
}

/**
 * The plumbing all built-in supernets share: module-tree root, per-weight init seeds, scope,
 * search space, architecture parsing (index lists and NNI parameters; each space parses its own
 * string form in {@link parseArchString}), build and dispose, and the parse-then-build prologue of
 * `forward` / `variablesForArch`. Subclasses register their modules with {@link add} in a fixed
 * order (drawing one seed per weight from {@link seeds}) and supply cost, the forward of a parsed
 * path ({@link forwardPath}) and its modules ({@link pathModules}).
 */
export abstract class SupernetBase implements Supernet {
  readonly name: string;
  readonly inputShape: readonly [number, number, number];
  readonly numClasses: number;
  readonly root: Module;
  /** Next weight-init seed, from the supernet's seeded Rng (draw order = registration order). */
  protected readonly seeds: () => number;
  protected readonly space: SearchSpace;
  private readonly tree = new RootModule();
  private readonly scope: string;
  /** Pairs of top-level modules made by {@link addConvBnPair}; their folded kernels go in {@link dispose}. */
  private readonly pairs: ConvBnPair[] = [];

  protected constructor(init: SupernetBaseInit) {
    const seed = init.seed ?? 0;
    this.name = init.name;
    this.inputShape = init.inputShape;
    this.numClasses = init.numClasses;
    this.space = init.space;
    this.scope = init.scope ?? `${init.name}-${seed}`;
    this.root = this.tree;
    const rng = createRng(seed);
    this.seeds = () => rng.int(2 ** 31 - 1);
  }

  /** Registers a top-level module under the root; returns it. */
  protected add<M extends Module>(m: M): M {
    return this.tree.add(m);
  }

  /**
   * Registers `conv` then `bn` as top-level modules (as {@link add}) and returns their
   * {@link ConvBnPair} (e.g. the stem); called from constructors. Blocks hold their own pairs and
   * release them in `releaseCaches`; these have no block, so {@link dispose} releases their folded kernels.
   */
  protected addConvBnPair(conv: Conv2d, bn: BatchNorm, activation: PairActivation = 'none'): ConvBnPair {
    const pair = new ConvBnPair(this.add(conv), this.add(bn), activation);
    this.pairs.push(pair);
    return pair;
  }

  /** The space's own string form (arch string, genotype) -> canonical indices; throws ConfigError. */
  protected abstract parseArchString(s: string): number[];

  searchSpace(): SearchSpace {
    return structuredClone(this.space);
  }

  parseArch(arch: ArchInput): number[] {
    return typeof arch === 'string' ? this.parseArchString(arch) : parseIndexArch(this.space, arch);
  }

  toParameters(arch: ArchInput): Record<string, unknown> {
    return indicesToParameters(this.space, this.parseArch(arch));
  }

  abstract cost(arch: ArchInput): ArchCost;
  abstract costModel(): CostModel | undefined;

  /** Cost of an architecture under an additive cost model (base + its choices' entries); throws as parseArch. */
  protected additiveCost(model: CostModel, arch: ArchInput): ArchCost {
    return candidateCost(this.toParameters(arch), model);
  }

  /** FLOPs (MACs) of one architecture: `cost(arch).flops`. */
  flops(arch: ArchInput): number {
    return this.cost(arch).flops;
  }

  /** Parameter count of one architecture: `cost(arch).params`. */
  params(arch: ArchInput): number {
    return this.cost(arch).params;
  }

  build(): void {
    this.root.build(this.scope);
  }

  forward(x: tf.Tensor4D, arch: ArchInput, options: ForwardOptions): tf.Tensor2D {
    const idx = this.parseArch(arch);
    this.build();
    return this.forwardPath(x, idx, options.training, options);
  }

  /** Trainable variables of {@link pathModules} (each module once, first occurrence order). */
  variablesForArch(arch: ArchInput): tf.Variable[] {
    const idx = this.parseArch(arch);
    this.build();
    return [...new Set(this.pathModules(idx))].flatMap((m) => m.trainableVariables());
  }

  /**
   * Logits of the path `idx` (canonical indices); weights are built. Synchronous, inside tf.tidy.
   * `options` is what the caller passed (`training` repeated for convenience): its optional
   * fields (dropout `seed`, eval `fuse`) may be ignored by supernets that do not support them.
   */
  protected abstract forwardPath(x: tf.Tensor4D, idx: readonly number[], training: boolean, options: ForwardOptions): tf.Tensor2D;
  /** Modules with weights on the path `idx` (canonical indices); weights are built. */
  protected abstract pathModules(idx: readonly number[]): Module[];

  /** Frees the weights and every folded kernel (blocks' and {@link addConvBnPair}'s). */
  dispose(): void {
    for (const p of this.pairs) p.release();
    this.root.dispose();
  }
}
