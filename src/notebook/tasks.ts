// The report's task-specific results as tables and recorded numbers: 2a statistics, the gradient
// checks of 2b/4c, the parameter counts of 2d/4d, and the final metrics of any run.

import { loadDataset, pixelStats, takeFirst } from "../mlp/data";
import type { Recorded } from "../contract/contract";
import { type NumberFormat, formatNumber } from "../contract/format";
import { type GradCheckSpec, runGradientCheck } from "../mlp/gradcheck";
import { layerSizes, parameterCount, parameterCountWithUnitBias } from "../mlp/model";
import type { Session } from "./session";
import type { Table } from "../contract/table";
import type { TrainResult } from "../mlp/train";
import { MNIST_INPUTS } from "../mlp/config";
import { ACCURACY_BANDS, EXACT_TARGETS } from "../mlp/reference";
import { formatLoss, formatPercent } from "../contract/format";

export interface TaskOutput {
  readonly table: Table;
  readonly recorded: readonly Recorded[];
}

function rec(task: string, name: string, value: number, format: NumberFormat): Recorded {
  return { task, name, value, format };
}

/** 2a: μ and σ over all 60 000 training images (used for every split) and over the first 20 000. */
export function pixelStatistics(s: Session): TaskOutput {
  const ds = loadDataset("mnist", s.dataDir ?? undefined);
  const all = pixelStats(ds.train);
  const sub = pixelStats(takeFirst(ds.train, Math.min(20000, ds.train.count), "train size"));
  const recorded = [
    rec("2a", "mean", all.mean, "plain"), rec("2a", "std", all.std, "plain"),
    rec("2a", "meanSubset", sub.mean, "plain"), rec("2a", "stdSubset", sub.std, "plain"),
  ];
  return {
    table: {
      columns: ["pixels", "images", "mean μ", "std σ", "used"],
      rows: [
        ["all training images", formatNumber(ds.train.count, "int"), String(all.mean), String(all.std), "yes: (x − μ)/σ for every split"],
        ["first 20 000 (the training split)", formatNumber(Math.min(20000, ds.train.count), "int"), String(sub.mean), String(sub.std), "no"],
      ],
      values: [["all", ds.train.count, all.mean, all.std, null], ["first 20 000", 20000, sub.mean, sub.std, null]],
    },
    recorded,
  };
}

export interface GradCheckRow extends GradCheckSpec {
  /** Recorded under this name, e.g. "sigmoid64". */
  readonly key: string;
}

/** 2b/4c: the largest |approx − analytic| per layer for each network. */
export function gradientChecks(s: Session, task: string, rows: readonly GradCheckRow[]): TaskOutput {
  const images = s.quick ? 10 : 100;
  const recorded: Recorded[] = [];
  const out: string[][] = [], values: (number | string | null)[][] = [];
  let widest = 0;
  const reports = rows.map(({ key, ...spec }) => ({ key, r: runGradientCheck({ ...spec, images }, s.dataDir ?? undefined) }));
  for (const { r } of reports) widest = Math.max(widest, r.maxDifference.length);
  for (const { key, r } of reports) {
    r.maxDifference.forEach((d, l) => recorded.push(rec(task, `${key}Layer${l + 1}`, d, "sci")));
    recorded.push(rec(task, `${key}Passed`, r.passed ? 1 : 0, "int"));
    const cells = Array.from({ length: widest }, (_, l) => (l < r.maxDifference.length ? formatNumber(r.maxDifference[l], "sci") : ""));
    out.push([`[${r.hidden.join(", ")}]`, r.activation, String(r.epsilon), ...cells, r.passed ? "yes" : "no"]);
    values.push([r.hidden.join(","), r.activation, r.epsilon, ...Array.from({ length: widest }, (_, l) => r.maxDifference[l] ?? null), r.passed ? 1 : 0]);
  }
  const layerCols = Array.from({ length: widest }, (_, l) => `layer ${l + 1}`);
  return { table: { columns: ["hidden", "activation", "ε", ...layerCols, "≤ 1e-6"], rows: out, values }, recorded };
}

