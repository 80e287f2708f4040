import { test } from "uvu";
import * as assert from "uvu/assert";
import { SATURATION, lowSlopeShare, lowSlopeShares } from "../../src/mlp/saturation";

// The slopes, as the assignment defines them.
const sigmoidSlope = (z: number) => {
  const s = 1 / (1 + Math.exp(-z));
  return s * (1 - s);
};
const improvedSlope = (z: number) => 1.7159 * (2 / 3) * (1 - Math.tanh((2 * z) / 3) ** 2);

test("at the threshold the slope is a tenth of its largest, for the sigmoid and the improved sigmoid", () => {
  assert.ok(Math.abs(sigmoidSlope(SATURATION.sigmoid) / sigmoidSlope(0) - 0.1) < 1e-12);
  assert.ok(Math.abs(improvedSlope(SATURATION["improved-sigmoid"]) / improvedSlope(0) - 0.1) < 1e-12);
});

test("shares: beyond the threshold on either side; ReLU's units that are off", () => {
  const z = Float64Array.of(-5, -3, 0, 2, 3, 9);
  assert.is(lowSlopeShare("sigmoid", z, 6), 2 / 6);
  assert.is(lowSlopeShare("improved-sigmoid", z, 6), 4 / 6);
  assert.is(lowSlopeShare("relu", z, 6), 3 / 6);
  // Two hidden layers of widths 2 and 1 over 2 rows (the output layer is not counted).
  assert.equal(
    lowSlopeShares("relu", [Float64Array.of(-1, 1, 1, 1), Float64Array.of(-1, -1), Float64Array.of(0, 0)], [3, 2, 1, 4], 2),
    [0.25, 1],
  );
});

test.run();
