import type { KernelConfig, MaxPoolGradAttrs, Tensor, Tensor4D, TensorInfo } from '@tensorflow/tfjs-core';
import type { TfCore } from '../tf-core';

/**
 * dL/dx of max pooling, fixing wasm's MaxPoolGrad: it finds each window's maximum starting from 0
 * instead of -infinity, so a window whose elements are all negative gives its gradient to no one
 * (measured: input [-0.73,-1.63,0.52,-0.43,-0.95], 1x3 'same' stride 1 -> wasm dx [1,0,3,0,0];
 * right: [1,0,3,1,0]). The arg-max is unchanged by adding a constant, so we run wasm's own kernel
 * on input - min(input) + 1 and output - min(input) + 1 (all >= 1, above the zero padding too).
 * Equal values stay equal (the same float op on equal numbers); values closer than float32
 * resolution after the shift may tie. Called by the MaxPoolGrad kernel; `native` is wasm's
 * original kernel. Returns a new tensor shaped like `input`.
 */
export function maxPoolGradFixed(
  tf: TfCore,
  native: KernelConfig,
  dy: Tensor4D,
  input: Tensor4D,
  output: Tensor4D,
  attrs: MaxPoolGradAttrs,
): Tensor {
  const [shiftedInput, shiftedOutput] = tf.tidy(() => {
    const offset = tf.sub(1, tf.min(input));
    return [tf.add(input, offset), tf.add(output, offset)];
  });
  const out = native.kernelFunc({
    inputs: { dy, input: shiftedInput, output: shiftedOutput },
    backend: tf.backend(),
    attrs: attrs as unknown as Record<string, never>,
  }) as TensorInfo;
  tf.dispose([shiftedInput, shiftedOutput]);
  return tf.engine().makeTensorFromTensorInfo(out);
}
