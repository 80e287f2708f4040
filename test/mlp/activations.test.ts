import { test } from "uvu";
import * as assert from "uvu/assert";
import { type Activation, ACTIVATIONS, activate, exp, multiplySlope, tanh } from "../../src/mlp/activations";
import { f64, mark, release } from "../../src/mlp/wasm";
import { assertClose, assertSameBits, clampSweep, lcg } from "../helpers";

/** Reproducible inputs spread over [lo, hi]. */
function spread(n: number, lo: number, hi: number): Float64Array {
  const next = lcg(12345);
  return Float64Array.from({ length: n }, () => lo + (hi - lo) * next());
}

test("exp is within 1 ulp of Math.exp over [−708, 709], exact at 0, ±Infinity and flush at the ends", () => {
  const xs = spread(200000, -708, 709);
  let worst = 0;
  for (const x of xs) worst = Math.max(worst, Math.abs(exp(x) - Math.exp(x)) / Math.exp(x));
  assert.ok(worst <= 2.3e-16, `worst relative error ${worst}`);
  assert.is(exp(0), 1);
  assert.is(exp(-0), 1);
  assert.is(exp(710), Infinity);
  assert.is(exp(-710), 0);
  assert.ok(Number.isNaN(exp(NaN)));
});

test("tanh is within 4e-16 of Math.tanh (absolute) and odd", () => {
  const us = spread(200000, -20, 20);
  let worst = 0;
  for (const u of us) {
    worst = Math.max(worst, Math.abs(tanh(u) - Math.tanh(u)));
    assert.is(tanh(-u), -tanh(u));
  }
  assert.ok(worst <= 4e-16, `worst absolute error ${worst}`);
  assert.is(tanh(0), 0);
  assert.ok(Object.is(tanh(-0), -0));
  assert.is(tanh(400), 1);
});

// 1001 and 1003 values: the kernels' blocks of eight, then a pair (1003) and a last odd value.
for (const length of [1001, 1003]) {
  test(`the SIMD activations (arena arrays) equal the JavaScript ones bit for bit, ${length} values`, () => {
    const z = spread(length, -40, 40);
    z[0] = 0;
    z[1] = -0;
    z[2] = 800;
    z[3] = -800;
    z[4] = 1e-20;
    for (const kind of ["sigmoid", "improved-sigmoid"] as const) {
      const m = mark();
      const za = f64(z.length),
        aa = f64(z.length),
        ta = f64(z.length);
      za.set(z);
      const aj = new Float64Array(z.length),
        tj = new Float64Array(z.length);
      activate(kind, za, aa, z.length, kind === "improved-sigmoid" ? ta : null);
      activate(kind, z, aj, z.length, kind === "improved-sigmoid" ? tj : null);
      assert.equal(Array.from(aa), Array.from(aj), kind);
      if (kind === "improved-sigmoid") assert.equal(Array.from(ta), Array.from(tj), "t");
      release(m);
    }
  });
}

test("sigmoid and improved sigmoid where the SIMD kernels clamp (exp's ends, tanh's saturation): the same bits as JavaScript", () => {
  const zs = clampSweep(
    [
      [-760, -700],
      [700, 760],
      [-32, -26],
      [26, 32],
      [-540, -525],
      [525, 540],
    ],
    6000,
  );
  const n = zs.length,
    z = Float64Array.from(zs);
  const m = mark();
  const za = f64(n),
    aa = f64(n),
    ta = f64(n);
  za.set(z);
  for (const kind of ["sigmoid", "improved-sigmoid"] as const) {
    const aj = new Float64Array(n),
      tj = new Float64Array(n);
    activate(kind, za, aa, n, kind === "improved-sigmoid" ? ta : null);
    activate(kind, z, aj, n, kind === "improved-sigmoid" ? tj : null);
    assertSameBits(aa, aj, kind);
    if (kind === "improved-sigmoid") assertSameBits(ta, tj, "t");
  }
  release(m);
});

