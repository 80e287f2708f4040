import { test } from "uvu";
import * as assert from "uvu/assert";
import { correctCount, crossEntropySum, softmax } from "../../src/mlp/loss";
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

test.run();
