import * as fs from 'node:fs';
import { ConfigError } from '../../daemon/errors';
import { registerCoreGradients } from './core-gradients';
import { assessGpu } from './gpu-check';
import { BACKEND_CHOICES, BACKEND_ENV_VAR, type BackendChoice, type TfCore } from './tf-core';
import { locateWasmFiles } from './wasm-files';
import { installWasmTrainingKernels } from './wasm-gradients/install';

/** The backend a trial computes on. */
export interface BackendInfo {
  /** Which of nasctl's backend choices loaded. */
  name: BackendChoice;
  /** The tfjs-core module instance whose active backend is `name`. */
  tf: TfCore;
  /** True only when TensorFlow registered a GPU device (never guessed from the package name). */
  gpu: boolean;
  /** Plain-language notes: what was tried and skipped, GPU diagnosis and fixes, kernels installed. */
  notes: string[];
  /** One line for the trial log, e.g. "compute: wasm (tfjs-core 4.22.0, SIMD, 1 thread), GPU: no". */
  description: string;
}

/** Options of `selectBackend`. Everything but `prefer` exists so tests can substitute fakes. */
export interface SelectBackendOptions {
  /** Use exactly this backend; failing to load it is an error, not a fallback. */
  prefer?: BackendChoice;
  /** Environment to read `NASCTL_TF_BACKEND`, `CUDA_VISIBLE_DEVICES` from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Module loader (default `require`), called lazily for each candidate package. */
  load?: (id: string) => unknown;
  /** Whether an NVIDIA driver is present (default: `/proc/driver/nvidia/version` exists). */
  nvidiaDriverPresent?: () => boolean;
}

const PACKAGES: Record<BackendChoice, string> = {
  'node-gpu': '@tensorflow/tfjs-node-gpu',
  node: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

/** The injectable parts of the options, with defaults filled in. */
type Deps = Required<Omit<SelectBackendOptions, 'prefer'>>;

interface Loaded {
  gpu: boolean;
  notes: string[];
  detail: string;
}

function isChoice(value: string): value is BackendChoice {
  return (BACKEND_CHOICES as readonly string[]).includes(value);
}

function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0] ?? text;
}

/** Shape of the native backend object that tfjs-node(-gpu) registers as 'tensorflow'. */
interface NativeBackendFlags {
  isGPUPackage?: unknown;
  isUsingGpuDevice?: unknown;
}

async function activate(tf: TfCore, backendName: string, pkg: string): Promise<void> {
  if (!(backendName in tf.engine().registryFactory)) {
    throw new Error(
      `${pkg} loaded but registered no '${backendName}' backend in this copy of @tensorflow/tfjs-core ` +
        '(two copies installed? run `npm dedupe`)',
    );
  }
  const ok = await tf.setBackend(backendName);
  if (!ok) throw new Error(`backend '${backendName}' from ${pkg} failed to initialize`);
  await tf.ready();
}

async function loadNative(choice: 'node-gpu' | 'node', tf: TfCore, opts: Deps): Promise<Loaded> {
  const pkg = PACKAGES[choice];
  opts.load(pkg);
  await activate(tf, 'tensorflow', pkg);
  const flags = tf.backend() as unknown as NativeBackendFlags;
  const verdict = assessGpu({
    gpuPackage: choice === 'node-gpu' || flags.isGPUPackage === true,
    gpuDeviceRegistered: typeof flags.isUsingGpuDevice === 'boolean' ? flags.isUsingGpuDevice : undefined,
    cudaVisibleDevices: opts.env['CUDA_VISIBLE_DEVICES'],
    nvidiaDriverPresent: opts.nvidiaDriverPresent(),
  });
  return { gpu: verdict.gpu, notes: verdict.notes, detail: 'native libtensorflow' };
}

interface WasmModule {
  setWasmPaths(prefix: string): void;
}

async function loadWasm(tf: TfCore, opts: Deps): Promise<Loaded> {
  const mod = opts.load(PACKAGES.wasm) as Partial<WasmModule>;
  if (typeof mod.setWasmPaths !== 'function') {
    throw new Error(`${PACKAGES.wasm} has no setWasmPaths(): unexpected version, use 4.x`);
  }
  if (!('wasm' in tf.engine().registry)) mod.setWasmPaths(locateWasmFiles());
  await activate(tf, 'wasm', PACKAGES.wasm);
  const installed = installWasmTrainingKernels(tf);
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
  return {
    gpu: false,
    notes: [
      `nasctl training kernels for wasm: ${installed.kernels.join(', ')}`,
      ...(simd ? [] : ['WebAssembly SIMD is unavailable: expect 2-4x slower convolutions']),
    ],
    detail: `${simd ? 'SIMD' : 'no SIMD'}, ${threads ? 'multi-threaded' : '1 thread'}`,
  };
}

