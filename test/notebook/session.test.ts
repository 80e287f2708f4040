import { test } from "uvu";
import * as assert from "uvu/assert";
import { normalizeParams, runConfig } from "../../src/notebook/session";

test("quick mode: 2 000 training images, 1 000 validation images, 2 epochs, on every run", () => {
  const s = normalizeParams({ quick: true });
  const c = runConfig(s, "3c");
  assert.equal([c.trainSize, c.valSize, c.epochs, c.momentum], [2000, 1000, 2, 0.9]);
  const full = runConfig(normalizeParams({}), "4d");
  assert.equal([full.trainSize, full.epochs, full.hidden], [20000, 50, [60, 60]]);
});

test("bad notebook parameters are named", () => {
  assert.throws(() => normalizeParams({ quik: true } as never), /unknown notebook parameter "quik"/);
  assert.throws(() => normalizeParams({ quick: "yes" } as never), /quick "yes": expected true or false/);
  assert.throws(() => normalizeParams({ workers: 0 }), /workers 0: expected an integer ≥ 1/);
  assert.throws(() => runConfig(normalizeParams({}), "9x"), /run id "9x"/);
});

test("per-run settings apply to that run only, over quick mode, and are validated", () => {
  const s = normalizeParams({ quick: true, runs: { "2c": { learningRate: 0.05 } } });
  assert.equal([runConfig(s, "2c").learningRate, runConfig(s, "2c").trainSize], [0.05, 2000]);
  assert.is(runConfig(s, "3a").learningRate, 0.1);
  assert.throws(() => normalizeParams({ runs: { "9x": {} } }), /runs: unknown run id "9x"/);
  assert.throws(() => normalizeParams({ runs: { "2c": 5 } } as never), /runs\.2c 5: expected an object/);
  assert.throws(() => normalizeParams({ runs: { "2c": { preset: "3c" } } }), /"preset" cannot be overridden/);
  assert.throws(() => normalizeParams({ runs: { "2c": { learningRate: -1 } } }), /learning rate -1: expected a positive number/);
  assert.throws(() => normalizeParams({ runs: { "2c": { lr: 1 } } } as never), /unknown run setting "lr"/);
});

test.run();
