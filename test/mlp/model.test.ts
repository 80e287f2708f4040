import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Activation } from "../../src/mlp/activations";
import {
  type Model, backward, createModel, createWorkspace, equalWidthForBudget, evaluate, forward, meanLoss,
  parameterCount, parameterCountWithUnitBias,
} from "../../src/mlp/model";
import { createRng } from "../../src/mlp/rng";
import { fixture, assertClose } from "../helpers";

const gold = fixture("forward_backward.json");

function goldenModel(c: { layers: number[]; activation: Activation; weights: number[][][] }): Model {
  const sizes = c.layers;
  return {
    arch: { inputs: sizes[0], hidden: sizes.slice(1, -1), outputs: sizes[sizes.length - 1], activation: c.activation },
    sizes,
    weights: c.weights.map((w) => Float64Array.from(w.flat())),
  };
}

for (const [n, c] of (gold.cases as any[]).entries()) {
  test(`golden case ${n}: ${c.activation} [${c.layers}] outputs, loss and gradients within 1e-12`, () => {
    const model = goldenModel(c);
    const rows = c.x.length;
    const x = { dense: Float64Array.from(c.x.flat() as number[]) };
    const labels = Uint8Array.from(c.labels);
    const ws = createWorkspace(model.sizes, rows);
    const p = forward(model, ws, x, rows);
    (c.outputs.flat() as number[]).forEach((v, i) => assertClose(p[i], v, 1e-12, `output ${i}`));
    assertClose(meanLoss(model, ws, labels, 0, rows), c.loss, 1e-12, "loss");
    backward(model, ws, x, labels, 0, rows);
    c.grads.forEach((g: number[][], l: number) =>
      g.flat().forEach((v, i) => assertClose(ws.grads[l][i], v, 1e-12, `grad ${l}[${i}]`)));
  });
}

test("loss is the mean over the batch, not the sum: a repeated batch has the same loss", () => {
  const c = gold.cases[3];
  const model = goldenModel(c);
  const once = c.x.flat() as number[];
  const ws1 = createWorkspace(model.sizes, 3), ws2 = createWorkspace(model.sizes, 6);
  forward(model, ws1, { dense: Float64Array.from(once) }, 3);
  forward(model, ws2, { dense: Float64Array.from([...once, ...once]) }, 6);
  const l1 = meanLoss(model, ws1, Uint8Array.from(c.labels), 0, 3);
  const l2 = meanLoss(model, ws2, Uint8Array.from([...c.labels, ...c.labels]), 0, 6);
  assertClose(l1, l2, 1e-15, "mean loss");
});

test("improved sigmoid never reaches the output: outputs are a probability distribution", () => {
  const model = createModel({ inputs: 5, hidden: [7, 7], outputs: 10, activation: "improved-sigmoid" }, "fan-in", createRng(3));
  const ws = createWorkspace(model.sizes, 4, false);
  const x = Float64Array.from({ length: 20 }, (_, i) => Math.sin(i) * 4);
  const p = forward(model, ws, { dense: x }, 4);
  for (let r = 0; r < 4; r++) {
    let s = 0;
    for (let k = 0; k < 10; k++) {
      assert.ok(p[r * 10 + k] > 0 && p[r * 10 + k] < 1);
      s += p[r * 10 + k];
    }
    assertClose(s, 1, 1e-15, "row sum");
  }
});

test("parameter counts: 50 880 weights for [785, 64, 10], 50 890 with a bias per unit", () => {
  assert.is(parameterCount([785, 64, 10]), 50880);
  assert.is(parameterCountWithUnitBias([785, 64, 10]), 784 * 64 + 64 + 64 * 10 + 10);
  assert.is(parameterCountWithUnitBias([785, 64, 10]), 50890);
  assert.is(parameterCountWithUnitBias([785, 60, 60, 10]), 784 * 60 + 60 + 60 * 60 + 60 + 60 * 10 + 10);
  assert.is(parameterCount([785, 60, 60, 10]), 51300);
  assert.is(parameterCount([785, 59, 59, 10]), 50386);
});

test("4d's equal width for the [64] budget is 60", () => {
  assert.is(equalWidthForBudget(785, 10, 2, 50880), 60);
  assert.is(equalWidthForBudget(785, 10, 1, 50880), 64);
});

test("fan-in init: std 1/sqrt(fan_in) with fan_in counting the bias input (785), then 64", () => {
  const m = createModel({ inputs: 785, hidden: [64], outputs: 10, activation: "sigmoid" }, "fan-in", createRng(1));
  const std = (w: Float64Array) => Math.sqrt(w.reduce((a, v) => a + v * v, 0) / w.length);
  assertClose(std(m.weights[0]), 1 / Math.sqrt(785), 0.02, "layer 1 std");
  assertClose(std(m.weights[1]), 1 / Math.sqrt(64), 0.1, "layer 2 std");
  const first = fixture("rng.json").normal_fanin_785x64_first3 as number[];
  first.forEach((v, i) => assertClose(m.weights[0][i], v, 1e-15, `w[${i}]`));
});

test("uniform init lies in [-1, 1] and uses the whole range", () => {
  const m = createModel({ inputs: 785, hidden: [64], outputs: 10, activation: "sigmoid" }, "uniform", createRng(1));
  const w = m.weights[0];
  assert.ok(w.every((v) => v >= -1 && v < 1));
  assert.ok(Math.min(...w) < -0.99 && Math.max(...w) > 0.99);
});

test("evaluate over chunks equals one pass over all rows", () => {
  const m = createModel({ inputs: 6, hidden: [5], outputs: 10, activation: "relu" }, "fan-in", createRng(2));
  const count = 23, x = Float64Array.from({ length: count * 6 }, (_, i) => Math.cos(i * 1.3) * 2);
  const labels = Uint8Array.from({ length: count }, (_, i) => (i * 7) % 10);
  const a = evaluate(m, createWorkspace(m.sizes, 5, false), { count, x, labels });
  const b = evaluate(m, createWorkspace(m.sizes, 23, false), { count, x, labels });
  assertClose(a.loss, b.loss, 1e-15, "loss");
  assert.is(a.accuracy, b.accuracy);
});

test.run();
