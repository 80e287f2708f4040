// The multilayer perceptron: layer sizes, weight initialisation, forward and backward passes.
// Weights are (fan_in, fan_out) and forward is X·W; the only bias is the input's column of ones.

import { type Activation, activate, multiplySlope } from "./activations";
import { type SparseRows, matmul, matmulAtB, matmulABt, sparseMatmul, sparseMatmulAtB } from "./kernels";
import { softmax, crossEntropySum, correctCount } from "./loss";
import { type Rng, fillUniform, fillNormal } from "./rng";
import { f64 } from "./wasm";

export const INITS = ["uniform", "fan-in"] as const;
export type Init = (typeof INITS)[number];

export interface Architecture {
  /** Input columns including the bias column (785 for MNIST). */
  readonly inputs: number;
  readonly hidden: readonly number[];
  readonly outputs: number;
  readonly activation: Activation;
}

export interface Model {
  readonly arch: Architecture;
  /** [inputs, ...hidden, outputs] */
  readonly sizes: readonly number[];
  /** weights[l]: (sizes[l], sizes[l+1]) row-major */
  readonly weights: Float64Array[];
}

export function layerSizes(arch: Architecture): number[] {
  return [arch.inputs, ...arch.hidden, arch.outputs];
}

/** Σ fan_in·fan_out: weights only (the bias lives in the input column). */
export function parameterCount(sizes: readonly number[]): number {
  let n = 0;
  for (let l = 0; l + 1 < sizes.length; l++) n += sizes[l] * sizes[l + 1];
  return n;
}

/**
 * The count with a bias per hidden and output unit instead of the input's bias column (the
 * official answer, 50 890 for [785, 64, 10]): the first layer's unit biases are the bias column's
 * weights already, so each later layer adds one per unit.
 */
export function parameterCountWithUnitBias(sizes: readonly number[]): number {
  let units = 0;
  for (let l = 2; l < sizes.length; l++) units += sizes[l];
  return parameterCount(sizes) + units;
}

/**
 * The equal hidden width whose weight count is closest to `budget` (the smaller on a tie).
 * inputs includes the bias column.
 */
export function equalWidthForBudget(inputs: number, outputs: number, depth: number, budget: number): number {
  let best = 1, bestGap = Infinity;
  for (let w = 1; w <= budget; w++) {
    const n = parameterCount([inputs, ...Array<number>(depth).fill(w), outputs]);
    const gap = Math.abs(n - budget);
    if (gap < bestGap) { best = w; bestGap = gap; }
    if (n > budget) break;
  }
  return best;
}

/** Draw every weight layer by layer, each matrix row-major, as the NumPy starter does. */
export function initWeights(sizes: readonly number[], init: Init, rng: Rng): Float64Array[] {
  const ws: Float64Array[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const w = f64(sizes[l] * sizes[l + 1]);
    if (init === "uniform") fillUniform(rng, w, -1, 1);
    else fillNormal(rng, w, 0, 1 / Math.sqrt(sizes[l]));
    ws.push(w);
  }
  return ws;
}

export function createModel(arch: Architecture, init: Init, rng: Rng): Model {
  const sizes = layerSizes(arch);
  return { arch, sizes, weights: initWeights(sizes, init, rng) };
}

/** Buffers for passes over up to `capacity` rows; reused across steps so the hot loop allocates nothing. */
export interface Workspace {
  readonly capacity: number;
  /** z[l]: (capacity, sizes[l+1]) pre-activations; the last is the logits. */
  readonly z: Float64Array[];
  /** a[l]: (capacity, sizes[l+1]) activations of hidden layer l; a[L-1] holds the softmax output. */
  readonly a: Float64Array[];
  /** t[l]: (capacity, sizes[l+1]) tanh(2z/3) of improved-sigmoid hidden layers, for backward. */
  readonly t: Float64Array[];
  /** delta[l]: (capacity, sizes[l+1]) ∂(mean loss)/∂z[l]. */
  readonly delta: Float64Array[];
  /** grads[l]: same shape as weights[l]. */
  readonly grads: Float64Array[];
  /** (sizes[1]) scratch for the sparse first layer. */
  readonly rowVec: Float64Array;
  /** (max over l ≥ 1 of sizes[l]·sizes[l+1]) scratch for δ·Wᵀ. */
  readonly wT: Float64Array;
}

/** Rows fed to the first layer: a dense matrix, or rows of a sparse one (idx null: rows from, from+1, …). */
export type Input =
  | { readonly dense: Float64Array }
  | { readonly sparse: SparseRows; readonly idx: Int32Array | null; readonly from: number };

