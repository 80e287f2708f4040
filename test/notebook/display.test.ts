import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatNumber } from "../../src/contract/format";
import { MIME } from "../../src/contract/contract";
import { emit, figureBundle, progressDisplay, resultBundle, tableBundle, type Bundle } from "../../src/notebook/display";
import { metricsTable } from "../../src/notebook/tables";
import type { Progress } from "../../src/mlp/train";

test("a figure bundle carries the Plotly spec, an HTML fallback and text", () => {
  const fig = { data: [{ type: "scatter", x: [1], y: [2], name: "</script>" }], layout: { width: 500 } };
  const b = figureBundle(fig);
  assert.equal(b[MIME.plotly], fig);
  const html = b["text/html"] as string;
  assert.match(html, /Interactive figure \(Plotly\): &lt;\/script&gt;/);
  assert.match(html, /\/files\/node_modules\/plotly\.js-basic-dist-min\/plotly-basic\.min\.js/);
  assert.not.match(html, /<\/script>",/, "the spec cannot close the script tag");
  assert.is(b["text/plain"], "[Plotly figure] </script>");
});

test("tables and results carry machine-readable JSON under the project's MIME types", () => {
  const t = { columns: ["a", "b"], rows: [["x", "1.0000"]], values: [["x", 1]] };
  const tb = tableBundle(t, "cap");
  assert.equal((tb[MIME.table] as { rows: string[][] }).rows, [["x", "1.0000"]]);
  assert.match(tb["text/html"] as string, /<caption>cap<\/caption>.*<td class="num">1.0000<\/td>/s);
  const rb = resultBundle([{ task: "2c", name: "valAccuracy", value: 0.9152, format: "percent" }]);
  assert.equal(rb[MIME.result], [{ task: "2c", name: "valAccuracy", value: 0.9152, format: "percent" }]);
  assert.is(rb["text/plain"], "2c.valAccuracy = 91.520 %");
});

test("number formats: loss 4 decimals, percent 3, integers with thin spaces, scientific", () => {
  assert.is(formatNumber(0.07654, "loss"), "0.0765");
  assert.is(formatNumber(0.9837, "percent"), "98.370 %");
  assert.is(formatNumber(50880, "int"), "50 880");
  assert.is(formatNumber(1.7123e-8, "sci"), "1.7e-8");
});

test("progress display: updates in place (first show, then updates), throttled, final state forced", () => {
  const shown: [Bundle, boolean][] = [];
  const d = progressDisplay(["2c", "3c"], (b, u) => shown.push([b, u]));
  const p = (step: number, check: Progress["check"] = null): Progress => ({
    step,
    epoch: 0,
    stepsPerEpoch: 625,
    maxSteps: 31250,
    trainLoss: 0.5,
    check,
  });
  d.onProgress(0, p(0, { step: 0, valLoss: 2.1, valAccuracy: 0.1, trainAccuracy: 0.1, gradMeanAbs: [], lowSlope: [] }));
  d.onProgress(0, p(1));
  d.onProgress(1, p(5));
  assert.is(shown.length, 1, "throttled");
  assert.is(shown[0][1], false, "the first call shows");
  d.onDone(0);
  d.finish();
  assert.is(shown.length, 3);
  assert.ok(
    shown.slice(1).every(([, u]) => u),
    "later calls update",
  );
  assert.match(shown[2][0]["text/plain"] as string, /2c: done after 2 steps, val loss 2.1000/);
  assert.match(shown[2][0]["text/plain"] as string, /3c: step 6/);
});

test("emit outside a kernel says so", () => {
  assert.throws(() => emit({ "text/plain": "x" }), /not inside a tslab kernel/);
});

test("the metrics table formats like the report", () => {
  const r = {
    final: { trainLoss: 0.07654, valLoss: 0.2978, trainAccuracy: 0.9837, valAccuracy: 0.9152 },
    steps: 29876,
    epochs: 48,
    stoppedEarly: true,
  };
  const t = metricsTable([{ id: "2c", name: "2c", result: r as never }]);
  assert.equal(t.rows[0], ["2c", "0.0765", "0.2978", "98.370 %", "91.520 %", "29 876", "48"]);
});

test.run();
