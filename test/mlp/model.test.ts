import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Activation } from "../../src/mlp/activations";
import { ACTIVATIONS } from "../../src/mlp/activations";
import { sparseFromDense } from "../../src/mlp/kernels";
import {
  type Input,
  type Model,
  backward,
  createModel,
  createWorkspace,
  equalWidthForBudget,
  evaluate,
  evaluateAccuracy,
  firstLayerGradient,
  forward,
  meanLoss,
  parameterCount,
  parameterCountWithUnitBias,
  trainStep,
} from "../../src/mlp/model";
import { createSgd, sgdStep } from "../../src/mlp/optim";
import { f64, i32, mark, release } from "../../src/mlp/wasm";
import { correctCount, crossEntropySum } from "../../src/mlp/loss";
import { createRng } from "../../src/mlp/rng";
import { fixture, assertClose, assertSameBits } from "../helpers";

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
    c.grads.forEach((g: number[][], l: number) => g.flat().forEach((v, i) => assertClose(ws.grads[l][i], v, 1e-12, `grad ${l}[${i}]`)));
  });
}

test("loss is the mean over the batch, not the sum: a repeated batch has the same loss", () => {
  const c = gold.cases[3];
  const model = goldenModel(c);
  const once = c.x.flat() as number[];
  const ws1 = createWorkspace(model.sizes, 3),
    ws2 = createWorkspace(model.sizes, 6);
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

test("evaluate's numbers do not depend on its block size; the loss sums each 1000 rows, then the partial sums", () => {
  const m = createModel({ inputs: 6, hidden: [5], outputs: 10, activation: "relu" }, "fan-in", createRng(2));
  const count = 2345,
    x = Float64Array.from({ length: count * 6 }, (_, i) => Math.cos(i * 1.3) * 2);
  const labels = Uint8Array.from({ length: count }, (_, i) => (i * 7) % 10);
  const runs = [1, 5, 128, 1000, count].map((cap) => evaluate(m, createWorkspace(m.sizes, cap, false), { count, x, labels }));
  for (const r of runs) assert.equal(r, runs[0]);
  // The reference: forward over 1000-row chunks, each chunk's losses summed from 0, then the chunk sums.
  const ws = createWorkspace(m.sizes, 1000, false);
  let lossSum = 0,
    hits = 0;
  for (let from = 0; from < count; from += 1000) {
    const rows = Math.min(1000, count - from);
    const p = forward(m, ws, { dense: x.subarray(from * 6, (from + rows) * 6) }, rows);
    lossSum += crossEntropySum(ws.z[1], p, labels, from, rows, 10);
    hits += correctCount(p, labels, from, rows, 10);
  }
  assert.equal(runs[0], { loss: lossSum / count, accuracy: hits / count });
});

test("evaluateAccuracy is evaluate's accuracy, for dense and sparse input, any block size, every activation", () => {
  const count = 1234,
    k = 9;
  const base = Float64Array.from({ length: k }, (_, c) => (c === k - 1 ? 1 : -0.4));
  const x = Float64Array.from({ length: count * k }, (_, i) => (i % k === k - 1 ? 1 : i % 3 === 0 ? Math.sin(i) * 3 : -0.4));
  const m0 = mark();
  try {
    const sparse = sparseFromDense(x, count, k, base);
    for (const activation of ACTIVATIONS) {
      const m = createModel({ inputs: k, hidden: [7, 6], outputs: 10, activation }, "fan-in", createRng(3));
      // Labels that the model gets right about half the time: its own answer or the next class.
      const p = forward(m, createWorkspace(m.sizes, count, false), { dense: x }, count);
      const labels = Uint8Array.from({ length: count }, (_, r) => {
        let best = 0;
        for (let c = 1; c < 10; c++) if (p[r * 10 + c] > p[r * 10 + best]) best = c;
        return r % 2 ? best : (best + 1) % 10;
      });
      const want = evaluate(m, createWorkspace(m.sizes, 128, false), { count, x, labels }).accuracy;
      assert.ok(want > 0.3 && want < 0.7, `${activation}: accuracy ${want}`);
      for (const cap of [1, 100, count]) {
        const ws = createWorkspace(m.sizes, cap, false);
        assert.is(evaluateAccuracy(m, ws, { count, x, labels }), want, `${activation}, dense, block ${cap}`);
        assert.is(evaluateAccuracy(m, ws, { count, x, sparse, labels }), want, `${activation}, sparse, block ${cap}`);
      }
    }
  } finally {
    release(m0);
  }
});

test("a training step equals forward, the loss, backward and the update in turn, bit for bit (sparse and dense input, plain and momentum, every activation); the first layer's gradient recovered after it", () => {
  const rows = 11,
    k = 13,
    B = 4;
  const base = Float64Array.from({ length: k }, (_, c) => (c === k - 1 ? 1 : -0.4));
  const x = f64(rows * k);
  for (let r = 0; r < rows; r++) for (let c = 0; c < k; c++) x[r * k + c] = (r * 5 + c * 3) % 4 === 0 ? Math.sin(r + c) * 2 : base[c];
  const sp = sparseFromDense(x, rows, k, base);
  const idx = i32(rows);
  idx.set([3, 9, 0, 10, 4, 4, 1, 7, 2, 6, 5]);
  for (const activation of ACTIVATIONS) {
    for (const momentum of [0, 0.9]) {
      for (const dense of [false, true]) {
        const mk = mark();
        const arch = { inputs: k, hidden: [7, 6], outputs: 10, activation };
        const a = createModel(arch, "fan-in", createRng(4)),
          b = createModel(arch, "fan-in", createRng(4));
        const wsA = createWorkspace(a.sizes, B),
          wsB = createWorkspace(b.sizes, B);
        const optA = createSgd(a.weights, 0.3, momentum),
          optB = createSgd(b.weights, 0.3, momentum);
        const labels = Uint8Array.from({ length: rows }, (_, i) => (i * 3) % 10);
        for (let s = 0; s + B <= rows; s += B) {
          const sel = f64(B * k);
          for (let r = 0; r < B; r++) sel.set(x.subarray(idx[s + r] * k, idx[s + r] * k + k), r * k);
          const input: Input = dense ? { dense: sel } : { sparse: sp, idx, from: s };
          const lb = Uint8Array.from({ length: B }, (_, r) => labels[idx[s + r]]);
          forward(a, wsA, input, B);
          const lossA = meanLoss(a, wsA, lb, 0, B);
          backward(a, wsA, input, lb, 0, B);
          sgdStep(optA, a.weights, wsA.grads);
          const lossB = trainStep(b, wsB, optB, input, lb, 0, B);
          assert.is(lossB, lossA, "loss");
          wsB.grads[0].fill(NaN);
          firstLayerGradient(b, wsB, input, B);
          assertSameBits(wsB.grads[0], wsA.grads[0], `step ${s}: the first layer's gradient after the step`);
        }
        const what = `${activation}, momentum ${momentum}, ${dense ? "dense" : "sparse"}`;
        a.weights.forEach((w, l) => assertSameBits(b.weights[l], w, `${what}: W${l}`));
        assert.not.equal(Array.from(a.weights[0]), Array.from(createModel(arch, "fan-in", createRng(4)).weights[0]), "W0 moved");
        release(mk);
      }
    }
  }
});

test("a step whose loss is not finite returns it before changing any weight", () => {
  const m = createModel({ inputs: 3, hidden: [4], outputs: 10, activation: "sigmoid" }, "uniform", createRng(1));
  m.weights[1].fill(Infinity);
  const before = m.weights.map((w) => Array.from(w));
  const loss = trainStep(
    m,
    createWorkspace(m.sizes, 2),
    createSgd(m.weights, 0.1, 0),
    { dense: Float64Array.of(1, 2, 3, 4, 5, 6) },
    Uint8Array.of(1, 2),
    0,
    2,
  );
  assert.not.ok(Number.isFinite(loss));
  assert.equal(
    m.weights.map((w) => Array.from(w)),
    before,
  );
});

test.run();
