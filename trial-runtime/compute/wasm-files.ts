import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../../daemon/errors';

/** The .wasm binaries that `@tensorflow/tfjs-backend-wasm` may ask for (it picks by SIMD/threads support). */
export const WASM_BINARIES: readonly string[] = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
];

/**
 * Finds the folder holding the wasm backend's binaries inside node_modules, so the backend loads
 * them from disk (never from a CDN). Called by `selectBackend` before the wasm backend starts.
 * `resolvePackageJson` defaults to `require.resolve`; tests pass a fake.
 * Returns the folder with a trailing separator, the form `setWasmPaths` expects as a prefix.
 * Throws ConfigError when the package or its binaries are missing (reinstall the package).
 */
export function locateWasmFiles(
  resolvePackageJson: (id: string) => string = (id) => require.resolve(id),
): string {
  let pkgJson: string;
  try {
    pkgJson = resolvePackageJson('@tensorflow/tfjs-backend-wasm/package.json');
  } catch (cause) {
    throw new ConfigError(
      'NASCTL_TF_BACKEND',
      '@tensorflow/tfjs-backend-wasm is not installed; run `npm install` in the nasctl folder',
      { cause },
    );
  }
  const dist = path.join(path.dirname(pkgJson), 'dist');
  const missing = WASM_BINARIES.filter((f) => !fs.existsSync(path.join(dist, f)));
  if (missing.length === WASM_BINARIES.length) {
    throw new ConfigError(
      'NASCTL_TF_BACKEND',
      `no .wasm binaries in ${dist} (looked for ${WASM_BINARIES.join(', ')}); reinstall @tensorflow/tfjs-backend-wasm`,
    );
  }
  return dist + path.sep;
}
