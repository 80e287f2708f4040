import { test } from "uvu";
import * as assert from "uvu/assert";
import { type Activation, ACTIVATIONS, activate, multiplySlope } from "../src/activations";
import { assertClose } from "./helpers";

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
  assertClose(slope("improved-sigmoid", 0), 1.7159 * 2 / 3, 1e-15, "f'(0)");
  const t = Math.tanh(2 / 3);
  assertClose(slope("improved-sigmoid", 1), 1.7159 * (2 / 3) * (1 - t * t), 1e-15, "f'(1)");
  assertClose(slope("improved-sigmoid", -1), slope("improved-sigmoid", 1), 1e-15, "f'(-1)");
});

test("every slope equals a central difference of its function", () => {
  for (const kind of ACTIVATIONS) {
    for (const z of [-3, -0.7, 0.4, 2.2]) {
      const h = 1e-6, numeric = (f(kind, z + h) - f(kind, z - h)) / (2 * h);
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