test("ReLU and every slope: SIMD (arena arrays) equals JavaScript bit for bit, odd lengths, zeros, NaN and ±Infinity included", () => {
  const specials = [0, -0, NaN, Infinity, -Infinity, 1e-300, -1e-300];
  // Each special value in the SIMD part and in the odd last element.
  const cases = [...specials.map((v) => [v]), ...specials.map((v) => [0.5, -2, v]), [...spread(1001, -4, 4)]];
  cases[cases.length - 1].splice(0, specials.length, ...specials);
  for (const zs of cases) {
    const n = zs.length,
      z = Float64Array.from(zs);
    const d0 = spread(n, -2, 2).map((v, i) => (i === 1 ? -0 : v));
    for (const kind of ACTIVATIONS) {
      const m = mark();
      const za = f64(n),
        aa = f64(n),
        ta = f64(n),
        da = f64(n);
      za.set(z);
      const aj = new Float64Array(n),
        tj = new Float64Array(n),
        dj = new Float64Array(d0);
      const keepT = kind === "improved-sigmoid";
      activate(kind, za, aa, n, keepT ? ta : null);
      activate(kind, z, aj, n, keepT ? tj : null);
      assertSameBits(aa, aj, `${kind} of ${zs.slice(0, 8)}`);
      da.set(d0);
      multiplySlope(kind, za, aa, da, n, keepT ? ta : null);
      multiplySlope(kind, z, aj, dj, n, keepT ? tj : null);
      assertSameBits(da, dj, `${kind}'s slope at ${zs.slice(0, 8)}`);
      if (keepT) {
        // Without the kept tanh, the slope recomputes it (JavaScript): the same numbers.
        const dt = new Float64Array(d0);
        multiplySlope(kind, z, aj, dt, n, null);
        assertSameBits(dt, dj, "slope without t");
      }
      release(m);
    }
  }
});

const f = (kind: Activation, z: number) => {
  const a = new Float64Array(1);
  activate(kind, Float64Array.of(z), a, 1);
  return a[0];
};
const slope = (kind: Activation, z: number) => {
  const d = Float64Array.of(1);
  multiplySlope(kind, Float64Array.of(z), Float64Array.of(f(kind, z)), d, 1);
  return d[0];
};

test("improved sigmoid: f(0) = 0, f(±1) ≈ ±1, slope 1.7159·2/3 at 0", () => {
  assert.is(f("improved-sigmoid", 0), 0);
  assertClose(f("improved-sigmoid", 1), 1.7159 * Math.tanh(2 / 3), 1e-15, "f(1)");
  assert.ok(Math.abs(f("improved-sigmoid", 1) - 1) < 1e-4 && Math.abs(f("improved-sigmoid", -1) + 1) < 1e-4);
  assertClose(slope("improved-sigmoid", 0), (1.7159 * 2) / 3, 1e-15, "f'(0)");
  const t = Math.tanh(2 / 3);
  assertClose(slope("improved-sigmoid", 1), 1.7159 * (2 / 3) * (1 - t * t), 1e-15, "f'(1)");
  assertClose(slope("improved-sigmoid", -1), slope("improved-sigmoid", 1), 1e-15, "f'(-1)");
});

test("every slope equals a central difference of its function", () => {
  for (const kind of ACTIVATIONS) {
    for (const z of [-3, -0.7, 0.4, 2.2]) {
      const h = 1e-6,
        numeric = (f(kind, z + h) - f(kind, z - h)) / (2 * h);
      assert.ok(Math.abs(numeric - slope(kind, z)) < 1e-8, `${kind} at ${z}: ${numeric} vs ${slope(kind, z)}`);
    }
  }
});

test("sigmoid and ReLU values", () => {
  assert.is(f("sigmoid", 0), 0.5);
  assertClose(f("sigmoid", 2), 1 / (1 + Math.exp(-2)), 1e-16, "sigmoid(2)");
  assert.is(f("relu", -2), 0);
  assert.is(f("relu", 3), 3);
  assert.is(slope("relu", -2), 0);
  assert.is(slope("relu", 3), 1);
});

test.run();
