// Float64 kernels for training: the three matrix products, dense and with a sparse input.
// Row-major matrices; every kernel writes into a caller-owned buffer and allocates nothing.
// When every array lives in the WebAssembly arena (wasm.ts) the SIMD kernels of asm/kernels.ts
// run; otherwise the JavaScript below, which is their reference: each output element sums its
// products in index order, so both paths give the same bits.

import { i32, f64, kernelsFor } from "./wasm";

/** out = a·b.  a: (m, k), b: (k, n) -> out: (m, n) */
export function matmul(a: Float64Array, b: Float64Array, out: Float64Array, m: number, k: number, n: number): void {
  const w = kernelsFor(a, b, out);
  if (w) return w.matmul(a.byteOffset, b.byteOffset, out.byteOffset, m, k, n);
  out.fill(0, 0, m * n);
  for (let i = 0; i < m; i++) {
    const ai = i * k, oi = i * n;
    for (let p = 0; p < k; p++) {
      const s = a[ai + p];
      const bp = p * n;
      for (let j = 0; j < n; j++) out[oi + j] += s * b[bp + j];
    }
  }
}

/** out = aᵀ·b.  a: (k, m), b: (k, n) -> out: (m, n) */
export function matmulAtB(a: Float64Array, b: Float64Array, out: Float64Array, k: number, m: number, n: number): void {
  const w = kernelsFor(a, b, out);
  if (w) return w.matmulAtB(a.byteOffset, b.byteOffset, out.byteOffset, k, m, n);
  out.fill(0, 0, m * n);
  for (let p = 0; p < k; p++) {
    const ap = p * m, bp = p * n;
    for (let i = 0; i < m; i++) {
      const s = a[ap + i];
      const oi = i * n;
      for (let j = 0; j < n; j++) out[oi + j] += s * b[bp + j];
    }
  }
}

/** out = a·bᵀ.  a: (m, k), b: (n, k) -> out: (m, n); scratch: (k·n) for the fast path */
export function matmulABt(
  a: Float64Array, b: Float64Array, out: Float64Array, m: number, k: number, n: number, scratch: Float64Array,
): void {
  const w = kernelsFor(a, b, out, scratch);
  if (w) return w.matmulABt(a.byteOffset, b.byteOffset, out.byteOffset, m, k, n, scratch.byteOffset);
  for (let i = 0; i < m; i++) {
    const ai = i * k;
    for (let j = 0; j < n; j++) {
      const bj = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ai + p] * b[bj + p];
      out[i * n + j] = s;
    }
  }
}

/**
 * Rows of a matrix X stored as X = S + 1·baseᵀ with S sparse (CSR): the entries of a row that
 * differ from their column's base value. Normalised MNIST is ~81 % background, so products with
 * X cost a fifth of the dense ones.
 */
export interface SparseRows {
  readonly rows: number;
  readonly cols: number;
  /** (cols) the value each column takes where S is empty. */
  readonly base: Float64Array;
  /** (rows + 1) row r's entries are [start[r], start[r+1]). */
  readonly start: Int32Array;
  /** (nnz) column of each entry. */
  readonly col: Int32Array;
  /** (nnz) x − base of each entry. */
  readonly val: Float64Array;
}

/** The sparse form of a dense x: (rows, cols) relative to base: (cols). */
export function sparseFromDense(x: Float64Array, rows: number, cols: number, base: Float64Array): SparseRows {
  const start = i32(rows + 1);
  let nnz = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) if (x[r * cols + c] !== base[c]) nnz++;
    start[r + 1] = nnz;
  }
  const col = i32(nnz), val = f64(nnz);
  let e = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = x[r * cols + c];
      if (v !== base[c]) { col[e] = c; val[e] = v - base[c]; e++; }
    }
  }
  const inArena = f64(cols);
  inArena.set(base);
  return { rows, cols, base: inArena, start, col, val };
}

/** The leading arguments of the sparse WebAssembly kernels: the matrix and the row index. */
function sparseArgs(sp: SparseRows, idx: Int32Array | null): [number, number, number, number, number, number] {
  return [sp.base.byteOffset, sp.start.byteOffset, sp.col.byteOffset, sp.val.byteOffset, sp.cols, idx ? idx.byteOffset : 0];
}

/** Row `idx ? idx[from + r] : from + r` of a selection. */
function rowOf(idx: Int32Array | null, from: number, r: number): number {
  return idx ? idx[from + r] : from + r;
}

/**
 * out = X_sel·W = S_sel·W + 1·(baseᵀW) for the selected rows of X.
 * X: (·, k) sparse, w: (k, n) -> out: (count, n); cw: (n) scratch
 */
export function sparseMatmul(
  sp: SparseRows, idx: Int32Array | null, from: number, count: number,
  w: Float64Array, n: number, cw: Float64Array, out: Float64Array,
): void {
  const { base, start, col, val } = sp, k = sp.cols;
  const wk = kernelsFor(base, start, col, val, idx, w, cw, out);
  if (wk) return wk.sparseMatmul(...sparseArgs(sp, idx), from, count, w.byteOffset, n, cw.byteOffset, out.byteOffset);
  cw.fill(0, 0, n);
  for (let p = 0; p < k; p++) {
    const s = base[p], wp = p * n;
    for (let j = 0; j < n; j++) cw[j] += s * w[wp + j];
  }
  for (let r = 0; r < count; r++) {
    const row = rowOf(idx, from, r), o = r * n;
    for (let j = 0; j < n; j++) out[o + j] = cw[j];
    for (let e = start[row], end = start[row + 1]; e < end; e++) {
      const s = val[e], wp = col[e] * n;
      for (let j = 0; j < n; j++) out[o + j] += s * w[wp + j];
    }
  }
}

/**
 * out = X_selᵀ·d = base ⊗ (1ᵀd) + S_selᵀ·d for the selected rows of X.
 * X: (·, k) sparse, d: (count, n) -> out: (k, n); colsum: (n) scratch
 */
export function sparseMatmulAtB(
  sp: SparseRows, idx: Int32Array | null, from: number, count: number,
  d: Float64Array, n: number, colsum: Float64Array, out: Float64Array,
): void {
  const { base, start, col, val } = sp, k = sp.cols;
  const wk = kernelsFor(base, start, col, val, idx, d, colsum, out);
  if (wk) return wk.sparseMatmulAtB(...sparseArgs(sp, idx), from, count, d.byteOffset, n, colsum.byteOffset, out.byteOffset);
  colsum.fill(0, 0, n);
  for (let r = 0; r < count; r++) for (let j = 0; j < n; j++) colsum[j] += d[r * n + j];
  for (let p = 0; p < k; p++) {
    const s = base[p], op = p * n;
    for (let j = 0; j < n; j++) out[op + j] = s * colsum[j];
  }
  for (let r = 0; r < count; r++) {
    const row = rowOf(idx, from, r), dr = r * n;
    for (let e = start[row], end = start[row + 1]; e < end; e++) {
      const s = val[e], op = col[e] * n;
      for (let j = 0; j < n; j++) out[op + j] += s * d[dr + j];
    }
  }
}
