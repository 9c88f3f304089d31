import * as tf from '@tensorflow/tfjs-core';

/**
 * Base of the layer library, after TensorFlow.js layers: the constructor only checks config,
 * `build()` creates the weights once (as `tf.Variable`s named by the module's hierarchical path,
 * e.g. `stage2.block3.choice1.dw.weight`), and each layer's `apply(...)` is pure synchronous
 * compute meant to run inside `tf.tidy`.
 *
 * Variable names: the key in {@link Module.namedWeights} is the hierarchical path (stable, for
 * checkpoints). The tf engine requires globally unique variable names, so the engine-level name
 * is the path prefixed with the root's `scope` (passed in by the creator; several supernets can
 * live in one process when their scopes differ).
 */
export abstract class Module {
  /** Hierarchical path of this module ('' for a root). */
  readonly path: string;
  private readonly children: Module[] = [];
  private readonly weights = new Map<string, tf.Variable>();
  private built = false;

  /** Called by subclasses' constructors; `path` is the full dotted path of the module. */
  protected constructor(path: string) {
    this.path = path;
  }

  /**
   * Registers a sub-module (called from constructors, in a fixed order so variable order is
   * deterministic). Returns the module for chaining.
   */
  protected register<M extends Module>(child: M): M {
    this.children.push(child);
    return child;
  }

  /** This module and every descendant, depth first, parents before children. */
  *walk(): Generator<Module> {
    yield this;
    for (const c of this.children) yield* c.walk();
  }

  /**
   * Creates the weights of this module and its sub-modules, once; later calls do nothing.
   * `scope` prefixes engine-level variable names (see class doc). Throws the tf engine's error if
   * a variable with the same engine-level name already exists (use a different scope).
   */
  build(scope = ''): void {
    if (!this.built) {
      this.createWeights(scope);
      this.built = true;
    }
    for (const c of this.children) c.build(scope);
  }

  /** Subclasses create their variables here with {@link addWeight}; default: none. */
  protected createWeights(_scope: string): void {
    // no weights by default
  }

  /**
   * Creates one variable named `<path>.<localName>` from `init` (which is disposed) and records
   * it. Called only from {@link createWeights}.
   */
  protected addWeight(scope: string, localName: string, init: tf.Tensor, trainable: boolean): tf.Variable {
    const key = this.path ? `${this.path}.${localName}` : localName;
    const v = tf.variable(init, trainable, scope ? `${scope}/${key}` : key);
    init.dispose();
    this.weights.set(key, v);
    return v;
  }

  /** Variables created by this module itself (not its children), keyed by hierarchical name. */
  ownWeights(): ReadonlyMap<string, tf.Variable> {
    return this.weights;
  }

  /** All variables of this module and its descendants, keyed by hierarchical name (checkpoints). */
  namedWeights(): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>();
    for (const m of this.walk()) for (const [k, v] of m.weights) out.set(k, v);
    return out;
  }

  /** Every variable (trainable and not, e.g. BN running stats) of the subtree. */
  allVariables(): tf.Variable[] {
    return [...this.namedWeights().values()];
  }

  /** Trainable variables of the subtree (what an optimizer may update). */
  trainableVariables(): tf.Variable[] {
    return this.allVariables().filter((v) => v.trainable);
  }

  /** Disposes every variable of the subtree (and any derived caches); the module must not be used afterwards. */
  dispose(): void {
    for (const m of this.walk()) {
      m.releaseCaches();
      for (const v of m.weights.values()) v.dispose();
      m.weights.clear();
      m.built = false;
    }
  }

  /**
   * Called by {@link dispose} on every module of the subtree before its weights go: a module that
   * keeps tensors derived from its weights (e.g. folded inference kernels) disposes them here.
   * Default: nothing.
   */
  protected releaseCaches(): void {
    // no caches by default
  }

  /** Throws a clear error when `apply` is called before `build`. */
  protected assertBuilt(): void {
    if (!this.built) {
      throw new Error(`Module '${this.path || '(root)'}' was used before build(); call build() on the network first.`);
    }
  }
}

/** Joins a parent path and a child name with a dot ('' parent gives the name alone). */
export function childPath(parent: string, name: string): string {
  return parent ? `${parent}.${name}` : name;
}
