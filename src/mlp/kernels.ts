// Float64 kernels for training: the three matrix products, dense and with a sparse input.
// Row-major matrices; every kernel writes into a caller-owned buffer and allocates nothing.
// When every array lives in the arena (wasm.ts) the SIMD kernels run (native/kernels.c when built,
// else asm/kernels.ts: the same bits); otherwise the JavaScript below, which is their reference:
// each output element sums its products in index order, so every path gives the same bits.

import { i32, f64, kernelsFor, mark, release } from "./wasm";

/**
 * out = a·b.  a: (m, k), b: (k, n) -> out: (m, n)
 * skip: null, or (2k) scratch with which the fast path leaves out the p where a's rows are zero
 * (ReLU's activations): the same bits when b is finite (a sum that starts at +0 is never −0, so
 * adding 0·b = ±0 changes nothing); with a non-finite b it does not skip.
 */
export function matmul(
  a: Float64Array,
  b: Float64Array,
  out: Float64Array,
  m: number,
  k: number,
  n: number,
  skip: Int32Array | null = null,
): void {
  checkSkip(skip, k);
  const w = kernelsFor(a, b, out, skip);
  if (w) return w.matmul(a.byteOffset, b.byteOffset, out.byteOffset, m, k, n, skip ? skip.byteOffset : 0);
  out.fill(0, 0, m * n);
  for (let i = 0; i < m; i++) {
    const ai = i * k,
      oi = i * n;
    for (let p = 0; p < k; p++) {
      const s = a[ai + p];
      const bp = p * n;
      for (let j = 0; j < n; j++) out[oi + j] += s * b[bp + j];
    }
  }
}

function checkSkip(skip: Int32Array | null, k: number): void {
  if (skip && skip.length < 2 * k) throw new Error(`skip scratch of ${skip.length}: ${2 * k} needed`);
}

/** out = aᵀ·b.  a: (k, m), b: (k, n) -> out: (m, n); skip as matmul's: (2k), the p where a's columns are zero */
export function matmulAtB(
  a: Float64Array,
  b: Float64Array,
  out: Float64Array,
  k: number,
  m: number,
  n: number,
  skip: Int32Array | null = null,
): void {
  checkSkip(skip, k);
  const w = kernelsFor(a, b, out, skip);
  if (w) return w.matmulAtB(a.byteOffset, b.byteOffset, out.byteOffset, k, m, n, skip ? skip.byteOffset : 0);
  out.fill(0, 0, m * n);
  for (let p = 0; p < k; p++) {
    const ap = p * m,
      bp = p * n;
    for (let i = 0; i < m; i++) {
      const s = a[ap + i];
      const oi = i * n;
      for (let j = 0; j < n; j++) out[oi + j] += s * b[bp + j];
    }
  }
}

/** out = a·bᵀ.  a: (m, k), b: (n, k) -> out: (m, n); scratch: (k·n) for the fast path; skip as matmul's: (2k) */
export function matmulABt(
  a: Float64Array,
  b: Float64Array,
  out: Float64Array,
  m: number,
  k: number,
  n: number,
  scratch: Float64Array,
  skip: Int32Array | null = null,
): void {
  checkSkip(skip, k);
  const w = kernelsFor(a, b, out, scratch, skip);
  if (w) return w.matmulABt(a.byteOffset, b.byteOffset, out.byteOffset, m, k, n, scratch.byteOffset, skip ? skip.byteOffset : 0);
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
  const col = i32(nnz),
    val = f64(nnz);
  let e = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = x[r * cols + c];
      if (v !== base[c]) {
        col[e] = c;
        val[e] = v - base[c];
        e++;
      }
    }
  }
  const inArena = f64(cols);
  inArena.set(base);
  return { rows, cols, base: inArena, start, col, val };
}

/**
 * The sparse form of `rows` rows built `blockRows` at a time by makeBlock(from, count), each
 * block's arena memory given back before the next, so that the dense rows (126 MB for 20 000
 * MNIST images) never exist whole. Every block must share the base. makeBlock runs twice per
 * block: to count the entries, then to copy them.
 */
export function sparseFromBlocks(
  rows: number,
  cols: number,
  blockRows: number,
  makeBlock: (from: number, count: number) => SparseRows,
): SparseRows {
  let nnz = 0;
  for (let from = 0; from < rows; from += blockRows) {
    const m = mark();
    nnz += makeBlock(from, Math.min(blockRows, rows - from)).val.length;
    release(m);
  }
  const base = f64(cols),
    start = i32(rows + 1),
    col = i32(nnz),
    val = f64(nnz);
  let at = 0;
  for (let from = 0; from < rows; from += blockRows) {
    const m = mark();
    const b = makeBlock(from, Math.min(blockRows, rows - from));
    if (b.cols !== cols || b.rows !== Math.min(blockRows, rows - from))
      throw new Error(`sparseFromBlocks: a block of (${b.rows}, ${b.cols})`);
    if (from === 0) base.set(b.base);
    for (let r = 0; r < b.rows; r++) start[from + r + 1] = at + b.start[r + 1];
    col.set(b.col, at);
    val.set(b.val, at);
    at += b.val.length;
    release(m);
  }
  return { rows, cols, base, start, col, val };
}

