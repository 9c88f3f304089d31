/**
 * Small dense float64 linear algebra for the zero-shot scores (N x N matrices, N = batch size).
 * Pure; matrices are row-major Float64Arrays.
 */

/** log |det A| of an n x n matrix by LU with partial pivoting (numpy slogdet's logabsdet); -Infinity when singular. */
export function logAbsDet(a: Float64Array, n: number): number {
  const m = Float64Array.from(a);
  let logDet = 0;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c] as number) > Math.abs(m[p * n + c] as number)) p = r;
    const pivot = m[p * n + c] as number;
    if (pivot === 0) return -Infinity;
    if (p !== c) {
      for (let k = 0; k < n; k++) {
        const t = m[c * n + k] as number;
        m[c * n + k] = m[p * n + k] as number;
        m[p * n + k] = t;
      }
    }
    logDet += Math.log(Math.abs(pivot));
    for (let r = c + 1; r < n; r++) {
      const f = (m[r * n + c] as number) / pivot;
      if (f === 0) continue;
      for (let k = c; k < n; k++) m[r * n + k] = (m[r * n + k] as number) - f * (m[c * n + k] as number);
    }
  }
  return logDet;
}

/** Eigenvalues of a symmetric n x n matrix (cyclic Jacobi rotations), ascending. */
export function symmetricEigenvalues(a: Float64Array, n: number): number[] {
  const m = Float64Array.from(a);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += (m[i * n + j] as number) ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q] as number;
        if (Math.abs(apq) < 1e-300) continue;
        const app = m[p * n + p] as number;
        const aqq = m[q * n + q] as number;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = m[k * n + p] as number;
          const akq = m[k * n + q] as number;
          m[k * n + p] = c * akp - s * akq;
          m[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = m[p * n + k] as number;
          const aqk = m[q * n + k] as number;
          m[p * n + k] = c * apk - s * aqk;
          m[q * n + k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Array.from({ length: n }, (_, i) => m[i * n + i] as number).sort((x, y) => x - y);
}

/** Pearson correlation matrix of the n rows (each of length d) of `rows` (numpy corrcoef); NaN rows when a row is constant. */
export function correlationMatrix(rows: Float64Array, n: number, d: number): Float64Array {
  const centred = new Float64Array(n * d);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let mean = 0;
    for (let k = 0; k < d; k++) mean += rows[i * d + k] as number;
    mean /= d;
    let ss = 0;
    for (let k = 0; k < d; k++) {
      const v = (rows[i * d + k] as number) - mean;
      centred[i * d + k] = v;
      ss += v * v;
    }
    norms[i] = Math.sqrt(ss);
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let dot = 0;
      for (let k = 0; k < d; k++) dot += (centred[i * d + k] as number) * (centred[j * d + k] as number);
      const r = dot / ((norms[i] as number) * (norms[j] as number));
      out[i * n + j] = r;
      out[j * n + i] = r;
    }
  }
  return out;
}
