import { test } from "uvu";
import * as assert from "uvu/assert";
import { blockStats, gradientFigure, gradientProfiles, logTicks, lossAxis, seedFigure, trainingCurves } from "../../src/notebook/figures";
import { RUN_COLORS, RUN_NAMES, namedPresets } from "../../src/notebook/names";
import type { TrainResult } from "../../src/mlp/train";
import { PRESETS, normalizeRun } from "../../src/mlp/config";

/** A run of `steps` steps, checks every 25; the last check reaches `finalAccuracy` on both splits. */
function fakeResult(steps: number, finalAccuracy = 0.95, firstLoss = 2.4): TrainResult {
  const trainLoss = Array.from({ length: steps }, (_, i) => firstLoss / (1 + i / 5) + (i % 2 ? 0.001 : -0.001));
  const n = Math.floor(steps / 25);
  const checks = Array.from({ length: n }, (_, k) => ({
    step: 25 * k,
    valLoss: firstLoss / (1 + k),
    valAccuracy: 0.1 + ((finalAccuracy - 0.1) * k) / (n - 1),
    trainAccuracy: 0.1 + ((finalAccuracy - 0.1) * k) / (n - 1),
    gradMeanAbs: [0.001 * (k + 1), 0.01, 0.1],
    lowSlope: [0.1 * (k % 3), 0.2],
  }));
  return {
    config: normalizeRun({}),
    final: { trainLoss: 0.1, trainAccuracy: finalAccuracy, valLoss: 0.2, valAccuracy: finalAccuracy },
    steps,
    epochs: 2,
    stepsPerEpoch: steps / 2,
    checkEvery: 25,
    stoppedEarly: false,
    history: { trainLoss, checks },
    weightSums: [],
    timing: { clock: "thread-cpu", trainSeconds: 1, checkSeconds: 0.5 },
  };
}

const axisOf = (fig: { layout: Record<string, unknown> }, name: string) =>
  fig.layout[name] as { type: string; range: number[]; tickvals: number[]; ticktext: string[] };

test("block statistics: non-overlapping blocks of 10, mean and population std, partial block dropped", () => {
  const loss = [...Array(10).fill(1), ...[0, 2, 0, 2, 0, 2, 0, 2, 0, 2], 5, 5, 5];
  const b = blockStats(loss, 10);
  assert.equal(b.mean, [1, 1]);
  assert.equal(b.std, [0, 1]);
  assert.equal(b.step, [4.5, 14.5]);
});

test("log ticks: 1-2-5 inside the range, thinned to at most the limit", () => {
  assert.equal(logTicks(0.03, 0.6), [0.05, 0.1, 0.2, 0.5]);
  const wide = logTicks(1e-5, 3);
  assert.ok(wide.length <= 7 && wide.every((v) => v >= 1e-5 && v <= 3));
});

test("the loss axis holds every value", () => {
  const loss = lossAxis([4.18, 0.0018, 0.3]);
  assert.ok(10 ** loss.range[0] < 0.0018 && 10 ** loss.range[1] > 4.18);
});

test("one run: loss and accuracy panels, training solid and validation dashed, two legend entries, a zoom in each", () => {
  const fig = trainingCurves([{ id: "2c", result: fakeResult(200) }]);
  const legend = fig.data.filter((t) => t.showlegend !== false).map((t) => t.name);
  assert.equal(legend, ["training set", "validation set"]);
  assert.is(fig.data.filter((t) => t.fill === "tonexty").length, 1, "one ±std band");
  assert.is(axisOf(fig, "yaxis").type, "log");
  assert.equal(axisOf(fig, "yaxis2").range[1], 100.5, "accuracy up to a real 100 %");
  assert.equal(new Set(fig.data.map((t) => t.yaxis)), new Set(["y", "y2", "y3", "y4"]), "two panels, two insets");
  const dashes = fig.data
    .filter((t) => t.showlegend !== false || t.yaxis === "y2")
    .map((t) => [t.legendgroup, (t.line as { dash?: string }).dash ?? "solid"]);
  assert.ok(
    dashes.every(([g, d]) => (g === "val") === (d === "dash")),
    JSON.stringify(dashes),
  );
  // Plain JSON: nothing a JSON round trip would drop or change (undefined, NaN, typed arrays).
  assert.equal(JSON.parse(JSON.stringify(fig)), fig, "plain JSON");
});

