/**
 * Per-channel normalization: value = (pixel / 255 - mean[c]) / std[c]. Statistics are on the
 * [0, 1] scale, computed from a training split or given (e.g. the usual ImageNet constants).
 */
import type { ImageShape, ImageSplit } from './dataset';

/** Per-channel mean and standard deviation on the [0, 1] pixel scale; one entry per channel. */
export interface ChannelStats {
  mean: number[];
  std: number[];
}

/** The customary ImageNet statistics (RGB), for folder datasets when computing them is too costly. */
export const IMAGENET_STATS: ChannelStats = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

/**
 * Computes the per-channel mean and (population) standard deviation of a split's pixels, scaled to
 * [0, 1]. One pass over the images; called once per trial on the training split. A channel with
 * zero variance gets std 1 so that normalizing never divides by zero. Throws RangeError on an
 * empty split.
 */
export function computeChannelStats(split: ImageSplit, shape: ImageShape): ChannelStats {
  const c = shape[2];
  if (split.size === 0) throw new RangeError('cannot compute channel statistics of an empty split');
  const sum = new Float64Array(c);
  const sumSq = new Float64Array(c);
  const images = split.images;
  const n = split.size * shape[0] * shape[1] * c;
  // A per-channel histogram first: exact (integer counts) and one cheap pass over the pixels.
  const hist = new Float64Array(256 * c);
  for (let i = 0; i < n; i += c) {
    for (let ch = 0; ch < c; ch++) hist[ch * 256 + images[i + ch]]++;
  }
  for (let ch = 0; ch < c; ch++) {
    for (let v = 0; v < 256; v++) {
      const k = hist[ch * 256 + v];
      sum[ch] += k * v;
      sumSq[ch] += k * v * v;
    }
  }
  const count = n / c;
  const mean: number[] = [];
  const std: number[] = [];
  for (let ch = 0; ch < c; ch++) {
    const m = sum[ch] / count;
    const variance = Math.max(0, sumSq[ch] / count - m * m);
    mean.push(m / 255);
    const s = Math.sqrt(variance) / 255;
    std.push(s > 0 ? s : 1);
  }
  return { mean, std };
}

/**
 * Builds a lookup table: entry [c * 256 + v] is the normalized value of pixel value v in channel
 * c. The batcher normalizes with it (one table read per value). Throws RangeError when the stats
 * do not have one positive std per channel.
 */
export function normalizationTable(stats: ChannelStats, channels: number): Float32Array {
  if (stats.mean.length !== channels || stats.std.length !== channels) {
    throw new RangeError(
      `normalization statistics have ${stats.mean.length} means and ${stats.std.length} stds, expected ${channels} (one per channel)`,
    );
  }
  const table = new Float32Array(256 * channels);
  for (let ch = 0; ch < channels; ch++) {
    const s = stats.std[ch];
    if (!(s > 0)) throw new RangeError(`normalization std of channel ${ch} must be positive, got ${s}`);
    for (let v = 0; v < 256; v++) table[ch * 256 + v] = (v / 255 - stats.mean[ch]) / s;
  }
  return table;
}

/** Identity-like table that only scales to [0, 1] (normalization disabled). */
export function scaleOnlyTable(channels: number): Float32Array {
  const table = new Float32Array(256 * channels);
  for (let ch = 0; ch < channels; ch++) for (let v = 0; v < 256; v++) table[ch * 256 + v] = v / 255;
  return table;
}
