// The screen of a check's pass over the training split, which needs only each image's winning
// class (evaluateAccuracy): the first layer in float32 (four lanes to a SIMD register, not two:
// sparseMatmulF32), the layers after it in float64 as forward() computes them, and for each image
// a bound on how far each logit can be from the logit of the float64 forward. An image whose
// leading logit beats every other by more than both their bounds and TIE is counted from these
// logits: the float64 logits have the same leader by more than TIE, and correctCountOfLogits counts
// such a row from its logits. Every other image (near ties; most of them in a run's first checks)
// goes through the float64 forward. The count is the float64 count, bit for bit.
//
// The bound, for an image with m stored entries (x − base ≠ 0) and V = Σ|x − base| over them,
// u = 2⁻²⁴, M_j = max_i |W₀[i, j]|, cw = baseᵀW₀ (float64, shared by both paths):
//   layer 0: |z32_j − z64_j| ≤ e_j = 2(m + 4)·u·(|cw_j| + V·M_j). The float32 sum of cw_j (rounded)
//     and m products of rounded values errs by at most γ_m + 3u ≤ 1.01(m + 3)u times the sum of
//     |terms| ≤ |cw_j| + V·M_j (any summation order); float64's own error is 2⁻²⁹ of that; 2 covers both.
//   a hidden layer after it (float64 on both paths, the same code): Δa ≤ Λ·Δz + 2η (Λ the
//     activation's largest slope, η 1e-12 ≥ its float64 error), and the next product adds
//     Σ_j |W[j, k]|·Δa_j plus both paths' rounding, ≤ 2·1.01·n·2⁻⁵³·A·Σ_j |W[j, k]| (|a| ≤ A).
// The bound is linear in (1, m + 4, (m + 4)·V): three vectors per check (p, q, r) give every
// image's bounds as (m + 4)·(p_k + V·q_k) + r_k, scaled by 1 + 1e-6 for the bound's own rounding.
// Only for sigmoid and improved sigmoid (bounded, Lipschitz), sparse input, one or two hidden
// layers (deeper, the bound grows by about Λ·Σ|W| a layer until every image would fall back), and
// the kernels in WebAssembly.
//
// May import: mlp.

import { LECUN_A, LECUN_B } from "./activations";
import { baseTimes, type SparseRows } from "./kernels";
import { correctCountOfLogits, TIE } from "./loss";
import { type LabelledRows, type Model, type Workspace, forward } from "./model";
import { f32, i32, kernelsFor } from "./wasm";

const U32 = 2 ** -24;
const U64 = 2 ** -53;
/** A bound on the float64 activations' absolute error. */
const ETA = 1e-12;

export interface Screen {
  readonly sparse: SparseRows;
  /** (k, n₀) W₀ rounded to float32, for each check. */
  readonly w32: Float32Array;
  /** (n₀) baseᵀW₀ rounded to float32 (the float64 one is the workspace's rowVec). */
  readonly cw32: Float32Array;
  /** (capacity, n₀) the first layer's float32 product. */
  readonly out32: Float32Array;
  /** Per row of the split: m + 4 and V = Σ|x − base| over its entries. */
  readonly m4: Float64Array;
  readonly v: Float64Array;
  /** Per check, per class: the bound's coefficients. */
  readonly p: Float64Array;
  readonly q: Float64Array;
  readonly r: Float64Array;
  /** The rows that fall back (row numbers), then their labels. */
  readonly rows: Int32Array;
  readonly labels: Uint8Array;
  /** How many rows the last pass sent through the float64 forward. */
  fallen: number;
}

/** The screen of a model's passes over `data`, or null where it does not apply (see the header). */
export function createScreen(model: Model, data: LabelledRows, capacity: number): Screen | null {
  const sp = data.sparse;
  const L = model.weights.length;
  if (!sp || L < 2 || L > 3 || model.arch.activation === "relu") return null;
  const n0 = model.sizes[1],
    k = model.sizes[0],
    c = model.sizes[L];
  const s: Screen = {
    sparse: sp,
    w32: f32(k * n0),
    cw32: f32(n0),
    out32: f32(capacity * n0),
    m4: new Float64Array(data.count),
    v: new Float64Array(data.count),
    p: new Float64Array(c),
    q: new Float64Array(c),
    r: new Float64Array(c),
    rows: i32(data.count),
    labels: new Uint8Array(data.count),
    fallen: 0,
  };
  if (!kernelsFor(sp.start, sp.col, sp.val, s.w32, s.cw32, s.out32, s.rows)) return null;
  for (let row = 0; row < data.count; row++) {
    let v = 0;
    for (let e = sp.start[row]; e < sp.start[row + 1]; e++) v += Math.abs(sp.val[e]);
    s.v[row] = v;
    s.m4[row] = sp.start[row + 1] - sp.start[row] + 4;
  }
  return s;
}

/** Λ, the largest slope, and A, the largest |value|, of an activation. */
function slopeAndRange(model: Model): [number, number] {
  return model.arch.activation === "sigmoid" ? [0.25, 1] : [LECUN_A * LECUN_B, LECUN_A * (1 + 1e-9)];
}

