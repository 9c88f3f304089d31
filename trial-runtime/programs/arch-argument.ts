import * as fs from 'node:fs';
import { ConfigError } from '../../daemon/errors';
import { createRng } from '../../tuners/rng';
import type { ArchInput, Supernet } from '../supernets/supernet';
import { UniformPathSampler } from '../train/path-sampler';

/**
 * Reads an `--arch` value: inline JSON (NNI parameters object, index list or a space's string
 * form), or the path of a JSON file holding one (e.g. the quickstart's best_arch.json, whose
 * `parameters` or `arch` field is used when present). Throws ConfigError('--arch') when neither.
 */
export function readArchArgument(value: string): ArchInput {
  const text = value.trim();
  let raw: unknown;
  if (text.startsWith('{') || text.startsWith('[') || text.startsWith('"')) {
    try {
      raw = JSON.parse(text);
    } catch (cause) {
      throw new ConfigError('--arch', `is not valid JSON: ${(cause as Error).message}`, { cause });
    }
  } else if (fs.existsSync(text)) {
    try {
      raw = JSON.parse(fs.readFileSync(text, 'utf8'));
    } catch (cause) {
      throw new ConfigError('--arch', `file ${text} is not valid JSON: ${(cause as Error).message}`, { cause });
    }
  } else {
    return text;
  }
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    const o = raw as Record<string, unknown>;
    const inner = o['parameters'] ?? o['arch'];
    if (inner !== undefined) raw = inner;
  }
  if (typeof raw === 'string' || Array.isArray(raw) || (raw !== null && typeof raw === 'object')) return raw as ArchInput;
  throw new ConfigError('--arch', 'must be an NNI parameters object, a list of candidate indices, or an architecture string');
}

/** A uniformly random architecture of `net` from `seed` (standalone runs without --arch). */
export function randomArch(net: Supernet, seed: number): number[] {
  return new UniformPathSampler(net.searchSpace()).sample(createRng(seed, 0xa5c));
}