/** The leading arguments of the sparse arena kernels (C or WebAssembly): the matrix and the row index. */
function sparseArgs(sp: SparseRows, idx: Int32Array | null): [number, number, number, number, number, number] {
  return [sp.base.byteOffset, sp.start.byteOffset, sp.col.byteOffset, sp.val.byteOffset, sp.cols, idx ? idx.byteOffset : 0];
}

/** out = base + d ⊗ w: out[i, j] = base[i, j] + d[i]·w[j].  base, out: (m, n), d: (m), w: (n) */
export function addOuter(base: Float64Array, d: Float64Array, w: Float64Array, out: Float64Array, m: number, n: number): void {
  const wk = kernelsFor(base, d, w, out);
  if (wk) return wk.addOuter(base.byteOffset, d.byteOffset, w.byteOffset, out.byteOffset, m, n);
  for (let i = 0; i < m; i++) {
    const di = d[i],
      o = i * n;
    for (let j = 0; j < n; j++) out[o + j] = base[o + j] + di * w[j];
  }
}

/** Row `idx ? idx[from + r] : from + r` of a selection. */
function rowOf(idx: Int32Array | null, from: number, r: number): number {
  return idx ? idx[from + r] : from + r;
}

/** cw = baseᵀ·w, each cw[j] summed over p in order from 0.  base: (k), w: (k, n) -> cw: (n) */
export function baseTimes(base: Float64Array, k: number, w: Float64Array, n: number, cw: Float64Array): void {
  const wk = kernelsFor(base, w, cw);
  if (wk) return wk.baseTimes(base.byteOffset, k, w.byteOffset, n, cw.byteOffset);
  cw.fill(0, 0, n);
  for (let p = 0; p < k; p++) {
    const s = base[p],
      wp = p * n;
    for (let j = 0; j < n; j++) cw[j] += s * w[wp + j];
  }
}

/**
 * out = X_sel·W = S_sel·W + 1·(baseᵀW) for the selected rows of X.
 * X: (·, k) sparse, w: (k, n) -> out: (count, n); cw: (n) scratch, or baseᵀW already when
 * `haveCw` (baseTimes() for these weights: evaluation computes it once for all its chunks).
 */
export function sparseMatmul(
  sp: SparseRows,
  idx: Int32Array | null,
  from: number,
  count: number,
  w: Float64Array,
  n: number,
  cw: Float64Array,
  out: Float64Array,
  haveCw = false,
): void {
  const { base, start, col, val } = sp,
    k = sp.cols;
  const wk = kernelsFor(base, start, col, val, idx, w, cw, out);
  if (wk) {
    return wk.sparseMatmul(...sparseArgs(sp, idx), from, count, w.byteOffset, n, cw.byteOffset, out.byteOffset, haveCw ? 1 : 0);
  }
  if (!haveCw) baseTimes(base, k, w, n, cw);
  for (let r = 0; r < count; r++) {
    const row = rowOf(idx, from, r),
      o = r * n;
    for (let j = 0; j < n; j++) out[o + j] = cw[j];
    for (let e = start[row], end = start[row + 1]; e < end; e++) {
      const s = val[e],
        wp = col[e] * n;
      for (let j = 0; j < n; j++) out[o + j] += s * w[wp + j];
    }
  }
}

/**
 * out = X_selᵀ·d = base ⊗ (1ᵀd) + S_selᵀ·d for the selected rows of X.
 * X: (·, k) sparse, d: (count, n) -> out: (k, n); colsum: (n) scratch
 */
export function sparseMatmulAtB(
  sp: SparseRows,
  idx: Int32Array | null,
  from: number,
  count: number,
  d: Float64Array,
  n: number,
  colsum: Float64Array,
  out: Float64Array,
): void {
  const { base, start, col, val } = sp,
    k = sp.cols;
  const wk = kernelsFor(base, start, col, val, idx, d, colsum, out);
  if (wk) return wk.sparseMatmulAtB(...sparseArgs(sp, idx), from, count, d.byteOffset, n, colsum.byteOffset, out.byteOffset);
  colsum.fill(0, 0, n);
  for (let r = 0; r < count; r++) for (let j = 0; j < n; j++) colsum[j] += d[r * n + j];
  for (let p = 0; p < k; p++) {
    const s = base[p],
      op = p * n;
    for (let j = 0; j < n; j++) out[op + j] = s * colsum[j];
  }
  for (let r = 0; r < count; r++) {
    const row = rowOf(idx, from, r),
      dr = r * n;
    for (let e = start[row], end = start[row + 1]; e < end; e++) {
      const s = val[e],
        op = col[e] * n;
      for (let j = 0; j < n; j++) out[op + j] += s * d[dr + j];
    }
  }
}

