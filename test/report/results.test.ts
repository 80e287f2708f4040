import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CONTRACT_VERSION, MIME } from "../../src/contract/contract";
import { collect, parseResults, resultsFile, resultsJson } from "../../src/report/results";
import { normalizeRun } from "../../src/mlp/config";

const dir = mkdtempSync(join(tmpdir(), "results-"));
const cfg = (id: string) => normalizeRun({ preset: id });

/** An executed notebook as the executor stores it. */
function notebook(name: string, cells: { source: string; outputs: Record<string, unknown>[] }[], params: object = {}): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    JSON.stringify({
      metadata: { a2report: { cacheKey: "k", params } },
      cells: cells.map((c) => ({
        cell_type: "code",
        source: c.source,
        outputs: c.outputs.map((data) => ({ output_type: "display_data", data })),
      })),
    }),
  );
  return path;
}

const table = { columns: ["run", "val acc"], rows: [["3c", "95.930 %"]], values: [["3c", 0.9593]] };
const a = notebook(
  "task3.ipynb",
  [
    { source: "const runs = await a2.nb.train(s, ids);", outputs: [{ [MIME.runs]: [cfg("3c"), cfg("2c")] }] },
    {
      source: "//| label: tbl-3\n//| caption: Final metrics.\nshow()",
      outputs: [
        { [MIME.table]: table, "text/plain": "…" },
        {
          [MIME.result]: [
            { task: "3c", name: "valAccuracy", value: 0.9593, format: "percent" },
            { task: "2c", name: "steps", value: 29876, format: "int" },
            { task: "3c", name: "secondsPerEpoch", value: 0.3141, format: "seconds", measured: true },
          ],
        },
      ],
    },
    { source: "//| label: fig-3\n//| caption: Curves.\nfig()", outputs: [{ [MIME.plotly]: { data: [], layout: {} } }] },
  ],
  { quick: true, dataDir: "/some/machine/path" },
);
const b = notebook(
  "task2.ipynb",
  [{ source: "x", outputs: [{ [MIME.result]: [{ task: "2a", name: "mean", value: 33.318421449829934, format: "plain" }] }] }],
  { quick: true, dataDir: "/some/machine/path" },
);

test("collect reads labelled figures and tables with captions, recorded numbers and run configs", () => {
  const c = collect([a, b]);
  assert.equal([...c.figures.keys()], ["fig-3"]);
  assert.is(c.tables.get("tbl-3")!.caption, "Final metrics.");
  assert.is(c.numbers.get("3c.valAccuracy")!.value, 0.9593);
  assert.equal([...c.runs.keys()], ["3c", "2c"]);
});

test("results.json: fixed task and key order, full precision, no machine paths, identical for identical inputs", () => {
  const input = {
    collected: collect([a, b]),
    versions: { project: "0.1.0", tslab: "1.0.22", node: "v20" },
    tableOrder: ["tbl-3"],
    dataset: { name: "mnist", files: [{ name: "train-images-idx3-ubyte", bytes: 3, sha256: "ab" }] },
  };
  const r = resultsFile(input);
  assert.equal(Object.keys(r), ["format", "meta", "runs", "tasks", "measured", "formats", "tables", "seedStudy"]);
  assert.is(r.meta.contract, CONTRACT_VERSION);
  assert.equal(r.measured, { "3c": { secondsPerEpoch: 0.3141 } }, "wall-clock measurements apart from the results");
  assert.not.ok("secondsPerEpoch" in r.tasks["3c"]);
  assert.is(r.formats["3c"].secondsPerEpoch, "seconds");
  assert.is(r.seedStudy, null);
  assert.equal(Object.keys(r.tasks), ["2a", "2c", "3c"], "tasks in the assignment's order, whatever the notebooks' order");
  assert.equal(Object.keys(r.runs), ["2c", "3c"]);
  assert.is(r.tasks["2a"].mean, 33.318421449829934);
  assert.is(r.formats["3c"].valAccuracy, "percent");
  assert.is(r.meta.mode, "quick");
  assert.equal(r.meta.seeds, [1]);
  assert.equal(r.tables[0].number, 1);
  const text = resultsJson(r);
  assert.not.ok(text.includes("/some/machine/path"), "no machine paths");
  assert.is(text, resultsJson(resultsFile(input)));
  assert.equal(parseResults(text, "x"), r);
});

