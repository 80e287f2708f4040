import { test } from "uvu";
import * as assert from "uvu/assert";
import { matmul, matmulAtB, matmulABt, sparseFromDense, sparseMatmul, sparseMatmulAtB, type SparseRows } from "../../src/mlp/kernels";
import { f64, i32, kernelsFor, mark, release } from "../../src/mlp/wasm";
import { assertClose } from "../helpers";

const rand = (n: number, seed: number) => Float64Array.from({ length: n }, (_, i) => Math.sin(seed * 1000 + i * 12.9898) * 2);
const inArena = (x: Float64Array) => { const y = f64(x.length); y.set(x); return y; };

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

// Odd and even widths: the SIMD kernels handle a last single column separately.
for (const [m, k, n] of [[7, 13, 5], [4, 9, 8], [3, 785, 64], [1, 1, 1]]) {
  test(`(${m}, ${k}, ${n}): the three products equal the textbook sum, on both paths, bit for bit`, () => {
    const a = rand(m * k, 1), b = rand(k * n, 2), at = rand(k * m, 3), bt = rand(n * k, 4);
    const heapOut = new Float64Array(m * n);
    const mk = mark();
    const arenaOut = f64(m * n);
    assert.ok(kernelsFor(inArena(a), arenaOut), "arena arrays take the wasm path");
    assert.not.ok(kernelsFor(a, arenaOut), "a heap array takes the JavaScript path");
    const cases: [string, () => void, () => void, Float64Array][] = [
      ["a·b", () => matmul(a, b, heapOut, m, k, n), () => matmul(inArena(a), inArena(b), arenaOut, m, k, n),
        naive((i, p) => a[i * k + p], (p, j) => b[p * n + j], m, k, n)],
      ["aᵀ·b", () => matmulAtB(at, b, heapOut, k, m, n), () => matmulAtB(inArena(at), inArena(b), arenaOut, k, m, n),
        naive((i, p) => at[p * m + i], (p, j) => b[p * n + j], m, k, n)],
      ["a·bᵀ", () => matmulABt(a, bt, heapOut, m, k, n, new Float64Array(k * n)), () => matmulABt(inArena(a), inArena(bt), arenaOut, m, k, n, f64(k * n)),
        naive((i, p) => a[i * k + p], (p, j) => bt[j * k + p], m, k, n)],
    ];
    for (const [name, js, wasm, want] of cases) {
      arenaOut.fill(NaN);
      heapOut.fill(NaN);
      js();
      wasm();
      assert.equal(Array.from(heapOut), Array.from(want), `${name} (JavaScript)`);
      assert.equal(Array.from(arenaOut), Array.from(want), `${name} (wasm)`);
    }
    release(mk);
  });
}

function sparseCase(rows: number, k: number) {
  const base = Float64Array.from({ length: k }, (_, c) => (c === k - 1 ? 1 : -0.4));
  const x = new Float64Array(rows * k);
  for (let r = 0; r < rows; r++) for (let c = 0; c < k; c++) x[r * k + c] = (r * 7 + c * 3) % 4 === 0 ? 2.5 - c * 0.1 : base[c];
  return { x, base, sp: sparseFromDense(x, rows, k, base) };
}

const heapSparse = (sp: SparseRows): SparseRows => ({
  ...sp, base: new Float64Array(sp.base), start: new Int32Array(sp.start), col: new Int32Array(sp.col), val: new Float64Array(sp.val),
});

for (const n of [6, 7]) {
  test(`sparse rows (n = ${n}): X·W and Xᵀ·d over a selection match dense products; wasm = JavaScript bit for bit`, () => {
    const rows = 9, k = 12;
    const { x, sp } = sparseCase(rows, k);
    assert.ok(sp.val.length < rows * k / 2, "mostly background");
    assert.ok(kernelsFor(sp.base, sp.start, sp.col, sp.val), "sparse data live in the arena");
    const idxList = [4, 0, 8, 8, 2];
    const idx = i32(idxList.length);
    idx.set(idxList);
    const sel = new Float64Array(idxList.length * k);
    idxList.forEach((r, i) => sel.set(x.subarray(r * k, r * k + k), i * k));
    const w = inArena(rand(k * n, 5)), scratch = f64(n);
    const dense = new Float64Array(idxList.length * n), fast = f64(idxList.length * n), slow = new Float64Array(idxList.length * n);
    matmul(sel, w, dense, idxList.length, k, n);
    sparseMatmul(sp, idx, 0, idxList.length, w, n, scratch, fast);
    sparseMatmul(heapSparse(sp), Int32Array.from(idxList), 0, idxList.length, new Float64Array(w), n, new Float64Array(n), slow);
    dense.forEach((v, i) => assertClose(fast[i], v, 1e-13, `z[${i}]`));
    assert.equal(Array.from(fast), Array.from(slow));
    const d = inArena(rand(idxList.length * n, 6)), gd = new Float64Array(k * n), gs = f64(k * n), gj = new Float64Array(k * n);
    matmulAtB(sel, d, gd, idxList.length, k, n);
    sparseMatmulAtB(sp, idx, 0, idxList.length, d, n, scratch, gs);
    sparseMatmulAtB(heapSparse(sp), Int32Array.from(idxList), 0, idxList.length, new Float64Array(d), n, new Float64Array(n), gj);
    gd.forEach((v, i) => assertClose(gs[i], v, 1e-12, `g[${i}]`));
    assert.equal(Array.from(gs), Array.from(gj));
    // No index: rows from, from+1, …
    sparseMatmul(sp, null, 3, 2, w, n, scratch, fast);
    const d2 = new Float64Array(2 * n);
    matmul(x.subarray(3 * k, 5 * k), w, d2, 2, k, n);
    d2.forEach((v, i) => assertClose(fast[i], v, 1e-13, `z'[${i}]`));
  });
}

test("mark/release gives arena memory back", () => {
  const m = mark();
  const a = f64(1000);
  release(m);
  const b = f64(1000);
  assert.is(a.byteOffset, b.byteOffset);
  release(m);
  assert.throws(() => release(m + 64), /not a mark/);
});

test.run();
