import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import type { NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import type { TfCore } from '../../../../trial-runtime/compute/tf-core';
import { SimdModuleLoader } from '../../../../trial-runtime/compute/wasm-simd/simd-module';
import { loadBothBackends, randomValues, relativeError, runOn } from '../backends';

type Shape4 = [number, number, number, number];

/** The wasm backend's Emscripten module object (tfjs-backend-wasm 4.x). */
interface EmscriptenModule {
  asm: Record<string, unknown> & { memory: WebAssembly.Memory };
}

const X: Shape4 = [3, 10, 10, 17];
const DY: Shape4 = [3, 5, 5, 17];
const FILTER: Shape4 = [5, 5, 17, 1];
const FILTER7: Shape4 = [7, 7, 17, 1];
const ATTRS = { strides: [2, 2], pad: 'same', dilations: 1 };

describe('SimdModuleLoader and the SIMD depthwise kernels on a changing heap', () => {
  let tf: TfCore;
  before(async () => {
    tf = await loadBothBackends();
  });

  /** Both depthwise gradients and a fused 7x7 forward through the registered kernels (what training runs). */
  const gradients = (seed: number) => (): Tensor[] => {
    const x = tf.tensor4d(randomValues(X, seed), X);
    const dy = tf.tensor4d(randomValues(DY, seed + 1), DY);
    const w = tf.tensor4d(randomValues(FILTER, seed + 2), FILTER);
    return [
      tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...ATTRS, filterShape: FILTER } as unknown as NamedAttrMap) as Tensor,
      tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { ...ATTRS, inputShape: X } as unknown as NamedAttrMap) as Tensor,
      tf.fused.depthwiseConv2d({ x, filter: tf.tensor4d(randomValues(FILTER7, seed + 3), FILTER7), strides: 2, pad: 3, bias: tf.ones([17]), activation: 'relu' }),
    ];
  };

  async function assertMatchesCpu(seed: number, note: string): Promise<void> {
    const got = await runOn(tf, 'wasm', gradients(seed));
    const want = await runOn(tf, 'cpu', gradients(seed));
    await tf.setBackend('wasm');
    for (const i of [0, 1, 2]) {
      const err = relativeError(got[i] as Float32Array, want[i] as Float32Array);
      assert.ok(err < 1e-4, `${note}: output ${i} relative error ${err}`);
    }
  }

  /**
   * The kernels one run of `gradients` goes through, nested ones included. The composites and the
   * tiled forward the SIMD kernels fall back to all run DepthwiseConv2dNative inside.
   */
  async function kernelsRun(seed: number): Promise<string[]> {
    await tf.setBackend('wasm');
    const info = await tf.profile(() => tf.dispose(tf.tidy(gradients(seed))));
    return info.kernelNames;
  }

  it('the registered kernels run the SIMD module, with no tfjs kernel inside', async () => {
    const names = await kernelsRun(4);
    assert.ok(names.includes('DepthwiseConv2dNativeBackpropFilter') && names.includes('FusedDepthwiseConv2D'), names.join(', '));
    assert.ok(!names.includes('DepthwiseConv2dNative'), `a fallback ran: ${names.join(', ')}`);
  });

  it('instantiates once per backend on its memory', async () => {
    await tf.setBackend('wasm');
    const loader = new SimdModuleLoader();
    const first = loader.kernelsFor(tf.backend());
    assert.ok(first, 'tfjs-backend-wasm 4.x exposes its memory as wasm.asm.memory');
    assert.equal(loader.kernelsFor(tf.backend()), first);
  });

  it('still computes right answers after the heap grows between calls', async () => {
    await assertMatchesCpu(1, 'before growth');
    await tf.setBackend('wasm');
    const memory = (tf.backend() as unknown as { wasm: EmscriptenModule }).wasm.asm.memory;
    const bytes = memory.buffer.byteLength;
    const big = tf.zeros([bytes / 4 + 1024]); // more floats than the heap has: it must grow
    try {
      assert.ok(memory.buffer.byteLength > bytes, 'the heap grew');
      await assertMatchesCpu(2, 'after growth');
    } finally {
      big.dispose();
    }
  });

  it('falls back to the composites when the backend memory is unreachable, and recovers', async () => {
    await tf.setBackend('wasm');
    const module = (tf.backend() as unknown as { wasm: EmscriptenModule }).wasm;
    const asm = module.asm;
    const withoutMemory: Record<string, unknown> = { ...asm };
    delete withoutMemory['memory'];
    const loader = new SimdModuleLoader();
    module.asm = withoutMemory as EmscriptenModule['asm'];
    try {
      assert.equal(loader.kernelsFor(tf.backend()), undefined);
      assert.ok((await kernelsRun(3)).includes('DepthwiseConv2dNative'), 'the composites ran');
      await assertMatchesCpu(3, 'fallback');
    } finally {
      module.asm = asm;
    }
    assert.ok(loader.kernelsFor(tf.backend()), 'memory reachable again');
  });

  it('returns undefined for a missing .wasm file and for backends other than wasm', async () => {
    await tf.setBackend('wasm');
    const missing = new SimdModuleLoader(path.join(__dirname, 'no-such-module.wasm'));
    assert.equal(missing.kernelsFor(tf.backend()), undefined);
    const loader = new SimdModuleLoader();
    assert.equal(loader.kernelsFor({}), undefined);
    assert.equal(loader.kernelsFor(null), undefined);
    assert.equal(loader.kernelsFor(tf.findBackend('cpu')), undefined);
  });
});
