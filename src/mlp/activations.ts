// Hidden-layer activations, each a pair: the function and its slope, element-wise over n values.
// Output layers use softmax (loss.ts), never these. The sigmoid and tanh use the project's own
// exp (fdlibm's algorithm, below). Functions and slopes run as SIMD WebAssembly when the arrays
// live in the arena and as this JavaScript otherwise: the same operations, so the same bits on
// either path and on any machine.

import { kernelsFor } from "./wasm";

export const ACTIVATIONS = ["sigmoid", "improved-sigmoid", "relu"] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** LeCun's improved sigmoid: f(z) = 1.7159·tanh(2z/3). */
export const LECUN_A = 1.7159;
export const LECUN_B = 2 / 3;

const LN2_HI = 6.9314718036912381649e-1;
const LN2_LO = 1.90821492927058770002e-10;
// biome-ignore lint/suspicious/noApproximativeNumericConstant: fdlibm's constant as fdlibm writes it (the same double as Math.LOG2E)
const INV_LN2 = 1.442695040888963387;
const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.6533902205465251539e-6;
const P5 = 4.13813679705723846039e-8;
/** Above this k reaches 1024 and the result is +Infinity. */
const EXP_MAX = 709.782712893383973096;
/** Below this the result would leave the normal range: it is flushed to 0. */
const EXP_MIN = -708.39641853226410622;

const word = new Float64Array(1);
const words = new Uint32Array(word.buffer);

function signBit(x: number): boolean {
  word[0] = x;
  return words[1] >>> 31 === 1;
}

/**
 * e^x after fdlibm: k = trunc(x/ln2 ± 0.5), r = x − k·ln2 (in two parts), a Remez polynomial on r,
 * then the exact scaling by 2^k. Within 1 ulp of e^x; +Infinity above 709.78, 0 below the normal
 * range (−708.40). The WebAssembly kernels do the same operations (the sigmoid's and tanh's
 * clamp their argument where the result is exact anyway, so they never reach those ends).
 */
export function exp(x: number): number {
  const k = Math.trunc(x * INV_LN2 + (signBit(x) ? -0.5 : 0.5));
  const hi = x - k * LN2_HI;
  const lo = k * LN2_LO;
  const r = hi - lo;
  const t = r * r;
  const c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  const y = 1 - (lo - (r * c) / (2 - c) - hi);
  words[0] = 0;
  words[1] = ((k + 1023) << 20) >>> 0;
  let e = y * word[0];
  if (x > EXP_MAX) e = Infinity;
  if (x < EXP_MIN) e = 0;
  return e;
}

/** tanh(u) = sign(u)·(1 − 2/(e^{2|u|} + 1)): within a few 1e-16 of tanh in absolute terms. */
export function tanh(u: number): number {
  const m = 1 - 2 / (exp(2 * Math.abs(u)) + 1);
  return signBit(u) ? -m : m;
}

/**
 * a = f(z).  z, a: (n); t: (n) optional, keeps tanh(2z/3) of the improved sigmoid so that its
 * slope needs no second tanh.
 */
export function activate(kind: Activation, z: Float64Array, a: Float64Array, n: number, t: Float64Array | null = null): void {
  switch (kind) {
    case "sigmoid": {
      const w = kernelsFor(z, a);
      if (w) return w.sigmoid(z.byteOffset, a.byteOffset, n);
      for (let i = 0; i < n; i++) a[i] = 1 / (1 + exp(-z[i]));
      return;
    }
    case "improved-sigmoid": {
      const w = kernelsFor(z, a, t);
      if (w) return w.lecun(z.byteOffset, a.byteOffset, t ? t.byteOffset : 0, n);
      for (let i = 0; i < n; i++) {
        const ti = tanh(LECUN_B * z[i]);
        if (t) t[i] = ti;
        a[i] = LECUN_A * ti;
      }
      return;
    }
    case "relu": {
      const w = kernelsFor(z, a);
      if (w) return w.relu(z.byteOffset, a.byteOffset, n);
      // biome-ignore lint/complexity/useMathMinMax: Math.max(z, 0) keeps NaN and -0; the kernel gives 0 for both
      for (let i = 0; i < n; i++) a[i] = z[i] > 0 ? z[i] : 0;
      return;
    }
  }
}

/** d *= f'(z), given z, a = f(z) and, when kept by activate(), t = tanh(2z/3).  d, z, a, t: (n) */
export function multiplySlope(
  kind: Activation,
  z: Float64Array,
  a: Float64Array,
  d: Float64Array,
  n: number,
  t: Float64Array | null = null,
): void {
  switch (kind) {
    case "sigmoid": {
      const w = kernelsFor(a, d);
      if (w) return w.sigmoidSlope(a.byteOffset, d.byteOffset, n);
      for (let i = 0; i < n; i++) d[i] *= a[i] * (1 - a[i]);
      return;
    }
    case "improved-sigmoid": {
      const w = t ? kernelsFor(t, d) : null;
      if (w && t) return w.lecunSlope(t.byteOffset, d.byteOffset, n);
      for (let i = 0; i < n; i++) {
        const ti = t ? t[i] : tanh(LECUN_B * z[i]);
        d[i] *= LECUN_A * LECUN_B * (1 - ti * ti);
      }
      return;
    }
    case "relu": {
      const w = kernelsFor(z, d);
      if (w) return w.reluSlope(z.byteOffset, d.byteOffset, n);
      for (let i = 0; i < n; i++) if (!(z[i] > 0)) d[i] = 0;
      return;
    }
  }
}
