import { ConfigError } from '../../daemon/errors';
import type { Supernet } from '../supernets/supernet';
import type { TrainingStrategy } from './training-strategy';
import { createCloseStrategy } from './close/close-strategy';
import { createCreamStrategy } from './cream/cream-strategy';

/** What a strategy factory is given: the built supernet and the run's settings. */
export interface StrategyContext {
  readonly net: Supernet;
  /** `--strategy-options` as parsed JSON (each strategy validates its own keys). */
  readonly options: Record<string, unknown>;
  readonly epochs: number;
  readonly seed: number;
  /** The checkpoint directory, where a strategy may publish files the daemon watches (e.g. Cream's board.json). */
  readonly checkpointDir: string;
  readonly log: (line: string) => void;
}

/** Creates a strategy; throws ConfigError('--strategy-options', ...) for bad options or a supernet it cannot train. */
export type StrategyFactory = (ctx: StrategyContext) => TrainingStrategy;

/** Registered training strategies by name; 'uniform' (plain SPOS) needs no entry. */
const FACTORIES: Readonly<Record<string, StrategyFactory>> = {
  close: createCloseStrategy,
  cream: createCreamStrategy,
};

/** Names accepted by `--strategy`. */
export function strategyNames(): string[] {
  return ['uniform', ...Object.keys(FACTORIES)];
}

/**
 * The strategy `name` for a run, or undefined for 'uniform' (the trainer's plain SPOS). Throws
 * ConfigError naming `--strategy` for an unknown name.
 */
export function createStrategy(name: string, ctx: StrategyContext): TrainingStrategy | undefined {
  if (name === 'uniform') return undefined;
  const factory = FACTORIES[name];
  if (factory === undefined) throw new ConfigError('--strategy', `unknown training strategy '${name}'; use one of ${strategyNames().join(', ')}`);
  return factory(ctx);
}