export function createWorkspace(sizes: readonly number[], capacity: number, withBackward = true): Workspace {
  const L = sizes.length - 1;
  const per = (f: (l: number) => number) => Array.from({ length: L }, (_, l) => f64(f(l)));
  return {
    capacity,
    z: per((l) => capacity * sizes[l + 1]),
    a: per((l) => capacity * sizes[l + 1]),
    t: withBackward ? per((l) => (l < L - 1 ? capacity * sizes[l + 1] : 0)) : [],
    delta: withBackward ? per((l) => capacity * sizes[l + 1]) : [],
    grads: withBackward ? per((l) => sizes[l] * sizes[l + 1]) : [],
    rowVec: f64(sizes[1]),
    wT: f64(withBackward ? Math.max(0, ...sizes.slice(1, -1).map((s, l) => s * sizes[l + 2])) : 0),
  };
}

/** Forward pass; returns the softmax output ws.a[L-1].  x: (rows, sizes[0]) -> (rows, outputs) */
export function forward(model: Model, ws: Workspace, x: Input, rows: number): Float64Array {
  const { sizes, weights } = model;
  const L = weights.length;
  for (let l = 0; l < L; l++) {
    if (l > 0) matmul(ws.a[l - 1], weights[l], ws.z[l], rows, sizes[l], sizes[l + 1]);
    else if ("dense" in x) matmul(x.dense, weights[0], ws.z[0], rows, sizes[0], sizes[1]);
    else sparseMatmul(x.sparse, x.idx, x.from, rows, weights[0], sizes[1], ws.rowVec, ws.z[0]);
    if (l < L - 1) activate(model.arch.activation, ws.z[l], ws.a[l], rows * sizes[l + 1], ws.t[l] ?? null);
    else softmax(ws.z[l], ws.a[l], rows, sizes[l + 1]);
  }
  return ws.a[L - 1];
}

/**
 * Backward pass after forward() on the same rows: ws.grads = gradients of the mean cross-entropy.
 * δ_out = (ŷ − y)/N; ∇W_l = a_lᵀ δ_{l+1}; δ_l = (δ_{l+1} W_lᵀ) ⊙ f′(z_l).
 */
export function backward(
  model: Model, ws: Workspace, x: Input, labels: Uint8Array, labelOffset: number, rows: number,
): void {
  const { sizes, weights } = model;
  const L = weights.length;
  const c = sizes[L];
  const p = ws.a[L - 1], dOut = ws.delta[L - 1];
  for (let r = 0; r < rows; r++) {
    const o = r * c, label = labels[labelOffset + r];
    for (let k = 0; k < c; k++) dOut[o + k] = (p[o + k] - (k === label ? 1 : 0)) / rows;
  }
  for (let l = L - 1; l >= 0; l--) {
    if (l > 0) matmulAtB(ws.a[l - 1], ws.delta[l], ws.grads[l], rows, sizes[l], sizes[l + 1]);
    else if ("dense" in x) matmulAtB(x.dense, ws.delta[0], ws.grads[0], rows, sizes[0], sizes[1]);
    else sparseMatmulAtB(x.sparse, x.idx, x.from, rows, ws.delta[0], sizes[1], ws.rowVec, ws.grads[0]);
    if (l > 0) {
      matmulABt(ws.delta[l], weights[l], ws.delta[l - 1], rows, sizes[l + 1], sizes[l], ws.wT);
      multiplySlope(model.arch.activation, ws.z[l - 1], ws.a[l - 1], ws.delta[l - 1], rows * sizes[l], ws.t[l - 1] ?? null);
    }
  }
}

/** Mean loss of the rows after forward().  */
export function meanLoss(model: Model, ws: Workspace, labels: Uint8Array, labelOffset: number, rows: number): number {
  const L = model.weights.length;
  return crossEntropySum(ws.z[L - 1], ws.a[L - 1], labels, labelOffset, rows, model.sizes[L]) / rows;
}

export interface Evaluation {
  readonly loss: number;
  readonly accuracy: number;
}

/** Rows with labels: x is (count, sizes[0]); sparse, when present, is the same rows in sparse form. */
export interface LabelledRows {
  readonly count: number;
  readonly x: Float64Array;
  readonly sparse?: SparseRows;
  readonly labels: Uint8Array;
}

/** Mean cross-entropy and accuracy over all rows, in chunks of the workspace's capacity. */
export function evaluate(model: Model, ws: Workspace, data: LabelledRows): Evaluation {
  const { x, labels, count, sparse } = data;
  const L = model.weights.length, c = model.sizes[L], nIn = model.sizes[0];
  let lossSum = 0, hits = 0;
  for (let from = 0; from < count; from += ws.capacity) {
    const rows = Math.min(ws.capacity, count - from);
    const input: Input = sparse ? { sparse, idx: null, from } : { dense: x.subarray(from * nIn, (from + rows) * nIn) };
    const p = forward(model, ws, input, rows);
    lossSum += crossEntropySum(ws.z[L - 1], p, labels, from, rows, c);
    hits += correctCount(p, labels, from, rows, c);
  }
  return { loss: lossSum / count, accuracy: hits / count };
}
