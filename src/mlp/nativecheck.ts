// Two builds of the kernels compared bit for bit on the same arena arrays (the WebAssembly and a
// C build): every kernel at shapes that reach every tail of the C's vector loops, inputs with
// zeros, −0, NaN and ±Infinity where they matter, and eight guard values after every output (a
// store past its end shows). npm run build checks a fresh C build this way before it keeps it
// (the quick set, milliseconds); test/mlp/native.test.ts runs the full set for three builds.
//
// May import: base, mlp.

import { createSparseColumns, sparseColumns, sparseFromDense, type SparseRows } from "./kernels";
import { f64, i16, i32, mark, release, type WasmKernels } from "./wasm";

/** Guard doubles after each output array. */
const GUARD = 8;
const GUARD_BITS = 0x7ff4_dead_beef_0001n;

/** Deterministic values in (−2, 2), with zeros where zeroEvery divides (i·7 + seed) (ReLU's). */
function values(n: number, seed: number, zeroEvery = 0): Float64Array {
  const x = f64(n);
  for (let i = 0; i < n; i++) x[i] = zeroEvery && (i * 7 + seed) % zeroEvery === 0 ? 0 : Math.sin(seed * 977 + i * 12.9898) * 2;
  return x;
}

/** A copy in the arena with GUARD signalling NaNs of a known pattern after it. */
function guarded(x: Float64Array): Float64Array {
  const y = f64(x.length + GUARD);
  y.set(x);
  new BigUint64Array(y.buffer, y.byteOffset + x.length * 8, GUARD).fill(GUARD_BITS);
  return y;
}

/** The first index whose bits differ (every NaN alike, but the guard's pattern is exact), or −1. */
function firstDiff(a: Float64Array, b: Float64Array, n: number): number {
  const ua = new BigUint64Array(a.buffer, a.byteOffset, a.length),
    ub = new BigUint64Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < a.length; i++) {
    if (ua[i] === ub[i]) continue;
    if (i < n && Number.isNaN(a[i]) && Number.isNaN(b[i])) continue;
    return i;
  }
  return -1;
}

/** Kernel calls through two builds on fresh copies of their arrays; the first difference kept. */
interface Comparison {
  readonly a: WasmKernels;
  readonly b: WasmKernels;
  difference: string | null;
}

function same(c: Comparison, what: string, inout: Float64Array[], call: (k: WasmKernels, arrays: Float64Array[]) => void): void {
  if (c.difference) return;
  const m = mark();
  const x = inout.map(guarded),
    y = inout.map(guarded);
  call(c.a, x);
  call(c.b, y);
  for (let i = 0; i < x.length && !c.difference; i++) {
    const at = firstDiff(x[i], y[i], inout[i].length);
    if (at >= 0) {
      const where = at < inout[i].length ? `element ${at}` : `guard ${at - inout[i].length} after the end`;
      c.difference = `${what}: array ${i}, ${where}: ${y[i][at]} against ${x[i][at]}`;
    }
  }
  release(m);
}

/** Two outputs made outside same(): integers compared as they are, floats bit for bit. */
function sameOutputs(c: Comparison, what: string, x: Int32Array | Float64Array, y: Int32Array | Float64Array): void {
  if (c.difference) return;
  const at = x instanceof Float64Array && y instanceof Float64Array ? firstDiff(x, y, x.length) : x.findIndex((v, i) => v !== y[i]);
  if (at >= 0) c.difference = `${what}: element ${at}: ${y[at]} against ${x[at]}`;
}

/** (m, k, n) of the products: every remainder of n by 8, every count of whole vectors after 64. */
const SHAPES: readonly [number, number, number][] = [
  [1, 1, 1],
  [3, 5, 7],
  [5, 64, 10],
  [32, 64, 64],
  [33, 60, 60],
  [7, 130, 129],
  [2, 3, 65],
  [4, 17, 40],
  [2, 5, 16],
  [3, 6, 24],
  [1, 3, 32],
  [2, 4, 48],
  [3, 9, 200],
  [2, 4, 3],
  [3, 2, 5],
  [2, 3, 6],
  [1, 5, 11],
  [2, 5, 13],
  [3, 5, 14],
  [3, 1100, 9], // a tail summed column by column (its padded copy would be too large for the stack)
];
const QUICK_SHAPES: readonly [number, number, number][] = [
  [3, 5, 7],
  [5, 64, 10],
  [33, 60, 60],
  [7, 130, 129],
];

