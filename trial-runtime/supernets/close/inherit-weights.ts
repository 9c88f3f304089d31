import * as tf from '@tensorflow/tfjs-core';
import type { Module } from '../../nn/module';
import type { WitMode } from './close-supernet';

/**
 * WIT for one pair of same-shaped modules (two GLOW blocks of one cell / stage): every variable
 * of `target`, running BN statistics included, becomes the source's ('copy') or target + source
 * ('add', aw_nas's `init + previous`). Variables are matched by their name relative to each
 * module's path. Throws Error when the two modules do not have the same variables and shapes.
 */
export function inheritWeights(target: Module, source: Module, mode: WitMode): void {
  const rel = (m: Module): Map<string, tf.Variable> => new Map([...m.namedWeights()].map(([k, v]) => [k.slice(m.path.length), v]));
  const t = rel(target);
  const s = rel(source);
  if (t.size !== s.size) throw new Error(`cannot inherit '${target.path}' from '${source.path}': ${t.size} vs ${s.size} variables`);
  tf.tidy(() => {
    for (const [k, tv] of t) {
      const sv = s.get(k);
      if (sv === undefined || sv.shape.join(',') !== tv.shape.join(',')) throw new Error(`cannot inherit '${target.path}${k}' from '${source.path}': no variable of the same shape`);
      tv.assign(mode === 'copy' ? sv.clone() : tf.add(tv, sv));
    }
  });
}
