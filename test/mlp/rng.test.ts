import { test } from "uvu";
import * as assert from "uvu/assert";
import { createRng, nextUint32, randomDouble, uniform, normal, shuffleInPlace, fillUniform, fillNormal } from "../../src/mlp/rng";
import { fixture, assertClose } from "../helpers";

const gold = fixture("rng.json");

test("uint32, random_sample and uniform equal NumPy to the last bit", () => {
  let r = createRng(1);
  assert.equal(
    Array.from({ length: 5 }, () => nextUint32(r)),
    gold.uint32_first5,
  );
  r = createRng(1);
  assert.equal(
    Array.from({ length: 5 }, () => randomDouble(r)),
    gold.random_sample_first5,
  );
  r = createRng(1);
  assert.equal(
    Array.from({ length: 5 }, () => uniform(r, -1, 1)),
    gold.uniform_m1_1_first5,
  );
});

test("normal (polar method with its cached value) within 1e-15", () => {
  const r = createRng(1);
  const got = Array.from({ length: 5 }, () => normal(r, 0, 1));
  gold.normal_0_1_first5.forEach((v: number, i: number) => assertClose(got[i], v, 1e-15, `normal[${i}]`));
});

test("shuffle equals NumPy's legacy shuffle exactly", () => {
  const r = createRng(1);
  const items = Array.from({ length: 10 }, (_, i) => i);
  shuffleInPlace(r, items);
  assert.equal(items, gold.shuffle_arange);
});

test("weights then shuffle: the stream position matches the starter code", () => {
  const r = createRng(1);
  const w = fillUniform(r, new Float64Array(785 * 64), -1, 1);
  assertClose(
    w.reduce((a, b) => a + b, 0),
    gold.uniform_785x64_sum,
    1e-12,
    "uniform sum",
  );
  const order = Float64Array.from({ length: 20000 }, (_, i) => i);
  shuffleInPlace(r, order);
  assert.equal(Array.from(order.subarray(0, 10)), gold.after_uniform_785x64_shuffle_arange20000_first10);
});

test("fan-in normal weights (scale 1/sqrt(785)) match NumPy", () => {
  const w = fillNormal(createRng(1), new Float64Array(785 * 64), 0, 1 / Math.sqrt(785));
  gold.normal_fanin_785x64_first3.forEach((v: number, i: number) => assertClose(w[i], v, 1e-15, `w[${i}]`));
  assertClose(
    w.reduce((a, b) => a + b, 0),
    gold.normal_fanin_785x64_sum,
    1e-12,
    "normal sum",
  );
});

test("seeds outside [0, 2^32) are rejected", () => {
  assert.throws(() => createRng(-1), /seed -1/);
  assert.throws(() => createRng(2 ** 32), /seed/);
  assert.throws(() => createRng(1.5), /seed 1.5/);
});

test.run();