function products(c: Comparison, full: boolean): void {
  for (const [m, k, n] of full ? SHAPES : QUICK_SHAPES) {
    for (const zeros of full ? [0, 2, 3] : [0, 2]) {
      const mk = mark();
      const list = i32(2 * Math.max(k, n));
      const a = values(m * k, m + k, zeros);
      // −0 (skipped like +0), NaN and Infinity (kept) among ReLU's zeros
      if (zeros && a.length > 3) a.set([-0, Number.NaN, Number.POSITIVE_INFINITY], a.length - 3);
      const b = values(k * n, n),
        at = values(k * m, m, zeros),
        bt = values(n * k, k + 1),
        scratch = f64(k * n);
      const bad = values(k * n, n);
      bad[bad.length - 1] = Number.POSITIVE_INFINITY;
      for (const l of zeros ? [0, list.byteOffset] : [0]) {
        const tag = `(${m}, ${k}, ${n}) zeros ${zeros} skipping ${l !== 0}`;
        same(c, `matmul ${tag}`, [a, b, f64(m * n)], (kk, [x, y, o]) => kk.matmul(x.byteOffset, y.byteOffset, o.byteOffset, m, k, n, l));
        same(c, `matmulAtB ${tag}`, [at, b, f64(m * n)], (kk, [x, y, o]) =>
          kk.matmulAtB(x.byteOffset, y.byteOffset, o.byteOffset, k, m, n, l),
        );
        same(c, `matmulABt ${tag}`, [a, bt, f64(m * n)], (kk, [x, y, o]) =>
          kk.matmulABt(x.byteOffset, y.byteOffset, o.byteOffset, m, k, n, scratch.byteOffset, l),
        );
        same(c, `matmul, Infinity in b, ${tag}`, [a, bad, f64(m * n)], (kk, [x, y, o]) =>
          kk.matmul(x.byteOffset, y.byteOffset, o.byteOffset, m, k, n, l),
        );
      }
      release(mk);
    }
  }
  for (const [m, , n] of full ? SHAPES : QUICK_SHAPES) {
    same(c, `addOuter (${m}, ${n})`, [values(m * n, 1), values(m, 2), values(n, 3), f64(m * n)], (k, [b, d, w, o]) =>
      k.addOuter(b.byteOffset, d.byteOffset, w.byteOffset, o.byteOffset, m, n),
    );
    same(c, `sgd ${m * n}`, [values(m * n, 4), values(m * n, 5)], (k, [w, g]) => k.sgd(w.byteOffset, g.byteOffset, m * n, 0.1));
    same(c, `sgdMomentum ${m * n}`, [values(m * n, 6), values(m * n, 7), values(m * n, 8)], (k, [w, g, v]) =>
      k.sgdMomentum(w.byteOffset, g.byteOffset, v.byteOffset, m * n, 0.02, 0.9),
    );
    same(c, `baseTimes (${m}, ${n})`, [values(m, 9), values(m * n, 10), f64(n)], (k, [b, w, cw]) =>
      k.baseTimes(b.byteOffset, m, w.byteOffset, n, cw.byteOffset),
    );
  }
}

/** A sparse matrix of `rows` rows over `cols` columns, about a third of each row off its base. */
function sparse(rows: number, cols: number, seed: number): SparseRows {
  const base = values(cols, seed),
    x = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) x[r * cols + c] = (r * 5 + c * 3 + seed) % 3 === 0 ? Math.cos(r * 31 + c) * 3 : base[c];
  return sparseFromDense(x, rows, cols, base);
}

