// The screen of a check's pass over the training split, which needs only each image's winning
// class (evaluateAccuracy): the first layer in 16-bit integers (eight products to a SIMD
// instruction: quantizedFirstLayer), the layers after it in float64 as forward() computes them,
// and for each image a bound on how far each logit can be from the logit of the float64 forward.
// An image whose leading logit beats every other by more than both their bounds and TIE is
// counted from these logits: the float64 logits have the same leader by more than TIE, and
// correctCountOfLogits counts such a row from its logits. Every other image (near ties; most of
// them in a run's first checks) goes through the float64 forward. The count is the float64 count,
// bit for bit.
//
// The integers. Every stored entry of the input (v = x − base, sparseMatmul's values) is a whole
// number p of steps κ: v = p·κ + ρ_v, 1 ≤ p ≤ 4095, |ρ_v| ≤ ρ (MNIST: p the pixel's byte, κ = 1/σ;
// createScreen finds κ and p, else there is no screen). Each pass rounds W₀ column by column:
// W[i, j] = s_j·q[i, j] + ω[i, j] with q = round(W/s_j) in int16, so |ω| ≤ Ω_j = s_j(½ + 2⁻³⁷);
// the step s_j = max(M_j/32767, 2·p_max·Σ_i |W[i, j]|/2³¹) keeps q in int16 and every 32-bit sum
// exact (p_max·Σ_i |q[i, j]| < 2³¹, checked). A column whose step would leave float64's normal
// range (all zero, or nearly) is all q = 0, and Ω_j = M_j. The first layer is then z_j = cw_j +
// fl(κ·s_j)·Q_j in float64, Q_j = Σ p·q over the image's pixels, an exact integer.
//
// The bound, for an image with m entries and P = Σ p over them; u = 2⁻⁵³, M_j = max_i |W₀[i, j]|,
// cw = baseᵀW₀ (float64, shared by both paths), k the input width:
//   layer 0: Σ v·W = κs_jQ_j + κ·Σ p·ω + Σ ρ_v·W, so |z_j − z64_j| ≤ e_j = κ·Ω_j·P + ρ·m·M_j
//     + u|cw_j| + 3.01u·κ·P·(M_j + Ω_j) (the rounding of z_j; κs_j|Q_j| ≤ κP(M_j + Ω_j))
//     + 1.01(m + 2)u·(|cw_j| + (κP + ρm)·M_j) (sparseMatmul's m products and sums; m ≤ k).
//   a hidden layer after it (float64 on both paths, the same code): Δa ≤ Λ·Δz + 2η (Λ the
//     activation's largest slope, η 1e-12 ≥ its float64 error), and the next product adds
//     Σ_j |W[j, o]|·Δa_j plus both paths' rounding, ≤ 2·1.01·n·u·A·Σ_j |W[j, o]| (|a| ≤ A).
// The bound is linear in (1, m, P): three vectors per check (a, b, c) give every image's bounds as
// a_o + m·b_o + P·c_o, scaled by 1 + 1e-6 for the bound's own rounding; 1e-300 more covers the
// absolute error of float64 results below the normal range (at most 2⁻¹⁰⁷⁵ each). Only for
// sigmoid and improved sigmoid (bounded, Lipschitz), sparse input in whole steps, one or two
// hidden layers (deeper, the bound grows by about Λ·Σ|W| a layer until every image would fall
// back), and the arena's kernels (C or WebAssembly: the same bits).
//
// May import: mlp.

import { LECUN_A, LECUN_B } from "./activations";
import { baseTimes, type SparseRows } from "./kernels";
import { correctCountOfLogits, TIE } from "./loss";
import { type LabelledRows, type Model, type Workspace, evaluateAccuracy, forward } from "./model";
import { f64, i16, i32, kernelsFor } from "./wasm";

const U = 2 ** -53;
/** A bound on the float64 activations' absolute error. */
const ETA = 1e-12;
/** The largest p: two products of p and an int16 fit a 32-bit lane. */
const P_MAX = 4095;
const I16_MAX = 32767;
const I32_MAX = 2 ** 31 - 1;

export interface Screen {
  readonly sparse: SparseRows;
  /** The step κ of the entries, the largest |v − p·κ| and the largest p. */
  readonly kappa: number;
  readonly rho: number;
  readonly pMax: number;
  /** Per row of the split, its pair slots start[row] … start[row + 1] − 1 (quantizedFirstLayer). */
  readonly start: Int32Array;
  readonly slot: Int32Array;
  readonly pk: Int32Array;
  /** Per row: m, its entries, and P, the sum of their p. */
  readonly m: Float64Array;
  readonly p: Float64Array;
  /** Per check: (slots, groups, 8) the rounded W₀, and (4·groups) cw and κ·s. */
  readonly wq: Int16Array;
  readonly cw: Float64Array;
  readonly t: Float64Array;
  /** Per check, per class: the bound's coefficients. */
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly c: Float64Array;
  /** The rows that fall back (row numbers), then their labels. */
  readonly rows: Int32Array;
  readonly labels: Uint8Array;
  /** How many rows the last pass sent through the float64 forward. */
  fallen: number;
}

