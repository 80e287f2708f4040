// The limits of a run (src/mlp/budget.ts): absurd widths, batch sizes and step counts are refused
// by normalizeRun before anything is allocated; the report's own runs are far inside them.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { InputError } from "../../src/base/errors";
import { MAX_RUN_BYTES, MAX_STEPS, estimateRunBytes, maxSteps } from "../../src/mlp/budget";
import { PRESETS, normalizeRun } from "../../src/mlp/config";

test("the estimate counts weights, buffers, data and history: [64] on 20 000 images is about 360 MiB", () => {
  const c = normalizeRun({});
  // 8 bytes × (3 × 50 880 weights + 64·10 scratch + 4·32·74 + 2·1000·74 + 2·30 000·785 + 3·31 250 steps)
  const expected = 8 * (3 * 50880 + 640 + 4 * 32 * 74 + 2 * 1000 * 74 + 2 * 30000 * 785 + 3 * 31250);
  assert.is(estimateRunBytes(c), expected);
  assert.is(maxSteps(c), 31250);
  const momentum = normalizeRun({ momentum: 0.9 });
  assert.is(estimateRunBytes(momentum) - estimateRunBytes(c), 8 * 50880, "momentum adds one copy of the weights");
});

test("the batch counts: [8192] fits with batches of 32, not of 20 000", () => {
  assert.ok(estimateRunBytes(normalizeRun({ hidden: [8192] })) < MAX_RUN_BYTES);
});

test("every run of the report fits, with room to spare", () => {
  for (const id of Object.keys(PRESETS)) {
    const c = normalizeRun({ preset: id, trainSize: 60000 });
    assert.ok(estimateRunBytes(c) < MAX_RUN_BYTES / 4, id);
    assert.ok(maxSteps(c) < MAX_STEPS / 100, id);
  }
});

const refused: [Record<string, unknown>, RegExp][] = [
  [
    { hidden: [1e6] },
    /^hidden 1000000, batch size 32, train size 20000: the run needs about 34 GiB of memory, more than the limit of 4\.0 GiB for one run$/,
  ],
  [{ hidden: [1e9] }, /^hidden 1000000000, .*more than the limit of 4\.0 GiB/],
  [{ hidden: [8192], batchSize: 20000, preset: "3c" }, /^hidden 8192, batch size 20000, train size 20000: run 3c needs about 5\.[0-9] GiB/],
  [
    { epochs: 1e9 },
    /^epochs 1000000000: the run would take up to 625 000 000 000 steps \(625 an epoch\), more than the limit of 10 000 000$/,
  ],
  [{ epochs: 200, batchSize: 1, trainSize: 60000 }, /^epochs 200: .* 12 000 000 steps \(60 000 an epoch\)/],
];
for (const [spec, re] of refused) {
  test(`refuses ${JSON.stringify(spec)} with one line naming the limit`, () => {
    assert.throws(
      () => normalizeRun(spec),
      (e: Error) => e instanceof InputError && re.test(e.message) && !e.message.includes("\n"),
    );
  });
}

test.run();
