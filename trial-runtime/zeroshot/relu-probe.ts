import * as tf from '@tensorflow/tfjs-core';

/** Values and shape of one ReLU input seen by {@link withReluProbe}. */
export interface ReluInput {
  values: ArrayLike<number>;
  shape: number[];
}

/**
 * Runs `body` with the active backend's `Relu` kernel wrapped so that `onRelu` sees every ReLU
 * input (the networks call `tf.relu` directly, so there is no module to hook; NASWOT hooks every
 * ReLU module). The original kernel is restored in a `finally`. Forward passes only (no
 * gradients needed); synchronous. Throws Error if the backend has no Relu kernel.
 */
export function withReluProbe<T>(onRelu: (input: ReluInput) => void, body: () => T): T {
  const backendName = tf.getBackend();
  const original = tf.getKernel('Relu', backendName);
  if (original === undefined) throw new Error(`backend '${backendName}' has no Relu kernel to probe`);
  tf.unregisterKernel('Relu', backendName);
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      onRelu({ values: (args.backend as tf.KernelBackend).readSync(x.dataId) as ArrayLike<number>, shape: [...x.shape] });
      return original.kernelFunc(args);
    },
  });
  try {
    return body();
  } finally {
    tf.unregisterKernel('Relu', backendName);
    tf.registerKernel(original);
  }
}
