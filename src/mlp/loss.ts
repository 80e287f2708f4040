// Softmax output, mean cross-entropy and accuracy over rows of logits.

import { exp } from "./activations";
import { f64, kernelsFor } from "./wasm";

/** Row-wise softmax with the row max subtracted.  z, p: (rows, c) */
export function softmax(z: Float64Array, p: Float64Array, rows: number, c: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * c;
    let m = z[o];
    for (let k = 1; k < c; k++) if (z[o + k] > m) m = z[o + k];
    let s = 0;
    for (let k = 0; k < c; k++) {
      const e = Math.exp(z[o + k] - m);
      p[o + k] = e;
      s += e;
    }
    for (let k = 0; k < c; k++) p[o + k] /= s;
  }
}

/**
 * −ln p[label] for one row. When p underflowed to 0 the log-softmax form gives the finite value.
 * z, p: (c) rows at offset o.
 */
function rowLoss(z: Float64Array, p: Float64Array, o: number, c: number, label: number): number {
  const q = p[o + label];
  if (q > 0) return -Math.log(q);
  let m = z[o];
  for (let k = 1; k < c; k++) if (z[o + k] > m) m = z[o + k];
  let s = 0;
  for (let k = 0; k < c; k++) s += Math.exp(z[o + k] - m);
  return -(z[o + label] - m - Math.log(s));
}

/**
 * Σ over rows of −ln p[label] (divide by the row count for the mean), added in order to
 * `initial` (a sum continued over several calls).  z, p: (rows, c)
 */
export function crossEntropySum(
  z: Float64Array,
  p: Float64Array,
  labels: Uint8Array,
  labelOffset: number,
  rows: number,
  c: number,
  initial = 0,
): number {
  let total = initial;
  for (let r = 0; r < rows; r++) total += rowLoss(z, p, r * c, c, labels[labelOffset + r]);
  return total;
}

/** Scratch of crossEntropyOfLogits for up to `rows` rows of `c` logits: in the arena, for its WebAssembly path. */
export interface LogitsScratch {
  /** (rows, c) exp(z − m) */
  readonly e: Float64Array;
  /** (rows, 2) each row's Σ e and m */
  readonly sm: Float64Array;
}

export function logitsScratch(rows: number, c: number): LogitsScratch {
  return { e: f64(rows * c), sm: f64(rows * 2) };
}

/**
 * Σ over rows of −ln softmax(z)[label], the gradient check's loss (gradcheck.ts): each row's max
 * m, e_k = exp(z_k − m) with the project's exp (activations.ts; within 1 ulp of Math.exp, which
 * softmax() uses), s = Σ e_k in column order, then −ln(e_label / s), or, where that quotient
 * underflows, −(z_label − m − ln s) as rowLoss() does. The max, the exps and the sum run in
 * WebAssembly when z and a scratch large enough are in the arena (softmaxParts), else as this
 * JavaScript: the same operations, so the same bits.  z: (rows, c)
 */
export function crossEntropyOfLogits(
  z: Float64Array,
  labels: Uint8Array,
  labelOffset: number,
  rows: number,
  c: number,
  scratch: LogitsScratch | null = null,
): number {
  const fits = scratch !== null && scratch.e.length >= rows * c && scratch.sm.length >= 2 * rows && z.length >= rows * c;
  const w = fits ? kernelsFor(z, scratch.e, scratch.sm) : null;
  if (w && scratch) w.softmaxParts(z.byteOffset, rows, c, scratch.e.byteOffset, scratch.sm.byteOffset);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * c,
      label = labels[labelOffset + r];
    let m: number, s: number, e: number;
    if (w && scratch) {
      s = scratch.sm[2 * r];
      m = scratch.sm[2 * r + 1];
      e = scratch.e[o + label];
    } else {
      m = z[o];
      for (let k = 1; k < c; k++) if (z[o + k] > m) m = z[o + k];
      s = 0;
      e = 0;
      for (let k = 0; k < c; k++) {
        const ek = exp(z[o + k] - m);
        if (k === label) e = ek;
        s += ek;
      }
    }
    const q = e / s;
    total += q > 0 ? -Math.log(q) : -(z[o + label] - m - Math.log(s));
  }
  return total;
}

/** Rows whose first largest probability is at the label.  p: (rows, c) */
export function correctCount(p: Float64Array, labels: Uint8Array, labelOffset: number, rows: number, c: number): number {
  let hits = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * c;
    let best = 0;
    for (let k = 1; k < c; k++) if (p[o + k] > p[o + best]) best = k;
    if (best === labels[labelOffset + r]) hits++;
  }
  return hits;
}

/**
 * A lead of the largest logit over every other that softmax cannot undo: exp(−TIE) lies millions
 * of ulps below 1, far beyond the rounding of the subtraction, of exp (under 1 ulp) and of the
 * division by the row's sum.
 */
export const TIE = 1e-9;

/**
 * correctCount() of softmax(z), from the logits: where the largest logit leads every other by more
 * than TIE, its probability is the strictly largest (softmax is monotone and the lead outlasts its
 * rounding), so it is the first largest; a row with a closer race or a value that is not finite is
 * counted from its softmax, computed as softmax() computes it.  z: (rows, c), row: (c) scratch.
 */
export function correctCountOfLogits(
  z: Float64Array,
  labels: Uint8Array,
  labelOffset: number,
  rows: number,
  c: number,
  row: Float64Array,
): number {
  let hits = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * c;
    let best = 0,
      top = z[o],
      second = -Infinity,
      finite = Number.isFinite(top);
    for (let k = 1; k < c; k++) {
      const v = z[o + k];
      finite &&= Number.isFinite(v);
      if (v > top) {
        second = top;
        top = v;
        best = k;
      } else if (v > second) second = v;
    }
    if (!(finite && top - second > TIE)) {
      softmax(z.subarray(o, o + c), row, 1, c);
      best = 0;
      for (let k = 1; k < c; k++) if (row[k] > row[best]) best = k;
    }
    if (best === labels[labelOffset + r]) hits++;
  }
  return hits;
}
