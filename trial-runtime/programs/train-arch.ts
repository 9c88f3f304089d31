import { ConfigError } from '../../daemon/errors';
import { selectBackend } from '../compute/select-backend';
import { TrialSdk } from '../sdk/trial-sdk';
import { readArchArgument } from './arch-argument';
import type { OptionKind } from './option-values';
import { formatOptionsUsage, parseProgramArgs, wantsHelp } from './parse-program-args';
import { runProgram } from './program-errors';
import { writeSearchSpaceIfRequested } from './ss-gen';
import { defaultProgress } from '../train/progress';
import { TRAIN_SUPERNET_DEFAULTS, TRAIN_SUPERNET_KINDS, dryRunSupernet, trainSupernet, type TrainSupernetDeps, type TrainSupernetOptions, type TrainSupernetResult } from './train-supernet';

/** Options of `nasctl train-arch`: the supernet-training options plus the architecture. */
export interface TrainArchOptions extends TrainSupernetOptions {
  /** The architecture: inline JSON or a JSON file (e.g. the quickstart's best_arch.json). */
  arch: string;
}

/** Defaults: as supernet training, 10 epochs, checkpoints under `arch-checkpoints`. */
export const TRAIN_ARCH_DEFAULTS: TrainArchOptions = { ...TRAIN_SUPERNET_DEFAULTS, arch: '', epochs: 10, checkpointDir: 'arch-checkpoints', validationPaths: 1 };

/** Kinds of the options. */
export const TRAIN_ARCH_KINDS: Readonly<Record<keyof TrainArchOptions, OptionKind>> = { ...TRAIN_SUPERNET_KINDS, arch: 'string' };

/**
 * Trains one fixed architecture from scratch (SPOS step 3): a fresh supernet of the space in
 * which only the chosen path is ever used, with checkpoints every `saveEvery` epochs, then its
 * accuracy on the test split (val when the dataset has none). Assumes a backend is active.
 * Throws ConfigError for a missing or invalid architecture, and as {@link trainSupernet}.
 */
export function trainArch(o: TrainArchOptions, deps: Omit<TrainSupernetDeps, 'fixedArch'> = {}): Promise<TrainSupernetResult> {
  if (o.arch === '') throw new ConfigError('--arch', 'is required: a JSON architecture or a file holding one (e.g. best_arch.json)');
  return trainSupernet(o, { ...deps, fixedArch: readArchArgument(o.arch) });
}

/** Entry: parses argv, honours ss_gen dry mode, selects the backend, trains, reports the test accuracy as final. */
export async function main(argv: readonly string[], sdk: TrialSdk = new TrialSdk()): Promise<void> {
  if (wantsHelp(argv)) {
    process.stdout.write(`usage: nasctl train-arch --arch ARCH.json --space SPACE [options]\n\nTrains one architecture from scratch (SPOS step 3) and reports its test accuracy. Options (see docs/training.md):\n${formatOptionsUsage(TRAIN_ARCH_KINDS, TRAIN_ARCH_DEFAULTS)}\n`);
    return;
  }
  await runProgram('train-arch', async () => {
    const o = parseProgramArgs(argv, TRAIN_ARCH_KINDS, TRAIN_ARCH_DEFAULTS);
    if (writeSearchSpaceIfRequested(dryRunSupernet(o))) return;
    const backend = await selectBackend();
    process.stdout.write(backend.description + '\n');
    const r = await trainArch(o, {
      progress: defaultProgress(),
      backend: backend.name,
      metrics: { reportIntermediate: (v) => sdk.reportIntermediate(v), reportFinal: () => undefined },
    });
    if (r.test) sdk.reportFinal({ default: r.test.accuracy, test_loss: r.test.loss });
  }, () => sdk.flush());
}

if (require.main === module) void main(process.argv.slice(2));
