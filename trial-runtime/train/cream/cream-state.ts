import type { BoardItem } from './prioritized-board';

/** Strategy state as stored in checkpoint manifests (`extra.strategy.state`). */
export interface CreamStateJson {
  version: 1;
  board: { arch: number[]; prec1: number; flops: number; xSlice: string; pSlice: string }[];
  meta: { weight: string; bias: number; updates: number };
}

/** Float32 values as base64 (exact and compact in JSON). */
export function encodeFloats(a: Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

/** Inverse of {@link encodeFloats}; throws RangeError when the byte count is not a multiple of 4. */
export function decodeFloats(s: string): Float32Array {
  const buf = Buffer.from(s, 'base64');
  if (buf.byteLength % 4 !== 0) throw new RangeError(`float32 data of ${buf.byteLength} bytes is not a multiple of 4`);
  const out = new Float32Array(buf.byteLength / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

/** Serializes the board and meta weights. Pure. */
export function encodeCreamState(board: readonly BoardItem[], meta: { weight: Float32Array; bias: number; updates: number }): CreamStateJson {
  return {
    version: 1,
    board: board.map((b) => ({ arch: [...b.arch], prec1: b.prec1, flops: b.flops, xSlice: encodeFloats(b.xSlice), pSlice: encodeFloats(b.pSlice) })),
    meta: { weight: encodeFloats(meta.weight), bias: meta.bias, updates: meta.updates },
  };
}

/**
 * Parses {@link CreamStateJson}, checking every length against the run (`xLen` floats per
 * x_slice, `pLen` per p_slice, `metaLen` meta weights, `numKeys` choices per arch). Throws Error
 * naming the field on a mismatch (a checkpoint of another configuration).
 */
export function decodeCreamState(raw: Record<string, unknown>, sizes: { xLen: number; pLen: number; metaLen: number; numKeys: number }): { board: BoardItem[]; meta: { weight: Float32Array; bias: number; updates: number } } {
  const s = raw as Partial<CreamStateJson>;
  if (s.version !== 1 || !Array.isArray(s.board) || s.meta === undefined) throw new Error('cream strategy state: expected {version: 1, board, meta}; checkpoint of another nasctl version?');
  const board = s.board.map((b, i) => {
    const xSlice = decodeFloats(b.xSlice);
    const pSlice = decodeFloats(b.pSlice);
    if (b.arch.length !== sizes.numKeys || xSlice.length !== sizes.xLen || pSlice.length !== sizes.pLen) {
      throw new Error(`cream strategy state: board entry ${i} has ${b.arch.length} choices, ${xSlice.length} image and ${pSlice.length} label values; this run needs ${sizes.numKeys}, ${sizes.xLen}, ${sizes.pLen} (other space, slice or dataset)`);
    }
    return { arch: [...b.arch], prec1: b.prec1, flops: b.flops, xSlice, pSlice };
  });
  const weight = decodeFloats(s.meta.weight);
  if (weight.length !== sizes.metaLen) throw new Error(`cream strategy state: meta network has ${weight.length} weights, this run needs ${sizes.metaLen} (numClasses·slice)`);
  return { board, meta: { weight, bias: s.meta.bias, updates: s.meta.updates } };
}