function sparseLayer(c: Comparison, full: boolean): void {
  for (const n of full ? [1, 7, 10, 16, 24, 32, 40, 48, 60, 64, 65, 128, 180] : [10, 60, 65]) {
    const mk = mark();
    const k = 37,
      rows = 23,
      count = 9,
      from = 3;
    const sp = sparse(rows, k, n);
    const idx = i32(rows);
    for (let r = 0; r < rows; r++) idx[r] = (r * 7) % rows;
    for (const index of [null, idx]) {
      const ix = index ? index.byteOffset : 0;
      const args = [sp.base.byteOffset, sp.start.byteOffset, sp.col.byteOffset, sp.val.byteOffset, k, ix] as const;
      for (const haveCw of [0, 1]) {
        same(c, `sparseMatmul n ${n} index ${!!index} cw ${haveCw}`, [values(k * n, 1), values(n, 2), f64(count * n)], (kk, [w, cw, o]) =>
          kk.sparseMatmul(...args, from, count, w.byteOffset, n, cw.byteOffset, o.byteOffset, haveCw),
        );
      }
      same(c, `sparseMatmulAtB n ${n} index ${!!index}`, [values(count * n, 3), f64(n), f64(k * n)], (kk, [d, cs, o]) =>
        kk.sparseMatmulAtB(...args, from, count, d.byteOffset, n, cs.byteOffset, o.byteOffset),
      );
      const cols = createSparseColumns(k, count);
      sparseColumns(sp, index, from, count, cols);
      for (const momentum of [false, true]) {
        same(
          c,
          `sparseGradientStep n ${n} momentum ${momentum}`,
          [values(count * n, 4), f64(n), values(k * n, 5), values(k * n, 6)],
          (kk, [d, cs, w, v]) =>
            kk.sparseGradientStep(
              sp.base.byteOffset,
              k,
              count,
              cols.count.byteOffset,
              cols.rows.byteOffset,
              cols.vals.byteOffset,
              count,
              d.byteOffset,
              n,
              cs.byteOffset,
              w.byteOffset,
              momentum ? v.byteOffset : 0,
              0.05,
              0.9,
            ),
        );
      }
    }
    // sparseColumns itself: the same counts, rows and values.
    const byColumn = [createSparseColumns(k, count), createSparseColumns(k, count)];
    [c.a, c.b].forEach((kk, i) => {
      const out = byColumn[i];
      kk.sparseColumns(
        sp.start.byteOffset,
        sp.col.byteOffset,
        sp.val.byteOffset,
        k,
        idx.byteOffset,
        from,
        count,
        count,
        out.count.byteOffset,
        out.rows.byteOffset,
        out.vals.byteOffset,
      );
    });
    sameOutputs(c, `sparseColumns counts n ${n}`, byColumn[0].count, byColumn[1].count);
    sameOutputs(c, `sparseColumns rows n ${n}`, byColumn[0].rows, byColumn[1].rows);
    sameOutputs(c, `sparseColumns values n ${n}`, byColumn[0].vals, byColumn[1].vals);
    release(mk);
  }
}

function screenLayer(c: Comparison, full: boolean): void {
  for (const n of full ? [1, 10, 20, 32, 44, 60, 64, 65, 96, 100, 120, 128, 200] : [10, 60, 120]) {
    const mk = mark();
    const groups = Math.ceil(n / 4),
      slots = 11,
      rows = 6,
      perRow = 5;
    const start = i32(rows + 1),
      slot = i32(rows * perRow),
      pk = i32(rows * perRow),
      wq = i16(slots * groups * 8);
    for (let r = 0; r <= rows; r++) start[r] = r * perRow;
    for (let e = 0; e < rows * perRow; e++) {
      slot[e] = (e * 5) % slots;
      // both halves over all of int16 (−32768 too): sums that wrap, as WebAssembly's i32 lanes wrap
      pk[e] = e === 0 ? -0x7fff8000 : Math.imul(e + 1, 2654435761);
    }
    for (let i = 0; i < wq.length; i++) wq[i] = i % 7 === 0 ? -32768 : Math.imul(i + 3, 40503) & 0xffff;
    same(c, `quantizedFirstLayer n ${n}`, [values(4 * groups, 1), values(4 * groups, 2), f64(4 * n)], (kk, [cw, t, o]) =>
      kk.quantizedFirstLayer(
        start.byteOffset,
        slot.byteOffset,
        pk.byteOffset,
        1,
        4,
        wq.byteOffset,
        groups,
        n,
        cw.byteOffset,
        t.byteOffset,
        o.byteOffset,
      ),
    );
    release(mk);
  }
}

