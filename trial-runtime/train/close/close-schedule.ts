import { ConfigError } from '../../../daemon/errors';

/**
 * Reads a list of epochs given either as 1-based epochs (integers >= 1) or as fractions of the
 * run (numbers in [0, 1): fraction f means the start of epoch ⌊f · epochs⌋ + 1, so cl-2468's
 * [1, 201, 401, 601, 801] of 1000 epochs is [0, 0.2, 0.4, 0.6, 0.8]). A list must be all one
 * kind. Returns sorted 1-based epochs. Throws ConfigError naming `where` for a mixed or bad list.
 */
export function resolveEpochList(raw: unknown, epochs: number, where: string): number[] {
  if (!Array.isArray(raw) || !raw.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0)) {
    throw new ConfigError(where, `must be a list of epochs (integers >= 1) or of fractions of the run in [0, 1), got ${JSON.stringify(raw)}`);
  }
  const list = raw as number[];
  const fractions = list.every((v) => v < 1);
  const ints = list.every((v) => Number.isInteger(v) && v >= 1);
  if (list.length > 0 && !fractions && !ints) {
    throw new ConfigError(where, `mixes epochs and fractions: ${JSON.stringify(list)}; give all as epochs (1, 201, ...) or all as fractions (0, 0.2, ...)`);
  }
  return list.map((v) => (fractions ? Math.floor(v * epochs) + 1 : v)).sort((a, b) => a - b);
}

/** CLOSE level at 1-based `epoch` (§3.4): `#{t ∈ schedule : t ≤ epoch}`. Pure. */
export function levelAtEpoch(schedule: readonly number[], epoch: number): number {
  return schedule.filter((t) => t <= epoch).length;
}

/**
 * Validates a resolved curriculum schedule against the supernet: at most `numCurriculums`
 * entries, the first at epoch 1 (a supernet always has one active block). Throws ConfigError.
 */
export function checkClSchedule(schedule: readonly number[], numCurriculums: number, where: string): void {
  if (schedule.length === 0) throw new ConfigError(where, 'must not be empty; its first entry is epoch 1 (fraction 0)');
  if (schedule[0] !== 1) throw new ConfigError(where, `must start at epoch 1 (fraction 0), got ${JSON.stringify(schedule)}: the first GLOW block is active from the start`);
  if (schedule.length > numCurriculums) {
    throw new ConfigError(where, `has ${schedule.length} entries but the supernet has numCurriculums = ${numCurriculums}; shorten it or raise numCurriculums in --supernet-options`);
  }
}
