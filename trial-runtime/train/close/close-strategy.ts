import type * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../../../daemon/errors';
import { createRng } from '../../../tuners/rng';
import { isCloseSupernet, type CloseSupernet, type WitMode } from '../../supernets/close/close-supernet';
import type { StrategyContext } from '../strategy-registry';
import type { StepContext, TrainingStrategy } from '../training-strategy';
import { checkClSchedule, levelAtEpoch, resolveEpochList } from './close-schedule';

/** Salt of the per-step gate stream (Gumbel noise, gate dropout): createRng(seed, GATE_SALT, epoch, step). */
const GATE_SALT = 0xc105e;

/** `--strategy-options` of 'close' (all optional). */
export interface CloseStrategyOptions {
  /** When blocks are added: epochs or fractions of the run (default: the space's, e.g. cl-2468 as fractions [0, 0.2, 0.4, 0.6, 0.8]). */
  clSchedule?: number[];
  /** Epochs (or fractions) at whose start the LR schedule and momentum restart (default [0.4], the released epoch 401 of 1000). */
  lrRestartEpochs?: number[];
  /** WIT: a new block = copy of its parent (default) or aw_nas's init + parent ('add'). */
  witMode?: WitMode;
  /** Gate inheritance of the last gate layer: 'add' (aw_nas reconstruct_inherit, default), 'copy', or 'none'. */
  gateInherit?: WitMode | 'none';
}

const KEYS = new Set(['clSchedule', 'lrRestartEpochs', 'witMode', 'gateInherit']);

/** The state a CLOSE checkpoint records (`extra.strategy.state`). */
export interface CloseStrategyState {
  level: number;
}

/**
 * CLOSE's schedule (ALGORITHMS.md §3.4) as a training strategy: before each epoch the level
 * becomes #{t ∈ clSchedule : t ≤ epoch} (1-based); each new block is initialized from its parent
 * (WIT) and inherits its parent's gate output, unless no step has been trained yet (then the
 * blocks keep their own init); at the epochs of `lrRestartEpochs` the LR schedule and momentum
 * restart. Each step arms the supernet's gate with its own seeded stream (Gumbel noise, gate
 * dropout), so a resumed run repeats the draws; the gate's variables are trained with the path.
 */
export class CloseStrategy implements TrainingStrategy {
  readonly name = 'close';
  private readonly schedule: number[];
  private readonly restarts: Set<number>;
  private readonly witMode: WitMode;
  private readonly gateInherit: WitMode | 'none';

  /** Throws ConfigError('--strategy-options', ...) for bad options. */
  constructor(
    private readonly net: CloseSupernet,
    options: CloseStrategyOptions,
    epochs: number,
    private readonly seed: number,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.schedule = resolveEpochList(options.clSchedule ?? net.defaultClSchedule(), epochs, '--strategy-options/clSchedule');
    checkClSchedule(this.schedule, net.numCurriculums, '--strategy-options/clSchedule');
    this.restarts = new Set(resolveEpochList(options.lrRestartEpochs ?? [0.4], epochs, '--strategy-options/lrRestartEpochs'));
    this.witMode = options.witMode ?? 'copy';
    if (this.witMode !== 'copy' && this.witMode !== 'add') throw new ConfigError('--strategy-options/witMode', `must be 'copy' or 'add', got ${JSON.stringify(this.witMode)}`);
    this.gateInherit = options.gateInherit ?? 'add';
    if (!['copy', 'add', 'none'].includes(this.gateInherit)) throw new ConfigError('--strategy-options/gateInherit', `must be 'add', 'copy' or 'none', got ${JSON.stringify(this.gateInherit)}`);
  }

  /** The resolved schedule (1-based epochs at which blocks are added). */
  get clSchedule(): readonly number[] {
    return this.schedule;
  }

  beginEpoch(epoch: number): { restartLr?: boolean } {
    const target = levelAtEpoch(this.schedule, epoch + 1);
    const current = this.net.level();
    for (let level = current + 1; level <= target; level++) {
      const child = level - 1;
      const parent = this.net.parentBlock(child);
      if (epoch > 0) {
        this.net.inheritBlock(child, parent, this.witMode);
        if (this.gateInherit !== 'none') this.net.inheritGateRow(child, parent, this.gateInherit);
      }
      this.net.setLevel(level);
      this.log(`epoch ${epoch + 1}: add a new global op weight (level ${level}, block ${child}${epoch > 0 ? ` from block ${parent}, WIT ${this.witMode}` : ''})`);
    }
    return { restartLr: this.restarts.has(epoch + 1) };
  }

  samplePath(_rng: unknown, ctx: StepContext): undefined {
    this.net.armGate(createRng(this.seed, GATE_SALT, ctx.epoch, ctx.step));
    return undefined;
  }

  extraVariables(): tf.Variable[] {
    return this.net.level() > 1 ? this.net.gateVariables() : [];
  }

  checkpointState(): Record<string, unknown> {
    const state: CloseStrategyState = { level: this.net.level() };
    return { ...state, clSchedule: this.schedule };
  }

  /** Checks that the restored weights hold the recorded level. Throws Error on a mismatch. */
  restoreState(state: Record<string, unknown>): void {
    const level = state['level'];
    if (typeof level !== 'number' || level !== this.net.level()) {
      throw new Error(`CLOSE checkpoint records level ${JSON.stringify(level)} but its weights hold level ${this.net.level()}; the checkpoint is inconsistent`);
    }
  }
}

/** The 'close' factory of the strategy registry. Throws ConfigError when the supernet is not a CLOSE space or the options are bad. */
export function createCloseStrategy(ctx: StrategyContext): CloseStrategy {
  if (!isCloseSupernet(ctx.net)) {
    throw new ConfigError('--strategy', `'close' needs a CLOSE supernet space (nb201-close, ...), not '${ctx.net.name}'; use --space ${ctx.net.name}-close`);
  }
  for (const k of Object.keys(ctx.options)) {
    if (!KEYS.has(k)) throw new ConfigError(`--strategy-options/${k}`, `unknown option of the 'close' strategy; valid: ${[...KEYS].join(', ')}`);
  }
  return new CloseStrategy(ctx.net, ctx.options as CloseStrategyOptions, ctx.epochs, ctx.seed, ctx.log);
}
