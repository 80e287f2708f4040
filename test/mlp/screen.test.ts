// The 16-bit screen of a check's pass over the training split (src/mlp/screen.ts): it counts
// exactly what the float64 forward counts, every screened logit lies within its bound of the
// float64 logit, and it stays out where its bound does not hold (ReLU, dense input, input not in
// whole steps, deep networks).
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Activation } from "../../src/mlp/activations";
import { normalizeRun } from "../../src/mlp/config";
import { type Model, createModel, evaluateAccuracy, forward } from "../../src/mlp/model";
import { createRng } from "../../src/mlp/rng";
import { createScreen, logitBound, prepareScreen, screenFirstLayer, screenedAccuracy } from "../../src/mlp/screen";
import { evaluationWorkspace, prepareData, train } from "../../src/mlp/train";

const base = normalizeRun({ preset: "3c", trainSize: 1000, valSize: 200, epochs: 1 });
const data = prepareData(base);
const tr = data.train;

/**
 * A model of the shape asked, its weights in the arena: after one epoch on the 1000 images, or
 * untrained with its output layer scaled down (logits within TIE of each other: most images fall back).
 */
function modelOf(hidden: number[], activation: Activation, trained: boolean): Model {
  const m = createModel({ inputs: tr.features, hidden, outputs: 10, activation }, "fan-in", createRng(5));
  if (trained) train({ ...base, hidden, activation }, data).model.weights.forEach((w, l) => m.weights[l].set(w));
  else m.weights[m.weights.length - 1].forEach((w, i, a) => (a[i] = w * 1e-12));
  return m;
}

const cases: [number[], Activation][] = [
  [[24], "sigmoid"],
  [[39], "sigmoid"], // a chunk of 32 columns, then a group of 4 and one of 3
  [[30], "improved-sigmoid"], // one chunk whose last group has 2 columns
  [[64], "sigmoid"], // two chunks, as the report's runs
  [[24], "improved-sigmoid"],
  [[12, 10], "improved-sigmoid"],
  [[12, 10], "sigmoid"],
];

test("the screen counts what the float64 forward counts, through both of its paths", () => {
  for (const [hidden, activation] of cases) {
    for (const trained of [false, true]) {
      const m = modelOf(hidden, activation, trained);
      const ws = evaluationWorkspace(m.sizes, tr.count);
      const s = createScreen(m, tr);
      assert.ok(s, `${activation} ${hidden}: a screen`);
      const want = evaluateAccuracy(m, ws, tr);
      assert.is(screenedAccuracy(m, ws, tr, s!), want, `${activation} ${hidden} trained ${trained}`);
      if (trained) assert.ok(s!.fallen < tr.count / 4, `${activation} ${hidden}: ${s!.fallen} of ${tr.count} fell back`);
      else assert.ok(s!.fallen > tr.count / 2, `${activation} ${hidden}: untrained, ${s!.fallen} fell back`);
    }
  }
});

test("every screened logit lies within its bound of the float64 forward's", () => {
  for (const [hidden, activation] of cases) {
    for (const trained of [false, true]) {
      const m = modelOf(hidden, activation, trained);
      const ws = evaluationWorkspace(m.sizes, tr.count),
        exact = evaluationWorkspace(m.sizes, tr.count);
      const s = createScreen(m, tr)!;
      assert.ok(prepareScreen(m, ws, s));
      let worst = 0;
      for (let from = 0; from < tr.count; from += ws.capacity) {
        const rows = Math.min(ws.capacity, tr.count - from);
        screenFirstLayer(m, ws, s, from, rows);
        const z = forward(m, ws, null, rows, null, true);
        const z64 = forward(m, exact, { sparse: tr.sparse!, idx: null, from }, rows, null, true);
        for (let r = 0; r < rows; r++) {
          for (let k = 0; k < 10; k++) {
            const d = Math.abs(z[r * 10 + k] - z64[r * 10 + k]),
              b = logitBound(s, from + r, k);
            assert.ok(d <= b, `${activation} ${hidden}: row ${from + r}, class ${k}: ${d} > ${b}`);
            worst = Math.max(worst, d / b);
          }
        }
      }
      assert.ok(worst > 0 && worst < 1, `${activation} ${hidden}: ${worst}`);
    }
  }
});

test("a weight far above the others coarsens its column; a zero column costs nothing; a NaN weight sends the pass through float64", () => {
  const m = modelOf([24], "sigmoid", true);
  const ws = evaluationWorkspace(m.sizes, tr.count);
  const s = createScreen(m, tr)!;
  screenedAccuracy(m, ws, tr, s);
  const before = s.fallen;
  const centre = (14 * 28 + 14) * 24 + 5; // the centre pixel, on in most images
  const w = m.weights[0][centre];
  m.weights[0][centre] = 1e6;
  assert.is(screenedAccuracy(m, ws, tr, s), evaluateAccuracy(m, ws, tr));
  assert.ok(s.fallen > before, `${s.fallen} > ${before}`);
  m.weights[0][centre] = w;
  for (const tiny of [0, 1e-310]) {
    for (let i = 0; i < tr.features; i++) m.weights[0][i * 24 + 7] = i % 2 ? tiny : -tiny;
    assert.is(screenedAccuracy(m, ws, tr, s), evaluateAccuracy(m, ws, tr));
    assert.ok(s.fallen < tr.count / 4, `column 7 all ±${tiny}: ${s.fallen} fell back`);
  }
  m.weights[0][centre] = Number.NaN;
  assert.is(screenedAccuracy(m, ws, tr, s), evaluateAccuracy(m, ws, tr));
  assert.is(s.fallen, tr.count);
});

test("a workspace outside the arena takes the float64 forward", () => {
  const m = modelOf([24], "sigmoid", true);
  const ws = evaluationWorkspace(m.sizes, tr.count);
  const s = createScreen(m, tr)!;
  const onHeap = { ...ws, z: [new Float64Array(ws.z[0].length), ...ws.z.slice(1)] };
  assert.is(screenedAccuracy(m, onHeap, tr, s), evaluateAccuracy(m, ws, tr));
  assert.is(s.fallen, tr.count);
});

test("no screen for ReLU, dense input, input not in whole steps or more than two hidden layers", () => {
  for (const m of [modelOf([24], "relu", false), modelOf([8, 8, 8], "sigmoid", false)]) assert.is(createScreen(m, tr), null);
  const m = modelOf([24], "sigmoid", false);
  assert.ok(createScreen(m, tr));
  assert.is(createScreen(m, { count: tr.count, x: tr.x, labels: tr.labels }), null);
  const sp = tr.sparse!;
  const val = Float64Array.from(sp.val);
  val[100] += 0.37 * val.reduce((a, b) => Math.min(a, b)); // 0.37 of a step off
  assert.is(createScreen(m, { ...tr, sparse: { ...sp, val } }), null);
});

test.run();
