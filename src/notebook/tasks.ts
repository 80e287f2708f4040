// The report's task-specific results as tables and recorded numbers: 2a statistics, the gradient
// checks of 2b/4c, the parameter counts of 2d/4d, the final metrics of any run and what its curves
// show (the best validation loss and how far the final one rose above it, the train/validation
// gap), and the time per epoch the runs measured.
//
// May import: base, mlp, contract, notebook.

import { loadDataset, pixelStats, takeFirst } from "../mlp/data";
import type { Recorded } from "../contract/contract";
import { type NumberFormat, formatNumber } from "../contract/format";
import { type GradCheckSpec, runGradientCheck } from "../mlp/gradcheck";
import { layerSizes, parameterCount, parameterCountWithUnitBias } from "../mlp/model";
import { averaged } from "./figures";
import { activationName, runName } from "./names";
import { type Session, runConfig } from "./session";
import type { Table } from "../contract/table";
import type { TrainResult } from "../mlp/train";
import { MNIST_INPUTS } from "../mlp/config";

export interface TaskOutput {
  readonly table: Table;
  readonly recorded: readonly Recorded[];
}

function rec(task: string, name: string, value: number, format: NumberFormat): Recorded {
  return { task, name, value, format };
}

/**
 * 2a: μ and σ over all 60 000 training images (used for every split) and over the training split
 * alone, the first `subset` images (default: 2c's training size).
 */
export function pixelStatistics(s: Session, subset = runConfig(s, "2c").trainSize): TaskOutput {
  const ds = loadDataset("mnist", s.dataDir ?? undefined);
  const all = pixelStats(ds.train);
  const n = Math.min(subset, ds.train.count);
  const sub = pixelStats(takeFirst(ds.train, n, "train size"));
  const recorded = [
    rec("2a", "mean", all.mean, "plain"),
    rec("2a", "std", all.std, "plain"),
    rec("2a", "meanSubset", sub.mean, "plain"),
    rec("2a", "stdSubset", sub.std, "plain"),
    rec("2a", "images", ds.train.count, "int"),
    rec("2a", "subsetSize", n, "int"),
  ];
  return {
    table: {
      columns: ["pixels", "images", "mean μ", "std σ", "used"],
      rows: [
        ["all training images", formatNumber(ds.train.count, "int"), String(all.mean), String(all.std), "yes: (x − μ)/σ for every split"],
        [`the first ${formatNumber(n, "int")} (the training split)`, formatNumber(n, "int"), String(sub.mean), String(sub.std), "no"],
      ],
      values: [
        ["all", ds.train.count, all.mean, all.std, null],
        ["subset", n, sub.mean, sub.std, null],
      ],
    },
    recorded,
  };
}

export interface GradCheckRow extends GradCheckSpec {
  /** Recorded under this name, e.g. "sigmoid64". */
  readonly key: string;
}

const sizesOf = (hidden: readonly number[]) => [MNIST_INPUTS, ...hidden, 10];

/** 2b/4c: the largest |approx − analytic| per layer for each network, and how many weights exceed the tolerance. */
export function gradientChecks(s: Session, task: string, rows: readonly GradCheckRow[]): TaskOutput {
  const images = s.quick ? 10 : 100;
  const recorded: Recorded[] = [];
  const out: string[][] = [],
    values: (number | string | null)[][] = [];
  let widest = 0;
  const reports = rows.map(({ key, ...spec }) => ({ key, r: runGradientCheck({ ...spec, images }, s.dataDir ?? undefined) }));
  for (const { r } of reports) widest = Math.max(widest, r.maxDifference.length);
  for (const { key, r } of reports) {
    r.maxDifference.forEach((d, l) => recorded.push(rec(task, `${key}Layer${l + 1}`, d, "sci")));
    recorded.push(rec(task, `${key}Passed`, r.passed ? 1 : 0, "int"));
    recorded.push(rec(task, `${key}Epsilon`, r.epsilon, "sci"), rec(task, `${key}Tolerance`, r.tolerance, "sci"));
    recorded.push(rec(task, `${key}Weights`, parameterCount([MNIST_INPUTS, ...r.hidden, 10]), "int"));
    r.exceeding.forEach((n, l) =>
      recorded.push(
        rec(task, `${key}Layer${l + 1}Exceeding`, n, "int"),
        rec(task, `${key}Layer${l + 1}Crossing`, r.crossing[l], "int"),
        rec(task, `${key}Layer${l + 1}ExceedingWithoutCrossing`, r.exceedingWithoutCrossing[l], "int"),
        rec(task, `${key}Layer${l + 1}Weights`, sizesOf(r.hidden)[l] * sizesOf(r.hidden)[l + 1], "int"),
      ),
    );
    const cells = Array.from({ length: widest }, (_, l) => (l < r.maxDifference.length ? formatNumber(r.maxDifference[l], "sci") : ""));
    out.push([`[${r.hidden.join(", ")}]`, activationName(r.activation), formatNumber(r.epsilon, "sci"), ...cells, r.passed ? "yes" : "no"]);
    values.push([
      r.hidden.join(","),
      r.activation,
      r.epsilon,
      ...Array.from({ length: widest }, (_, l) => r.maxDifference[l] ?? null),
      r.passed ? 1 : 0,
    ]);
  }
  recorded.push(rec(task, "images", images, "int"));
  const layerCols = Array.from({ length: widest }, (_, l) => `layer ${l + 1}`);
  const tolerances = [...new Set(reports.map(({ r }) => formatNumber(r.tolerance, "sci")))];
  return {
    table: { columns: ["hidden", "activation", "ε", ...layerCols, `every difference ≤ ${tolerances.join(" / ")}`], rows: out, values },
    recorded,
  };
}

