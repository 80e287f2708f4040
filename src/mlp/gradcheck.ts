// Numerical gradient check (tasks 2b and 4c): central differences on the mean loss, one weight at a
// time, against the analytic gradients of backward(). A perturbation of W_l[i, j] changes only
// column j of z_l, so each evaluation updates that column and the next layer by a rank-one step and
// recomputes the layers after it, instead of a whole forward pass; its loss comes from the logits,
// their exps in WebAssembly (crossEntropyOfLogits).

import { type Activation, activate } from "./activations";
import { normalizeRun } from "./config";
import { CLASSES, type DatasetName, loadDataset, pixelStats, preprocess, takeFirst } from "./data";
import { InputError } from "../base/errors";
import { addOuter, matmul } from "./kernels";
import { crossEntropyOfLogits, logitsScratch } from "./loss";
import { type Model, backward, createModel, createWorkspace, forward } from "./model";
import { createRng } from "./rng";
import { f64, mark, release } from "./wasm";

export interface GradCheckResult {
  readonly epsilon: number;
  /** Largest |approx − analytic| for each weight matrix. */
  readonly maxDifference: number[];
  /** Weights of each matrix whose difference exceeds the tolerance. */
  readonly exceeding: number[];
  /**
   * Weights of each matrix whose ±ε moves some row's pre-activation of their own unit across 0
   * (a kink for ReLU, between the two evaluations); 0 for the output layer, which has no kink.
   */
  readonly crossing: number[];
  /** Weights that exceed the tolerance without such a crossing (a wrong gradient shows here). */
  readonly exceedingWithoutCrossing: number[];
  /** Where each layer's largest difference is. */
  readonly worst: { readonly row: number; readonly col: number; readonly approx: number; readonly analytic: number }[];
}

/** Check every weight of `model` on the first `rows` rows of x.  x: (rows, sizes[0]) */
export function gradientCheck(
  model: Model,
  x: Float64Array,
  labels: Uint8Array,
  rows: number,
  epsilon: number,
  tolerance = Infinity,
): GradCheckResult {
  const m = mark();
  try {
    return check(model, x, labels, rows, epsilon, tolerance);
  } finally {
    release(m);
  }
}

