import { ConfigError } from '../../daemon/errors';
import type { ArchCost, ArchInput, Supernet } from '../supernets/supernet';
import { fisher } from './fisher';
import { gradientSaliency } from './gradient-saliency';
import { grasp } from './grasp';
import { jacobCov } from './jacob-cov';
import { ZERO_SHOT_SEEDS, type ZeroShotProxy } from './proxy-names';
import { reluCount, reluLogdet } from './relu-logdet';
import { synflow } from './synflow';
import type { ZeroShotBatch } from './zero-shot-batch';

/** Creates the supernet with weights initialized from `seed` (called once per seed, disposed after). */
export type SupernetForSeed = (seed: number) => Supernet;

/** Options of {@link zeroShotScores}. */
export interface ZeroShotOptions {
  /** The minibatch for data-dependent proxies (all but synflow, params, flops). */
  batch?: ZeroShotBatch;
  /** Initialization seeds, averaged; default 20, 2020, 202020. Only with a {@link SupernetForSeed}. */
  seeds?: readonly number[];
}

/** Scores of one architecture: the mean over seeds and each seed's value. */
export interface ZeroShotArchScores {
  arch: ArchInput;
  /** Mean over seeds (NaN if any seed gave NaN). Higher is better for every proxy. */
  scores: Partial<Record<ZeroShotProxy, number>>;
  /** Per-seed values in seed order (params / flops: one value). */
  perSeed: Partial<Record<ZeroShotProxy, number[]>>;
}

const DATA_FREE: ReadonlySet<ZeroShotProxy> = new Set(['synflow', 'params', 'flops']);

/** All requested proxies of one arch with the net's current weights. */
function scoreOnce(net: Supernet, arch: ArchInput, proxies: readonly ZeroShotProxy[], batch: ZeroShotBatch | undefined): Partial<Record<ZeroShotProxy, number>> {
  const out: Partial<Record<ZeroShotProxy, number>> = {};
  const data = (): ZeroShotBatch => batch as ZeroShotBatch;
  if (proxies.some((p) => p === 'grad_norm' || p === 'snip' || p === 'plain')) {
    const s = gradientSaliency(net, arch, data());
    for (const p of ['grad_norm', 'snip', 'plain'] as const) if (proxies.includes(p)) out[p] = s[p];
  }
  for (const p of proxies) {
    if (p === 'grasp') out.grasp = grasp(net, arch, data());
    else if (p === 'fisher') out.fisher = fisher(net, arch, data());
    else if (p === 'jacob_cov') out.jacob_cov = jacobCov(net, arch, data());
    else if (p === 'synflow') out.synflow = synflow(net, arch);
    else if (p === 'naswot' || p === 'relu_logdet') out[p] = reluLogdet(net, arch, data());
    else if (p === 'relu') out.relu = reluCount(net, arch, data());
  }
  return out;
}

/**
 * Scores each architecture with each proxy at initialization (ALGORITHMS.md §6), averaging over
 * initialization seeds. Called by eval-arch's zero-shot evaluator and by zero-shot trials.
 *
 * `supernet` is either a factory (called once per seed; each net is disposed after use) or one
 * built supernet scored with its current weights (then `seeds` must not be given). params and
 * flops come from the analytic `cost` (seed-free). The supernet should be built without dropout
 * (the zero-cost networks have none; grasp's finite difference needs a deterministic forward).
 * Throws ConfigError when a data-dependent proxy is asked for without `batch`, or seeds with a
 * built supernet; throws as `parseArch` for an architecture outside the space.
 */
export function zeroShotScores(supernet: Supernet | SupernetForSeed, archs: readonly ArchInput[], proxies: readonly ZeroShotProxy[], options: ZeroShotOptions = {}): ZeroShotArchScores[] {
  const needsData = proxies.filter((p) => !DATA_FREE.has(p));
  if (needsData.length > 0 && options.batch === undefined) {
    throw new ConfigError('/batch', `proxies ${needsData.join(', ')} need a minibatch of training data; pass options.batch (ZC uses 64 random training images)`);
  }
  if (typeof supernet !== 'function' && options.seeds !== undefined) {
    throw new ConfigError('/seeds', 'initialization seeds need a supernet factory (seed => Supernet); a built supernet is scored with its current weights');
  }
  const seeds = typeof supernet === 'function' ? (options.seeds ?? ZERO_SHOT_SEEDS) : [NaN];
  if (seeds.length === 0) throw new ConfigError('/seeds', 'give at least one initialization seed');
  const perSeed: Array<Partial<Record<ZeroShotProxy, number[]>>> = archs.map(() => ({}));
  const trained = proxies.filter((p) => p !== 'params' && p !== 'flops');
  const wantsCost = proxies.includes('params') || proxies.includes('flops');
  const costs: ArchCost[] = [];
  seeds.forEach((seed, s) => {
    const net = typeof supernet === 'function' ? supernet(seed) : supernet;
    try {
      archs.forEach((arch, i) => {
        net.parseArch(arch);
        if (s === 0 && wantsCost) costs[i] = net.cost(arch);
        const values = trained.length > 0 ? scoreOnce(net, arch, trained, options.batch) : {};
        for (const [p, v] of Object.entries(values) as Array<[ZeroShotProxy, number]>) ((perSeed[i] as Record<string, number[]>)[p] ??= []).push(v);
      });
    } finally {
      if (typeof supernet === 'function') net.dispose();
    }
  });
  return archs.map((arch, i) => {
    const runs = perSeed[i] as Partial<Record<ZeroShotProxy, number[]>>;
    const cost = costs[i];
    if (cost !== undefined) {
      if (proxies.includes('params')) runs.params = [cost.params];
      if (proxies.includes('flops')) runs.flops = [cost.flops];
    }
    const scores: Partial<Record<ZeroShotProxy, number>> = {};
    for (const p of proxies) {
      const list = runs[p] ?? [];
      scores[p] = list.reduce((a, b) => a + b, 0) / list.length;
    }
    return { arch, scores, perSeed: runs };
  });
}
