/**
 * Analytic cost of layers, the hook-counter convention of SPOS and pycls: FLOPs are
 * multiply-accumulates. Pure functions, no tensors.
 */

/** Output size of a conv/pool along one axis: floor((n + 2p - k) / s) + 1. Throws RangeError if < 1. */
export function convOutputSize(n: number, kernelSize: number, stride: number, padding: number): number {
  const out = Math.floor((n + 2 * padding - kernelSize) / stride) + 1;
  if (out < 1) throw new RangeError(`input size ${n} is too small for kernel ${kernelSize} stride ${stride} padding ${padding}`);
  return out;
}

/** Shape of a convolution for cost purposes. */
export interface ConvShape {
  inChannels: number;
  outChannels: number;
  kernelSize: number;
  groups?: number;
  bias?: boolean;
}

/** MACs of a conv producing an `hOut x wOut` map: k*k*(in/groups)*out*hOut*wOut (+ out*hOut*wOut with bias). */
export function convFlops(c: ConvShape, hOut: number, wOut: number): number {
  const g = c.groups ?? 1;
  const macs = c.kernelSize * c.kernelSize * (c.inChannels / g) * c.outChannels * hOut * wOut;
  return macs + (c.bias ? c.outChannels * hOut * wOut : 0);
}

/** Weights of a conv: k*k*(in/groups)*out (+ out with bias). */
export function convParams(c: ConvShape): number {
  const g = c.groups ?? 1;
  return c.kernelSize * c.kernelSize * (c.inChannels / g) * c.outChannels + (c.bias ? c.outChannels : 0);
}

/** MACs of a linear layer: in*out (+ out with bias, the pycls convention). */
export function linearFlops(inFeatures: number, outFeatures: number, bias: boolean): number {
  return inFeatures * outFeatures + (bias ? outFeatures : 0);
}

/** Weights of a linear layer: in*out (+ out with bias). */
export function linearParams(inFeatures: number, outFeatures: number, bias: boolean): number {
  return inFeatures * outFeatures + (bias ? outFeatures : 0);
}
