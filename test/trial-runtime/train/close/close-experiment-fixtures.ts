import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { createSupernet } from '../../../../trial-runtime/supernets/registry';
import { isCloseSupernet, type CloseSupernet } from '../../../../trial-runtime/supernets/close/close-supernet';
import { parseProgramArgs } from '../../../../trial-runtime/programs/parse-program-args';
import { TRAIN_SUPERNET_DEFAULTS, TRAIN_SUPERNET_KINDS } from '../../../../trial-runtime/programs/train-supernet';
import { createStrategy } from '../../../../trial-runtime/train/strategy-registry';
import { SupernetTrainer } from '../../../../trial-runtime/train/supernet-trainer';

/** Source folder of `experiments/<name>` (tests run from dist/test/trial-runtime/train/close). */
export function experimentDir(name: string): string {
  return path.resolve(__dirname, '..', '..', '..', '..', '..', 'experiments', name);
}

/** The trial program's arguments in config `file` of `dir` (its trialCommand without `node <program>`; quotes stripped). */
export function trialArgv(dir: string, file: string): string[] {
  const c = parseYaml(fs.readFileSync(path.join(dir, file), 'utf8')) as { trialCommand: string };
  const tokens = (c.trialCommand.match(/'[^']*'|\S+/g) ?? []).map((t) => (t.startsWith("'") ? t.slice(1, -1) : t));
  return tokens.slice(2);
}

/** A CLOSE supernet of an experiment at reduced size, at level 2 of a 2-epoch run, with its trainer. */
export interface CloseStepRig {
  net: CloseSupernet;
  /** One training step on `arch` at epoch 1 (the strategy's samplePath first, with a constant rng); returns the loss. */
  step(arch: string): number;
  dispose(): void;
}

/**
 * Builds the experiment's supernet from `supernet.yml`'s arguments with `reduced` supernet options
 * (8x8x1 inputs, 4 classes), its 'close' strategy with clSchedule [1, 2] over 2 epochs, and a
 * trainer on 4 synthetic images, and begins epochs 0 and 1.
 */
export function closeStepRig(dir: string, reduced: Record<string, unknown>): CloseStepRig {
  const o = parseProgramArgs(trialArgv(dir, 'supernet.yml'), TRAIN_SUPERNET_KINDS, TRAIN_SUPERNET_DEFAULTS);
  const net = createSupernet(o.space, { ...o.supernetOptions, ...reduced });
  assert.ok(isCloseSupernet(net));
  const strategy = createStrategy(o.strategy, { net, options: { ...o.strategyOptions, clSchedule: [1, 2] }, epochs: 2, seed: 0, checkpointDir: os.tmpdir(), log: () => undefined });
  assert.ok(strategy);
  const n = 4;
  const split = { size: n, images: Uint8Array.from({ length: n * 64 }, (_, i) => (i * 37) % 256), labels: Uint8Array.from([0, 1, 2, 3]) };
  const trainer = new SupernetTrainer(net, { train: split, val: split, shape: [8, 8, 1] }, {
    epochs: 2, batchSize: n, lr: o.lr, momentum: o.momentum, weightDecay: o.weightDecay, seed: 0, strategy, normalization: null, space: o.space,
    supernetOptions: { ...o.supernetOptions, ...reduced }, backend: 'cpu',
  });
  strategy.beginEpoch?.(0);
  strategy.beginEpoch?.(1);
  const ctx = { epoch: 1, step: 0, globalStep: 0 };
  return {
    net,
    step: (arch) => {
      strategy.samplePath?.({ next: () => 0.5, int: () => 0, normal: () => 0 }, ctx);
      const x = Float32Array.from(split.images, (v) => v / 255);
      return trainer.trainStep(x, Int32Array.from(split.labels), n, net.parseArch(arch), o.lr, ctx)[0];
    },
    dispose: () => {
      trainer.dispose();
      net.dispose();
    },
  };
}