test("several runs: a 2 × 2 grid, one legend entry per run named for readers, each run in its own colour", () => {
  const ids = ["2c", "3a", "3-ind-sigmoid", "3-ind-momentum"];
  const fig = trainingCurves(ids.map((id, i) => ({ id, result: fakeResult(200 + 50 * i, 0.9 + i / 50) })));
  const legend = fig.data.filter((t) => t.showlegend !== false).map((t) => t.name as string);
  assert.equal(
    legend,
    ids.map((id) => RUN_NAMES[id]),
  );
  assert.ok(legend.length <= 6);
  assert.not.ok(
    legend.some((n) => /3-ind-/.test(n)),
    "no internal run id",
  );
  const axes = new Set(fig.data.map((t) => `${t.xaxis}/${t.yaxis}`));
  assert.equal([...axes].sort(), ["x/y", "x2/y2", "x3/y3", "x4/y4", "x5/y5", "x6/y6", "x7/y7"], "four panels and three zoomed insets");
  // The insets: the last three quarters of training, in no legend, every point inside their axes.
  for (const n of [5, 6, 7]) {
    const range = (fig.layout[`yaxis${n}`] as { range: number[] }).range;
    for (const t of fig.data.filter((d) => d.yaxis === `y${n}`)) {
      assert.is(t.showlegend, false);
      assert.ok(
        (t.x as number[]).every((x) => x >= 88),
        "the last three quarters (of 350 steps)",
      );
      for (const y of t.y as number[]) assert.ok(y >= range[0] && y <= range[1], `${y} in the inset`);
    }
  }
  for (const id of ids) {
    const colours = new Set(
      fig.data.filter((t) => t.legendgroup === id && (t.line as { color?: string }).color).map((t) => (t.line as { color: string }).color),
    );
    assert.equal([...colours], [RUN_COLORS[id]]);
  }
  // The same run keeps its colour in another figure.
  const other = trainingCurves([
    { id: "3c", result: fakeResult(100) },
    { id: "3a", result: fakeResult(100) },
  ]);
  assert.ok(other.data.some((t) => t.legendgroup === "3a" && (t.line as { color?: string }).color === RUN_COLORS["3a"]));
  // Every plotted accuracy is inside its axis.
  const [lo, hi] = axisOf(fig, "yaxis4").range;
  for (const t of fig.data.filter((d) => d.yaxis === "y4"))
    for (const y of t.y as number[]) assert.ok(y <= hi && y >= lo, `${y} on the axis`);
  assert.ok(hi >= 100 && lo <= 10, "from the first check's 10 % to 100 %");
});

test("every preset has a readable name and a colour, all colours distinct", () => {
  assert.equal(namedPresets(), Object.keys(PRESETS));
  assert.is(new Set(Object.values(RUN_COLORS)).size, Object.keys(RUN_COLORS).length);
});

test("gradient profiles average an epoch's checks, and the figure shares one log axis", () => {
  const r = fakeResult(400);
  const profiles = gradientProfiles(r);
  assert.equal(
    profiles.map((p) => [p.label, p.epoch]),
    [
      ["first epoch", 1],
      ["last epoch", 2],
    ],
  );
  // Epoch 1: checks 0..7 (8 per epoch of 200 steps), gradient of layer 1 = 0.001·(k+1).
  assert.ok(Math.abs(profiles[0].values[0] - 0.001 * 4.5) < 1e-12);
  const fig = gradientFigure([
    { id: "4e", title: "4e", profiles },
    { id: "4f", title: "4f", profiles },
  ]);
  assert.is((fig.layout.yaxis2 as { matches: string }).matches, "y");
  assert.ok(fig.data.filter((t) => t.showlegend !== false).length <= 6);
});

test("the seed figure draws every seed and the mean ± std of each run", () => {
  const p = [{ id: "3c", label: "3c", values: [0.95, 0.96], mean: 0.955, std: 0.007 }];
  const fig = seedFigure(p, [{ id: "3c", label: "3c", values: [100, 120], mean: 110, std: 14 }]);
  const dots = fig.data.filter((t) => (t.marker as { symbol: string }).symbol === "circle-open");
  assert.equal(
    dots.map((t) => t.y),
    [
      [95, 96],
      [100, 120],
    ],
  );
  const bars = fig.data.filter((t) => t.error_y);
  assert.equal(
    bars.map((t) => (t.error_y as { array: number[] }).array[0]),
    [0.7000000000000001, 14],
  );
});

test.run();
