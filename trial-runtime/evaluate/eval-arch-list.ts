import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../daemon/errors';
import type { ArchInput } from '../supernets/supernet';
import { ArchEvaluator, type ArchEvaluatorOptions, type EvaluatorDataOptions } from './evaluate-arch';
import { RolloutsWriter } from '../ranking/rollouts';
import { archKey } from '../supernets/arch-key';

/** One result of {@link evaluateArchList}: an architecture scored with one checkpoint (its rollout line carries the same). */
export interface ArchListResult {
  /** Index of the architecture in the input list. */
  index: number;
  checkpoint: string;
  /** Checkpoint epoch. */
  epoch: number;
  arch: number[];
  accuracy: number;
  accuracyBefore: number;
  loss: number;
  flops: number;
  params: number;
}

/**
 * Reads an architecture list: a YAML or JSON file holding a list (of NNI parameter objects, index
 * lists or architecture strings) or `{archs: [...]}`. Throws ConfigError naming the file when it
 * cannot be read or holds no list.
 */
export function readArchList(file: string): ArchInput[] {
  let raw: unknown;
  try {
    raw = parseYaml(fs.readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new ConfigError(file, `cannot read the architecture list: ${(cause as Error).message}`, { cause });
  }
  const list = Array.isArray(raw) ? raw : raw !== null && typeof raw === 'object' ? (raw as { archs?: unknown }).archs : undefined;
  if (!Array.isArray(list)) throw new ConfigError(file, 'must hold a list of architectures (or {archs: [...]})');
  return list as ArchInput[];
}

/**
 * `nasctl eval-arch CONFIG ARCHS --load CKPT [--load CKPT2 ...] --dump-rollouts OUT`: evaluates every
 * architecture with every checkpoint (each checkpoint loaded once, one after the other, in this
 * process), writing `out` in the rollouts format of trial-runtime/ranking/rollouts.ts (a header,
 * then one JSON line per (architecture, checkpoint) as it goes, so a long run can be followed and
 * an interrupted one keeps its results); `nasctl rank-eval OUT --gt GT` reads it. Returns the records. Throws
 * CheckpointError / DatasetError / ConfigError (an architecture outside the space names its index).
 */
export async function evaluateArchList(archs: readonly ArchInput[], checkpoints: readonly string[], options: ArchEvaluatorOptions, out: string, data: EvaluatorDataOptions = {}, log: (line: string) => void = () => undefined): Promise<ArchListResult[]> {
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  const records: ArchListResult[] = [];
  let writer: RolloutsWriter | undefined;
  try {
    for (const ckpt of checkpoints) {
      const ev = await ArchEvaluator.open(ckpt, options, data);
      writer ??= new RolloutsWriter(out, { space: ev.checkpoint.manifest.space, evaluator: 'oneshot', metric: 'accuracy', higherIsBetter: true });
      try {
        for (let i = 0; i < archs.length; i++) {
          let r;
          try {
            r = await ev.evaluate(archs[i] as ArchInput);
          } catch (cause) {
            if (cause instanceof ConfigError) throw new ConfigError(`archs[${i}]${cause.path}`, cause.message, { cause });
            throw cause;
          }
          const rec: ArchListResult = { index: i, checkpoint: ev.checkpoint.dir, epoch: ev.checkpoint.manifest.epoch, arch: r.arch, accuracy: r.accuracy, accuracyBefore: r.accuracyBefore, loss: r.loss, flops: r.flops, params: r.params };
          writer.append({
            arch: archKey(ev.net, r.arch),
            checkpoint: ev.checkpoint.dir,
            score: r.accuracy,
            metrics: { accuracy: r.accuracy, accuracyBefore: r.accuracyBefore, loss: r.loss, flops: r.flops, params: r.params, epoch: rec.epoch, index: i },
          });
          records.push(rec);
          log(`[${i + 1}/${archs.length}] ${ev.checkpoint.dir}: accuracy ${r.accuracy.toFixed(4)}`);
        }
      } finally {
        ev.dispose();
      }
    }
  } finally {
    writer?.close();
  }
  return records;
}
