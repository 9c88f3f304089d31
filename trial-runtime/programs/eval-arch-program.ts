import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
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
import type { ArchInput } from '../supernets/supernet';
import { RolloutsWriter, readRolloutsFile, type RolloutRecord, type Rollouts } from '../ranking/rollouts';
import { parseZeroShotSpec, type ZeroShotProxy } from '../zeroshot/proxy-names';
import { zeroShotScores } from '../zeroshot/zero-shot-scores';
import { EVAL_ARCH_DEFAULTS } from './eval-arch-trial';
import { runProgram } from './program-errors';
import { wantsHelp } from './parse-program-args';

export const EVAL_ARCH_USAGE = `usage: nasctl eval-arch CONFIG ARCHS (--load CKPT_DIR [--load CKPT_DIR2 ...] | --evaluator zeroshot:P1,P2,...) --dump-rollouts OUT [--workers N]

Scores every architecture of ARCHS (a YAML/JSON list of NNI parameter objects, index lists or
architecture strings) and writes one rollout record per architecture and checkpoint to OUT
(read it with \`nasctl rank-eval OUT --gt GROUND_TRUTH\`).

  one-shot (default): each checkpoint is loaded once; BN is recalibrated per architecture,
    then validation accuracy is the score.
  zero-shot: --evaluator zeroshot:synflow,jacob_cov,... scores at initialization (seeds 20,
    2020, 202020 averaged); the first proxy is the score, all are kept as metrics.
  --workers N: split the list over N child processes (each loads every checkpoint once); the
    results are merged in input order into OUT, identical to one process. Default: one per GPU
    when @tensorflow/tfjs-node-gpu is installed and CUDA_VISIBLE_DEVICES lists several, else
    min(CPU cores, 4); never more than the architectures.

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
      workers: { type: 'string' },
    },
  });
  if (positionals.length !== 2) throw new ConfigError('/argv', `expected CONFIG and ARCHS, got ${positionals.length} positional argument(s)\n${EVAL_ARCH_USAGE}`);
  const out = values['dump-rollouts'];
  if (!out) throw new ConfigError('--dump-rollouts', `is required: where to write the rollouts\n${EVAL_ARCH_USAGE}`);
  const config = readEvalArchConfig(positionals[0]!);
  const archs = readArchList(positionals[1]!);
  const loads = values.load ?? [];
  // Checked here, before any worker starts, so bad input fails once with one message.
  let zeroShot: { proxies: ZeroShotProxy[]; space: string } | undefined;
  if (values.evaluator === 'oneshot') {
    if (loads.length === 0) throw new ConfigError('--load', `one-shot evaluation needs at least one --load CKPT_DIR (a checkpoint folder or a training folder with latest/)`);
  } else {
    if (!values.evaluator.startsWith('zeroshot:')) throw new ConfigError('--evaluator', `must be 'oneshot' or 'zeroshot:PROXY,...', got '${values.evaluator}'`);
    const proxies = parseZeroShotSpec(values.evaluator);
    if (!config.space) throw new ConfigError('/space', 'zero-shot evaluation needs `space` (and optionally `supernetOptions`) in CONFIG');
    zeroShot = { proxies, space: config.space };
  }
  const plan = planWorkers({ requested: values.workers, archCount: archs.length, cpuCount: os.availableParallelism(), gpuPackage: hasPackage('@tensorflow/tfjs-node-gpu'), cudaVisibleDevices: process.env['CUDA_VISIBLE_DEVICES'] });
  if (plan.length > 1) {
    log(`eval-arch: ${archs.length} architectures over ${plan.length} workers${plan[0]!.device !== undefined ? ' (one per GPU)' : ''}`);
    const merged = await runWorkers(positionals[0]!, archs, plan, { loads, evaluator: values.evaluator }, log);
    const writer = new RolloutsWriter(out, { ...merged.header });
    try {
      for (const r of merged.records) writer.append(r);
    } finally {
      writer.close();
    }
    log(`wrote ${merged.records.length} rollouts (${archs.length} architectures, ${plan.length} workers) to ${out}`);
    return;
  }
  const backend = await selectBackend();
  log(backend.description);
  if (zeroShot === undefined) {
    const records = await evaluateArchList(archs, loads, oneShotOptions(config), out, config.dataset ? { dataset: config.dataset } : {}, log);
    log(`wrote ${records.length} rollouts (${archs.length} architectures x ${loads.length} checkpoint(s)) to ${out}`);
  } else {
    await evalZeroShot(archs, config, zeroShot, values.evaluator, out, log);
  }
}

/** The one-shot evaluator's options: CONFIG over the SPOS tester defaults of the eval-arch trial. */
export function oneShotOptions(config: EvalArchConfig): ArchEvaluatorOptions {
  const d = EVAL_ARCH_DEFAULTS;
  return {
    recalBatches: config.recalBatches ?? d.recalBatches,
    recalBatchSize: config.recalBatchSize ?? d.recalBatchSize,
    valBatchSize: config.valBatchSize ?? d.valBatchSize,
    valBatches: config.valBatches,
    bnMode: config.bnMode ?? d.bnMode,
    seed: config.seed ?? d.seed,
    skipBefore: config.skipBefore,
  };
}

/** Zero-shot scores of every architecture of the list (proxies at initialization, seeds averaged), written as rollouts to `out`. */
async function evalZeroShot(archs: readonly ArchInput[], config: EvalArchConfig, { proxies, space }: { proxies: readonly ZeroShotProxy[]; space: string }, evaluator: string, out: string, log: (line: string) => void): Promise<void> {
  const batch = await zeroShotBatch(config);
  try {
    const scores = zeroShotScores((seed) => createSupernet(space, { ...config.supernetOptions, seed, scope: `zeroshot-${seed}` }), archs, proxies, {
      batch,
      ...(config.seeds === undefined ? {} : { seeds: config.seeds }),
    });
    const keyNet = createSupernet(space, config.supernetOptions ?? {});
    const writer = new RolloutsWriter(out, { space, evaluator, metric: proxies[0]!, higherIsBetter: true });
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

/** One worker of a parallel eval-arch run: its slice [start, end) of the list, and its GPU. */
export interface WorkerSlot {
  start: number;
  end: number;
  /** CUDA_VISIBLE_DEVICES of the worker (GPU runs), else undefined. */
  device?: string;
}

/** What {@link planWorkers} decides from. */
export interface WorkerPlanInput {
  /** `--workers` as given (undefined: the default). */
  requested: string | undefined;
  archCount: number;
  cpuCount: number;
  /** Whether @tensorflow/tfjs-node-gpu can be loaded. */
  gpuPackage: boolean;
  cudaVisibleDevices: string | undefined;
}

/**
 * Splits the list over workers: `requested` (a positive integer) or the default, one per visible
 * GPU when the GPU package is present and CUDA_VISIBLE_DEVICES lists several devices, else
 * min(cpuCount, 4); never more workers than architectures; contiguous slices of nearly equal
 * size in list order. Pure. Throws ConfigError('--workers') for a value that is not a positive integer.
 */
export function planWorkers(o: WorkerPlanInput): WorkerSlot[] {
  let count: number;
  const devices = o.gpuPackage ? (o.cudaVisibleDevices ?? '').split(',').map((d) => d.trim()).filter((d) => d !== '' && d !== '-1') : [];
  if (o.requested !== undefined) {
    if (!/^[1-9][0-9]*$/.test(o.requested.trim())) throw new ConfigError('--workers', `must be a positive integer, got '${o.requested}'`);
    count = Number(o.requested);
  } else {
    count = devices.length > 1 ? devices.length : Math.min(Math.max(1, o.cpuCount), 4);
  }
  count = Math.max(1, Math.min(count, o.archCount));
  const gpu = devices.length > 1;
  const slots: WorkerSlot[] = [];
  for (let w = 0; w < count; w++) {
    const slot: WorkerSlot = { start: Math.floor((w * o.archCount) / count), end: Math.floor(((w + 1) * o.archCount) / count) };
    if (gpu) slot.device = devices[w % devices.length] as string;
    slots.push(slot);
  }
  return slots;
}

/**
 * Merges the rollouts of workers that evaluated consecutive slices of one list into the order a
 * single process writes: checkpoint by checkpoint (first-seen order), then slice by slice.
 * `offsets[w]` is the list index of worker w's first architecture; `metrics.index` (the list
 * index one-shot records carry) is shifted by it. Pure. Throws ConfigError when the workers'
 * headers differ (they ran different evaluations).
 */
export function mergeWorkerRollouts(parts: readonly Rollouts[], offsets: readonly number[]): Rollouts {
  const header = parts[0]?.header;
  if (header === undefined) throw new ConfigError('--workers', 'no worker wrote rollouts');
  for (const p of parts) {
    if (JSON.stringify(p.header) !== JSON.stringify(header)) throw new ConfigError('--workers', `workers wrote different rollouts headers: ${JSON.stringify(p.header)} vs ${JSON.stringify(header)}`);
  }
  const order: Array<string | null> = [];
  for (const p of parts) for (const r of p.records) if (!order.includes(r.checkpoint)) order.push(r.checkpoint);
  const records: RolloutRecord[] = [];
  for (const ckpt of order) {
    parts.forEach((p, w) => {
      for (const r of p.records) {
        if (r.checkpoint !== ckpt) continue;
        const metrics = { ...r.metrics };
        if (typeof metrics['index'] === 'number') metrics['index'] += offsets[w] ?? 0;
        records.push({ ...r, metrics });
      }
    });
  }
  return { header, records };
}

/** Whether a package can be resolved from here (not loaded). */
function hasPackage(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs one child `eval-arch` per slot on its slice (written to a temp file), each writing its own
 * rollouts, waits for all, and merges them. Child output is forwarded to `log` prefixed with the
 * worker number. Throws ConfigError with the child's last stderr lines when one fails (the
 * others are killed). Removes its temp folder.
 */
async function runWorkers(config: string, archs: readonly unknown[], plan: readonly WorkerSlot[], o: { loads: readonly string[]; evaluator: string }, log: (line: string) => void): Promise<Rollouts> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nasctl-eval-arch-'));
  const children: Array<ReturnType<typeof spawn>> = [];
  try {
    const runs = plan.map((slot, w) => {
      const list = path.join(tmp, `archs-${w}.json`);
      const part = path.join(tmp, `rollouts-${w}.jsonl`);
      fs.writeFileSync(list, JSON.stringify(archs.slice(slot.start, slot.end)));
      const args = [__filename, config, list, ...o.loads.flatMap((l) => ['--load', l]), '--evaluator', o.evaluator, '--dump-rollouts', part, '--workers', '1'];
      const env = slot.device === undefined ? process.env : { ...process.env, CUDA_VISIBLE_DEVICES: slot.device };
      const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      let tail = '';
      const forward = (d: Buffer): void => {
        const text = d.toString();
        tail = (tail + text).slice(-2000);
        for (const line of text.split('\n')) if (line.trim() !== '') log(`[worker ${w + 1}/${plan.length}] ${line}`);
      };
      child.stdout!.on('data', forward);
      child.stderr!.on('data', forward);
      return new Promise<string>((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code, signal) => {
          if (code === 0) resolve(part);
          else reject(new ConfigError('--workers', `worker ${w + 1} (architectures ${slot.start}..${slot.end - 1}) ended with ${code ?? signal}: ${tail.trim().split('\n').slice(-5).join(' | ')}`));
        });
      });
    });
    const parts = await Promise.all(runs);
    return mergeWorkerRollouts(parts.map((p) => readRolloutsFile(p)), plan.map((s) => s.start));
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Entry: `node eval-arch-program.js CONFIG ARCHS ...`. */
export async function main(argv: readonly string[]): Promise<void> {
  if (wantsHelp(argv)) {
    process.stdout.write(`${EVAL_ARCH_USAGE}\n`);
    return;
  }
  await runProgram('eval-arch', () => evalArch(argv, (line) => process.stderr.write(`${line}\n`)), async () => undefined);
}

if (require.main === module) void main(process.argv.slice(2));
