import type { DataType, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * The parts of tfjs-backend-wasm's BackendWasm (4.x) that every nasctl kernel computing in place
 * on the wasm heap uses: where a tensor's data lies, and a new output tensor. Each user adds the
 * parts of `wasm` it needs (batch-norm-kernels.ts, wasm-simd/).
 */
export interface WasmHeapTensors {
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
}

/** True when `backend` has dataIdMap.get and makeOutput (not yet a check of its `wasm`). Pure. */
export function hasHeapTensors(backend: unknown): backend is WasmHeapTensors {
  const b = backend as { dataIdMap?: { get?: unknown }; makeOutput?: unknown } | null;
  return typeof b === 'object' && b !== null && typeof b.makeOutput === 'function' && typeof b.dataIdMap?.get === 'function';
}

/**
 * Byte offset of a tensor's data on the wasm heap. Called inside a kernel; throws Error naming
 * `kernel` when the tensor is not on this backend.
 */
export function heapOffset(backend: WasmHeapTensors, t: TensorInfo, kernel: string): number {
  const data = backend.dataIdMap.get(t.dataId);
  if (data === undefined) throw new Error(`nasctl ${kernel} kernel: a tensor is not on the wasm backend`);
  return data.memoryOffset;
}
