import * as tf from '@tensorflow/tfjs-core';

/** Options of {@link Sgd}; PyTorch's SGD semantics (dampening 0). */
export interface SgdOptions {
  /** Momentum factor; 0 disables the buffers. Default 0.9 (SPOS). */
  momentum?: number;
  /** Nesterov momentum (PyTorch's formula). Default false. */
  nesterov?: boolean;
  /** L2 weight decay added to the gradient of decayed variables. Default 4e-5 (SPOS). */
  weightDecay?: number;
}

/** One variable to update in a step: its stable (checkpoint) name, the variable and its gradient. */
export interface ParamGrad {
  name: string;
  variable: tf.Variable;
  grad: tf.Tensor;
}

/**
 * The official SPOS decay rule (`SPOS:src/Supernet/utils.py`): decay only parameters whose name
 * ends in `weight` and whose rank is > 1, i.e. conv and linear kernels, never BN scales or biases.
 */
export function decaysWeight(name: string, shape: readonly number[]): boolean {
  const last = name.slice(name.lastIndexOf('.') + 1);
  return last === 'weight' && shape.length > 1;
}

/**
 * Stochastic gradient descent with momentum as PyTorch computes it:
 * `g = grad + wd·w` (decayed variables only); `buf = g` on a variable's first step, else
 * `buf = m·buf + g`; the step direction is `g + m·buf` (Nesterov) or `buf`; `w -= lr·direction`.
 *
 * Only the variables passed to {@link step} change: a variable that got no gradient in a step
 * (an unused choice block) gets no decay and no momentum update, the official SPOS behaviour
 * (it sets such grads to None before `optimizer.step()`). Momentum buffers are keyed by the
 * variable's stable name so they can be checkpointed and restored bit-exactly.
 */
export class Sgd {
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  private readonly buffers = new Map<string, tf.Variable>();

  /** Throws RangeError for a negative momentum or decay, or Nesterov without momentum. */
  constructor(options: SgdOptions = {}) {
    this.momentum = options.momentum ?? 0.9;
    this.nesterov = options.nesterov ?? false;
    this.weightDecay = options.weightDecay ?? 4e-5;
    if (!(this.momentum >= 0)) throw new RangeError(`SGD momentum must be >= 0, got ${this.momentum}`);
    if (!(this.weightDecay >= 0)) throw new RangeError(`SGD weight decay must be >= 0, got ${this.weightDecay}`);
    if (this.nesterov && this.momentum === 0) throw new RangeError('Nesterov momentum needs momentum > 0');
  }

  /**
   * Applies one update with learning rate `lr` to exactly the variables in `params` (synchronous,
   * its own tidy; the caller keeps ownership of the grads). Throws RangeError when a gradient's
   * shape differs from its variable's.
   */
  step(params: readonly ParamGrad[], lr: number): void {
    for (const p of params) {
      if (p.grad.shape.join(',') !== p.variable.shape.join(',')) {
        throw new RangeError(`SGD: gradient of ${p.name} has shape [${p.grad.shape}] but the variable has [${p.variable.shape}]`);
      }
    }
    tf.tidy(() => {
      for (const p of params) {
        let g: tf.Tensor = p.grad;
        if (this.weightDecay > 0 && decaysWeight(p.name, p.variable.shape)) g = tf.add(g, tf.mul(p.variable, this.weightDecay));
        let direction = g;
        if (this.momentum > 0) {
          const buf = this.buffers.get(p.name);
          let next: tf.Tensor;
          if (buf === undefined) {
            next = g;
            this.buffers.set(p.name, tf.keep(tf.variable(g.clone(), false)));
          } else {
            next = tf.add(tf.mul(buf, this.momentum), g);
            buf.assign(next);
          }
          direction = this.nesterov ? tf.add(g, tf.mul(next, this.momentum)) : next;
        }
        p.variable.assign(tf.sub(p.variable, tf.mul(direction, lr)));
      }
    });
  }

  /** Names of the variables that have a momentum buffer, sorted (checkpoint order). */
  stateNames(): string[] {
    return [...this.buffers.keys()].sort();
  }

  /** Copies of the momentum buffers by name, in {@link stateNames} order (checkpoint writer). */
  stateValues(): { name: string; shape: number[]; values: Float32Array }[] {
    return this.stateNames().map((name) => {
      const b = this.buffers.get(name) as tf.Variable;
      return { name, shape: [...b.shape], values: b.dataSync() as Float32Array };
    });
  }

  /** Replaces all momentum buffers (checkpoint loader); the caller has validated the shapes. */
  loadState(state: readonly { name: string; shape: number[]; values: Float32Array }[]): void {
    this.disposeBuffers();
    for (const s of state) {
      const t = tf.tensor(s.values, s.shape, 'float32');
      this.buffers.set(s.name, tf.variable(t, false));
      t.dispose();
    }
  }

  /** Disposes the momentum buffers. */
  dispose(): void {
    this.disposeBuffers();
  }

  private disposeBuffers(): void {
    for (const b of this.buffers.values()) b.dispose();
    this.buffers.clear();
  }
}
