// Mini-batch SGD with classical momentum as the course defines it:
// v ← g + γ·v (v₀ = 0), W ← W − lr·v. With γ = 0 this is plain SGD.

import { f64, kernelsFor } from "./wasm";

export interface SgdState {
  readonly learningRate: number;
  readonly momentum: number;
  /** One velocity per weight matrix; empty when momentum is 0. */
  readonly velocity: Float64Array[];
}

export function createSgd(weights: readonly Float64Array[], learningRate: number, momentum: number): SgdState {
  return {
    learningRate,
    momentum,
    velocity: momentum === 0 ? [] : weights.map((w) => f64(w.length)),
  };
}

/** One update of every weight matrix in place (SIMD when the arrays live in the arena; same bits).  w, g: same shapes */
export function sgdStep(opt: SgdState, weights: Float64Array[], grads: readonly Float64Array[]): void {
  for (let l = 0; l < weights.length; l++) sgdLayer(opt, l, weights[l], grads[l]);
}

/** The update of weight matrix l alone: v ← g + γ·v; w ← w − lr·v (γ = 0: w ← w − lr·g).  w, g: same shape */
export function sgdLayer(opt: SgdState, l: number, w: Float64Array, g: Float64Array): void {
  const { learningRate: lr, momentum: gamma } = opt;
  const wasm = kernelsFor(w, g, gamma === 0 ? null : opt.velocity[l]);
  if (wasm) {
    if (gamma === 0) wasm.sgd(w.byteOffset, g.byteOffset, w.length, lr);
    else wasm.sgdMomentum(w.byteOffset, g.byteOffset, opt.velocity[l].byteOffset, w.length, lr, gamma);
  } else if (gamma === 0) {
    for (let i = 0; i < w.length; i++) w[i] -= lr * g[i];
  } else {
    const v = opt.velocity[l];
    for (let i = 0; i < w.length; i++) {
      v[i] = g[i] + gamma * v[i];
      w[i] -= lr * v[i];
    }
  }
}