/**
 * This pass's float32 weights, baseᵀW₀ (into ws.rowVec, as evaluate() computes it, for both
 * paths) and the bound's coefficients p, q, r (see the header).
 */
export function prepareScreen(model: Model, ws: Workspace, s: Screen): void {
  const { sizes, weights } = model;
  const k = sizes[0],
    n0 = sizes[1],
    w0 = weights[0];
  s.w32.set(w0);
  baseTimes(s.sparse.base, k, w0, n0, ws.rowVec);
  const cw = ws.rowVec.subarray(0, n0);
  s.cw32.set(cw);
  // Layer 0: e_j = (m + 4)·(P_j + V·Q_j) + R_j with P = 2u|cw|, Q = 2u·M, R = 0.
  let P = Float64Array.from(cw, (x) => 2 * U32 * Math.abs(x));
  let Q = new Float64Array(n0);
  for (let i = 0; i < k; i++) for (let j = 0; j < n0; j++) Q[j] = Math.max(Q[j], Math.abs(w0[i * n0 + j]));
  Q = Q.map((x) => 2 * U32 * x);
  let R = new Float64Array(n0);
  const [slope, range] = slopeAndRange(model);
  for (let l = 1; l < weights.length; l++) {
    const w = weights[l],
      nIn = sizes[l],
      nOut = sizes[l + 1];
    const p = new Float64Array(nOut),
      q = new Float64Array(nOut),
      r = new Float64Array(nOut);
    for (let j = 0; j < nIn; j++) {
      for (let o = 0; o < nOut; o++) {
        const a = Math.abs(w[j * nOut + o]);
        p[o] += a * slope * P[j];
        q[o] += a * slope * Q[j];
        r[o] += a * (slope * R[j] + 2 * ETA + 2.02 * nIn * U64 * range);
      }
    }
    [P, Q, R] = [p, q, r];
  }
  const grow = 1 + 1e-6;
  for (let o = 0; o < P.length; o++) {
    s.p[o] = P[o] * grow;
    s.q[o] = Q[o] * grow;
    s.r[o] = R[o] * grow;
  }
}

/** The bound on |logit k of the screen − logit k of the float64 forward| for a row, after prepareScreen(). */
export function logitBound(s: Screen, row: number, k: number): number {
  return s.m4[row] * (s.p[k] + s.v[row] * s.q[k]) + s.r[k];
}

/** The first layer's float32 product of rows from … from + rows − 1 into ws.z[0] (as float64), after prepareScreen(). */
export function screenFirstLayer(model: Model, ws: Workspace, s: Screen, from: number, rows: number): void {
  const n0 = model.sizes[1],
    sp = s.sparse;
  kernelsFor(s.w32)!.sparseMatmulF32(
    sp.start.byteOffset,
    sp.col.byteOffset,
    sp.val.byteOffset,
    0,
    from,
    rows,
    s.w32.byteOffset,
    n0,
    s.cw32.byteOffset,
    s.out32.byteOffset,
  );
  ws.z[0].set(s.out32.subarray(0, rows * n0));
}

/**
 * The share of `data`'s rows whose first largest softmax probability is at their label, as
 * evaluateAccuracy() counts it, through the screen.  ws: an evaluation workspace of the model.
 */
export function screenedAccuracy(model: Model, ws: Workspace, data: LabelledRows, s: Screen): number {
  const { labels, count } = data;
  const L = model.weights.length,
    c = model.sizes[L];
  prepareScreen(model, ws, s);
  let hits = 0,
    fallen = 0;
  for (let from = 0; from < count; ) {
    const rows = Math.min(ws.capacity, count - from);
    screenFirstLayer(model, ws, s, from, rows);
    const z = forward(model, ws, null, rows, null, true);
    for (let i = 0; i < rows; i++) {
      const row = from + i,
        o = i * c;
      let top = 0;
      for (let j = 1; j < c; j++) if (z[o + j] > z[o + top]) top = j;
      const bTop = logitBound(s, row, top);
      let clear = true;
      for (let j = 0; j < c && clear; j++) {
        if (j === top) continue;
        const bj = logitBound(s, row, j);
        // More than TIE, with room for this line's own rounding.
        clear = z[o + top] - z[o + j] - bTop - bj > 2 * TIE + 4 * U64 * (Math.abs(z[o + top]) + Math.abs(z[o + j]) + bTop + bj);
      }
      if (!clear) {
        s.rows[fallen] = row;
        s.labels[fallen++] = labels[row];
      } else if (top === labels[row]) hits++;
    }
    from += rows;
  }
  // The rows that did not clear: the float64 forward, as evaluateAccuracy() computes it.
  for (let from = 0; from < fallen; ) {
    const rows = Math.min(ws.capacity, fallen - from);
    const z = forward(model, ws, { sparse: s.sparse, idx: s.rows, from, cwReady: true }, rows, null, true);
    hits += correctCountOfLogits(z, s.labels, from, rows, c, ws.a[L - 1]);
    from += rows;
  }
  s.fallen = fallen;
  return hits / count;
}
