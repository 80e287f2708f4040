import { test } from "uvu";
import * as assert from "uvu/assert";
import { DEFAULTS, PRESETS, normalizeRun, type RunSpec } from "../../src/mlp/config";
import { InputError } from "../../src/base/errors";

test("defaults are the course's 2c baseline", () => {
  const c = normalizeRun({});
  assert.equal({ ...c, id: undefined }, { ...DEFAULTS, id: undefined });
  assert.is(c.trainSize, 20000);
  assert.is(c.earlyStopWindow, 51);
  assert.ok(Object.isFrozen(c));
});

test("presets follow the run table; 4d's width is computed (60, 60)", () => {
  const ids = ["2c", "3a", "3b", "3c", "4a", "4b", "4d", "4e", "4f", "3-ind-sigmoid", "3-ind-momentum"];
  assert.equal(Object.keys(PRESETS).sort(), [...ids].sort());
  const c3 = normalizeRun({ preset: "3c" });
  assert.equal([c3.activation, c3.init, c3.learningRate, c3.momentum], ["improved-sigmoid", "fan-in", 0.02, 0.9]);
  assert.equal(normalizeRun({ preset: "4d" }).hidden, [60, 60]);
  assert.equal(normalizeRun({ preset: "4f" }).hidden, Array(10).fill(64));
  assert.is(normalizeRun({ preset: "4f" }).activation, "relu");
  const ind = normalizeRun({ preset: "3-ind-momentum" });
  assert.equal([ind.activation, ind.init, ind.learningRate, ind.momentum], ["sigmoid", "uniform", 0.02, 0.9]);
  assert.is(normalizeRun({ preset: "3c", epochs: 2 }).epochs, 2, "keys override the preset");
});

const bad: [RunSpec | Record<string, unknown>, RegExp][] = [
  [{ learningRate: 0 }, /learning rate 0: expected a positive number/],
  [{ learningRate: -0.1 }, /learning rate -0.1/],
  [{ batchSize: 0 }, /batch size 0: expected an integer ≥ 1/],
  [{ hidden: [64, 0] }, /hidden width 0: expected an integer ≥ 1/],
  [{ hidden: [] }, /hidden \[\]: expected a non-empty list/],
  [{ activation: "tanh" as never }, /activation "tanh": expected one of sigmoid, improved-sigmoid, relu/],
  [{ preset: "5a" }, /run id "5a": expected one of 2c, 3a/],
  [{ momentum: 1 }, /momentum 1: expected a number in \[0, 1\)/],
  [{ lr: 0.1 }, /unknown run setting "lr"/],
  [{ batchSize: 64, trainSize: 32 }, /batch size 64: expected at most the train size 32/],
];
for (const [spec, re] of bad) {
  test(`rejects ${JSON.stringify(spec)}`, () => {
    assert.throws(
      () => normalizeRun(spec as RunSpec),
      (e: Error) => e instanceof InputError && re.test(e.message),
    );
  });
}

test.run();
