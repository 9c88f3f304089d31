/**
 * The CPU-sized SPOS path of nets.ts, but run through nasctl's own SposSupernet (the layer
 * library trials use): stem 16, stages [32, 64, 128] x 2, last conv 256, 32x32x3 input, 10
 * classes, no dropout, choices SPOS_CHOICES. Its `infer` is the eval-mode forward (BN with running
 * statistics) with conv+BN+ReLU folded into fused kernels; `inferPlain` the same without folding.
 */
import type { Tensor2D, Tensor4D } from '@tensorflow/tfjs-core';
import { SposSupernet } from '../../trial-runtime/supernets/spos/spos-supernet';
import { SPOS_CHOICES, type BenchNet } from './nets';

/** Builds the supernet bench net ('spos-sn'). Assumes the wanted backend is active; call dispose() after. */
export function buildSposSupernet(): BenchNet {
  const net = new SposSupernet({ inputSize: 32, inChannels: 3, numClasses: 10, stemChannels: 16, stageChannels: [32, 64, 128], stageRepeats: [2, 2, 2], lastChannels: 256, dropout: 0, scope: `bench-spos-${process.pid}-${Date.now()}` });
  const arch = [...SPOS_CHOICES];
  const variables = net.variablesForArch(arch);
  return {
    name: 'spos-sn',
    variables,
    forward: (x: Tensor4D): Tensor2D => net.forward(x, arch, { training: true }),
    infer: (x: Tensor4D): Tensor2D => net.forward(x, arch, { training: false, fuse: true }),
    inferPlain: (x: Tensor4D): Tensor2D => net.forward(x, arch, { training: false }),
    dispose: () => net.dispose(),
  };
}
