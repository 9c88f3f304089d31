import type { TfCore } from '../tf-core';

/** Zero padding (positive) or cropping (negative) of the two spatial dimensions of an NHWC tensor. */
export interface Padding2D {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** The geometry of one 2-D convolution (NHWC, dilation 1), as the backward kernels need it. */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  /** Padding the forward convolution applied to its input. */
  pad: Padding2D;
}

/** Padding attribute of tfjs convolution kernels. */
export type ConvPad = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];

/**
 * Called by each backward kernel with its attributes. Uses tfjs' own `computeConv2DInfo` so 'same',
 * 'valid', numeric and explicit paddings resolve exactly as in the forward op.
 * Throws Error for NCHW data or dilations other than 1 (tfjs' gradients never produce either).
 */
export function convGeometry(
  tf: TfCore,
  inShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  strides: [number, number] | number,
  pad: ConvPad,
  dimRoundingMode: 'floor' | 'round' | 'ceil' | undefined,
  depthwise: boolean,
  dilations: [number, number] | number = 1,
  dataFormat: 'NHWC' | 'NCHW' = 'NHWC',
): ConvGeometry {
  if (dataFormat !== 'NHWC') {
    throw new Error(`nasctl wasm gradient kernels support NHWC only, got dataFormat '${dataFormat}'`);
  }
  const d = typeof dilations === 'number' ? [dilations, dilations] : dilations;
  if (d[0] !== 1 || d[1] !== 1) {
    throw new Error(`nasctl wasm gradient kernels support dilation 1 only, got [${d.join(', ')}]`);
  }
  const info = tf.backend_util.computeConv2DInfo(inShape, filterShape, strides, 1, pad, dimRoundingMode, depthwise);
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    pad: { top: info.padInfo.top, bottom: info.padInfo.bottom, left: info.padInfo.left, right: info.padInfo.right },
  };
}

/**
 * Input gradient as a stride-1 correlation: pad the stride-dilated output gradient (height
 * (outH-1)*sh+1) by this much, correlate with the flipped filter, and the result has exactly the
 * input's size. Pure. Negative sides mean cropping.
 */
export function inputGradPadding(g: ConvGeometry): Padding2D {
  const top = g.filterHeight - 1 - g.pad.top;
  const left = g.filterWidth - 1 - g.pad.left;
  const dilatedH = (g.outHeight - 1) * g.strideHeight + 1;
  const dilatedW = (g.outWidth - 1) * g.strideWidth + 1;
  return {
    top,
    left,
    bottom: g.inHeight + g.filterHeight - 1 - dilatedH - top,
    right: g.inWidth + g.filterWidth - 1 - dilatedW - left,
  };
}

/**
 * Filter gradient as a correlation of the input with the output gradient dilated by the stride:
 * pad (or crop) the input by this much so that it spans exactly (out-1)*stride+k rows/columns,
 * and the correlation's output is exactly the filter's size. Pure.
 */
export function filterGradPadding(g: ConvGeometry): Padding2D {
  return {
    top: g.pad.top,
    left: g.pad.left,
    bottom: (g.outHeight - 1) * g.strideHeight + g.filterHeight - g.inHeight - g.pad.top,
    right: (g.outWidth - 1) * g.strideWidth + g.filterWidth - g.inWidth - g.pad.left,
  };
}

/** Splits a padding into a crop (non-negative amounts to cut) and a pad (non-negative zeros). Pure. */
export function splitPadding(p: Padding2D): { crop: Padding2D; pad: Padding2D } {
  const neg = (v: number): number => (v < 0 ? -v : 0);
  const pos = (v: number): number => (v > 0 ? v : 0);
  return {
    crop: { top: neg(p.top), bottom: neg(p.bottom), left: neg(p.left), right: neg(p.right) },
    pad: { top: pos(p.top), bottom: pos(p.bottom), left: pos(p.left), right: pos(p.right) },
  };
}

/** A non-negative padding in the explicit form tfjs convolutions accept. Pure. */
export function explicitPad(p: Padding2D): [[number, number], [number, number], [number, number], [number, number]] {
  return [
    [0, 0],
    [p.top, p.bottom],
    [p.left, p.right],
    [0, 0],
  ];
}