/** 2d/4d: weight counts (the bias as the input's extra column) and with a bias per unit. */
export function parameterCounts(task: string, nets: readonly { key: string; hidden: readonly number[] }[]): TaskOutput {
  const recorded: Recorded[] = [];
  const rows: string[][] = [], values: (number | string | null)[][] = [];
  for (const { key, hidden } of nets) {
    const sizes = layerSizes({ inputs: MNIST_INPUTS, hidden, outputs: 10, activation: "sigmoid" });
    const w = parameterCount(sizes), b = parameterCountWithUnitBias(sizes);
    recorded.push(rec(task, `${key}Params`, w, "int"), rec(task, `${key}ParamsWithBias`, b, "int"));
    rows.push([`[${sizes.join(", ")}]`, formatNumber(w, "int"), formatNumber(b, "int")]);
    values.push([sizes.join(","), w, b]);
  }
  return { table: { columns: ["layers", "weights (bias column)", "with a bias per unit"], rows, values }, recorded };
}

/** A run's final metrics, steps and epochs as recorded numbers of `task`. */
export function runNumbers(task: string, r: TrainResult): Recorded[] {
  const f = r.final;
  return [
    rec(task, "trainLoss", f.trainLoss, "loss"), rec(task, "valLoss", f.valLoss, "loss"),
    rec(task, "trainAccuracy", f.trainAccuracy, "percent"), rec(task, "valAccuracy", f.valAccuracy, "percent"),
    rec(task, "steps", r.steps, "int"), rec(task, "epochs", r.epochs, "int"), rec(task, "stoppedEarly", r.stoppedEarly ? 1 : 0, "int"),
  ];
}

/**
 * Our runs against the reference: the seed report's printed metrics (the same digits expected) or,
 * for runs without exact targets, the spec's validation-accuracy band (recorded as bandLow/High).
 */
export function referenceComparison(runs: readonly { readonly id: string; readonly result: TrainResult }[]): TaskOutput {
  const recorded: Recorded[] = [];
  const rows: string[][] = [], values: (number | string | null)[][] = [];
  const pct = (x: number) => formatPercent(x).replace(" %", "");
  for (const { id, result } of runs) {
    const f = result.final;
    const exact = EXACT_TARGETS[id], band = ACCURACY_BANDS[id];
    if (exact) {
      const ours = [formatLoss(f.trainLoss), formatLoss(f.valLoss), pct(f.trainAccuracy), pct(f.valAccuracy)];
      const want = [exact.trainLoss, exact.valLoss, exact.trainAccuracy, exact.valAccuracy];
      const differ = ours.filter((v, k) => v !== want[k]).length;
      rows.push([id, `${exact.valAccuracy} %`, formatPercent(f.valAccuracy), differ === 0 ? "all four metrics equal" : `${differ} of four metrics differ`]);
      values.push([id, Number(exact.valAccuracy) / 100, f.valAccuracy, differ]);
      recorded.push(rec(id, "referenceDiffers", differ, "int"));
    } else if (band) {
      const [lo, hi] = band;
      const v = f.valAccuracy;
      const where = v < lo ? `${(100 * (lo - v)).toFixed(2)} points below` : v > hi ? `${(100 * (v - hi)).toFixed(2)} points above` : "inside";
      rows.push([id, `${formatPercent(lo)} – ${formatPercent(hi)}`, formatPercent(v), where]);
      values.push([id, null, v, v < lo ? lo - v : v > hi ? v - hi : 0]);
      recorded.push(rec(id, "bandLow", lo, "percent"), rec(id, "bandHigh", hi, "percent"));
    }
  }
  return { table: { columns: ["run", "reference validation accuracy", "ours", "agreement"], rows, values }, recorded };
}