/**
 * A batch's rows of a sparse X grouped by column, rows in order: column c has count[c] entries,
 * their rows (0 … batch − 1) at rows[c·cap …] and values at vals[c·cap …]. The first layer's
 * gradient step walks X's columns, so its gradient need not be stored (sparseGradientStep).
 */
export interface SparseColumns {
  readonly cols: number;
  /** Rows per batch at most. */
  readonly cap: number;
  /** (cols) */
  readonly count: Int32Array;
  /** (cols·cap) */
  readonly rows: Int32Array;
  /** (cols·cap) */
  readonly vals: Float64Array;
}

export function createSparseColumns(cols: number, cap: number): SparseColumns {
  return { cols, cap, count: i32(cols), rows: i32(cols * cap), vals: f64(cols * cap) };
}

/** Group the selected rows of sp by column into out (a counting sort).  X: (·, k) sparse, count ≤ out.cap */
export function sparseColumns(sp: SparseRows, idx: Int32Array | null, from: number, count: number, out: SparseColumns): void {
  const { start, col, val } = sp,
    cap = out.cap;
  if (count > cap || out.cols !== sp.cols) throw new Error(`sparseColumns: ${count} rows of ${sp.cols} columns into (${out.cols}, ${cap})`);
  const wk = kernelsFor(start, col, val, idx, out.count, out.rows, out.vals);
  if (wk) {
    return wk.sparseColumns(
      start.byteOffset,
      col.byteOffset,
      val.byteOffset,
      sp.cols,
      idx ? idx.byteOffset : 0,
      from,
      count,
      cap,
      out.count.byteOffset,
      out.rows.byteOffset,
      out.vals.byteOffset,
    );
  }
  out.count.fill(0);
  for (let r = 0; r < count; r++) {
    const row = rowOf(idx, from, r);
    for (let e = start[row], end = start[row + 1]; e < end; e++) {
      const c = col[e],
        at = c * cap + out.count[c]++;
      out.rows[at] = r;
      out.vals[at] = val[e];
    }
  }
}

/**
 * The first layer's update, its gradient never stored: G = X_selᵀ·d = base ⊗ (1ᵀd) + S_selᵀ·d,
 * each element summed as sparseMatmulAtB() sums it, then w ← w − lr·G (v null: plain SGD) or
 * v ← G + γ·v; w ← w − lr·v, as sgdStep() does: the same bits as those two, without the (k, n)
 * gradient's memory traffic.  X_sel: cs (sparseColumns of `count` rows), d: (count, n),
 * w, v: (k, n); colsum: (n) scratch
 */
export function sparseGradientStep(
  base: Float64Array,
  cs: SparseColumns,
  count: number,
  d: Float64Array,
  n: number,
  colsum: Float64Array,
  w: Float64Array,
  v: Float64Array | null,
  lr: number,
  gamma: number,
): void {
  const k = cs.cols,
    cap = cs.cap;
  const wk = kernelsFor(base, cs.count, cs.rows, cs.vals, d, colsum, w, v);
  if (wk) {
    return wk.sparseGradientStep(
      base.byteOffset,
      k,
      cap,
      cs.count.byteOffset,
      cs.rows.byteOffset,
      cs.vals.byteOffset,
      count,
      d.byteOffset,
      n,
      colsum.byteOffset,
      w.byteOffset,
      v ? v.byteOffset : 0,
      lr,
      gamma,
    );
  }
  colsum.fill(0, 0, n);
  for (let r = 0; r < count; r++) for (let j = 0; j < n; j++) colsum[j] += d[r * n + j];
  for (let p = 0; p < k; p++) {
    const at = p * cap,
      end = at + cs.count[p],
      wp = p * n;
    for (let j = 0; j < n; j++) {
      let g = base[p] * colsum[j];
      for (let e = at; e < end; e++) g += cs.vals[e] * d[cs.rows[e] * n + j];
      if (v) {
        v[wp + j] = g + gamma * v[wp + j];
        w[wp + j] -= lr * v[wp + j];
      } else {
        w[wp + j] -= lr * g;
      }
    }
  }
}
