// The multilayer perceptron: layer sizes, weight initialisation, forward and backward passes.
// Weights are (fan_in, fan_out) and forward is X·W; the only bias is the input's column of ones.

import { type Activation, activate, multiplySlope } from "./activations";
import {
  type SparseColumns,
  type SparseRows,
  baseTimes,
  createSparseColumns,
  matmul,
  matmulAtB,
  matmulABt,
  sparseColumns,
  sparseGradientStep,
  sparseMatmul,
  sparseMatmulAtB,
} from "./kernels";
import { softmax, crossEntropySum, correctCount, correctCountOfLogits } from "./loss";
import { type SgdState, sgdLayer } from "./optim";
import { type Profile, ACTIVATION, BACKWARD, FORWARD, LOSS, UPDATE, lap } from "./profile";
import { type Rng, fillUniform, fillNormal } from "./rng";
import { f64, i32 } from "./wasm";

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
  let best = 1,
    bestGap = Infinity;
  for (let w = 1; w <= budget; w++) {
    const n = parameterCount([inputs, ...Array<number>(depth).fill(w), outputs]);
    const gap = Math.abs(n - budget);
    if (gap < bestGap) {
      best = w;
      bestGap = gap;
    }
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
  /** A sparse batch by column, for trainStep()'s first layer (null without backward). */
  readonly columns: SparseColumns | null;
  /** (2·max(capacity, widths)) scratch of the products that skip ReLU's zeros. */
  readonly skip: Int32Array;
}

/**
 * Rows fed to the first layer: a dense matrix, or rows of a sparse one (idx null: rows from,
 * from+1, …); cwReady: the workspace's rowVec holds baseᵀW₀ for the current weights already.
 */
export type Input =
  | { readonly dense: Float64Array }
  | { readonly sparse: SparseRows; readonly idx: Int32Array | null; readonly from: number; readonly cwReady?: boolean };

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
    columns: withBackward ? createSparseColumns(sizes[0], capacity) : null,
    skip: i32(2 * Math.max(capacity, ...sizes)),
  };
}

/**
 * Forward pass; returns the softmax output ws.a[L-1], or with `logits` the output layer's
 * pre-activation ws.z[L-1] (no softmax).  x: (rows, sizes[0]) -> (rows, outputs)
 * x null: ws.z[0] already holds the first layer's product (screen.ts). With a profile, the time
 * of each kernel is added to its phase.
 */
export function forward(
  model: Model,
  ws: Workspace,
  x: Input | null,
  rows: number,
  prof: Profile | null = null,
  logits = false,
): Float64Array {
  const { sizes, weights } = model;
  const L = weights.length;
  const skip = zerosOf(model, ws);
  let t = prof ? performance.now() : 0;
  for (let l = 0; l < L; l++) {
    if (l > 0) matmul(ws.a[l - 1], weights[l], ws.z[l], rows, sizes[l], sizes[l + 1], skip);
    else if (x === null) {
      // the caller computed z[0]
    } else if ("dense" in x) matmul(x.dense, weights[0], ws.z[0], rows, sizes[0], sizes[1]);
    else sparseMatmul(x.sparse, x.idx, x.from, rows, weights[0], sizes[1], ws.rowVec, ws.z[0], x.cwReady);
    if (prof) t = lap(prof, FORWARD, t);
    if (l < L - 1) {
      activate(model.arch.activation, ws.z[l], ws.a[l], rows * sizes[l + 1], ws.t[l] ?? null);
      if (prof) t = lap(prof, ACTIVATION, t);
    } else if (!logits) {
      softmax(ws.z[l], ws.a[l], rows, sizes[l + 1]);
      if (prof) t = lap(prof, LOSS, t);
    }
  }
  return logits ? ws.z[L - 1] : ws.a[L - 1];
}

/** The scratch with which products skip the zeros of ReLU's activations and of their δ, else null. */
function zerosOf(model: Model, ws: Workspace): Int32Array | null {
  return model.arch.activation === "relu" ? ws.skip : null;
}

