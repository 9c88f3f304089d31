import type { CostModel } from '../../../tuners/search-space';
import { NB201_EDGES, NB201_OPS, edgeKey } from './nb201-arch';

/** Shape of an NB201 network for cost purposes. */
export interface Nb201Shape {
  channels: number;
  cellsPerStage: number;
  inputSize: number;
  inChannels: number;
  numClasses: number;
}

/**
 * Additive cost model of the NB201 network, the convention of the `params_mb_analytic_c10` /
 * `flops_m_analytic_c10` columns of shared/data/nasbench201/nb201_200ep.csv: FLOPs = conv MACs +
 * linear MACs (+bias) + k^2 * output elements per average pool; BN/ReLU free. Params count the
 * stand-alone NB201 network (affine BN: 2 per channel, also in cells). Every non-`none` edge
 * counts, live or not (as the table does). Pure.
 */
export function nb201CostModel(s: Nb201Shape): CostModel {
  const C = s.channels;
  const N = s.cellsPerStage;
  const h0 = s.inputSize;
  const stage = [
    { c: C, h: h0 },
    { c: 2 * C, h: Math.floor((h0 - 1) / 2) + 1 },
    { c: 4 * C, h: Math.floor((Math.floor((h0 - 1) / 2) + 1 - 1) / 2) + 1 },
  ];
  let flops = 9 * s.inChannels * C * h0 * h0;
  let params = 9 * s.inChannels * C + 2 * C;
  for (let r = 0; r < 2; r++) {
    const a = stage[r] as { c: number; h: number };
    const b = stage[r + 1] as { c: number; h: number };
    const hw = b.h * b.h;
    // conv_a 3x3 s2, conv_b 3x3, shortcut avgpool 2x2 (k^2 * out elements) + 1x1 conv.
    flops += 9 * a.c * b.c * hw + 9 * b.c * b.c * hw + 4 * a.c * hw + a.c * b.c * hw;
    params += 9 * a.c * b.c + 2 * b.c + 9 * b.c * b.c + 2 * b.c + a.c * b.c;
  }
  const last = (stage[2] as { c: number }).c;
  params += 2 * last + last * s.numClasses + s.numClasses;
  flops += last * s.numClasses + s.numClasses;
  const perOp = NB201_OPS.map((_op, o) => {
    let f = 0;
    let p = 0;
    for (const { c, h } of stage) {
      const hw = h * h;
      if (o === 2) {
        f += c * c * hw;
        p += c * c + 2 * c;
      } else if (o === 3) {
        f += 9 * c * c * hw;
        p += 9 * c * c + 2 * c;
      } else if (o === 4) {
        f += 9 * c * hw;
      }
    }
    return { flops: f * N, params: p * N };
  });
  const perChoice: CostModel['perChoice'] = {};
  for (const [to, from] of NB201_EDGES) {
    const entry: Record<string, { flops: number; params: number }> = {};
    NB201_OPS.forEach((op, o) => {
      entry[op] = { ...(perOp[o] as { flops: number; params: number }) };
    });
    perChoice[edgeKey(to, from)] = entry;
  }
  return { base: { flops, params }, perChoice };
}
