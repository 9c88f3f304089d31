/**
 * The type of the `@tensorflow/tfjs-core` module. Compute code receives the module instance as an
 * argument instead of importing it, so that nothing loads on import and the caller decides which
 * copy of tfjs-core (and which backend) is in use.
 */
export type TfCore = typeof import('@tensorflow/tfjs-core');

/** The backends nasctl knows, best first: native CUDA, native CPU, WebAssembly, plain JS. */
export type BackendChoice = 'node-gpu' | 'node' | 'wasm' | 'cpu';

/** Every backend choice, in the order `selectBackend` tries them when none is preferred. */
export const BACKEND_CHOICES: readonly BackendChoice[] = ['node-gpu', 'node', 'wasm', 'cpu'];

/** Environment variable that forces one backend for a trial (overrides any preference in code). */
export const BACKEND_ENV_VAR = 'NASCTL_TF_BACKEND';