/**
 * Backward pass after forward() on the same rows: ws.grads = gradients of the mean cross-entropy.
 * δ_out = (ŷ − y)/N; ∇W_l = a_lᵀ δ_{l+1}; δ_l = (δ_{l+1} W_lᵀ) ⊙ f′(z_l).
 */
export function backward(model: Model, ws: Workspace, x: Input, labels: Uint8Array, labelOffset: number, rows: number): void {
  const { sizes, weights } = model;
  const L = weights.length;
  outputDelta(ws.a[L - 1], ws.delta[L - 1], labels, labelOffset, rows, sizes[L]);
  for (let l = L - 1; l >= 0; l--) {
    if (l > 0) matmulAtB(ws.a[l - 1], ws.delta[l], ws.grads[l], rows, sizes[l], sizes[l + 1]);
    else firstLayerGradient(model, ws, x, rows);
    if (l > 0) {
      matmulABt(ws.delta[l], weights[l], ws.delta[l - 1], rows, sizes[l + 1], sizes[l], ws.wT);
      multiplySlope(model.arch.activation, ws.z[l - 1], ws.a[l - 1], ws.delta[l - 1], rows * sizes[l], ws.t[l - 1] ?? null);
    }
  }
}

/** δ_out = (ŷ − y)/N.  p, dOut: (rows, c) */
function outputDelta(p: Float64Array, dOut: Float64Array, labels: Uint8Array, labelOffset: number, rows: number, c: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * c,
      label = labels[labelOffset + r];
    for (let k = 0; k < c; k++) dOut[o + k] = (p[o + k] - (k === label ? 1 : 0)) / rows;
  }
}

/**
 * One step of mini-batch SGD on `rows` rows: forward(), the mean loss, then backward() with each
 * layer's update (optim.ts) made as soon as its gradient and the δ below it are done, the first
 * layer's without storing its gradient (sparseGradientStep). Every number is the same as
 * forward(), meanLoss(), backward() and sgdStep() in turn give. Returns the mean loss; when it is
 * not finite, before any weight changes.
 */
export function trainStep(
  model: Model,
  ws: Workspace,
  opt: SgdState,
  x: Input,
  labels: Uint8Array,
  labelOffset: number,
  rows: number,
  prof: Profile | null = null,
): number {
  const { sizes, weights } = model;
  const L = weights.length;
  forward(model, ws, x, rows, prof);
  let t = prof ? performance.now() : 0;
  const loss = meanLoss(model, ws, labels, labelOffset, rows);
  if (!Number.isFinite(loss)) return loss;
  outputDelta(ws.a[L - 1], ws.delta[L - 1], labels, labelOffset, rows, sizes[L]);
  if (prof) t = lap(prof, LOSS, t);
  const skip = zerosOf(model, ws);
  for (let l = L - 1; l > 0; l--) {
    matmulAtB(ws.a[l - 1], ws.delta[l], ws.grads[l], rows, sizes[l], sizes[l + 1], skip);
    matmulABt(ws.delta[l], weights[l], ws.delta[l - 1], rows, sizes[l + 1], sizes[l], ws.wT, l < L - 1 ? skip : null);
    if (prof) t = lap(prof, BACKWARD, t);
    multiplySlope(model.arch.activation, ws.z[l - 1], ws.a[l - 1], ws.delta[l - 1], rows * sizes[l], ws.t[l - 1] ?? null);
    if (prof) t = lap(prof, ACTIVATION, t);
    sgdLayer(opt, l, weights[l], ws.grads[l]);
    if (prof) t = lap(prof, UPDATE, t);
  }
  if ("sparse" in x && ws.columns) {
    sparseColumns(x.sparse, x.idx, x.from, rows, ws.columns);
    const v = opt.momentum === 0 ? null : opt.velocity[0];
    sparseGradientStep(x.sparse.base, ws.columns, rows, ws.delta[0], sizes[1], ws.rowVec, weights[0], v, opt.learningRate, opt.momentum);
    if (prof) lap(prof, BACKWARD, t);
  } else {
    firstLayerGradient(model, ws, x, rows);
    if (prof) t = lap(prof, BACKWARD, t);
    sgdLayer(opt, 0, weights[0], ws.grads[0]);
    if (prof) lap(prof, UPDATE, t);
  }
  return loss;
}