/** κ and every entry's p, when each entry is a whole number of steps; else null. */
function stepsOf(val: Float64Array, n: number): { kappa: number; rho: number; pMax: number; p: Int32Array } | null {
  let least = Infinity;
  for (let e = 0; e < n; e++) least = Math.min(least, val[e]);
  if (!(least > 0 && Number.isFinite(least))) return null;
  const p = new Int32Array(n);
  // The least entry is some small number of steps (MNIST: one).
  search: for (let d = 1; d <= 8; d++) {
    const kappa = least / d;
    let rho = 0,
      pMax = 0;
    for (let e = 0; e < n; e++) {
      const q = Math.round(val[e] / kappa),
        r = Math.abs(val[e] - q * kappa);
      if (!(q >= 1 && q <= P_MAX && r <= 1e-9 * val[e])) continue search;
      p[e] = q;
      rho = Math.max(rho, r + 2 ** -52 * q * kappa);
      pMax = Math.max(pMax, q);
    }
    return { kappa, rho: rho * (1 + 2 ** -50), pMax, p };
  }
  return null;
}

/** The screen of a model's passes over `data`, or null where it does not apply (see the header). */
export function createScreen(model: Model, data: LabelledRows): Screen | null {
  const sp = data.sparse;
  const L = model.weights.length;
  if (!sp || L < 2 || L > 3 || model.arch.activation === "relu") return null;
  const n0 = model.sizes[1],
    k = model.sizes[0],
    c = model.sizes[L],
    groups = Math.ceil(n0 / 4),
    count = data.count;
  const entries = sp.start[count];
  const steps = stepsOf(sp.val, entries);
  if (!steps) return null;
  // Pair slots: the entries of pixels 2s and 2s + 1 share slot s (the entries are in column order).
  const start = new Int32Array(count + 1),
    slotOf = new Int32Array(entries),
    pkOf = new Int32Array(entries);
  const m = new Float64Array(count),
    p = new Float64Array(count);
  let slots = 0;
  for (let row = 0; row < count; row++) {
    let last = -1,
      previous = -1,
      sum = 0;
    for (let e = sp.start[row]; e < sp.start[row + 1]; e++) {
      const col = sp.col[e];
      if (col <= previous) return null;
      previous = col;
      if (col >> 1 !== last) {
        last = col >> 1;
        slotOf[slots] = last;
        pkOf[slots++] = 0;
      }
      pkOf[slots - 1] |= col & 1 ? steps.p[e] << 16 : steps.p[e];
      sum += steps.p[e];
    }
    start[row + 1] = slots;
    m[row] = sp.start[row + 1] - sp.start[row];
    p[row] = sum;
  }
  const s: Screen = {
    sparse: sp,
    kappa: steps.kappa,
    rho: steps.rho,
    pMax: steps.pMax,
    start: i32(count + 1),
    slot: i32(slots),
    pk: i32(slots),
    m,
    p,
    wq: i16(Math.ceil(k / 2) * groups * 8),
    cw: f64(groups * 4),
    t: f64(groups * 4),
    a: new Float64Array(c),
    b: new Float64Array(c),
    c: new Float64Array(c),
    rows: i32(count),
    labels: new Uint8Array(count),
    fallen: 0,
  };
  s.start.set(start);
  s.slot.set(slotOf.subarray(0, slots));
  s.pk.set(pkOf.subarray(0, slots));
  if (!kernelsFor(s.start, s.slot, s.pk, s.wq, s.cw, s.t, s.rows)) return null;
  return s;
}

/** Λ, the largest slope, and A, the largest |value|, of an activation. */
function slopeAndRange(model: Model): [number, number] {
  return model.arch.activation === "sigmoid" ? [0.25, 1] : [LECUN_A * LECUN_B, LECUN_A * (1 + 1e-9)];
}

/**
 * This pass's rounded weights, baseᵀW₀ (into ws.rowVec, as evaluate() computes it, for both paths)
 * and the bound's coefficients a, b, c (see the header). False when W₀ cannot be rounded (a weight
 * that is not finite): the pass then takes the float64 forward.
 */
