import { ConfigError } from '../../daemon/errors';

/** Zero-shot proxies (ALGORITHMS.md §6.2) plus the trivial `params` and `flops` baselines. */
export const ZERO_SHOT_PROXIES = ['grad_norm', 'snip', 'grasp', 'fisher', 'jacob_cov', 'synflow', 'plain', 'naswot', 'relu_logdet', 'relu', 'params', 'flops'] as const;
export type ZeroShotProxy = (typeof ZERO_SHOT_PROXIES)[number];

/** Initialization seeds of the surgery paper's zero-shot runs (`run_zero_shot.py`). */
export const ZERO_SHOT_SEEDS: readonly number[] = [20, 2020, 202020];

/**
 * Parses an evaluator spec `zeroshot:synflow,jacob_cov` (or just `synflow,jacob_cov`) into
 * proxies, each once, in the given order. Throws ConfigError (path `/evaluator`) naming the
 * unknown proxy and the valid ones.
 */
export function parseZeroShotSpec(spec: string): ZeroShotProxy[] {
  const body = spec.startsWith('zeroshot:') ? spec.slice('zeroshot:'.length) : spec;
  const names = body.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new ConfigError('/evaluator', `'${spec}' names no proxy; e.g. zeroshot:synflow,jacob_cov (valid: ${ZERO_SHOT_PROXIES.join(', ')})`);
  const out: ZeroShotProxy[] = [];
  for (const n of names) {
    if (!(ZERO_SHOT_PROXIES as readonly string[]).includes(n)) throw new ConfigError('/evaluator', `unknown zero-shot proxy '${n}'; valid: ${ZERO_SHOT_PROXIES.join(', ')}`);
    if (!out.includes(n as ZeroShotProxy)) out.push(n as ZeroShotProxy);
  }
  return out;
}
