/**
 * Decides, from what a native TensorFlow backend reports, whether a trial really runs on a GPU.
 * Pure: the I/O that gathers a `GpuProbe` lives in `select-backend.ts`.
 *
 * Why: `@tensorflow/tfjs-node-gpu` 4.x links libtensorflow 2.9.1, built for CUDA 11.2 / cuDNN 8.1.
 * On a CUDA 12 machine it logs "Could not load dynamic library 'libcudart.so.11.0'", registers no
 * GPU device and silently runs every op on the CPU. The native binding lists TensorFlow's devices
 * at start-up and exposes the result as `isUsingGpuDevice` on the backend object.
 */

/** What the process and the native backend report about GPUs. */
export interface GpuProbe {
  /** True when the loaded package is `@tensorflow/tfjs-node-gpu` (the backend's `isGPUPackage`). */
  gpuPackage: boolean;
  /** The backend's `isUsingGpuDevice` flag: did TensorFlow register a GPU device? undefined when absent. */
  gpuDeviceRegistered: boolean | undefined;
  /** `CUDA_VISIBLE_DEVICES` as the trial sees it (undefined when unset). */
  cudaVisibleDevices: string | undefined;
  /** Whether an NVIDIA driver is present (e.g. `/proc/driver/nvidia/version` exists). */
  nvidiaDriverPresent: boolean;
}

/** The verdict: `gpu` is true only when TensorFlow itself registered a GPU device. */
export interface GpuAssessment {
  gpu: boolean;
  /** Plain-language lines for the trial log: what happened and, when no GPU is used, how to fix it. */
  notes: string[];
}

/** The fix for the CUDA 12 wall, in words a user can act on. */
export const CUDA11_FIX =
  'tfjs-node-gpu 4.x needs the CUDA 11.x runtime (libcudart.so.11.0, cuBLAS 11, cuFFT 10, cuRAND 10, ' +
  'cuSOLVER 11, cuSPARSE 11) and cuDNN 8 (libcudnn.so.8); CUDA 12 libraries do not satisfy it. Install ' +
  'them beside CUDA 12 (e.g. the pip wheels nvidia-cuda-runtime-cu11, nvidia-cublas-cu11, nvidia-cudnn-cu11 ' +
  '8.x, or a CUDA 11.8 toolkit under /usr/local/cuda-11.8) and put their lib folders on LD_LIBRARY_PATH ' +
  'through the experiment config `trainingService.env` (LD_LIBRARY_PATH: "/usr/local/cuda-11.8/lib64:...")';

/**
 * Called once after a native backend (`tensorflow`) is active. Assumes nothing beyond the probe.
 * Never throws; never reports a GPU that TensorFlow did not register.
 */
export function assessGpu(probe: GpuProbe): GpuAssessment {
  if (!probe.gpuPackage) {
    return { gpu: false, notes: ['native TensorFlow CPU build (@tensorflow/tfjs-node): no GPU support in this package'] };
  }
  if (probe.gpuDeviceRegistered === true) {
    return { gpu: true, notes: ['TensorFlow registered a GPU device: ops run on the GPU'] };
  }
  const hidden = probe.cudaVisibleDevices !== undefined && /^\s*(-1)?\s*$/.test(probe.cudaVisibleDevices);
  if (hidden) {
    return {
      gpu: false,
      notes: [
        `CUDA_VISIBLE_DEVICES="${probe.cudaVisibleDevices}" hides every GPU from this trial: running on CPU. ` +
          'Give the trial a GPU index (trainingService.gpuIndices) to use one.',
      ],
    };
  }
  if (probe.gpuDeviceRegistered === undefined) {
    return {
      gpu: false,
      notes: [
        'the tfjs-node-gpu backend did not report whether it registered a GPU device (no isUsingGpuDevice flag; ' +
          'unexpected tfjs-node-gpu version?): assuming CPU. Use @tensorflow/tfjs-node-gpu 4.x.',
      ],
    };
  }
  if (!probe.nvidiaDriverPresent) {
    return {
      gpu: false,
      notes: ['no NVIDIA driver on this machine (/proc/driver/nvidia/version is missing): tfjs-node-gpu runs on CPU'],
    };
  }
  return {
    gpu: false,
    notes: [
      'tfjs-node-gpu is loaded and an NVIDIA driver is present, but TensorFlow registered NO GPU device, so ' +
        'every op runs on the CPU (usually the log shows "Could not load dynamic library \'libcudart.so.11.0\'" ' +
        'or \'libcudnn.so.8\', i.e. a CUDA 12-only machine).',
      `Fix: ${CUDA11_FIX}.`,
    ],
  };
}