export function prepareScreen(model: Model, ws: Workspace, s: Screen): boolean {
  const { sizes, weights } = model;
  const k = sizes[0],
    n0 = sizes[1],
    w0 = weights[0],
    groups = Math.ceil(n0 / 4);
  baseTimes(s.sparse.base, k, w0, n0, ws.rowVec);
  const cw = ws.rowVec.subarray(0, n0);
  const M = new Float64Array(n0),
    sum = new Float64Array(n0);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < n0; j++) {
      const w = Math.abs(w0[i * n0 + j]);
      M[j] = Math.max(M[j], w);
      sum[j] += w;
    }
  }
  // step 0: a column rounded to q = 0 whole (its step would not be a normal float64).
  const step = new Float64Array(n0),
    qSum = new Float64Array(n0);
  for (let j = 0; j < n0; j++) {
    if (!Number.isFinite(sum[j]) || !Number.isFinite(cw[j])) return false;
    const least = M[j] / I16_MAX;
    step[j] = least >= 2 ** -1000 ? Math.max(least, (2 * s.pMax * sum[j]) / 2 ** 31) : 0;
  }
  s.wq.fill(0);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < n0; j++) {
      if (step[j] === 0) continue;
      const q = Math.max(-I16_MAX, Math.min(I16_MAX, Math.round(w0[i * n0 + j] / step[j])));
      s.wq[((i >> 1) * groups + (j >> 2)) * 8 + (j & 3) * 2 + (i & 1)] = q;
      qSum[j] += Math.abs(q);
    }
  }
  // Layer 0: e_j = A_j + m·B_j + P·C_j (see the header).
  const { kappa, rho } = s;
  let A = new Float64Array(n0),
    B = new Float64Array(n0),
    C = new Float64Array(n0);
  for (let j = 0; j < n0; j++) {
    if (!(s.pMax * qSum[j] <= I32_MAX)) return false;
    s.cw[j] = cw[j];
    s.t[j] = kappa * step[j];
    const omega = step[j] === 0 ? M[j] : step[j] * (0.5 + 2 ** -37),
      acw = Math.abs(cw[j]);
    A[j] = U * acw + 2.02 * U * acw + 1e-300;
    B[j] = rho * M[j] + 1.01 * U * acw + 1.01 * (k + 2) * U * rho * M[j];
    C[j] = kappa * omega + 3.01 * U * kappa * (M[j] + omega) + 1.01 * (k + 2) * U * kappa * M[j];
  }
  const [slope, range] = slopeAndRange(model);
  for (let l = 1; l < weights.length; l++) {
    const w = weights[l],
      nIn = sizes[l],
      nOut = sizes[l + 1];
    const a = new Float64Array(nOut),
      b = new Float64Array(nOut),
      c = new Float64Array(nOut);
    for (let j = 0; j < nIn; j++) {
      for (let o = 0; o < nOut; o++) {
        const x = Math.abs(w[j * nOut + o]);
        a[o] += x * (slope * A[j] + 2 * ETA + 2.02 * nIn * U * range);
        b[o] += x * slope * B[j];
        c[o] += x * slope * C[j];
      }
    }
    [A, B, C] = [a, b, c];
  }
  const grow = 1 + 1e-6;
  for (let o = 0; o < A.length; o++) {
    s.a[o] = A[o] * grow;
    s.b[o] = B[o] * grow;
    s.c[o] = C[o] * grow;
  }
  return true;
}

/** The bound on |logit k of the screen − logit k of the float64 forward| for a row, after prepareScreen(). */
export function logitBound(s: Screen, row: number, k: number): number {
  return s.a[k] + s.m[row] * s.b[k] + s.p[row] * s.c[k];
}

/**
 * The first layer of rows from … from + rows − 1 into ws.z[0], after prepareScreen(). The
 * workspace must be in the arena (screenedAccuracy checks).
 */
export function screenFirstLayer(model: Model, ws: Workspace, s: Screen, from: number, rows: number): void {
  const n0 = model.sizes[1];
  const w = kernelsFor(s.wq, ws.z[0]);
  if (!w || ws.z[0].length < rows * n0) throw new Error("screenFirstLayer: the workspace's first layer is not in the arena or too small");
  w.quantizedFirstLayer(
    s.start.byteOffset,
    s.slot.byteOffset,
    s.pk.byteOffset,
    from,
    rows,
    s.wq.byteOffset,
    Math.ceil(n0 / 4),
    n0,
    s.cw.byteOffset,
    s.t.byteOffset,
    ws.z[0].byteOffset,
  );
}

/**
 * The share of `data`'s rows whose first largest softmax probability is at their label, as
 * evaluateAccuracy() counts it, through the screen.  ws: an evaluation workspace of the model.
 */
export function screenedAccuracy(model: Model, ws: Workspace, data: LabelledRows, s: Screen): number {
  const { labels, count } = data;
  const L = model.weights.length,
    c = model.sizes[L];
  if (!kernelsFor(ws.z[0]) || !prepareScreen(model, ws, s)) {
    s.fallen = count;
    return evaluateAccuracy(model, ws, data);
  }
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
        clear = z[o + top] - z[o + j] - bTop - bj > 2 * TIE + 4 * U * (Math.abs(z[o + top]) + Math.abs(z[o + j]) + bTop + bj);
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
