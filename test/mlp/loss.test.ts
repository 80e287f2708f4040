import { test } from "uvu";
import * as assert from "uvu/assert";
import { correctCount, correctCountOfLogits, crossEntropyOfLogits, crossEntropySum, logitsScratch, softmax } from "../../src/mlp/loss";
import { f64, kernelsFor } from "../../src/mlp/wasm";
import { lcg } from "../helpers";
import { assertClose } from "../helpers";

test("softmax is shift-invariant and sums to 1", () => {
  // Dyadic logits: the shift by 512 is exact, so the max-subtracted logits are identical.
  const z = Float64Array.of(0.25, -1.25, 2.5, 0, 1),
    zs = z.map((v) => v + 512);
  const p = new Float64Array(5),
    q = new Float64Array(5);
  softmax(z, p, 1, 5);
  softmax(zs, q, 1, 5);
  assert.equal(q, p);
  assertClose(
    p.reduce((a, b) => a + b, 0),
    1,
    1e-15,
    "sum",
  );
});

test("logits of ±1000 stay finite: softmax and a loss whose probability underflows", () => {
  const z = Float64Array.of(1000, -1000, 0, 999, -1000),
    p = new Float64Array(5);
  softmax(z, p, 1, 5);
  assert.ok(p.every(Number.isFinite));
  assert.is(p[1], 0); // underflow, so −ln p would be infinite
  const lossAt1 = crossEntropySum(z, p, Uint8Array.of(1), 0, 1, 5);
  assert.ok(Number.isFinite(lossAt1));
  assertClose(lossAt1, 2000 + Math.log(1 + Math.exp(-1)), 1e-12, "loss");
  const lossAt0 = crossEntropySum(z, p, Uint8Array.of(0), 0, 1, 5);
  assertClose(lossAt0, Math.log(1 + Math.exp(-1)), 1e-12, "loss at the top logit");
});

test("accuracy counts the first largest output per row", () => {
  const p = Float64Array.of(0.1, 0.7, 0.2, /**/ 0.4, 0.4, 0.2, /**/ 0.3, 0.3, 0.4);
  assert.is(correctCount(p, Uint8Array.of(1, 0, 1), 0, 3, 3), 2);
  assert.is(correctCount(p, Uint8Array.of(9, 9, 1, 0, 2), 2, 3, 3), 3);
});

test("correctCountOfLogits counts as correctCount of the softmax does, near ties and non-finite logits too", () => {
  const next = (x: number) => {
    const b = Float64Array.of(x);
    new BigInt64Array(b.buffer)[0] += 1n;
    return b[0];
  };
  // 0.1 and the next double: the larger logit, but softmax rounds both to the same probability,
  // and the first largest probability is the first (a count from the logits alone says the second).
  const tie = [0.1, next(0.1), 0];
  const tieP = new Float64Array(3);
  softmax(Float64Array.from(tie), tieP, 1, 3);
  assert.is(tieP[0], tieP[1], "the crafted rows tie after softmax");
  const rand = lcg(7);
  const rows: number[][] = [
    tie,
    [5, 5, 1],
    [1, 2, 3],
    [NaN, 1, 0],
    [0, 1, NaN],
    [Infinity, 1, 0],
    [1, Infinity, 0],
    [-Infinity, 1, 0],
    [1e300, -1e300, 0],
    [2, 2 + 2e-9, 0],
    [2, 2 + 5e-10, 0],
  ];
  for (let r = 0; r < 200; r++) rows.push([0, 1, 2].map(() => Math.round(rand() * 8) / 4)); // many exact ties
  for (let r = 0; r < 200; r++) rows.push([0, 1, 2].map(() => 30 * (rand() - 0.5)));
  const z = Float64Array.from(rows.flat()),
    p = new Float64Array(z.length),
    scratch = new Float64Array(3);
  softmax(z, p, rows.length, 3);
  for (let label = 0; label < 3; label++) {
    const labels = new Uint8Array(rows.length + 2).fill(label);
    for (let r = 0; r < rows.length; r++) {
      const fromP = correctCount(p.subarray(3 * r, 3 * r + 3), labels, 2, 1, 3);
      assert.is(correctCountOfLogits(z.subarray(3 * r, 3 * r + 3), labels, 2, 1, 3, scratch), fromP, `row ${rows[r]}, label ${label}`);
    }
    assert.is(correctCountOfLogits(z, labels, 1, rows.length, 3, scratch), correctCount(p, labels, 1, rows.length, 3));
  }
});

/** Rows of logits: small ones, ones whose probabilities underflow, and rows with NaN and ±Infinity. */
function logitRows(rows: number, c: number, seed: number): { z: Float64Array; labels: Uint8Array } {
  const rand = lcg(seed);
  const z = Float64Array.from({ length: rows * c }, (_, i) => (rand() - 0.5) * (i < rows * c * 0.5 ? 8 : 3000));
  z[(rows - 2) * c + 5] = Number.NaN;
  z[(rows - 1) * c + 3] = Number.POSITIVE_INFINITY;
  z[(rows - 1) * c + 1] = Number.NEGATIVE_INFINITY;
  return { z, labels: Uint8Array.from({ length: rows }, () => Math.floor(rand() * c)) };
}

test("crossEntropyOfLogits: WebAssembly and JavaScript give the same bits, at even and odd widths", () => {
  for (const c of [10, 7]) {
    const rows = 402;
    const { z, labels } = logitRows(rows, c, c);
    const inArena = f64(rows * c);
    inArena.set(z);
    const scratch = logitsScratch(rows, c);
    assert.ok(kernelsFor(inArena, scratch.e, scratch.sm), "the WebAssembly path is taken");
    for (const [from, n] of [
      [0, rows],
      [0, 200],
      [200, 200],
      [400, 2],
    ]) {
      const want = crossEntropyOfLogits(z.subarray(from * c), labels, from, n, c);
      const got = crossEntropyOfLogits(inArena.subarray(from * c), labels, from, n, c, scratch);
      assert.ok(Object.is(got, want), `c ${c}, rows ${from}..${from + n}: ${got} against ${want}`);
    }
    assert.ok(Number.isNaN(crossEntropyOfLogits(inArena.subarray((rows - 2) * c), labels, rows - 2, 1, c, scratch)));
  }
});

test("crossEntropyOfLogits is −log softmax(z)[label] to the last bits of its exps, where the probability underflows too", () => {
  const rows = 400,
    c = 10;
  const { z, labels } = logitRows(rows, c, 7);
  const p = new Float64Array(rows * c);
  softmax(z, p, rows, c);
  let tiny = 0;
  for (let r = 0; r < rows - 2; r++) {
    const row = z.subarray(r * c, (r + 1) * c),
      label = labels[r];
    // The log-softmax form with Math.exp: accurate where softmax's probability is subnormal or 0.
    const m = Math.max(...row);
    const want = -(row[label] - m - Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0)));
    const got = crossEntropyOfLogits(row, labels, r, 1, c);
    assert.ok(Math.abs(got - want) <= 1e-13 * Math.max(1, want), `row ${r}: ${got} against ${want}`);
    const q = p[r * c + label];
    if (q >= 2 ** -1022) assert.ok(Math.abs(got - crossEntropySum(row, p.subarray(r * c), labels, r, 1, c)) <= 1e-13 * Math.max(1, want));
    else tiny++;
  }
  assert.ok(tiny > 10, `${tiny} rows whose probability underflows`);
});

test.run();
