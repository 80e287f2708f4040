import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  addOuter,
  baseTimes,
  createSparseColumns,
  matmul,
  matmulAtB,
  matmulABt,
  sparseColumns,
  sparseFromBlocks,
  sparseFromDense,
  sparseGradientStep,
  sparseMatmul,
  sparseMatmulAtB,
  type SparseRows,
} from "../../src/mlp/kernels";
import { createSgd, sgdStep } from "../../src/mlp/optim";
import { f64, i32, kernelsFor, mark, release } from "../../src/mlp/wasm";
import { assertClose, assertSameBits, bits } from "../helpers";

const rand = (n: number, seed: number) => Float64Array.from({ length: n }, (_, i) => Math.sin(seed * 1000 + i * 12.9898) * 2);
const inArena = (x: Float64Array) => {
  const y = f64(x.length);
  y.set(x);
  return y;
};

/** The textbook definition, for an oracle. */
function naive(a: (i: number, p: number) => number, b: (p: number, j: number) => number, m: number, k: number, n: number) {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a(i, p) * b(p, j);
      out[i * n + j] = s;
    }
  return out;
}

// Odd and even widths: the SIMD kernels handle a last single column separately.
for (const [m, k, n] of [
  [7, 13, 5],
  [4, 9, 8],
  [3, 785, 64],
  [1, 1, 1],
]) {
  test(`(${m}, ${k}, ${n}): the three products equal the textbook sum, on both paths, bit for bit`, () => {
    const a = rand(m * k, 1),
      b = rand(k * n, 2),
      at = rand(k * m, 3),
      bt = rand(n * k, 4);
    const heapOut = new Float64Array(m * n);
    const mk = mark();
    const arenaOut = f64(m * n);
    assert.ok(kernelsFor(inArena(a), arenaOut), "arena arrays take the wasm path");
    assert.not.ok(kernelsFor(a, arenaOut), "a heap array takes the JavaScript path");
    const cases: [string, () => void, () => void, Float64Array][] = [
      [
        "a·b",
        () => matmul(a, b, heapOut, m, k, n),
        () => matmul(inArena(a), inArena(b), arenaOut, m, k, n),
        naive(
          (i, p) => a[i * k + p],
          (p, j) => b[p * n + j],
          m,
          k,
          n,
        ),
      ],
      [
        "aᵀ·b",
        () => matmulAtB(at, b, heapOut, k, m, n),
        () => matmulAtB(inArena(at), inArena(b), arenaOut, k, m, n),
        naive(
          (i, p) => at[p * m + i],
          (p, j) => b[p * n + j],
          m,
          k,
          n,
        ),
      ],
      [
        "a·bᵀ",
        () => matmulABt(a, bt, heapOut, m, k, n, new Float64Array(k * n)),
        () => matmulABt(inArena(a), inArena(bt), arenaOut, m, k, n, f64(k * n)),
        naive(
          (i, p) => a[i * k + p],
          (p, j) => bt[j * k + p],
          m,
          k,
          n,
        ),
      ],
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

test("base + d ⊗ w: each element the textbook product then sum, on both paths, bit for bit, nothing written past (m, n)", () => {
  for (const [m, n] of [
    [100, 64],
    [7, 5],
    [1, 1],
    [3, 10],
  ]) {
    const base = rand(m * n, 5),
      d = rand(m, 6),
      w = rand(n, 7);
    d[0] = Number.NaN;
    const want = Float64Array.from(base, (b, i) => b + d[Math.floor(i / n)] * w[i % n]);
    const heapOut = new Float64Array(m * n + 1).fill(-7);
    addOuter(base, d, w, heapOut, m, n);
    const mk = mark();
    const arenaOut = f64(m * n + 1).fill(-7);
    assert.ok(kernelsFor(inArena(base), arenaOut), "arena arrays take the wasm path");
    addOuter(inArena(base), inArena(d), inArena(w), arenaOut, m, n);
    assertSameBits(heapOut.subarray(0, m * n), want, `(${m}, ${n}) JavaScript`);
    assertSameBits(arenaOut.subarray(0, m * n), want, `(${m}, ${n}) wasm`);
    assert.is(arenaOut[m * n], -7, "the element after the output is untouched");
    release(mk);
  }
});

// Products that skip the zeros of a (ReLU's activations): the same bits as the dense ones.
for (const [m, k, n] of [
  [7, 13, 5],
  [4, 9, 8],
  [32, 64, 64],
  [1, 1, 1],
  [5, 3, 17],
]) {
  test(`(${m}, ${k}, ${n}) skipping a's zeros: the three products keep every bit, and do not skip when b is not finite`, () => {
    const mk = mark();
    // 70 % zeros, some −0, a whole zero row and column, a NaN.
    const zeros = (len: number, seed: number) => {
      const x = rand(len, seed).map((v, i) => ((i * 7 + seed) % 10 < 7 ? (i % 3 ? 0 : -0) : v));
      return inArena(x);
    };
    const a = zeros(m * k, 1),
      at = zeros(k * m, 3),
      b = inArena(rand(k * n, 2)),
      bt = inArena(rand(n * k, 4));
    a.fill(0, 0, Math.min(k, a.length));
    if (m * k > 4) a[m * k - 2] = NaN;
    // fast is followed by a canary: a write past its end shows.
    const skip = i32(2 * k),
      dense = f64(m * n),
      big = f64(m * n + n + 8),
      js = new Float64Array(m * n);
    const fast = big.subarray(0, m * n),
      canary = big.subarray(m * n);
    canary.fill(-1.5);
    const cases: [string, (out: Float64Array, s: Int32Array | null, bb?: Float64Array) => void, Float64Array][] = [
      ["a·b", (out, s, bb = b) => matmul(a, bb, out, m, k, n, s), b],
      ["aᵀ·b", (out, s, bb = b) => matmulAtB(at, bb, out, k, m, n, s), b],
      ["a·bᵀ", (out, s, bb = bt) => matmulABt(a, bb, out, m, k, n, f64(k * n), s), bt],
    ];
    for (const [name, run, bIn] of cases) {
      for (const finite of [true, false]) {
        const bb = inArena(bIn);
        if (!finite) bb[bb.length - 1] = Infinity;
        run(dense, null, bb);
        fast.fill(7);
        run(fast, skip, bb);
        assertSameBits(fast, dense, `${name}, b ${finite ? "finite" : "with Infinity"}`);
        assert.ok(
          canary.every((v) => v === -1.5),
          "nothing written past the output",
        );
        const heap = (x: Float64Array) => new Float64Array(x);
        if (name === "a·b") matmul(heap(a), heap(bb), js, m, k, n, new Int32Array(2 * k));
        if (name === "aᵀ·b") matmulAtB(heap(at), heap(bb), js, k, m, n, new Int32Array(2 * k));
        if (name === "a·bᵀ") matmulABt(heap(a), heap(bb), js, m, k, n, new Float64Array(k * n), new Int32Array(2 * k));
        assertSameBits(js, dense, `${name} JavaScript`);
      }
    }
    assert.throws(() => matmul(a, b, fast, m, k, n, i32(2 * k - 1)), /needed/);
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
  ...sp,
  base: new Float64Array(sp.base),
  start: new Int32Array(sp.start),
  col: new Int32Array(sp.col),
  val: new Float64Array(sp.val),
});

/**
 * got equals want = a·w up to rounding: each element within 4k·ε of Σ_p |a[i, p]·w[p, j]| (the
 * sparse form sums in another order than the dense product, so a sum that cancels to near 0
 * can differ by far more than ε relative to itself).  a: (m, k), w: (k, n) -> got, want: (m, n)
 */
function assertSameProduct(
  got: Float64Array,
  want: Float64Array,
  a: Float64Array,
  w: Float64Array,
  k: number,
  n: number,
  what: string,
): void {
  want.forEach((v, at) => {
    const i = Math.floor(at / n),
      j = at % n;
    let scale = 0;
    for (let p = 0; p < k; p++) scale += Math.abs(a[i * k + p] * w[p * n + j]);
    const err = Math.abs(got[at] - v);
    if (!(err <= 4 * k * Number.EPSILON * scale))
      assert.unreachable(`${what}[${at}]: ${got[at]} vs ${v} (error ${err.toExponential(2)}, scale ${scale.toExponential(2)})`);
  });
}

// n = 29 and 64 take every column chunk of the kernel (12, 4, 2 and 1 columns).
for (const n of [6, 7, 29, 64]) {
  test(`sparse rows (n = ${n}): X·W and Xᵀ·d over a selection match dense products; wasm = JavaScript bit for bit`, () => {
    const rows = 9,
      k = 12;
    const { x, sp } = sparseCase(rows, k);
    assert.ok(sp.val.length < (rows * k) / 2, "mostly background");
    assert.ok(kernelsFor(sp.base, sp.start, sp.col, sp.val), "sparse data live in the arena");
    const idxList = [4, 0, 8, 8, 2];
    const idx = i32(idxList.length);
    idx.set(idxList);
    const sel = new Float64Array(idxList.length * k);
    idxList.forEach((r, i) => sel.set(x.subarray(r * k, r * k + k), i * k));
    const w = inArena(rand(k * n, 5)),
      scratch = f64(n);
    const dense = new Float64Array(idxList.length * n),
      fast = f64(idxList.length * n),
      slow = new Float64Array(idxList.length * n);
    matmul(sel, w, dense, idxList.length, k, n);
    sparseMatmul(sp, idx, 0, idxList.length, w, n, scratch, fast);
    sparseMatmul(heapSparse(sp), Int32Array.from(idxList), 0, idxList.length, new Float64Array(w), n, new Float64Array(n), slow);
    assertSameProduct(fast, dense, sel, w, k, n, "z");
    assert.equal(Array.from(fast), Array.from(slow));
    const d = inArena(rand(idxList.length * n, 6)),
      gd = new Float64Array(k * n),
      gs = f64(k * n),
      gj = new Float64Array(k * n);
    matmulAtB(sel, d, gd, idxList.length, k, n);
    sparseMatmulAtB(sp, idx, 0, idxList.length, d, n, scratch, gs);
    sparseMatmulAtB(heapSparse(sp), Int32Array.from(idxList), 0, idxList.length, new Float64Array(d), n, new Float64Array(n), gj);
    gd.forEach((v, i) => assertClose(gs[i], v, 1e-12, `g[${i}]`));
    assert.equal(Array.from(gs), Array.from(gj));
    // No index: rows from, from+1, …
    sparseMatmul(sp, null, 3, 2, w, n, scratch, fast);
    const d2 = new Float64Array(2 * n);
    matmul(x.subarray(3 * k, 5 * k), w, d2, 2, k, n);
    assertSameProduct(fast.subarray(0, 2 * n), d2, x.subarray(3 * k, 5 * k), w, k, n, "z'");
  });
}

// Widths that take every path of the SIMD kernels: 16-column blocks, pairs, a last single column.
for (const n of [1, 2, 7, 16, 17, 35, 64]) {
  test(`baseᵀ·W (n = ${n}): each element summed in order from 0, wasm = JavaScript bit for bit`, () => {
    const mk = mark();
    const k = 13,
      base = rand(k, 7),
      w = rand(k * n, 8);
    const want = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += base[p] * w[p * n + j];
      want[j] = s;
    }
    const js = new Float64Array(n),
      fast = f64(n);
    fast.fill(NaN);
    baseTimes(base, k, w, n, js);
    baseTimes(inArena(base), k, inArena(w), n, fast);
    assert.ok(kernelsFor(fast), "the wasm path");
    assertSameBits(js, want, "JavaScript");
    assertSameBits(fast, want, "wasm");
    release(mk);
  });

  test(`the first layer's gradient step by column (n = ${n}): the same bits as sparseMatmulAtB then sgdStep, plain and with momentum, wasm and JavaScript`, () => {
    const mk = mark();
    const rows = 9,
      k = 12;
    const { sp } = sparseCase(rows, k);
    const idxList = [4, 0, 8, 8, 2, 7];
    const idx = i32(idxList.length);
    idx.set(idxList);
    const count = idxList.length,
      d = inArena(rand(count * n, 9)),
      w0 = rand(k * n, 10);
    for (const gamma of [0, 0.9]) {
      // Reference: the stored gradient, then the optimiser's update (two steps, so momentum matters).
      const wRef = inArena(w0),
        g = f64(k * n),
        scratch = f64(n);
      const optRef = createSgd([wRef], 0.05, gamma);
      const wFast = inArena(w0),
        optFast = createSgd([wFast], 0.05, gamma);
      const wJs = new Float64Array(w0),
        vJs = gamma ? new Float64Array(k * n) : null;
      const cs = createSparseColumns(k, 8),
        csJs = createSparseColumns(k, 8);
      for (let step = 0; step < 2; step++) {
        sparseMatmulAtB(sp, idx, 0, count, d, n, scratch, g);
        sgdStep(optRef, [wRef], [g]);
        sparseColumns(sp, idx, 0, count, cs);
        sparseGradientStep(sp.base, cs, count, d, n, f64(n), wFast, gamma ? optFast.velocity[0] : null, 0.05, gamma);
        const heap = heapSparse(sp);
        const jsCols = { ...csJs, count: new Int32Array(k), rows: new Int32Array(k * 8), vals: new Float64Array(k * 8) };
        sparseColumns(heap, Int32Array.from(idxList), 0, count, jsCols);
        assertSameBits(jsCols.count, cs.count, "column counts, JavaScript = wasm");
        for (let c = 0; c < k; c++) {
          for (let i = 0; i < cs.count[c]; i++) {
            assert.is(jsCols.rows[c * 8 + i], cs.rows[c * 8 + i]);
            assert.is(jsCols.vals[c * 8 + i], cs.vals[c * 8 + i]);
          }
        }
        sparseGradientStep(heap.base, jsCols, count, new Float64Array(d), n, new Float64Array(n), wJs, vJs, 0.05, gamma);
      }
      assert.not.equal(bits(wRef), bits(w0), "the weights moved");
      assertSameBits(wFast, wRef, `wasm, γ = ${gamma}`);
      assertSameBits(wJs, wRef, `JavaScript, γ = ${gamma}`);
      if (gamma) assertSameBits(optFast.velocity[0], optRef.velocity[0], "velocity");
    }
    release(mk);
  });
}

test("sparse columns: each column lists its selected rows in order with their values; too many rows is an error", () => {
  const mk = mark();
  const { sp, x } = sparseCase(9, 12);
  const idx = i32(4);
  idx.set([3, 1, 3, 6]);
  const cs = createSparseColumns(12, 4);
  sparseColumns(sp, idx, 0, 4, cs);
  for (let c = 0; c < 12; c++) {
    const want = [0, 1, 2, 3].filter((r) => x[idx[r] * 12 + c] !== sp.base[c]);
    assert.equal(Array.from(cs.rows.subarray(c * 4, c * 4 + cs.count[c])), want, `column ${c}`);
    want.forEach((r, i) => assert.is(cs.vals[c * 4 + i], x[idx[r] * 12 + c] - sp.base[c]));
  }
  assert.throws(() => sparseColumns(sp, null, 0, 5, cs), /5 rows/);
  release(mk);
});

test("sparse X·W with baseᵀW given (haveCw) equals the product that computes it", () => {
  const mk = mark();
  const { sp } = sparseCase(9, 12);
  const n = 17,
    w = inArena(rand(12 * n, 11)),
    cw = f64(n),
    a = f64(9 * n),
    b = f64(9 * n);
  sparseMatmul(sp, null, 0, 9, w, n, cw, a);
  b.fill(NaN);
  sparseMatmul(sp, null, 0, 9, w, n, cw, b, true);
  assertSameBits(b, a, "with baseᵀW given");
  release(mk);
});

test("the sparse form built in blocks equals the one built at once, and the blocks' memory is given back", () => {
  const { x, base, sp } = sparseCase(23, 12);
  const before = mark();
  const blocks = sparseFromBlocks(23, 12, 5, (from, count) => sparseFromDense(x.subarray(from * 12, (from + count) * 12), count, 12, base));
  for (const key of ["base", "start", "col", "val"] as const) assertSameBits(blocks[key], sp[key], key);
  assert.is(blocks.rows, 23);
  const used = blocks.val.byteOffset + blocks.val.byteLength;
  assert.ok(mark() - used < 64, "nothing of the blocks is left in the arena after the result");
  release(before);
});

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
