/** The bench networks by name (conv4, spos, spos-sn), for the bench and its worker processes. */
import type { TfCore } from '../../trial-runtime/compute/tf-core';
import { buildConv4, buildSpos, type BenchNet } from './nets';
import { buildSposSupernet } from './supernet-net';

/** Names of the bench nets, in the order the bench runs them. */
export const BENCH_NETS = ['conv4', 'spos', 'spos-sn'] as const;

/** One bench net's name. */
export type BenchNetName = (typeof BENCH_NETS)[number];

/** Builds a bench net on the active backend; throws Error for an unknown name. */
export function buildBenchNet(tf: TfCore, name: string): BenchNet {
  if (name === 'conv4') return buildConv4(tf);
  if (name === 'spos') return buildSpos(tf);
  if (name === 'spos-sn') return buildSposSupernet();
  throw new Error(`unknown bench net '${name}': use one of ${BENCH_NETS.join(', ')}`);
}

/** Frees a bench net (its own dispose, or its variables). */
export function disposeBenchNet(tf: TfCore, net: BenchNet): void {
  if (net.dispose) net.dispose();
  else tf.dispose(net.variables);
}
