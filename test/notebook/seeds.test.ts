import { test } from "uvu";
import * as assert from "uvu/assert";
import { PRESETS } from "../../src/mlp/config";
import type { TrainResult } from "../../src/mlp/train";
import { seedFigure } from "../../src/notebook/figures";
import { meanStd, seedNumbers, seedStudy, seedTable, studyConfigs, topologyLabel } from "../../src/notebook/seeds";
import { SEED_STUDY_RUNS, normalizeParams, reportRuns, runConfig, seedConfig } from "../../src/notebook/session";

test("the seed figure's category labels: short level lines that fit under the panel (rotated, they were cut)", () => {
  const s = normalizeParams({});
  const labels = SEED_STUDY_RUNS.map((id) => topologyLabel({ id, config: runConfig(s, id) }));
  assert.equal(labels, ["64<br>(3c)", "32<br>(4a)", "128<br>(4b)", "2×60<br>(4d)", "10×64<br>(4e)", "10×64<br>ReLU<br>(4f)"]);
  // Six categories share a panel of 0.46 × 960 px: at 11 px type, a line of more than 6 characters
  // (about 7 px each) would run into the next label.
  for (const l of labels) for (const line of l.split("<br>")) assert.ok(line.length <= 6, line);
  const points = labels.map((label, k) => ({ id: SEED_STUDY_RUNS[k], label, values: [0.9], mean: 0.9, std: 0 }));
  const { layout } = seedFigure(points, points) as { layout: Record<string, { tickangle?: number; b?: number }> };
  assert.equal([layout.xaxis.tickangle, layout.xaxis2.tickangle], [0, 0]);
  assert.ok((layout.margin.b ?? 0) >= 3 * 14, "room for three lines below the axis");
});

test("mean and sample standard deviation (n − 1)", () => {
  const { mean, std } = meanStd([2, 4, 4, 4, 5, 5, 7, 9]);
  assert.is(mean, 5);
  assert.ok(Math.abs(std - Math.sqrt(32 / 7)) < 1e-12);
  assert.equal(meanStd([3]), { mean: 3, std: 0 });
});

test("seed 1 is the report's own run; other seeds change only the seed and skip the training-accuracy pass", () => {
  const s = normalizeParams({});
  assert.equal(seedConfig(s, "4e", 1), runConfig(s, "4e"));
  const other = seedConfig(s, "4e", 3);
  const { seed, checkTrainAccuracy, ...rest } = other;
  const { seed: s1, checkTrainAccuracy: c1, ...own } = runConfig(s, "4e");
  assert.equal([seed, checkTrainAccuracy, s1, c1], [3, false, 1, true]);
  assert.equal(rest, own);
  const set = normalizeParams({ runs: { "4e": { learningRate: 0.01 } } });
  assert.is(seedConfig(set, "4e", 2).learningRate, 0.01, "a run's settings apply to its seed study too");
});

test("the report's runs: every preset once, then the study's other seeds; 5 seeds by default, 2 in quick mode", () => {
  const full = reportRuns(normalizeParams({}));
  assert.is(full.length, Object.keys(PRESETS).length + SEED_STUDY_RUNS.length * 4);
  assert.is(new Set(full.map((c) => JSON.stringify(c))).size, full.length, "no run twice");
  assert.is(reportRuns(normalizeParams({ quick: true })).length, Object.keys(PRESETS).length + SEED_STUDY_RUNS.length);
  assert.is(reportRuns(normalizeParams({ seeds: 1 })).length, Object.keys(PRESETS).length);
  assert.throws(() => normalizeParams({ seeds: 0 }), /seeds 0: expected an integer from 1 to 100/);
});

test("the study's record: values per seed in order, mean and std per metric, numbers and table rows", () => {
  const s = normalizeParams({ quick: true, seeds: 3 });
  const groups = studyConfigs(s, ["3c", "4e"]);
  const fake = (acc: number, steps: number) =>
    ({ final: { valAccuracy: acc, valLoss: 0.2, trainAccuracy: 1, trainLoss: 0.01 }, steps }) as unknown as TrainResult;
  const study = seedStudy(
    s,
    ["3c", "4e"],
    [
      [fake(0.95, 100), fake(0.96, 120), fake(0.97, 140)],
      [fake(0.9, 10), fake(0.9, 20), fake(0.9, 30)],
    ],
  );
  assert.equal(
    groups.map((g) => g.configs.map((c) => c.seed)),
    [
      [1, 2, 3],
      [1, 2, 3],
    ],
  );
  const r = study.runs[0];
  assert.equal([r.id, r.seeds, r.values.valAccuracy, r.values.steps], ["3c", [1, 2, 3], [0.95, 0.96, 0.97], [100, 120, 140]]);
  assert.ok(Math.abs(r.mean.valAccuracy - 0.96) < 1e-12 && Math.abs(r.std.steps - 20) < 1e-12);
  assert.is(study.runs[1].std.valAccuracy, 0);
  assert.equal([r.config.seed, r.config.checkTrainAccuracy, r.config.id], [1, false, "3c"]);
  const n = Object.fromEntries(seedNumbers(study).map((x) => [`${x.task}.${x.name}`, x.value]));
  assert.equal([n["3c.seedCount"], n["3c.stepsMean"], n["4e.stepsStd"]], [3, 120, 10]);
  assert.equal(seedTable(study).rows[0], ["+ momentum (3c)", "3", "96.000 % ± 1.000 %", "0.2000 ± 0.0000", "120 ± 20"]);
  const renamed = seedTable(study, { "3c": "64 units (3c)" }).rows.map((r) => r[0]);
  assert.equal(
    renamed,
    [
      "64 units (3c)",
      ...seedTable(study)
        .rows.slice(1)
        .map((r) => r[0]),
    ],
    "only the named run is renamed",
  );
});

test.run();
