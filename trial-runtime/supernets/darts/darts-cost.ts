import { convOutputSize } from '../../nn/conv-cost';
import type { ArchCost } from '../supernet';
import { DARTS_OPS, type DartsEdge, type DartsGenotype } from './darts-genotype';

/** Shape of a DARTS network for cost purposes (see DartsOptions). */
export interface DartsShape {
  channels: number;
  layers: number;
  stemMultiplier: number;
  inputSize: number;
  inChannels: number;
  numClasses: number;
}

/** Indices of the reduction cells: layers/3 and 2*layers/3 (DARTS `NetworkCIFAR`). */
export function reductionLayers(layers: number): number[] {
  return [Math.floor(layers / 3), Math.floor((2 * layers) / 3)];
}

/** FLOPs (MACs) and params of one op producing c channels at hw output pixels; cIn = c. */
function opCost(op: string, c: number, hw: number, stride: number): ArchCost {
  const k = op.endsWith('5x5') ? 25 : 9;
  switch (op) {
    case 'sep_conv_3x3':
    case 'sep_conv_5x5':
      return { flops: 2 * (k * c * hw + c * c * hw), params: 2 * (k * c + c * c + 2 * c) };
    case 'dil_conv_3x3':
    case 'dil_conv_5x5':
      return { flops: k * c * hw + c * c * hw, params: k * c + c * c + 2 * c };
    case 'skip_connect':
      return stride === 2 ? { flops: c * c * hw, params: c * c + 2 * c } : { flops: 0, params: 0 };
    case 'max_pool_3x3':
    case 'avg_pool_3x3':
      return { flops: 9 * c * hw, params: 0 };
    default:
      return { flops: 0, params: 0 };
  }
}

/**
 * FLOPs and params of the stand-alone DARTS network of a genotype (the `NetworkCIFAR` of the
 * DARTS paper without auxiliary head or drop path). Conventions: FLOPs = conv and linear MACs
 * (linear + bias), pools k^2 per output element, BN / ReLU free; params = conv weights (no conv
 * biases), affine BN (2 per channel), linear with bias. Every chosen op counts (each of a node's
 * two slots separately), as do both preprocessing layers of every cell. Pure.
 */
export function dartsCost(s: DartsShape, g: DartsGenotype): ArchCost {
  let h = s.inputSize;
  const cStem = s.stemMultiplier * s.channels;
  let flops = 9 * s.inChannels * cStem * h * h;
  let params = 9 * s.inChannels * cStem + 2 * cStem;
  let cPrevPrev = cStem;
  let cPrev = cStem;
  let c = s.channels;
  const reductions = reductionLayers(s.layers);
  for (let layer = 0; layer < s.layers; layer++) {
    const reduction = reductions.includes(layer);
    if (reduction) c *= 2;
    const hw = h * h;
    // preprocess0: FactorizedReduce (two 1x1 s2 convs to c/2) after a reduction, else ReLUConvBN 1x1.
    flops += cPrevPrev * c * hw;
    params += cPrevPrev * c + 2 * c;
    flops += cPrev * c * hw;
    params += cPrev * c + 2 * c;
    const hOut = reduction ? convOutputSize(h, 1, 2, 0) : h;
    const edges: DartsEdge[] = reduction ? g.reduce : g.normal;
    for (const e of edges) {
      const stride = reduction && e.input < 2 ? 2 : 1;
      const cost = opCost(DARTS_OPS[e.op] as string, c, hOut * hOut, stride);
      flops += cost.flops;
      params += cost.params;
    }
    h = hOut;
    cPrevPrev = cPrev;
    cPrev = 4 * c;
  }
  flops += cPrev * s.numClasses + s.numClasses;
  params += cPrev * s.numClasses + s.numClasses;
  return { flops, params };
}
