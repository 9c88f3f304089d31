/*
 * The trial of a ground-truth experiment: trains architecture number `index` of an architecture
 * list from scratch (train-arch) and reports its test accuracy as the final metric, with its
 * FLOPs, params and training time. `index` comes from the tuner (GridSearch over
 * `index: {_type: choice, _value: [0, 1, ...]}`) or from `--index` standalone. Checkpoints go to
 * `<checkpoint-root>/arch-<index>` and a restarted trial resumes from the latest one
 * (`nasctl resume`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../../daemon/errors';
import { selectBackend } from '../../trial-runtime/compute/select-backend';
import { TrialSdk } from '../../trial-runtime/sdk/trial-sdk';
import type { OptionKind } from '../../trial-runtime/programs/option-values';
import { applyParameters } from '../../trial-runtime/programs/option-values';
import { parseProgramArgs } from '../../trial-runtime/programs/parse-program-args';
import { runProgram } from '../../trial-runtime/programs/program-errors';
import { TRAIN_ARCH_DEFAULTS, TRAIN_ARCH_KINDS, trainArch, type TrainArchOptions } from '../../trial-runtime/programs/train-arch';
import { dryRunSupernet } from '../../trial-runtime/programs/train-supernet';
import { archKey } from '../../trial-runtime/supernets/arch-key';

/** Options: train-arch's plus the list, the index into it and the checkpoint root. */
export interface GroundTruthTrialOptions extends TrainArchOptions {
  archList: string;
  index: number;
  checkpointRoot: string;
}

/** Kinds of the options (CLI and nasctl parameters). */
export const GROUND_TRUTH_TRIAL_KINDS: Readonly<Record<keyof GroundTruthTrialOptions, OptionKind>> = { ...TRAIN_ARCH_KINDS, archList: 'string', index: 'integer', checkpointRoot: 'string' };

/** The trial's defaults (also how the collector reads a config's trialCommand). */
export const GROUND_TRUTH_TRIAL_DEFAULTS: GroundTruthTrialOptions = { ...TRAIN_ARCH_DEFAULTS, archList: '', index: -1, checkpointRoot: 'checkpoints' };

/** Reads a JSON list of architectures (entries are checked by {@link archAt}). Throws ConfigError('--arch-list') when it is unreadable or not a list. */
export function readArchIndexList(file: string): unknown[] {
  let list: unknown;
  try {
    list = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new ConfigError('--arch-list', `cannot read ${file} as JSON: ${(cause as Error).message}`, { cause });
  }
  if (!Array.isArray(list)) throw new ConfigError('--arch-list', `${file} must hold a JSON list of architectures`);
  return list;
}

/**
 * Entry `index` of the JSON list of candidate-index lists in `file` (`list`: that file already
 * read by {@link readArchIndexList}). Throws ConfigError naming the file when it is unreadable,
 * not a list, or `index` is outside it.
 */
export function archAt(file: string, index: number, list: readonly unknown[] = readArchIndexList(file)): number[] {
  if (!Number.isInteger(index) || index < 0 || index >= list.length) throw new ConfigError('--index', `must be in [0, ${list.length - 1}] for ${file}, got ${index}`);
  const arch = list[index] as unknown;
  if (!Array.isArray(arch) || !arch.every((v) => Number.isInteger(v))) throw new ConfigError('--arch-list', `${file}[${index}] is not a list of candidate indices`);
  return arch as number[];
}

/** Entry: options, nasctl parameters, backend, training; the final metric is the test accuracy. */
export async function main(argv: readonly string[], sdk: TrialSdk = new TrialSdk()): Promise<void> {
  await runProgram('ground-truth-trial', async () => {
    let o = parseProgramArgs(argv, GROUND_TRUTH_TRIAL_KINDS, GROUND_TRUTH_TRIAL_DEFAULTS);
    const params = await sdk.getNextParameters();
    if (params !== null) {
      const applied = applyParameters(o, GROUND_TRUTH_TRIAL_KINDS, params);
      o = applied.options;
      if (applied.unknown.length > 0) process.stdout.write(`ground-truth-trial: ignoring unknown parameters ${applied.unknown.join(', ')}\n`);
    }
    if (o.archList === '') throw new ConfigError('--arch-list', 'is required: the JSON list of architectures');
    const arch = archAt(o.archList, o.index);
    const net = dryRunSupernet(o);
    const key = archKey(net, net.parseArch(arch));
    const cost = net.cost(arch);
    net.dispose();
    const backend = await selectBackend();
    process.stdout.write(`${backend.description}\narchitecture ${o.index}: ${key} (${cost.flops} FLOPs, ${cost.params} params)\n`);
    const started = Date.now();
    const r = await trainArch({ ...o, arch: JSON.stringify(arch), checkpointDir: path.join(o.checkpointRoot, `arch-${o.index}`), resume: o.resume ?? 'auto' }, {
      backend: backend.name,
      metrics: { reportIntermediate: (v) => sdk.reportIntermediate(v), reportFinal: () => undefined },
    });
    if (r.test === undefined) throw new ConfigError('--dataset', 'training gave no test accuracy');
    sdk.reportFinal({ default: r.test.accuracy, test_loss: r.test.loss, index: o.index, flops: cost.flops, params: cost.params, seconds: (Date.now() - started) / 1000 });
  }, () => sdk.flush());
}

if (require.main === module) void main(process.argv.slice(2));
