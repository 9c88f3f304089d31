import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../../daemon/errors';
import { selectBackend } from '../compute/select-backend';
import type { DatasetSpec } from '../data/load-dataset';
import { TRIAL_ENV, type TrialParameters } from '../protocol/messages';
import { TrialSdk } from '../sdk/trial-sdk';
import { createSupernet, type SupernetOptions } from '../supernets/registry';
import { ArchEvaluator, type ArchEvalResult, type ArchEvaluatorOptions } from '../evaluate/evaluate-arch';
import type { BnRecalibrationMode } from '../evaluate/recalibrate';
import { readCheckpoint } from '../train/checkpoint';
import { randomArch, readArchArgument } from './arch-argument';
import type { OptionKind } from './option-values';
import { parseProgramArgs } from './parse-program-args';
import { runProgram } from './program-errors';
import { writeSearchSpaceIfRequested } from './ss-gen';
import { datasetLimit } from './train-supernet';

/** Options of the search trial (`--kebab-case` on the command line). */
export interface EvalArchTrialOptions {
  /** Checkpoint folder (epoch_NNN, latest, or the training folder: its latest/). Required. */
  checkpoint: string;
  /** Standalone only: the architecture to evaluate (JSON or file); default a random one. */
  arch?: string;
  recalBatches: number;
  recalBatchSize: number;
  valBatchSize: number;
  valBatches?: number;
  bnMode: BnRecalibrationMode;
  seed: number;
  /** Dataset overrides (default: the dataset recorded in the checkpoint). */
  dataRoot?: string;
  trainLimit?: number;
  valLimit?: number;
  /**
   * A JSON-lines file to append one record per evaluated architecture to ({trialId, arch,
   * parameters, accuracy, ...}); several workers may append to the same file (one write per line).
   */
  results?: string;
}

/** SPOS tester defaults: 200 batches of 128 for recalibration, batches of 200 for validation. */
export const EVAL_ARCH_DEFAULTS: EvalArchTrialOptions = { checkpoint: '', recalBatches: 200, recalBatchSize: 128, valBatchSize: 200, bnMode: 'exact', seed: 0 };

/** Kinds of the options. */
export const EVAL_ARCH_KINDS: Readonly<Record<keyof EvalArchTrialOptions, OptionKind>> = {
  checkpoint: 'string', arch: 'string', recalBatches: 'integer', recalBatchSize: 'integer', valBatchSize: 'integer', valBatches: 'integer',
  bnMode: 'string', seed: 'integer', dataRoot: 'string', trainLimit: 'integer', valLimit: 'integer', results: 'string',
};

/** Evaluator options from program options. */
export function evaluatorOptions(o: EvalArchTrialOptions): ArchEvaluatorOptions {
  if (o.bnMode !== 'exact' && o.bnMode !== 'momentum') throw new ConfigError('--bn-mode', `must be exact or momentum, got '${String(o.bnMode)}'`);
  return { recalBatches: o.recalBatches, recalBatchSize: o.recalBatchSize, valBatchSize: o.valBatchSize, valBatches: o.valBatches, bnMode: o.bnMode, seed: o.seed };
}

/** Opens the evaluator for the options (checkpoint loaded once; dataset overrides applied). */
export function openEvaluator(o: EvalArchTrialOptions): Promise<ArchEvaluator> {
  const dataset: Partial<DatasetSpec> = {};
  if (o.dataRoot !== undefined) dataset.root = o.dataRoot;
  const limit = datasetLimit(o);
  if (limit !== undefined) dataset.limit = limit;
  return ArchEvaluator.open(o.checkpoint, evaluatorOptions(o), { dataset });
}

/** Appends one JSON line to `file` (one write call; O_APPEND keeps concurrent lines whole). */
export function appendResult(file: string, record: Record<string, unknown>): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.appendFileSync(file, JSON.stringify(record) + '\n');
}

