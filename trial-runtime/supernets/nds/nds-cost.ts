import { convFlops, convParams, linearFlops, linearParams } from '../../nn/conv-cost';
import type { ArchCost } from '../supernet';
import type { NdsArch, NdsResolved } from './nds-space';

/** Stride of stage s: 1 for the first stage, 2 afterwards (pycls CIFAR AnyNet). */
export function ndsStageStride(s: number): number {
  return s === 0 ? 1 : 2;
}

/** Bottleneck width pycls computes: round(w * bot_mul). */
export function bottleneckWidth(w: number, botMul: number): number {
  return Math.round(w * botMul);
}

/**
 * FLOPs (MACs) and params of one NDS architecture as pycls' complexity counter gives them
 * (ALGORITHMS.md §4.5): conv k^2*in*out*h'*w'/g, BN 2w params and no FLOPs, the projection
 * (1x1 conv stride s + BN, present when w_in != w_out or s != 1) at the block's output
 * resolution, GAP free, linear head with bias. ResNeXt-A's stride sits on the 3x3 conv, so its
 * first 1x1 runs at the input resolution. Pure.
 */
export function ndsCost(r: NdsResolved, a: NdsArch): ArchCost {
  let h = r.inputSize;
  let flops = convFlops({ inChannels: r.inChannels, outChannels: r.stemWidth, kernelSize: 3 }, h, h);
  let params = convParams({ inChannels: r.inChannels, outChannels: r.stemWidth, kernelSize: 3 }) + 2 * r.stemWidth;
  let wIn = r.stemWidth;
  for (let s = 0; s < r.numStages; s++) {
    const w = a.widths[s] as number;
    for (let b = 0; b < (a.depths[s] as number); b++) {
      const stride = b === 0 ? ndsStageStride(s) : 1;
      const ho = Math.floor((h - 1) / stride) + 1;
      if (wIn !== w || stride !== 1) {
        flops += convFlops({ inChannels: wIn, outChannels: w, kernelSize: 1 }, ho, ho);
        params += convParams({ inChannels: wIn, outChannels: w, kernelSize: 1 }) + 2 * w;
      }
      if (r.kind === 'resnet') {
        flops += convFlops({ inChannels: wIn, outChannels: w, kernelSize: 3 }, ho, ho) + convFlops({ inChannels: w, outChannels: w, kernelSize: 3 }, ho, ho);
        params += convParams({ inChannels: wIn, outChannels: w, kernelSize: 3 }) + convParams({ inChannels: w, outChannels: w, kernelSize: 3 }) + 4 * w;
      } else {
        const wb = bottleneckWidth(w, a.botMuls[s] as number);
        const g = a.numGroups[s] as number;
        flops += convFlops({ inChannels: wIn, outChannels: wb, kernelSize: 1 }, h, h);
        flops += convFlops({ inChannels: wb, outChannels: wb, kernelSize: 3, groups: g }, ho, ho);
        flops += convFlops({ inChannels: wb, outChannels: w, kernelSize: 1 }, ho, ho);
        params += convParams({ inChannels: wIn, outChannels: wb, kernelSize: 1 }) + convParams({ inChannels: wb, outChannels: wb, kernelSize: 3, groups: g });
        params += convParams({ inChannels: wb, outChannels: w, kernelSize: 1 }) + 4 * wb + 2 * w;
      }
      h = ho;
      wIn = w;
    }
  }
  flops += linearFlops(wIn, r.numClasses, true);
  params += linearParams(wIn, r.numClasses, true);
  return { flops, params };
}