/**
 * The first layer's gradient into ws.grads[0] after trainStep() on the same rows, which applies it
 * without storing it on sparse input: Xᵀ δ₀ from the δ the step left (it does not depend on the
 * weights the step changed), the same bits backward() stores. For the checks' gradient statistics.
 */
export function firstLayerGradient(model: Model, ws: Workspace, x: Input, rows: number): void {
  // x: (rows, n0), δ₀: (rows, n1) -> grads[0]: (n0, n1)
  const { sizes } = model;
  if ("dense" in x) matmulAtB(x.dense, ws.delta[0], ws.grads[0], rows, sizes[0], sizes[1]);
  else sparseMatmulAtB(x.sparse, x.idx, x.from, rows, ws.delta[0], sizes[1], ws.rowVec, ws.grads[0]);
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

/**
 * Rows with labels: x is (count, sizes[0]); sparse, when present, is the same rows in sparse form
 * (then x is not read).
 */
export interface LabelledRows {
  readonly count: number;
  readonly x: Float64Array;
  readonly sparse?: SparseRows;
  readonly labels: Uint8Array;
}

/**
 * Rows per partial sum of evaluate()'s loss: the rows' losses are summed in order within each
 * 1000 rows, then the partial sums in order (how the reference numbers were computed).
 */
export const LOSS_CHUNK = 1000;

/**
 * Mean cross-entropy and accuracy over all rows, the forward pass in blocks of the workspace's
 * capacity (small blocks keep a deep network's activations in cache); a sparse input's baseᵀW₀
 * is computed once for all blocks. The result does not depend on the capacity.
 */
export function evaluate(model: Model, ws: Workspace, data: LabelledRows): Evaluation {
  const { labels, count, sparse } = data;
  const L = model.weights.length,
    c = model.sizes[L],
    nIn = model.sizes[0];
  let lossSum = 0,
    partial = 0,
    hits = 0;
  if (sparse) baseTimes(sparse.base, nIn, model.weights[0], model.sizes[1], ws.rowVec);
  for (let from = 0; from < count; ) {
    const chunkEnd = Math.min(count, (Math.floor(from / LOSS_CHUNK) + 1) * LOSS_CHUNK);
    const rows = Math.min(ws.capacity, chunkEnd - from);
    const input: Input = sparse ? { sparse, idx: null, from, cwReady: true } : { dense: data.x.subarray(from * nIn, (from + rows) * nIn) };
    const p = forward(model, ws, input, rows);
    partial = crossEntropySum(ws.z[L - 1], p, labels, from, rows, c, partial);
    hits += correctCount(p, labels, from, rows, c);
    from += rows;
    if (from === chunkEnd) {
      lossSum += partial;
      partial = 0;
    }
  }
  return { loss: lossSum / count, accuracy: hits / count };
}

/**
 * evaluate()'s accuracy alone, bit for bit, without the loss: from the logits, with no softmax but
 * for the rows where the two largest logits nearly tie (correctCountOfLogits). A check's pass over
 * the training split needs only this.
 */
export function evaluateAccuracy(model: Model, ws: Workspace, data: LabelledRows): number {
  const { labels, count, sparse } = data;
  const L = model.weights.length,
    c = model.sizes[L],
    nIn = model.sizes[0];
  let hits = 0;
  if (sparse) baseTimes(sparse.base, nIn, model.weights[0], model.sizes[1], ws.rowVec);
  for (let from = 0; from < count; ) {
    const rows = Math.min(ws.capacity, count - from);
    const input: Input = sparse ? { sparse, idx: null, from, cwReady: true } : { dense: data.x.subarray(from * nIn, (from + rows) * nIn) };
    const z = forward(model, ws, input, rows, null, true);
    hits += correctCountOfLogits(z, labels, from, rows, c, ws.a[L - 1]);
    from += rows;
  }
  return hits / count;
}
