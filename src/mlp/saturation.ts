// How many hidden units pass almost no gradient: the share of a batch's pre-activations at which the
// activation's slope is below a tenth of its largest. For the sigmoid and the improved sigmoid,
// whose slopes are 1/cosh² of a scaled z, that is |z| beyond a threshold (saturated units); for
// ReLU, whose slope is 0 or 1, the units that are off (z ≤ 0).
//
// May import: base, mlp.

import type { Activation } from "./activations";

/** A tenth of the largest slope: 1/cosh²(u) < 0.1 ⇔ |u| > acosh(√10). */
const U = Math.acosh(Math.sqrt(10));

/** |z| above which the slope is below a tenth of its largest (sigmoid: u = z/2; improved: u = 2z/3). */
export const SATURATION: Readonly<Record<Exclude<Activation, "relu">, number>> = Object.freeze({
  sigmoid: 2 * U,
  "improved-sigmoid": 1.5 * U,
});

/** The share of `n` pre-activations whose slope is below a tenth of the largest.  z: (n) */
export function lowSlopeShare(activation: Activation, z: Float64Array, n: number): number {
  let count = 0;
  if (activation === "relu") {
    for (let i = 0; i < n; i++) if (z[i] <= 0) count++;
  } else {
    const t = SATURATION[activation];
    for (let i = 0; i < n; i++) if (Math.abs(z[i]) > t) count++;
  }
  return count / n;
}

/** The share for each hidden layer of a batch of `rows`.  z[l]: (rows, sizes[l+1]) */
export function lowSlopeShares(activation: Activation, z: readonly Float64Array[], sizes: readonly number[], rows: number): number[] {
  return Array.from({ length: sizes.length - 2 }, (_, l) => lowSlopeShare(activation, z[l], rows * sizes[l + 1]));
}