/** The final metric of one evaluation: default = accuracy after recalibration. */
export function finalMetric(r: ArchEvalResult): { default: number; [key: string]: number } {
  const m: { default: number; [key: string]: number } = { default: r.accuracy, val_loss: r.loss, flops: r.flops, params: r.params };
  if (Number.isFinite(r.accuracyBefore)) m['acc_before_bn'] = r.accuracyBefore;
  return m;
}

/**
 * The search trial loop: for each architecture nasctl hands out (once in spawn mode, until none
 * is left in reuse mode, once standalone with `--arch` or a random architecture), evaluate it
 * against the evaluator's checkpoint and report: intermediate #1 = accuracy before BN
 * recalibration, intermediate #2 = accuracy after, final = accuracy after (+ loss, FLOPs,
 * params). Returns the results. Throws ConfigError for an architecture outside the space.
 */
export async function evalArchLoop(evaluator: ArchEvaluator, sdk: TrialSdk, o: EvalArchTrialOptions, log: (line: string) => void): Promise<ArchEvalResult[]> {
  const standaloneArch = o.arch !== undefined ? readArchArgument(o.arch) : randomArch(evaluator.net, o.seed);
  const defaults = evaluator.net.toParameters(standaloneArch) as TrialParameters;
  const results: ArchEvalResult[] = [];
  for (;;) {
    const params = await sdk.getNextParameters(defaults);
    if (params === null) break;
    if (Object.keys(params).length === 0) throw new ConfigError('parameters', 'nasctl sent empty parameters; the experiment needs the supernet search space (searchSpaceFile from `nasctl ss_gen`)');
    const r = await evaluator.evaluate(params, (before) => sdk.reportIntermediate(before));
    sdk.reportIntermediate(r.accuracy);
    sdk.reportFinal(finalMetric(r));
    log(`trial ${sdk.getTrialId()}: arch [${r.arch.join(',')}] acc before BN ${r.accuracyBefore.toFixed(4)}, after ${r.accuracy.toFixed(4)}, loss ${r.loss.toFixed(4)}, ${(r.flops / 1e6).toFixed(2)} MFLOPs (${r.seconds.toFixed(1)} s)`);
    results.push(r);
    if (o.results !== undefined) appendResult(o.results, { trialId: sdk.getTrialId(), experimentId: sdk.getExperimentId(), arch: r.arch, parameters: params, ...finalMetric(r), accuracy: r.accuracy, accuracyBefore: r.accuracyBefore });
  }
  return results;
}

/** Entry: ss_gen dry mode, backend, checkpoint loaded once, then {@link evalArchLoop}. */
export async function main(argv: readonly string[], sdk: TrialSdk = new TrialSdk()): Promise<void> {
  await runProgram('eval-arch-trial', async () => {
    const o = parseProgramArgs(argv, EVAL_ARCH_KINDS, EVAL_ARCH_DEFAULTS);
    if (o.checkpoint === '') throw new ConfigError('--checkpoint', 'is required: the folder of a supernet checkpoint (epoch_NNN, latest, or the training folder)');
    if (process.env[TRIAL_ENV.genSearchSpace]) {
      const m = readCheckpoint(o.checkpoint).manifest;
      writeSearchSpaceIfRequested(createSupernet(m.space, m.supernetOptions as SupernetOptions));
      return;
    }
    const backend = await selectBackend();
    process.stdout.write(backend.description + '\n');
    const evaluator = await openEvaluator(o);
    try {
      const m = evaluator.checkpoint.manifest;
      process.stdout.write(`checkpoint ${evaluator.checkpoint.dir}: ${m.space}, epoch ${m.epoch}; ${evaluator.data.train.size} train / ${evaluator.data.val.size} val images\n`);
      await evalArchLoop(evaluator, sdk, o, (l) => void process.stdout.write(l + '\n'));
    } finally {
      evaluator.dispose();
    }
  }, () => sdk.flush());
}

if (require.main === module) void main(process.argv.slice(2));