/** Where the activations clamp (exp's ends, tanh's saturation), with zeros, NaN, ±Infinity and subnormals at both ends. */
function activationInputs(full: boolean): number[] {
  const zs: number[] = [];
  const steps = full ? 3001 : 201;
  for (const [lo, hi] of [
    [-760, -700],
    [700, 760],
    [-32, -26],
    [26, 32],
    [-40, 40],
    [-1e-3, 1e-3],
  ]) {
    for (let i = 0; i <= steps; i++) zs.push(lo + ((hi - lo) * i) / steps);
  }
  const specials = [1e300, -1e300, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 0, -0, 5e-324, -5e-324];
  return [...specials, ...zs, ...specials];
}

function activations(c: Comparison, full: boolean): void {
  const zs = activationInputs(full);
  const n = zs.length;
  const z = f64(n);
  z.set(zs);
  const d = values(n, 3);
  const s = f64(n);
  s.set(Array.from(zs, (v) => (Number.isFinite(v) ? Math.tanh(v / 100) : v)));
  // Eight lengths: every remainder of the vector loops' tails.
  for (let len = n - 7; len <= n; len++) {
    same(c, `sigmoid ${len}`, [z, f64(n)], (k, [x, a]) => k.sigmoid(x.byteOffset, a.byteOffset, len));
    same(c, `lecun with t ${len}`, [z, f64(n), f64(n)], (k, [x, a, t]) => k.lecun(x.byteOffset, a.byteOffset, t.byteOffset, len));
    same(c, `lecun without t ${len}`, [z, f64(n)], (k, [x, a]) => k.lecun(x.byteOffset, a.byteOffset, 0, len));
    same(c, `relu ${len}`, [z, f64(n)], (k, [x, a]) => k.relu(x.byteOffset, a.byteOffset, len));
    same(c, `sigmoidSlope ${len}`, [s, d], (k, [a, dd]) => k.sigmoidSlope(a.byteOffset, dd.byteOffset, len));
    same(c, `lecunSlope ${len}`, [s, d], (k, [t, dd]) => k.lecunSlope(t.byteOffset, dd.byteOffset, len));
    same(c, `reluSlope ${len}`, [z, d], (k, [x, dd]) => k.reluSlope(x.byteOffset, dd.byteOffset, len));
  }
  for (const cols of [1, 3, 10]) {
    const rows = Math.floor(n / cols);
    same(c, `softmaxParts c ${cols}`, [z, f64(rows * cols), f64(2 * rows)], (k, [x, e, sm]) =>
      k.softmaxParts(x.byteOffset, rows, cols, e.byteOffset, sm.byteOffset),
    );
  }
}

/** The kernel families, by name (the test runs each as a test of its own). */
export const KERNEL_FAMILIES = {
  products,
  sparseLayer,
  screenLayer,
  activations,
} as const;

/**
 * The first case in which build `b` gives other bits than build `a` (what, which array, which
 * element), or null when every case agrees. `full`: every shape (the test); else a quick set
 * (npm run build's check of a fresh C build).
 */
export function kernelDifference(
  a: WasmKernels,
  b: WasmKernels,
  full: boolean,
  families: readonly (keyof typeof KERNEL_FAMILIES)[] = Object.keys(KERNEL_FAMILIES) as (keyof typeof KERNEL_FAMILIES)[],
): string | null {
  const c: Comparison = { a, b, difference: null };
  for (const f of families) KERNEL_FAMILIES[f](c, full);
  return c.difference;
}
