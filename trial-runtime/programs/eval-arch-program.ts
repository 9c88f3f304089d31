import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../../daemon/errors';
import { selectBackend } from '../compute/select-backend';
import { evaluateArchList, readArchList } from '../evaluate/eval-arch-list';
import type { ArchEvaluatorOptions } from '../evaluate/evaluate-arch';
import { loadDataset, type DatasetSpec } from '../data/load-dataset';
import { Batcher } from '../data/batcher';
import { computeChannelStats } from '../data/normalize';
import { createSupernet, type SupernetOptions } from '../supernets/registry';
import { archKey } from '../supernets/arch-key';
import { RolloutsWriter } from '../ranking/rollouts';
import { parseZeroShotSpec } from '../zeroshot/proxy-names';
import { zeroShotScores } from '../zeroshot/zero-shot-scores';
import { runProgram } from './program-errors';

export const EVAL_ARCH_USAGE = `usage: nasctl eval-arch CONFIG ARCHS (--load CKPT_DIR [--load CKPT_DIR2 ...] | --evaluator zeroshot:P1,P2,...) --dump-rollouts OUT

Scores every architecture of ARCHS (a YAML/JSON list of NNI parameter objects, index lists or
architecture strings) and writes one rollout record per architecture and checkpoint to OUT
(read it with \`nasctl rank-eval OUT --gt GROUND_TRUTH\`).

  one-shot (default): each checkpoint is loaded once; BN is recalibrated per architecture,
    then validation accuracy is the score.
  zero-shot: --evaluator zeroshot:synflow,jacob_cov,... scores at initialization (seeds 20,
    2020, 202020 averaged); the first proxy is the score, all are kept as metrics.

CONFIG (YAML), every key optional:
  recalBatches: 200      recalBatchSize: 128   valBatchSize: 200   valBatches: (all)
  bnMode: exact|momentum seed: 0
  dataset: {name: fashion-mnist, root: ..., limit: {train: N, val: N}}   (one-shot: overrides the checkpoint's)
  space: spos-cpu        supernetOptions: {...}                         (zero-shot: the supernet to build)
  zeroShotBatchSize: 64  seeds: [20, 2020, 202020]`;

/** Evaluation options of CONFIG. */
export interface EvalArchConfig extends Partial<ArchEvaluatorOptions> {
  dataset?: Partial<DatasetSpec>;
  space?: string;
  supernetOptions?: SupernetOptions;
  zeroShotBatchSize?: number;
  seeds?: number[];
}

const CONFIG_KEYS = new Set(['recalBatches', 'recalBatchSize', 'valBatchSize', 'valBatches', 'bnMode', 'seed', 'skipBefore', 'dataset', 'space', 'supernetOptions', 'zeroShotBatchSize', 'seeds']);

