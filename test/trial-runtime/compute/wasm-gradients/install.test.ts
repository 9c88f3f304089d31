import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import type { TfCore } from '../../../../trial-runtime/compute/tf-core';
import { BN_TRAIN_GRAD_KERNEL, BN_TRAIN_KERNEL } from '../../../../trial-runtime/compute/wasm-gradients/batch-norm-kernels';
import { installWasmTrainingKernels } from '../../../../trial-runtime/compute/wasm-gradients/install';
import { loadBothBackends } from '../backends';

describe('installWasmTrainingKernels', () => {
  let tf: TfCore;
  before(async () => {
    tf = await loadBothBackends(); // installs once
  });

  it('a second call changes nothing and lists the composites and the batch-norm kernels', () => {
    const second = installWasmTrainingKernels(tf);
    assert.deepEqual([second.added, second.replaced], [[], []]);
    for (const name of ['Conv2DBackpropFilter', 'MaxPoolGrad', BN_TRAIN_KERNEL, BN_TRAIN_GRAD_KERNEL]) assert.ok(second.kernels.includes(name), name);
    second.uninstall();
    assert.ok(tf.getKernel(BN_TRAIN_KERNEL, 'wasm'), 'uninstalling a call that changed nothing keeps the kernels');
  });

  it('adds a missing kernel and replaces a foreign one, and uninstall undoes exactly that', () => {
    const foreign: KernelConfig = { kernelName: 'MaxPoolGrad', backendName: 'wasm', kernelFunc: () => ({ dataId: {}, shape: [], dtype: 'float32' }) };
    tf.unregisterKernel(BN_TRAIN_KERNEL, 'wasm');
    tf.unregisterKernel('MaxPoolGrad', 'wasm');
    tf.registerKernel(foreign);
    const installed = installWasmTrainingKernels(tf);
    assert.deepEqual([installed.added, installed.replaced], [[BN_TRAIN_KERNEL], ['MaxPoolGrad']]);
    assert.notEqual(tf.getKernel('MaxPoolGrad', 'wasm')?.kernelFunc, foreign.kernelFunc);
    installed.uninstall();
    assert.equal(tf.getKernel(BN_TRAIN_KERNEL, 'wasm'), undefined);
    assert.equal(tf.getKernel('MaxPoolGrad', 'wasm')?.kernelFunc, foreign.kernelFunc);
    assert.ok(tf.getKernel(BN_TRAIN_GRAD_KERNEL, 'wasm'), 'kernels installed by an earlier call stay');
  });
});
