import * as path from 'node:path';
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { TfCore } from './tf-core';

/**
 * Why this exists: `@tensorflow/tfjs-core`'s CommonJS bundle (`dist/tf-core.node.js`, what
 * `require` loads) registers NO gradient functions; they ship only as extension-less ES modules
 * (`dist/register_all_gradients.js` importing `./gradients/Abs_grad` ...), which Node's ESM loader
 * cannot resolve as published. The `@tensorflow/tfjs` umbrella package registers them, but nasctl
 * depends on tfjs-core alone. So we import tfjs-core's own gradient modules through a resolve hook
 * that adds the missing `.js`, confined to tfjs-core's dist folder. The ES copy shares the engine
 * and the gradient registry with the CommonJS copy (tfjs keeps both on globalThis, and tensors are
 * recognised across copies), so `tf.grads` then works on every backend.
 */

function hookSource(distUrl: string): string {
  return [
    'export async function resolve(specifier, context, next) {',
    `  const inside = context.parentURL !== undefined && context.parentURL.startsWith(${JSON.stringify(distUrl)});`,
    "  if (inside && specifier.startsWith('.') && !specifier.endsWith('.js')) {",
    "    try { return await next(specifier + '.js', context); } catch { return next(specifier + '/index.js', context); }",
    '  }',
    '  return next(specifier, context);',
    '}',
  ].join('\n');
}

/** Kernels whose gradients must exist after registration (checked, so a silent failure is caught). */
const SENTINELS = ['Conv2D', 'DepthwiseConv2dNative', 'Relu', 'Sum', 'BatchMatMul', 'Concat', 'AvgPool', 'MaxPool'];

/**
 * Called by `selectBackend` once per process before training. Idempotent: returns at once when
 * tfjs' gradients are already registered (e.g. the tfjs-node packages brought `@tensorflow/tfjs`).
 * Assumes Node >= 20.6 (module.register). Takes ~0.3-0.7 s the first time (hundreds of small
 * modules). Throws Error naming the missing gradient when registration did not take effect.
 */
export async function registerCoreGradients(
  tf: TfCore,
  resolvePackageJson: (id: string) => string = (id) => require.resolve(id),
): Promise<void> {
  if (SENTINELS.every((k) => tf.getGradient(k) !== undefined)) return;
  const dist = path.join(path.dirname(resolvePackageJson('@tensorflow/tfjs-core/package.json')), 'dist');
  const distUrl = pathToFileURL(dist + path.sep).href;
  register(`data:text/javascript,${encodeURIComponent(hookSource(distUrl))}`);
  await import(pathToFileURL(path.join(dist, 'register_all_gradients.js')).href);
  const missing = SENTINELS.filter((k) => tf.getGradient(k) === undefined);
  if (missing.length > 0) {
    throw new Error(
      `tfjs-core gradients did not register (missing: ${missing.join(', ')}); two different tfjs-core versions ` +
        'installed? run `npm ls @tensorflow/tfjs-core` and `npm dedupe`',
    );
  }
}
