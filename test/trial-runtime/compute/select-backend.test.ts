import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../daemon/errors';
import { selectBackend } from '../../../trial-runtime/compute/select-backend';

/** A loader where the native packages are missing (as on this machine) whatever is installed. */
function withoutNative(id: string): unknown {
  if (id.startsWith('@tensorflow/tfjs-node')) throw new Error(`Cannot find module '${id}'`);
  return require(id) as unknown;
}

describe('selectBackend', () => {
  it('falls back past missing native packages to wasm, says why, and can train', async () => {
    const info = await selectBackend({ env: {}, load: withoutNative });
    assert.equal(info.name, 'wasm');
    assert.equal(info.gpu, false);
    assert.equal(info.tf.getBackend(), 'wasm');
    assert.ok(info.notes.some((n) => n.includes('skipped: @tensorflow/tfjs-node-gpu')));
    assert.ok(info.notes.some((n) => n.includes('skipped: @tensorflow/tfjs-node ')));
    assert.match(info.description, /^compute: wasm \(tfjs-core 4\.\d+\.\d+, (no )?SIMD, .*\), GPU: no$/);
    const g = info.tf.grad((x) => info.tf.sum(info.tf.square(x)))(info.tf.tensor1d([1, 2]));
    assert.deepEqual(Array.from(g.dataSync()), [2, 4]);
    g.dispose();
  });

  it('NASCTL_TF_BACKEND overrides the preference', async () => {
    const info = await selectBackend({ prefer: 'wasm', env: { NASCTL_TF_BACKEND: 'cpu' } });
    assert.equal(info.name, 'cpu');
    assert.equal(info.tf.getBackend(), 'cpu');
    assert.match(info.description, /NASCTL_TF_BACKEND/);
    await selectBackend({ prefer: 'wasm', env: {} });
  });

  it('a preferred backend that cannot load is a ConfigError with the reason and the fix, not a fallback', async () => {
    await assert.rejects(
      selectBackend({ env: { NASCTL_TF_BACKEND: 'node-gpu' }, load: withoutNative }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.path, 'NASCTL_TF_BACKEND');
        assert.match(err.message, /NASCTL_TF_BACKEND=node-gpu/);
        assert.match(err.message, /Cannot find module '@tensorflow\/tfjs-node-gpu'/);
        assert.match(err.message, /NASCTL_TF_BACKEND=wasm/);
        return true;
      },
    );
    await assert.rejects(selectBackend({ prefer: 'node', env: {}, load: withoutNative }), /prefer: 'node'/);
  });

  it('an unknown name in NASCTL_TF_BACKEND lists the valid ones', async () => {
    await assert.rejects(selectBackend({ env: { NASCTL_TF_BACKEND: 'cuda' } }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /unknown backend "cuda"; use one of node-gpu, node, wasm, cpu/);
      return true;
    });
  });

  it('node-gpu whose TensorFlow registered no GPU device reports gpu:false with the CUDA 11 fix', async () => {
    // A fake tfjs-node-gpu: registers a 'tensorflow' backend object that says no GPU device.
    const tf = require('@tensorflow/tfjs-core') as typeof import('@tensorflow/tfjs-core');
    const cpu = require('@tensorflow/tfjs-backend-cpu') as { MathBackendCPU: new () => object };
    const load = (id: string): unknown => {
      if (id === '@tensorflow/tfjs-node-gpu') {
        if (tf.findBackendFactory('tensorflow') === null) {
          tf.registerBackend('tensorflow', () =>
            Object.assign(new cpu.MathBackendCPU(), { isGPUPackage: true, isUsingGpuDevice: false }) as never,
          );
        }
        return {};
      }
      return require(id) as unknown;
    };
    try {
      const info = await selectBackend({ env: { CUDA_VISIBLE_DEVICES: '0' }, load, nvidiaDriverPresent: () => true });
      assert.equal(info.name, 'node-gpu');
      assert.equal(info.gpu, false);
      assert.match(info.notes.join(' '), /registered NO GPU device/);
      assert.match(info.description, /GPU: no/);
    } finally {
      tf.removeBackend('tensorflow');
      await selectBackend({ prefer: 'wasm', env: {} });
    }
  });
});
