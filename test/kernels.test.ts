import { test } from "uvu";
import * as assert from "uvu/assert";
import { matmul, matmulAtB, matmulABt, sparseFromDense, sparseMatmul, sparseMatmulAtB } from "../src/kernels";
import { assertClose } from "./helpers";

const rand = (n: number, seed: number) => Float64Array.from({ length: n }, (_, i) => Math.sin(seed * 1000 + i * 12.9898) * 2);

/** The textbook definition, for an oracle. */
function naive(a: (i: number, p: number) => number, b: (p: number, j: number) => number, m: number, k: number, n: number) {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += a(i, p) * b(p, j);
    out[i * n + j] = s;
  }
  return out;
}

test("the three products equal the textbook definition bit for bit", () => {
  const m = 7, k = 13, n = 5;
  const a = rand(m * k, 1), b = rand(k * n, 2), out = new Float64Array(m * n);
  matmul(a, b, out, m, k, n);
  assert.equal(out, naive((i, p) => a[i * k + p], (p, j) => b[p * n + j], m, k, n));
  const at = rand(k * m, 3);
  matmulAtB(at, b, out, k, m, n);
  assert.equal(out, naive((i, p) => at[p * m + i], (p, j) => b[p * n + j], m, k, n));
  const bt = rand(n * k, 4);
  matmulABt(a, bt, out, m, k, n);
  assert.equal(out, naive((i, p) => a[i * k + p], (p, j) => bt[j * k + p], m, k, n));
});

test("sparse rows: X·W and Xᵀ·d over a row selection match the dense products", () => {
  const rows = 9, k = 12, n = 6;
  const base = Float64Array.from({ length: k }, (_, c) => (c === k - 1 ? 1 : -0.4));
  const x = new Float64Array(rows * k);
  for (let r = 0; r < rows; r++) for (let c = 0; c < k; c++) x[r * k + c] = (r * 7 + c * 3) % 4 === 0 ? 2.5 - c * 0.1 : base[c];
  const sp = sparseFromDense(x, rows, k, base);
  assert.ok(sp.val.length < rows * k / 2, "mostly background");
  const idx = [4, 0, 8, 8, 2];
  const sel = new Float64Array(idx.length * k);
  idx.forEach((r, i) => sel.set(x.subarray(r * k, r * k + k), i * k));
  const w = rand(k * n, 5), scratch = new Float64Array(n);
  const dense = new Float64Array(idx.length * n), sparse = new Float64Array(idx.length * n);
  matmul(sel, w, dense, idx.length, k, n);
  sparseMatmul(sp, idx, 0, idx.length, w, n, scratch, sparse);
  dense.forEach((v, i) => assertClose(sparse[i], v, 1e-13, `z[${i}]`));
  const d = rand(idx.length * n, 6), gd = new Float64Array(k * n), gs = new Float64Array(k * n);
  matmulAtB(sel, d, gd, idx.length, k, n);
  sparseMatmulAtB(sp, idx, 0, idx.length, d, n, scratch, gs);
  gd.forEach((v, i) => assertClose(gs[i], v, 1e-12, `g[${i}]`));
  // No index: rows from, from+1, …
  sparseMatmul(sp, null, 3, 2, w, n, scratch, sparse);
  const d2 = new Float64Array(2 * n);
  matmul(x.subarray(3 * k, 5 * k), w, d2, 2, k, n);
  d2.forEach((v, i) => assertClose(sparse[i], v, 1e-13, `z'[${i}]`));
});

test.run();
