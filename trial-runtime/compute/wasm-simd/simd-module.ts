import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { hasHeapTensors, type WasmHeapTensors } from '../wasm-heap';

/** File name of the assembled kernels (scripts/build-wasm.js writes it next to this file's .js). */
export const DEPTHWISE_WASM_FILE = 'depthwise.wasm';

/**
 * The exports of depthwise.wat. Every pointer is a byte offset on the wasm backend's heap; shapes
 * are NHWC with channel multiplier 1, dilation 1, non-negative padding (see the .wat for the math).
 */
export interface DepthwiseSimdExports {
  /** Filter gradient into `out` ([kh, kw, c] f32); `acc` is scratch of kh*kw*c f64, 8-byte aligned. */
  dwFilterGrad(x: number, dy: number, out: number, acc: number, n: number, h: number, w: number, c: number,
    oh: number, ow: number, kh: number, kw: number, sh: number, sw: number, pt: number, pl: number): void;
  /** Input gradient into `dx` ([n, h, w, c] f32). */
  dwInputGrad(dy: number, filter: number, dx: number, n: number, h: number, w: number, c: number,
    oh: number, ow: number, kh: number, kw: number, sh: number, sw: number, pt: number, pl: number): void;
  /** Forward conv into `y` ([n, oh, ow, c] f32), plus `bias` ([c]) when hasBias is 1, ReLU when relu is 1. */
  dwForward(x: number, filter: number, bias: number, y: number, n: number, h: number, w: number, c: number,
    oh: number, ow: number, kh: number, kw: number, sh: number, sw: number, pt: number, pl: number, hasBias: number, relu: number): void;
}

/** The parts of tfjs-backend-wasm's BackendWasm (4.x) the SIMD kernels use. */
export interface WasmHeapBackend extends WasmHeapTensors {
  wasm: { _malloc(bytes: number): number; _free(ptr: number): void };
}

/** A backend whose heap the SIMD module shares, with that module's exports. */
export interface SimdKernels {
  backend: WasmHeapBackend;
  exports: DepthwiseSimdExports;
}

interface CacheEntry {
  memory: WebAssembly.Memory;
  kernels: SimdKernels | undefined;
}

/**
 * Instantiates depthwise.wasm against wasm backends' memories, once per backend instance (compiled
 * once per loader). installWasmTrainingKernels makes one per call (no module-level state);
 * `wasmPath` defaults to the file next to this module's compiled .js.
 */
export class SimdModuleLoader {
  private readonly cache = new WeakMap<object, CacheEntry>();
  private compiled: WebAssembly.Module | null | undefined;

  constructor(private readonly wasmPath: string = path.join(__dirname, DEPTHWISE_WASM_FILE)) {}

  /**
   * Called by a kernel on each call with the active backend. Returns the SIMD kernels bound to the
   * backend's heap, or undefined (the caller then takes its fallback path) when the backend is not
   * tfjs-backend-wasm 4.x with its memory reachable as `wasm.asm.memory`, when the .wasm file is
   * missing (scripts/build-wasm.js not run) or when it does not instantiate. Checks the memory on
   * every call (a cheap property read), so a backend whose memory becomes unreachable falls back.
   * Throws nothing.
   */
  kernelsFor(backend: unknown): SimdKernels | undefined {
    const memory = heapMemory(backend);
    if (memory === undefined) return undefined;
    const key = backend as object;
    const cached = this.cache.get(key);
    if (cached !== undefined && cached.memory === memory) return cached.kernels;
    const kernels = this.instantiate(backend as WasmHeapBackend, memory);
    this.cache.set(key, { memory, kernels });
    return kernels;
  }

  private instantiate(backend: WasmHeapBackend, memory: WebAssembly.Memory): SimdKernels | undefined {
    if (this.compiled === undefined) {
      try {
        this.compiled = new WebAssembly.Module(readFileSync(this.wasmPath));
      } catch {
        this.compiled = null;
      }
    }
    if (this.compiled === null) return undefined;
    try {
      const instance = new WebAssembly.Instance(this.compiled, { env: { memory } });
      return { backend, exports: instance.exports as unknown as DepthwiseSimdExports };
    } catch {
      return undefined;
    }
  }
}

/** The backend's WebAssembly.Memory when it is tfjs-backend-wasm 4.x with the parts we use, else undefined. */
function heapMemory(backend: unknown): WebAssembly.Memory | undefined {
  if (!hasHeapTensors(backend)) return undefined;
  const wasm = (backend as { wasm?: Record<string, unknown> }).wasm;
  if (typeof wasm !== 'object' || wasm === null || typeof wasm['_malloc'] !== 'function' || typeof wasm['_free'] !== 'function') return undefined;
  const asm = wasm['asm'] as { memory?: unknown } | undefined;
  const memory = asm?.memory;
  if (!(memory instanceof WebAssembly.Memory) || memory.buffer instanceof SharedArrayBuffer) return undefined;
  return memory;
}
