// What a run may cost, checked before anything is allocated: the memory it needs (weights,
// gradients, momentum, the batch and evaluation buffers, the normalised data, the loss history),
// estimated from its config, and the number of steps it may take. A config over either limit is
// refused with one line naming the limit, instead of allocating until the machine kills it.
//
// May import: base, and mlp's config (types), data and model.

import { InputError } from "../base/errors";
import type { RunConfig } from "./config";
import { CLASSES } from "./data";
import { parameterCount } from "./model";

/** The most memory one run may need (each worker of a pool runs one at a time). */
export const MAX_RUN_BYTES = 4 * 2 ** 30;

/** The most steps one run may take: its loss history holds one number a step. */
export const MAX_STEPS = 10_000_000;

/** Input columns assumed for the estimate: MNIST's and Fashion-MNIST's 28 × 28 pixels and the bias column. */
const INPUTS = 28 * 28 + 1;

/** Rows of the evaluation buffers assumed (an upper bound: train.ts evaluates in blocks of 128). */
const EVAL_ROWS = 1000;

/** Steps the config may take: epochs × ⌊train size / batch size⌋. */
export function maxSteps(c: RunConfig): number {
  return c.epochs * Math.floor(c.trainSize / c.batchSize);
}

/** Bytes a run needs at its peak, roughly (an upper estimate for 28 × 28 images). */
export function estimateRunBytes(c: RunConfig): number {
  const sizes = [INPUTS, ...c.hidden, CLASSES];
  const params = parameterCount(sizes);
  let largest = 0,
    units = 0;
  for (let l = 1; l < sizes.length; l++) {
    units += sizes[l];
    if (l + 1 < sizes.length) largest = Math.max(largest, sizes[l] * sizes[l + 1]);
  }
  // Weights, gradients, momentum and the returned copy of the weights; the δ·Wᵀ scratch.
  const model = (c.momentum > 0 ? 4 : 3) * params + largest;
  // Pre-activations, activations, tanh and δ for a batch; pre-activations and activations for an evaluation chunk.
  const buffers = 4 * c.batchSize * units + 2 * Math.min(EVAL_ROWS, Math.max(c.trainSize, c.valSize)) * units;
  // The normalised splits: sparse rows (at most twice the dense size; an upper estimate).
  const data = 2 * (c.trainSize + c.valSize) * INPUTS;
  // The loss history: a float64 a step, then a JavaScript array of it in the result.
  const history = 3 * maxSteps(c);
  return 8 * (model + buffers + data + history);
}

const gb = (bytes: number) => `${(bytes / 2 ** 30).toFixed(bytes < 10 * 2 ** 30 ? 1 : 0)} GiB`;
const grouped = (n: number) => n.toLocaleString("en-US").replace(/,/g, " ");

/** Refuse a config whose steps or memory are over the limits; `what` names it (e.g. "run 2c"). */
export function checkRunBudget(c: RunConfig, what = "this run"): void {
  const steps = maxSteps(c);
  if (steps > MAX_STEPS) {
    throw new InputError(
      `epochs ${c.epochs}: ${what} would take up to ${grouped(steps)} steps ` +
        `(${grouped(Math.floor(c.trainSize / c.batchSize))} an epoch), more than the limit of ${grouped(MAX_STEPS)}`,
    );
  }
  const bytes = estimateRunBytes(c);
  if (bytes > MAX_RUN_BYTES) {
    throw new InputError(
      `hidden ${c.hidden.join(",")}, batch size ${c.batchSize}, train size ${c.trainSize}: ` +
        `${what} needs about ${gb(bytes)} of memory, more than the limit of ${gb(MAX_RUN_BYTES)} for one run`,
    );
  }
}