async function loadCpu(tf: TfCore, opts: Deps): Promise<Loaded> {
  opts.load(PACKAGES.cpu);
  await activate(tf, 'cpu', PACKAGES.cpu);
  return {
    gpu: false,
    notes: ['plain JavaScript CPU backend: meant for tests; far too slow to train a supernet'],
    detail: 'plain JS',
  };
}

function loadOne(choice: BackendChoice, tf: TfCore, opts: Deps): Promise<Loaded> {
  switch (choice) {
    case 'node-gpu':
    case 'node':
      return loadNative(choice, tf, opts);
    case 'wasm':
      return loadWasm(tf, opts);
    case 'cpu':
      return loadCpu(tf, opts);
  }
}

/**
 * Called once at the start of a trial process, before any tensor is made. Tries, best first,
 * tfjs-node-gpu -> tfjs-node -> tfjs-backend-wasm -> the plain JS CPU backend, each `require`d
 * lazily inside try/catch (the native packages are optional dependencies and often absent).
 * Registers tfjs-core's gradient functions (see core-gradients.ts) so training works.
 * `NASCTL_TF_BACKEND` (node-gpu|node|wasm|cpu) overrides `opts.prefer`. With a preference, only
 * that backend is tried. On wasm it installs nasctl's gradient kernels so training works.
 * Throws ConfigError (path NASCTL_TF_BACKEND) when the variable holds an unknown name, when the
 * preferred backend cannot load (with the reason and how to fix it), or when none loads.
 */
export async function selectBackend(opts: SelectBackendOptions = {}): Promise<BackendInfo> {
  const full: Deps = {
    env: opts.env ?? process.env,
    load: opts.load ?? ((id: string) => require(id) as unknown),
    nvidiaDriverPresent: opts.nvidiaDriverPresent ?? (() => fs.existsSync('/proc/driver/nvidia/version')),
  };
  const fromEnv = full.env[BACKEND_ENV_VAR]?.trim();
  if (fromEnv !== undefined && fromEnv !== '' && !isChoice(fromEnv)) {
    throw new ConfigError(
      BACKEND_ENV_VAR,
      `unknown backend "${fromEnv}"; use one of ${BACKEND_CHOICES.join(', ')} or unset the variable`,
    );
  }
  const forced: BackendChoice | undefined = fromEnv ? (fromEnv as BackendChoice) : opts.prefer;
  const candidates = forced ? [forced] : [...BACKEND_CHOICES];
  const tf = full.load('@tensorflow/tfjs-core') as TfCore;
  const skipped: string[] = [];
  for (const choice of candidates) {
    let loaded: Loaded;
    try {
      loaded = await loadOne(choice, tf, full);
    } catch (cause) {
      const why = `${PACKAGES[choice]} could not be used: ${errorText(cause)}`;
      if (forced) {
        const source = fromEnv ? `${BACKEND_ENV_VAR}=${fromEnv}` : `prefer: '${choice}'`;
        throw new ConfigError(
          BACKEND_ENV_VAR,
          `${source} asks for the '${choice}' backend, but ${why}. ` + fixFor(choice),
          { cause },
        );
      }
      skipped.push(why);
      continue;
    }
    await registerCoreGradients(tf);
    const notes = [...skipped.map((s) => `skipped: ${s}`), ...loaded.notes];
    const description =
      `compute: ${choice} (tfjs-core ${tf.version_core}, ${loaded.detail}), GPU: ${loaded.gpu ? 'yes' : 'no'}` +
      (forced && fromEnv ? ` [${BACKEND_ENV_VAR}]` : '');
    return { name: choice, tf, gpu: loaded.gpu, notes, description };
  }
  throw new ConfigError(BACKEND_ENV_VAR, `no TensorFlow.js backend could load: ${skipped.join('; ')}`);
}

function fixFor(choice: BackendChoice): string {
  switch (choice) {
    case 'node-gpu':
    case 'node':
      return (
        `Install it with \`npm install ${PACKAGES[choice]}@4.22\` (downloads libtensorflow, needs internet), ` +
        `or set ${BACKEND_ENV_VAR}=wasm to train on the always-available WebAssembly backend.`
      );
    case 'wasm':
    case 'cpu':
      return `Reinstall nasctl's dependencies (\`npm install\`), or unset ${BACKEND_ENV_VAR}.`;
  }
}
