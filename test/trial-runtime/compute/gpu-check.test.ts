import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assessGpu, type GpuProbe } from '../../../trial-runtime/compute/gpu-check';

const base: GpuProbe = { gpuPackage: true, gpuDeviceRegistered: false, cudaVisibleDevices: '0', nvidiaDriverPresent: true };

describe('assessGpu', () => {
  it('reports a GPU only when TensorFlow registered a GPU device', () => {
    const v = assessGpu({ ...base, gpuDeviceRegistered: true });
    assert.equal(v.gpu, true);
  });
  it('CUDA 12 machine (driver present, no device registered): gpu false with the CUDA 11 + cuDNN 8 fix', () => {
    const v = assessGpu(base);
    assert.equal(v.gpu, false);
    const text = v.notes.join(' ');
    assert.match(text, /libcudart\.so\.11\.0/);
    assert.match(text, /cuDNN 8/);
    assert.match(text, /LD_LIBRARY_PATH/);
    assert.match(text, /trainingService\.env/);
  });
  it('no GPU package: gpu false, says it is the CPU build', () => {
    const v = assessGpu({ ...base, gpuPackage: false, gpuDeviceRegistered: true });
    assert.equal(v.gpu, false);
    assert.match(v.notes.join(' '), /CPU build/);
  });
  it('CUDA_VISIBLE_DEVICES empty or -1 hides the GPUs', () => {
    for (const hidden of ['', '-1']) {
      const v = assessGpu({ ...base, cudaVisibleDevices: hidden });
      assert.equal(v.gpu, false);
      assert.match(v.notes.join(' '), /hides every GPU/);
    }
  });
  it('no NVIDIA driver: plain CPU message, no CUDA advice', () => {
    const v = assessGpu({ ...base, nvidiaDriverPresent: false });
    assert.equal(v.gpu, false);
    assert.match(v.notes.join(' '), /no NVIDIA driver/);
    assert.doesNotMatch(v.notes.join(' '), /LD_LIBRARY_PATH/);
  });
  it('a backend that does not report the flag is treated as CPU, never as GPU', () => {
    const v = assessGpu({ ...base, gpuDeviceRegistered: undefined });
    assert.equal(v.gpu, false);
    assert.match(v.notes.join(' '), /did not report/);
  });
});
