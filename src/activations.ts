// Hidden-layer activations, each a pair: the function and its slope, element-wise over n values.
// Output layers use softmax (loss.ts), never these.

export const ACTIVATIONS = ["sigmoid", "improved-sigmoid", "relu"] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** LeCun's improved sigmoid: f(z) = 1.7159·tanh(2z/3). */
export const LECUN_A = 1.7159;
export const LECUN_B = 2 / 3;

/**
 * a = f(z).  z, a: (n); t: (n) optional, keeps tanh(2z/3) of the improved sigmoid so that its
 * slope needs no second tanh.
 */
export function activate(kind: Activation, z: Float64Array, a: Float64Array, n: number, t: Float64Array | null = null): void {
  switch (kind) {
    case "sigmoid":
      for (let i = 0; i < n; i++) a[i] = 1 / (1 + Math.exp(-z[i]));
      return;
    case "improved-sigmoid":
      if (t) {
        for (let i = 0; i < n; i++) {
          const ti = Math.tanh(LECUN_B * z[i]);
          t[i] = ti;
          a[i] = LECUN_A * ti;
        }
      } else {
        for (let i = 0; i < n; i++) a[i] = LECUN_A * Math.tanh(LECUN_B * z[i]);
      }
      return;
    case "relu":
      for (let i = 0; i < n; i++) a[i] = z[i] > 0 ? z[i] : 0;
      return;
  }
}

/** d *= f'(z), given z, a = f(z) and, when kept by activate(), t = tanh(2z/3).  d, z, a, t: (n) */
export function multiplySlope(
  kind: Activation, z: Float64Array, a: Float64Array, d: Float64Array, n: number, t: Float64Array | null = null,
): void {
  switch (kind) {
    case "sigmoid":
      for (let i = 0; i < n; i++) d[i] *= a[i] * (1 - a[i]);
      return;
    case "improved-sigmoid":
      for (let i = 0; i < n; i++) {
        const ti = t ? t[i] : Math.tanh(LECUN_B * z[i]);
        d[i] *= LECUN_A * LECUN_B * (1 - ti * ti);
      }
      return;
    case "relu":
      for (let i = 0; i < n; i++) if (!(z[i] > 0)) d[i] = 0;
      return;
  }
}