/** Reads CONFIG; unknown keys are an error naming the key. */
export function readEvalArchConfig(file: string): EvalArchConfig {
  let raw: unknown;
  try {
    raw = parseYaml(fs.readFileSync(file, 'utf8')) ?? {};
  } catch (cause) {
    throw new ConfigError(file, `cannot read the eval-arch config: ${(cause as Error).message}`, { cause });
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(file, 'must be a YAML mapping of evaluation options');
  for (const k of Object.keys(raw)) {
    if (!CONFIG_KEYS.has(k)) throw new ConfigError(`/${k}`, `unknown key in ${file}; valid keys: ${[...CONFIG_KEYS].join(', ')}`);
  }
  return raw as EvalArchConfig;
}

/** Runs `eval-arch` with argv (after the command name). Throws ConfigError etc. on bad input. */
export async function evalArch(argv: readonly string[], log: (line: string) => void): Promise<void> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      load: { type: 'string', multiple: true },
      'dump-rollouts': { type: 'string' },
      evaluator: { type: 'string', default: 'oneshot' },
    },
  });
  if (positionals.length !== 2) throw new ConfigError('/argv', `expected CONFIG and ARCHS, got ${positionals.length} positional argument(s)\n${EVAL_ARCH_USAGE}`);
  const out = values['dump-rollouts'];
  if (!out) throw new ConfigError('--dump-rollouts', `is required: where to write the rollouts\n${EVAL_ARCH_USAGE}`);
  const config = readEvalArchConfig(positionals[0]!);
  const archs = readArchList(positionals[1]!);
  const backend = await selectBackend();
  log(backend.description);
  if (values.evaluator === 'oneshot') {
    const loads = values.load ?? [];
    if (loads.length === 0) throw new ConfigError('--load', `one-shot evaluation needs at least one --load CKPT_DIR (a checkpoint folder or a training folder with latest/)`);
    const options: ArchEvaluatorOptions = {
      recalBatches: config.recalBatches ?? 200,
      recalBatchSize: config.recalBatchSize ?? 128,
      valBatchSize: config.valBatchSize ?? 200,
      ...(config.valBatches === undefined ? {} : { valBatches: config.valBatches }),
      ...(config.bnMode === undefined ? {} : { bnMode: config.bnMode }),
      seed: config.seed ?? 0,
    };
    const records = await evaluateArchList(archs, loads, options, out, config.dataset ? { dataset: config.dataset } : {}, log);
    log(`wrote ${records.length} rollouts (${archs.length} architectures x ${loads.length} checkpoint(s)) to ${out}`);
    return;
  }
  if (!values.evaluator.startsWith('zeroshot:')) throw new ConfigError('--evaluator', `must be 'oneshot' or 'zeroshot:PROXY,...', got '${values.evaluator}'`);
  const proxies = parseZeroShotSpec(values.evaluator);
  if (!config.space) throw new ConfigError('/space', 'zero-shot evaluation needs `space` (and optionally `supernetOptions`) in CONFIG');
  const space = config.space;
  const batch = await zeroShotBatch(config);
  try {
    const scores = zeroShotScores((seed) => createSupernet(space, { ...config.supernetOptions, seed, scope: `zeroshot-${seed}` }), archs, proxies, {
      batch,
      ...(config.seeds === undefined ? {} : { seeds: config.seeds }),
    });
    const keyNet = createSupernet(space, config.supernetOptions ?? {});
    const writer = new RolloutsWriter(out, { space, evaluator: values.evaluator, metric: proxies[0]!, higherIsBetter: true });
    try {
      for (const s of scores) {
        const metrics: Record<string, number> = {};
        for (const [k, v] of Object.entries(s.scores)) metrics[k] = v as number;
        writer.append({ arch: archKey(keyNet, keyNet.parseArch(s.arch)), checkpoint: null, score: metrics[proxies[0]!] ?? NaN, metrics });
      }
    } finally {
      writer.close();
    }
    log(`wrote ${scores.length} zero-shot rollouts (${proxies.join(', ')}) to ${out}`);
  } finally {
    batch.x.dispose();
    batch.labels.dispose();
  }
}

/** One normalized minibatch of training images for data-dependent proxies. */
async function zeroShotBatch(config: EvalArchConfig): Promise<{ x: tf.Tensor4D; labels: tf.Tensor1D }> {
  const size = config.zeroShotBatchSize ?? 64;
  const ds = await loadDataset({ name: 'fashion-mnist', ...config.dataset, limit: { train: Math.max(size, 1000), val: 1 } } as DatasetSpec);
  const batcher = new Batcher(ds.train, ds.shape, { batchSize: size, seed: config.seed ?? 0, normalization: computeChannelStats(ds.train, ds.shape) });
  for await (const b of batcher.epoch(0)) {
    return { x: tf.tensor4d(b.x, [b.size, ...ds.shape]), labels: tf.tensor1d(b.y, 'int32') };
  }
  throw new ConfigError('/dataset', 'the dataset gave no training batch');
}

/** Entry: `node eval-arch-program.js CONFIG ARCHS ...`. */
export async function main(argv: readonly string[]): Promise<void> {
  await runProgram('eval-arch', () => evalArch(argv, (line) => process.stderr.write(`${line}\n`)), async () => undefined);
}

if (require.main === module) void main(process.argv.slice(2));