function check(model: Model, x: Float64Array, labels: Uint8Array, rows: number, epsilon: number, tolerance: number): GradCheckResult {
  const { sizes, weights } = model;
  const L = weights.length,
    act = model.arch.activation;
  const base = createWorkspace(sizes, rows);
  forward(model, base, { dense: x }, rows);
  backward(model, base, { dense: x }, labels, 0, rows);
  const tmp = createWorkspace(sizes, rows, false);
  const colA = f64(rows);
  const scratch = logitsScratch(rows, sizes[L]);

  // Mean loss when column j of z_l is replaced by zl (rows values, stride 1).
  const delta = f64(rows);
  const lossWithColumn = (l: number, j: number, zl: Float64Array): number => {
    const w = sizes[l + 1];
    if (l === L - 1) {
      const z = tmp.z[l];
      z.set(base.z[l].subarray(0, rows * w));
      for (let r = 0; r < rows; r++) z[r * w + j] = zl[r];
      return crossEntropyOfLogits(z, labels, 0, rows, w, scratch) / rows;
    }
    // a_l column j, then z_{l+1} = base z_{l+1} + Δa_l[:, j] ⊗ W_{l+1}[j, :]
    activate(act, zl, colA, rows);
    const w2 = sizes[l + 2],
      al = base.a[l];
    for (let r = 0; r < rows; r++) delta[r] = colA[r] - al[r * w + j];
    addOuter(base.z[l + 1], delta, weights[l + 1].subarray(j * w2, (j + 1) * w2), tmp.z[l + 1], rows, w2);
    for (let m = l + 1; m < L - 1; m++) {
      if (m > l + 1) matmul(tmp.a[m - 1], weights[m], tmp.z[m], rows, sizes[m], sizes[m + 1]);
      activate(act, tmp.z[m], tmp.a[m], rows * sizes[m + 1]);
    }
    if (L - 1 > l + 1) matmul(tmp.a[L - 2], weights[L - 1], tmp.z[L - 1], rows, sizes[L - 1], sizes[L]);
    return crossEntropyOfLogits(tmp.z[L - 1], labels, 0, rows, sizes[L], scratch) / rows;
  };

  const maxDifference: number[] = [],
    exceeding: number[] = [],
    crossing: number[] = [],
    exceedingWithoutCrossing: number[] = [];
  const worst: GradCheckResult["worst"] = [];
  const col = f64(rows);
  for (let l = 0; l < L; l++) {
    const nIn = sizes[l],
      nOut = sizes[l + 1];
    const input = l === 0 ? x : base.a[l - 1];
    const zl = base.z[l],
      g = base.grads[l],
      wl = weights[l];
    let maxD = 0,
      at = { row: 0, col: 0, approx: 0, analytic: 0 };
    let over = 0,
      crossed = 0,
      overUncrossed = 0;
    for (let i = 0; i < nIn; i++) {
      for (let j = 0; j < nOut; j++) {
        const w0 = wl[i * nOut + j];
        // z_l[:, j] with W[i, j] → w0 ± ε: the products of row i change by (w' − w0)·input[:, i].
        const losses = [0, 0];
        for (const [s, sign] of [
          [0, 1],
          [1, -1],
        ] as const) {
          const dw = w0 + sign * epsilon - w0;
          for (let r = 0; r < rows; r++) col[r] = zl[r * nOut + j] + dw * input[r * nIn + i];
          losses[s] = lossWithColumn(l, j, col);
        }
        const approx = (losses[0] - losses[1]) / (2 * epsilon);
        const analytic = g[i * nOut + j];
        const d = Math.abs(approx - analytic);
        if (!(d <= maxD)) {
          maxD = d;
          at = { row: i, col: j, approx, analytic };
        }
        // Does w0 ± ε move unit j's pre-activation across 0 in some row? (Hidden layers only.)
        let crosses = false;
        for (let r = 0; l < L - 1 && r < rows && !crosses; r++) {
          const z = zl[r * nOut + j],
            dz = epsilon * input[r * nIn + i];
          crosses = z + dz > 0 !== z > 0 || z - dz > 0 !== z > 0;
        }
        if (crosses) crossed++;
        if (d > tolerance) {
          over++;
          if (!crosses) overUncrossed++;
        }
      }
    }
    maxDifference.push(maxD);
    exceeding.push(over);
    crossing.push(crossed);
    exceedingWithoutCrossing.push(overUncrossed);
    worst.push(at);
  }
  return { epsilon, maxDifference, exceeding, crossing, exceedingWithoutCrossing, worst };
}

export interface GradCheckSpec {
  readonly hidden?: readonly number[];
  readonly activation?: Activation;
  readonly seed?: number;
  readonly dataset?: DatasetName;
  readonly epsilon?: number;
  /** Training images to check on (the first ones). */
  readonly images?: number;
  /** Pass mark for every difference: the course's ε² = 1e-6 (kept when ReLU needs a smaller ε). */
  readonly tolerance?: number;
}

export interface GradCheckReport extends GradCheckResult {
  readonly hidden: readonly number[];
  readonly activation: Activation;
  readonly images: number;
  readonly tolerance: number;
  readonly passed: boolean;
}

/**
 * The course's check: every weight drawn from U[−1, 1] right after seeding (never zero weights:
 * a check at zero weights passes trivially), on the first `images` training images normalised
 * like training data. With seed 1 this reproduces the reference implementation's differences.
 */
export function runGradientCheck(spec: GradCheckSpec, dataDir?: string): GradCheckReport {
  const { epsilon = 1e-3, images = 100, tolerance = 1e-6, ...rest } = spec;
  for (const [name, v] of [
    ["epsilon", epsilon],
    ["tolerance", tolerance],
  ] as const) {
    if (!(typeof v === "number" && v > 0 && v < 1)) {
      throw new InputError(`${name} ${JSON.stringify(v)}: expected a number in (0, 1)`);
    }
  }
  const cfg = normalizeRun({ ...rest, trainSize: images, valSize: 1, batchSize: 1 });
  const ds = loadDataset(cfg.dataset, dataDir);
  const split = preprocess(takeFirst(ds.train, images, "images"), pixelStats(ds.train));
  const model = createModel(
    { inputs: split.features, hidden: cfg.hidden, outputs: CLASSES, activation: cfg.activation },
    "uniform",
    createRng(cfg.seed),
  );
  const r = gradientCheck(model, split.x, split.labels, images, epsilon, tolerance);
  return {
    ...r,
    hidden: cfg.hidden,
    activation: cfg.activation,
    images,
    tolerance,
    passed: r.maxDifference.every((d) => d <= tolerance),
  };
}