/** 2d/4d: weight counts (the bias as the input's extra column) and with a bias per unit. */
export function parameterCounts(task: string, nets: readonly { key: string; hidden: readonly number[] }[]): TaskOutput {
  const recorded: Recorded[] = [];
  const rows: string[][] = [],
    values: (number | string | null)[][] = [];
  for (const { key, hidden } of nets) {
    const sizes = layerSizes({ inputs: MNIST_INPUTS, hidden, outputs: 10, activation: "sigmoid" });
    const w = parameterCount(sizes),
      b = parameterCountWithUnitBias(sizes);
    recorded.push(rec(task, `${key}Params`, w, "int"), rec(task, `${key}ParamsWithBias`, b, "int"));
    rows.push([`[${sizes.join(", ")}]`, formatNumber(w, "int"), formatNumber(b, "int")]);
    values.push([sizes.join(","), w, b]);
  }
  return { table: { columns: ["layers", "weights (bias column)", "with a bias per unit"], rows, values }, recorded };
}

/** Where a run's validation loss was lowest, and how far the final one rose above it. */
export function bestValidation(r: TrainResult): { loss: number; step: number; rise: number } {
  const checks = r.history.checks;
  let best = checks[0];
  for (const c of checks) if (c.valLoss < best.valLoss) best = c;
  return { loss: best.valLoss, step: best.step, rise: r.final.valLoss - best.valLoss };
}

/**
 * A run's final metrics, steps and epochs as recorded numbers of `task`, and what its curves show:
 * the train/validation accuracy gap, the best validation loss, the step it came at and how far the
 * final validation loss rose above it.
 */
export function runNumbers(task: string, r: TrainResult): Recorded[] {
  const f = r.final;
  const best = bestValidation(r);
  return [
    rec(task, "trainLoss", f.trainLoss, "loss"),
    rec(task, "valLoss", f.valLoss, "loss"),
    rec(task, "trainAccuracy", f.trainAccuracy, "percent"),
    rec(task, "valAccuracy", f.valAccuracy, "percent"),
    rec(task, "steps", r.steps, "int"),
    rec(task, "epochs", r.epochs, "int"),
    rec(task, "stoppedEarly", r.stoppedEarly ? 1 : 0, "int"),
    rec(task, "accuracyGap", f.trainAccuracy - f.valAccuracy, "points"),
    rec(task, "bestValLoss", best.loss, "loss"),
    rec(task, "bestValLossStep", best.step + 1, "int"),
    rec(task, "valLossRise", best.rise, "loss"),
    rec(task, "weights", parameterCount([MNIST_INPUTS, ...r.config.hidden, 10]), "int"),
    ...lowSlopeNumbers(task, r),
  ];
}

/**
 * How many hidden units pass almost no gradient (slope below a tenth of the largest: saturated for
 * the sigmoids, off for ReLU), averaged over the hidden layers: at the first check, over the first
 * epoch's checks and over the last epoch's, and the first hidden layer's over the last epoch.
 */
export function lowSlopeNumbers(task: string, r: TrainResult): Recorded[] {
  const checks = r.history.checks;
  if (checks.length === 0 || checks[0].lowSlope.length === 0) return [];
  const perEpoch = r.checkEvery > 0 ? Math.max(1, Math.round(r.stepsPerEpoch / r.checkEvery)) : 1;
  const epochs = Math.ceil(checks.length / perEpoch);
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const first = averaged(checks.slice(0, perEpoch), (c) => c.lowSlope);
  const last = averaged(checks.slice((epochs - 1) * perEpoch), (c) => c.lowSlope);
  return [
    rec(task, "lowSlopeFirstCheck", mean(checks[0].lowSlope), "percent"),
    rec(task, "lowSlopeFirstEpoch", mean(first), "percent"),
    rec(task, "lowSlopeLastEpoch", mean(last), "percent"),
    rec(task, "lowSlopeLastEpochLayer1", last[0], "percent"),
  ];
}

/**
 * The time per epoch a run measured (its thread's CPU time, else wall clock: a measurement, so
 * recorded as `measured`): the training steps of one epoch, and one epoch's validation checks.
 */
export function epochTimes(task: string, r: TrainResult): Recorded[] {
  const epochs = r.steps / r.stepsPerEpoch;
  const checks = r.history.checks.length / Math.max(1, epochs);
  return [
    { task, name: "secondsPerEpoch", value: r.timing.trainSeconds / epochs, format: "seconds", measured: true },
    {
      task,
      name: "checkSecondsPerEpoch",
      value: r.history.checks.length ? (r.timing.checkSeconds / r.history.checks.length) * checks : 0,
      format: "seconds",
      measured: true,
    },
  ];
}

