// When training has diverged: a batch loss that is not finite, or that has exploded to more than
// EXPLOSION times the first step's (and ln 10, a uniform guess), stops the run with one line
// naming the step (1-based, as the progress lines count); so do final metrics that are not finite.
// No NaN is ever reported as a result.
//
// May import: base.

import { DivergenceError } from "../base/errors";

/** A batch loss this many times the first step's (or ln 10, whichever is larger) has exploded. */
export const EXPLOSION = 100;

const show = (x: number) => (Number.isFinite(x) ? (Math.abs(x) >= 1e6 ? x.toExponential(3) : x.toFixed(4)) : String(x));

/** Throw DivergenceError when the loss of 0-based step `step` is not finite or has exploded. */
export function checkLoss(step: number, loss: number, first: number): void {
  if (!Number.isFinite(loss)) throw new DivergenceError(step + 1, loss);
  const bound = EXPLOSION * Math.max(first, Math.log(10));
  if (loss > bound) {
    throw new DivergenceError(
      step + 1,
      loss,
      `training diverged at step ${step + 1}: the batch loss ${show(loss)} is more than ` +
        `${EXPLOSION} times the first step's (${show(first)}); try a smaller learning rate`,
    );
  }
}

/** Throw DivergenceError when a metric of the model after `steps` steps is not finite. */
export function checkMetrics(steps: number, metrics: Readonly<Record<string, number>>): void {
  for (const [name, v] of Object.entries(metrics)) {
    if (!Number.isFinite(v)) {
      throw new DivergenceError(steps, v, `training diverged by step ${steps}: the ${name} is ${v}; try a smaller learning rate`);
    }
  }
}
