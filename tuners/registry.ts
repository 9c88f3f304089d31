import type { TunerFactory } from './tuner';
import { randomTunerFactory } from './random-tuner';
import { gridSearchTunerFactory } from './grid-search-tuner';
import { evolutionTunerFactory } from './evolution-tuner';
import { regularizedEvolutionTunerFactory } from './regularized-evolution-tuner';
import { tpeTunerFactory } from './tpe-tuner';
import { prioritizedPathTunerFactory } from './prioritized-path-tuner';

/**
 * Every built-in tuner factory, in a fixed order. Called by the composition root to build the
 * config schema and to resolve `tuner.name`; returns a fresh array, nothing is registered globally.
 */
export function builtinTuners(): TunerFactory[] {
  return [randomTunerFactory, gridSearchTunerFactory, evolutionTunerFactory, regularizedEvolutionTunerFactory, tpeTunerFactory, prioritizedPathTunerFactory];
}

/**
 * The built-in factory whose name matches case-insensitively (NNI-style "random" or "Random"),
 * or undefined. The caller turns undefined into a ConfigError listing `builtinTuners()` names.
 */
export function findTuner(name: string, factories: readonly TunerFactory[] = builtinTuners()): TunerFactory | undefined {
  const n = name.toLowerCase();
  return factories.find((f) => f.name.toLowerCase() === n);
}
