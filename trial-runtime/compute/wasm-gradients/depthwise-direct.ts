import type { ConvGeometry } from './conv-geometry';

/**
 * Direct (loop) formulations of the two depthwise-convolution gradients, channel multiplier 1,
 * NHWC, dilation 1, any stride and padding. Pure: plain typed arrays in, a new array out.
 *
 * Why loops in JS: the composites on wasm's forward kernels waste work on the shapes of a small
 * supernet. The filter gradient runs as a depthwise conv with an [outH, outW] filter, which wasm
 * runs through its generic kernel at 0.3-1 GFLOP/s; the input gradient of a stride-2 conv
 * correlates an output gradient dilated with zeros, 3/4 of whose taps hit zeros. These loops do
 * exactly the multiply-adds of the forward conv, channels innermost (contiguous), at 1-3 GFLOP/s
 * (bench/compute, `--profile`; docs/compute.md).
 */

/**
 * True for the depthwise convolutions these loops handle in place of the composites: channel
 * multiplier 1 and a stride above 1 in either dimension (at stride 1 wasm's own correlation is
 * faster). Pure.
 */
export function isDirectDepthwise(g: ConvGeometry, multiplier: number): boolean {
  return multiplier === 1 && (g.strideHeight > 1 || g.strideWidth > 1);
}

/**
 * dL/dW of a depthwise conv: `dW[i, j, c] = sum over n, oy, ox of x[n, oy*s - top + i, ox*s - left + j, c] * dy[n, oy, ox, c]`.
 * `x` is [N, H, W, C], `dy` [N, outH, outW, C]; returns [kh, kw, C] values (the filter
 * [kh, kw, C, 1]). Sums in float64. Called by the DepthwiseConv2dNativeBackpropFilter kernel when
 * {@link isDirectDepthwise}; assumes the arrays match `g` (the caller checks shapes).
 */
export function depthwiseFilterGradDirect(x: Float32Array, dy: Float32Array, g: ConvGeometry): Float32Array {
  const { batch: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow, filterHeight: kh, filterWidth: kw } = g;
  const { strideHeight: sh, strideWidth: sw } = g;
  const acc = new Float64Array(kh * kw * c);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const dOff = ((b * oh + oy) * ow + ox) * c;
        for (let i = 0; i < kh; i++) {
          const iy = oy * sh - g.pad.top + i;
          if (iy < 0 || iy >= h) continue;
          for (let j = 0; j < kw; j++) {
            const ix = ox * sw - g.pad.left + j;
            if (ix < 0 || ix >= w) continue;
            const xOff = ((b * h + iy) * w + ix) * c;
            const wOff = (i * kw + j) * c;
            for (let k = 0; k < c; k++) acc[wOff + k] += (x[xOff + k] as number) * (dy[dOff + k] as number);
          }
        }
      }
    }
  }
  return Float32Array.from(acc);
}

/**
 * dL/dx of a depthwise conv: every output-gradient element scattered back through the taps that
 * read it, `dx[n, oy*s - top + i, ox*s - left + j, c] += W[i, j, c] * dy[n, oy, ox, c]`.
 * `filter` is [kh, kw, C] (multiplier 1), `dy` [N, outH, outW, C]; returns [N, H, W, C] values.
 * Called by the DepthwiseConv2dNativeBackpropInput kernel when {@link isDirectDepthwise}; assumes
 * the arrays match `g`.
 */
export function depthwiseInputGradDirect(filter: Float32Array, dy: Float32Array, g: ConvGeometry): Float32Array {
  const { batch: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow, filterHeight: kh, filterWidth: kw } = g;
  const { strideHeight: sh, strideWidth: sw } = g;
  const out = new Float32Array(n * h * w * c);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const dOff = ((b * oh + oy) * ow + ox) * c;
        for (let i = 0; i < kh; i++) {
          const iy = oy * sh - g.pad.top + i;
          if (iy < 0 || iy >= h) continue;
          for (let j = 0; j < kw; j++) {
            const ix = ox * sw - g.pad.left + j;
            if (ix < 0 || ix >= w) continue;
            const xOff = ((b * h + iy) * w + ix) * c;
            const wOff = (i * kw + j) * c;
            for (let k = 0; k < c; k++) out[xOff + k] += (filter[wOff + k] as number) * (dy[dOff + k] as number);
          }
        }
      }
    }
  }
  return out;
}