test("a seed study output is collected into results.json; two are an error", () => {
  const study = { runs: [{ id: "4e", config: cfg("4e"), seeds: [1, 2], values: {}, mean: {}, std: {} }] };
  const s = notebook("task4.ipynb", [{ source: "x", outputs: [{ [MIME.seeds]: study }] }], { quick: true, dataDir: "/some/machine/path" });
  const input = {
    collected: collect([a, s]),
    versions: { project: "0.1.0", tslab: "1.0.22", node: "v20" },
    dataset: { name: "mnist", files: [] },
  };
  assert.equal(resultsFile(input).seedStudy, study);
  const again = notebook("task5.ipynb", [{ source: "x", outputs: [{ [MIME.seeds]: study }] }], {
    quick: true,
    dataDir: "/some/machine/path",
  });
  assert.throws(() => collect([s, again]), /task5\.ipynb: a second seed study/);
});

test("run settings: each notebook's count for the runs it used only; a conflict is named", () => {
  const e = notebook("e.ipynb", [{ source: "x", outputs: [{ [MIME.runs]: [cfg("2c")] }] }], {
    quick: true,
    runs: { "2c": { learningRate: 0.05 }, "4e": { epochs: 3 } },
  });
  const f = notebook("f.ipynb", [{ source: "x", outputs: [{ [MIME.runs]: [cfg("4e")] }] }], { quick: true });
  assert.equal(
    collect([e, f]).params,
    { quick: true, runs: { "2c": { learningRate: 0.05 } } },
    "4e's setting: f used 4e without it, e did not use 4e",
  );
  const g = notebook("g.ipynb", [{ source: "x", outputs: [{ [MIME.runs]: [cfg("2c")] }] }], {
    quick: true,
    runs: { "2c": { learningRate: 0.2 } },
  });
  assert.throws(() => collect([e, g]), /g\.ipynb: run 2c was executed with settings \{"learningRate":0\.2\}/);
});

test("a label that is not fig-… or tbl-…, or names the other kind of output, is named", () => {
  const bad = (source: string, output: Record<string, unknown>) => notebook("bad.ipynb", [{ source, outputs: [output] }]);
  assert.throws(
    () => collect([bad("//| label: curves\nfig()", { [MIME.plotly]: { data: [], layout: {} } })]),
    /label "curves": expected fig-… for a figure or tbl-…/,
  );
  assert.throws(() => collect([bad("//| label: fig-\nfig()", { [MIME.plotly]: { data: [], layout: {} } })]), /label "fig-": expected/);
  assert.throws(
    () => collect([bad("//| label: tbl-x\nfig()", { [MIME.plotly]: { data: [], layout: {} } })]),
    /label tbl-x names a table, but its cell shows a figure/,
  );
  assert.throws(
    () => collect([bad("//| label: fig-x\nshow()", { [MIME.table]: table })]),
    /label fig-x names a figure, but its cell shows a table/,
  );
});

test("conflicting notebooks and bad results files are named", () => {
  const c = notebook(
    "other.ipynb",
    [{ source: "x", outputs: [{ [MIME.result]: [{ task: "2c", name: "steps", value: 1, format: "int" }] }] }],
    { quick: true, dataDir: "/some/machine/path" },
  );
  assert.throws(() => collect([a, c]), /2c\.steps is recorded twice with different values \(task3\.ipynb: 29876, other\.ipynb: 1\)/);
  const d = notebook("params.ipynb", [], { quick: false });
  assert.throws(() => collect([a, d]), /params\.ipynb: executed with parameters/);
  const bad = join(dir, "bad.ipynb");
  writeFileSync(bad, "{ nope");
  assert.throws(() => collect([bad]), /bad\.ipynb: not a readable notebook/);
  assert.throws(() => parseResults("{", "r.json"), /^r\.json: malformed JSON/);
  assert.throws(() => parseResults("{}", "r.json"), /^r\.json: not a results file/);
});

test.run();
