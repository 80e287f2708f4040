import { test } from "uvu";
import * as assert from "uvu/assert";
import { createSgd, sgdStep } from "../../src/mlp/optim";
import { f64 } from "../../src/mlp/wasm";
import { assertClose } from "../helpers";

test("momentum under a constant gradient: steps lr·g·(1 − γⁿ)/(1 − γ), approaching 10·lr·g", () => {
  const w = [Float64Array.of(0)],
    g = [Float64Array.of(2)];
  const lr = 0.02,
    gamma = 0.9;
  const opt = createSgd(w, lr, gamma);
  let prev = 0,
    step = 0;
  for (let n = 1; n <= 200; n++) {
    sgdStep(opt, w, g);
    step = prev - w[0][0];
    prev = w[0][0];
    assertClose(step, (lr * 2 * (1 - gamma ** n)) / (1 - gamma), 1e-12, `step ${n}`);
  }
  assertClose(step, lr * 2 * 10, 1e-6, "the 200th step is 1/(1 − γ) times plain SGD's");
  assertClose(opt.velocity[0][0], 2 / (1 - gamma), 1e-8, "velocity");
});

test("the first momentum step equals plain SGD's (v₀ = 0, v ← g + γv)", () => {
  const a = [Float64Array.of(1, -1)],
    b = [Float64Array.of(1, -1)],
    g = [Float64Array.of(0.5, 3)];
  sgdStep(createSgd(a, 0.1, 0.9), a, g);
  sgdStep(createSgd(b, 0.1, 0), b, g);
  assert.equal(a, b);
});

test("the SIMD update (arena arrays) equals the JavaScript one bit for bit, odd lengths included", () => {
  for (const gamma of [0, 0.9]) {
    const init = Float64Array.from({ length: 7 }, (_, i) => Math.sin(i + 1));
    const grad = Float64Array.from({ length: 7 }, (_, i) => Math.cos(3 * i));
    const heapW = [new Float64Array(init)],
      heapG = [new Float64Array(grad)];
    const arenaW = [f64(7)],
      arenaG = [f64(7)];
    arenaW[0].set(init);
    arenaG[0].set(grad);
    const a = createSgd(heapW, 0.02, gamma),
      b = createSgd(arenaW, 0.02, gamma);
    for (let s = 0; s < 5; s++) {
      sgdStep(a, heapW, heapG);
      sgdStep(b, arenaW, arenaG);
    }
    assert.equal(Array.from(arenaW[0]), Array.from(heapW[0]), `γ = ${gamma}`);
  }
});

test("plain SGD keeps no velocity and moves against the gradient", () => {
  const w = [Float64Array.of(1)],
    opt = createSgd(w, 0.1, 0);
  assert.is(opt.velocity.length, 0);
  sgdStep(opt, w, [Float64Array.of(4)]);
  assertClose(w[0][0], 1 - 0.4, 1e-16, "w");
});

test.run();