/**
 * 4d's width: two equal hidden layers of w units hold 785·w + w² + 10·w weights; the real root of
 * w² + 795·w − budget = 0, and the counts of its two integer neighbours.
 */
export function widthForBudget(
  inputs: number,
  outputs: number,
  budget: number,
): { exact: number; below: number; above: number; belowParams: number; aboveParams: number } {
  const b = inputs + outputs;
  const exact = (-b + Math.sqrt(b * b + 4 * budget)) / 2;
  const below = Math.floor(exact),
    above = below + 1;
  const count = (w: number) => parameterCount([inputs, w, w, outputs]);
  return { exact, below, above, belowParams: count(below), aboveParams: count(above) };
}

/** 4d's arithmetic as recorded numbers. */
export function widthNumbers(task: string, budget: number): Recorded[] {
  const w = widthForBudget(MNIST_INPUTS, 10, budget);
  return [
    rec(task, "widthExact", w.exact, "decimal"),
    rec(task, "widthBelow", w.below, "int"),
    rec(task, "widthAbove", w.above, "int"),
    rec(task, "widthBelowParams", w.belowParams, "int"),
    rec(task, "widthAboveParams", w.aboveParams, "int"),
    rec(task, "widthBelowGap", Math.abs(w.belowParams - budget), "int"),
    rec(task, "widthAboveGap", Math.abs(w.aboveParams - budget), "int"),
  ];
}

/** Settings of the training loop as the prose quotes them: the checks a run waits for a better validation loss. */
export function trainingSetup(task: string, s: Session, id: string): Recorded[] {
  const c = runConfig(s, id);
  return [rec(task, "patience", c.earlyStopWindow - 1, "int"), rec(task, "stepsPerEpoch", Math.floor(c.trainSize / c.batchSize), "int")];
}

/**
 * The gradients a deep run's first epoch saw: mean |∂C/∂W| of the input layer's and the output
 * layer's weights, how many times smaller the first is, and how far apart the hidden layers' are
 * (largest over smallest): vanishing gradients would make both large. And over the whole run, the
 * largest of that input-to-output ratio in any whole epoch (gradRatioMax).
 */
export function gradientNumbers(task: string, r: TrainResult): Recorded[] {
  const checks = r.history.checks;
  const perEpoch = r.checkEvery > 0 ? Math.max(1, Math.round(r.stepsPerEpoch / r.checkEvery)) : 1;
  const first = checks.slice(0, perEpoch);
  const mean = (l: number) => first.reduce((s, c) => s + c.gradMeanAbs[l], 0) / first.length;
  const layers = first[0].gradMeanAbs.length;
  const input = mean(0),
    output = mean(layers - 1);
  const hidden = Array.from({ length: Math.max(0, layers - 2) }, (_, l) => mean(l + 1));
  // The same ratio in every whole epoch of the run (its checks averaged; the checks after the last
  // whole epoch, as few as one, are left out, the first epoch never): its largest.
  let ratioMax = output / input;
  for (let from = perEpoch; from + perEpoch <= checks.length; from += perEpoch) {
    const epoch = checks.slice(from, from + perEpoch);
    const at = (l: number) => epoch.reduce((s, c) => s + c.gradMeanAbs[l], 0);
    if (at(0) > 0) ratioMax = Math.max(ratioMax, at(layers - 1) / at(0));
  }
  return [
    rec(task, "gradInputLayer", input, "sci"),
    rec(task, "gradOutputLayer", output, "sci"),
    rec(task, "gradRatio", output / input, "decimal"),
    rec(task, "gradRatioMax", ratioMax, "decimal"),
    rec(task, "gradHiddenSpread", hidden.length ? Math.max(...hidden) / Math.min(...hidden) : 1, "decimal"),
  ];
}

/** Time per epoch as the runs measured it: one row per run. */
export function epochTimeTable(runs: readonly { readonly id: string; readonly name?: string; readonly result: TrainResult }[]): TaskOutput {
  const rows: string[][] = [],
    values: (number | string | null)[][] = [],
    recorded: Recorded[] = [];
  for (const { id, name, result } of runs) {
    const [train, checks] = epochTimes(id, result);
    recorded.push(train, checks);
    const params = parameterCount([MNIST_INPUTS, ...result.config.hidden, 10]);
    rows.push([
      name ?? runName(id),
      `[${result.config.hidden.length > 2 ? `${result.config.hidden.length} × ${result.config.hidden[0]}` : result.config.hidden.join(", ")}]`,
      formatNumber(params, "int"),
      formatNumber(train.value, "seconds"),
      formatNumber(checks.value, "seconds"),
    ]);
    values.push([id, result.config.hidden.join(","), params, train.value, checks.value]);
  }
  return {
    table: { columns: ["run", "hidden layers", "weights", "training steps per epoch", "validation checks per epoch"], rows, values },
    recorded,
  };
}
