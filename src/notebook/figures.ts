// Plotly figure specs (plain JSON) of the report, after the course's conventions and readable in
// print: x is the training step; the loss panels show the training loss averaged over
// non-overlapping blocks of 10 steps with a ±1 std band, and the validation loss; the accuracy
// panels show training and validation accuracy at every check. Axes show all the data: losses on a
// log axis, accuracies on a log axis of the error rate labelled as accuracies (90 %, 99 %, 99.9 %),
// so that 10 % at the first check and 100 % at the end are both on the chart. Each run has its own
// colour in every figure (names.ts); train is solid, validation dashed. At most 6 legend entries.
//
// May import: base, mlp, contract, notebook.

import type { PlotlyFigure } from "../contract/contract";
import type { TrainResult } from "../mlp/train";
import { runColor, runName } from "./names";

export type { PlotlyFigure } from "../contract/contract";

export interface Series {
  /** The run's id (its colour), e.g. "3c". */
  readonly id: string;
  /** Its name in the legend (default: names.ts). */
  readonly name?: string;
  readonly result: TrainResult;
}

export interface CurveOptions {
  readonly title?: string;
  /** Steps per block of the averaged training loss. */
  readonly block?: number;
}

/** Mean and population std of the training loss over non-overlapping blocks of `size` steps. */
export function blockStats(loss: readonly number[], size: number): { step: number[]; mean: number[]; std: number[] } {
  const step: number[] = [], mean: number[] = [], std: number[] = [];
  for (let b = 0; b + size <= loss.length; b += size) {
    let s = 0;
    for (let i = b; i < b + size; i++) s += loss[i];
    const m = s / size;
    let v = 0;
    for (let i = b; i < b + size; i++) v += (loss[i] - m) ** 2;
    step.push(b + (size - 1) / 2);
    mean.push(m);
    std.push(Math.sqrt(v / size));
  }
  return { step, mean, std };
}

function rgba(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${n >> 16},${(n >> 8) & 255},${n & 255},${alpha})`;
}

// ---- axes that show all the data ----------------------------------------------------------------

/** 1-2-5 values from `lo` to `hi`, thinned to at most `max`. */
export function logTicks(lo: number, hi: number, max = 7): number[] {
  const all: number[][] = [[1, 2, 5], [1, 5], [1]].map((mantissas) => {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(lo)) - 1; e <= Math.ceil(Math.log10(hi)); e++) {
      for (const m of mantissas) {
        const v = Number((m * 10 ** e).toPrecision(12));
        if (v >= lo && v <= hi) out.push(v);
      }
    }
    return out;
  });
  return all.find((t) => t.length <= max) ?? all[2].filter((_, i, a) => i % Math.ceil(a.length / max) === 0);
}

/** An error rate shown as the accuracy it means: 0.05 → "95 %", 0.002 → "99.8 %". */
export function accuracyLabel(error: number): string {
  const digits = Math.max(0, Math.ceil(-Math.log10(100 * error) - 1e-9));
  return `${(100 * (1 - error)).toFixed(digits)} %`;
}

function plainLabel(v: number): string {
  return String(Number(v.toPrecision(6)));
}

export interface LogAxis {
  /** Plotly's range, in log10 units (reversed for accuracies: high accuracy up). */
  readonly range: [number, number];
  readonly tickvals: number[];
  readonly ticktext: string[];
}

/** A log axis over positive values: every value inside, with room. */
export function lossAxis(values: readonly number[]): LogAxis & { floor: number } {
  const pos = values.filter((v) => v > 0 && Number.isFinite(v));
  const lo = Math.min(...pos) / 1.6, hi = Math.max(...pos) * 1.3;
  const tickvals = logTicks(lo, hi);
  return { range: [Math.log10(lo), Math.log10(hi)], tickvals, ticktext: tickvals.map(plainLabel), floor: lo };
}

/**
 * A reversed log axis of error rates (1 − accuracy), labelled as accuracies. A perfect score (error
 * 0) cannot sit on a log axis: it is drawn at `perfect`, just below the smallest error there is,
 * where the axis says "100 %".
 */
export function accuracyAxis(errors: readonly number[]): LogAxis & { perfect: number } {
  const pos = errors.filter((e) => e > 0 && Number.isFinite(e));
  const smallest = pos.length ? Math.min(...pos) : 1e-3;
  const hasPerfect = errors.some((e) => e === 0);
  const perfect = smallest / 3;
  const lo = (hasPerfect ? perfect : smallest) / 1.5, hi = Math.min(1, Math.max(...pos, smallest) * 1.3);
  const ticks = logTicks(hasPerfect ? perfect * 2 : lo, Math.min(hi, 0.95), hasPerfect ? 5 : 6);
  const tickvals = hasPerfect ? [...ticks, perfect] : ticks;
  const ticktext = tickvals.map((e) => (hasPerfect && e === perfect ? "100 %" : accuracyLabel(e)));
  return { range: [Math.log10(hi), Math.log10(lo)], tickvals, ticktext, perfect };
}

// ---- training curves ------------------------------------------------------------------------------

const FONT = { family: "DejaVu Sans, Helvetica, Arial, sans-serif", size: 12 };

interface Curves {
  readonly id: string;
  readonly name: string;
  readonly color: string;
  readonly blocks: ReturnType<typeof blockStats>;
  readonly checkSteps: number[];
  readonly valLoss: number[];
  readonly trainError: (number | null)[];
  readonly valError: number[];
}

function curvesOf(s: Series, block: number): Curves {
  const checks = s.result.history.checks;
  return {
    id: s.id,
    name: s.name ?? runName(s.id),
    color: runColor(s.id),
    blocks: blockStats(s.result.history.trainLoss, block),
    checkSteps: checks.map((c) => c.step),
    valLoss: checks.map((c) => c.valLoss),
    trainError: checks.map((c) => (c.trainAccuracy === null ? null : 1 - c.trainAccuracy)),
    valError: checks.map((c) => 1 - c.valAccuracy),
  };
}

function axisTitle(text: string) {
  return { text, font: { size: 11 } };
}

function logY(axis: LogAxis, title: string, anchor: string, domain: [number, number]) {
  return {
    type: "log", range: axis.range, tickvals: axis.tickvals, ticktext: axis.ticktext, title: axisTitle(title),
    anchor, domain, zeroline: false, gridcolor: "#e5e5e5", tickfont: { size: 10 },
  };
}

function stepX(anchor: string, domain: [number, number], title: boolean) {
  return {
    anchor, domain, title: title ? axisTitle("training step") : undefined, zeroline: false, gridcolor: "#e5e5e5",
    tickfont: { size: 10 }, rangemode: "tozero",
  };
}

/** Traces of the averaged training loss with its band, on axes (x, y). */
function lossTraces(c: Curves, x: string, y: string, floor: number, legend: { name: string; show: boolean; group: string }): Record<string, unknown>[] {
  const { step, mean, std } = c.blocks;
  return [
    {
      type: "scatter", mode: "lines", x: step, y: mean.map((m, k) => m + std[k]), line: { width: 0 },
      hoverinfo: "skip", showlegend: false, legendgroup: legend.group, xaxis: x, yaxis: y,
    },
    {
      type: "scatter", mode: "lines", x: step, y: mean.map((m, k) => Math.max(m - std[k], floor)), line: { width: 0 },
      fill: "tonexty", fillcolor: rgba(c.color, 0.16), hoverinfo: "skip", showlegend: false, legendgroup: legend.group,
      xaxis: x, yaxis: y,
    },
    {
      type: "scatter", mode: "lines", name: legend.name, x: step, y: mean, line: { color: c.color, width: 1.1 },
      legendgroup: legend.group, showlegend: legend.show, xaxis: x, yaxis: y,
    },
  ];
}

function line(c: Curves, xs: number[], ys: (number | null)[], dash: "solid" | "dash", x: string, y: string,
  legend: { name: string; show: boolean; group: string }): Record<string, unknown> {
  return {
    type: "scatter", mode: "lines", name: legend.name, x: xs, y: ys, line: { color: c.color, width: dash === "dash" ? 1.8 : 1.3, dash },
    legendgroup: legend.group, showlegend: legend.show, xaxis: x, yaxis: y,
  };
}

function panelTitle(text: string, xref: string, yDomainTop: number, xDomain: [number, number]) {
  return {
    text, xref: "paper", yref: "paper", x: (xDomain[0] + xDomain[1]) / 2, y: yDomainTop, yanchor: "bottom", showarrow: false,
    font: { size: 12 }, xanchor: "center", name: xref,
  };
}

function baseLayout(width: number, height: number, title?: string): Record<string, unknown> {
  const layout: Record<string, unknown> = {
    width, height,
    margin: { l: 64, r: 16, t: title ? 56 : 28, b: 40 },
    font: FONT,
    legend: { orientation: "h", traceorder: "normal", x: 0, y: -0.1, yanchor: "top", font: { size: 11 } },
    plot_bgcolor: "#ffffff",
    paper_bgcolor: "#ffffff",
  };
  if (title) layout.title = { text: title, x: 0.5 };
  return layout;
}

/**
 * One run: loss (left) and accuracy (right), each with the training set solid and the validation
 * set dashed. Several runs: a 2 × 2 grid (training loss, validation loss; training accuracy,
 * validation accuracy) with one legend entry per run, so each comparison sits in one panel.
 */
export function trainingCurves(series: readonly Series[], opts: CurveOptions = {}): PlotlyFigure {
  const block = opts.block ?? 10;
  const curves = series.map((s) => curvesOf(s, block));
  const lossValues = curves.flatMap((c) => [...c.blocks.mean, ...c.blocks.mean.map((m, k) => m + c.blocks.std[k]), ...c.valLoss]);
  const errors = curves.flatMap((c) => [...c.valError, ...c.trainError.filter((e): e is number => e !== null)]);
  const loss = lossAxis(lossValues), acc = accuracyAxis(errors);
  const onAxis = (es: (number | null)[]) => es.map((e) => (e === null ? null : e === 0 ? acc.perfect : e));
  const lossTitle = `loss (train: mean of ${block} steps ± std)`;
  if (curves.length === 1) {
    const c = curves[0];
    const left: [number, number] = [0, 0.45], right: [number, number] = [0.56, 1];
    const train = { name: "training set", show: true, group: "train" }, val = { name: "validation set", show: true, group: "val" };
    const data = [
      ...lossTraces(c, "x", "y", loss.floor, train),
      line(c, c.checkSteps, c.valLoss, "dash", "x", "y", val),
      line(c, c.checkSteps, onAxis(c.trainError), "solid", "x2", "y2", { ...train, show: false }),
      line(c, c.checkSteps, onAxis(c.valError), "dash", "x2", "y2", { ...val, show: false }),
    ];
    const layout = baseLayout(960, 380, opts.title);
    Object.assign(layout, {
      xaxis: stepX("y", left, true), yaxis: logY(loss, lossTitle, "x", [0, 1]),
      xaxis2: stepX("y2", right, true), yaxis2: logY(acc, "accuracy (log scale of the error)", "x2", [0, 1]),
    });
    (layout.margin as Record<string, number>).b = 84;
    (layout.legend as Record<string, unknown>).y = -0.22;
    return { data, layout };
  }
  // Each panel its own range, so that every curve in it is visible and told apart from the others.
  const trainLoss = lossAxis(curves.flatMap((c) => [...c.blocks.mean, ...c.blocks.mean.map((m, k) => m + c.blocks.std[k])]));
  const valLoss = lossAxis(curves.flatMap((c) => c.valLoss));
  const trainAcc = accuracyAxis(curves.flatMap((c) => c.trainError.filter((e): e is number => e !== null)));
  const valAcc = accuracyAxis(curves.flatMap((c) => c.valError));
  const at = (axis: { perfect: number }) => (es: (number | null)[]) => es.map((e) => (e === null ? null : e === 0 ? axis.perfect : e));
  const left: [number, number] = [0, 0.44], right: [number, number] = [0.56, 1];
  const top: [number, number] = [0.6, 1], bottom: [number, number] = [0, 0.4];
  const data: Record<string, unknown>[] = [];
  for (const c of curves) {
    const entry = { name: c.name, show: true, group: c.id }, quiet = { ...entry, show: false };
    data.push(...lossTraces(c, "x", "y", trainLoss.floor, entry));
    data.push(line(c, c.checkSteps, c.valLoss, "dash", "x2", "y2", quiet));
    data.push(line(c, c.checkSteps, at(trainAcc)(c.trainError), "solid", "x3", "y3", quiet));
    data.push(line(c, c.checkSteps, at(valAcc)(c.valError), "dash", "x4", "y4", quiet));
  }
  const layout = baseLayout(960, 580, opts.title);
  Object.assign(layout, {
    xaxis: stepX("y", left, false), yaxis: logY(trainLoss, "loss", "x", top),
    xaxis2: { ...stepX("y2", right, false), matches: "x" }, yaxis2: logY(valLoss, "", "x2", top),
    xaxis3: { ...stepX("y3", left, true), matches: "x" }, yaxis3: logY(trainAcc, "accuracy (log scale of the error)", "x3", bottom),
    xaxis4: { ...stepX("y4", right, true), matches: "x" }, yaxis4: logY(valAcc, "", "x4", bottom),
    annotations: [
      panelTitle(`training loss (mean of ${block} steps ± std)`, "x", top[1], left),
      panelTitle("validation loss", "x2", top[1], right),
      panelTitle("training accuracy", "x3", bottom[1], left),
      panelTitle("validation accuracy", "x4", bottom[1], right),
    ],
  });
  (layout.margin as Record<string, number>).b = 88;
  (layout.legend as Record<string, unknown>).y = -0.11;
  return { data, layout };
}

// ---- the seed study ---------------------------------------------------------------------------------

export interface SeedPoint {
  readonly id: string;
  /** The category's label on the x axis, e.g. "4e". */
  readonly label: string;
  readonly values: readonly number[];
  readonly mean: number;
  readonly std: number;
}

/**
 * Mean ± standard deviation over seeds, with each seed's value as a small dot: validation accuracy
 * (left) and steps before early stopping (right), one category per run, each in its colour.
 */
export function seedFigure(accuracy: readonly SeedPoint[], steps: readonly SeedPoint[], title?: string): PlotlyFigure {
  const data: Record<string, unknown>[] = [];
  const panel = (points: readonly SeedPoint[], x: string, y: string, scale: number) => {
    for (const p of points) {
      const color = runColor(p.id);
      data.push({
        type: "scatter", mode: "markers", x: p.values.map(() => p.label), y: p.values.map((v) => v * scale), name: `${p.label}: each seed`,
        marker: { color: rgba(color, 0.55), size: 5, symbol: "circle-open" }, showlegend: false, xaxis: x, yaxis: y, hoverinfo: "y",
      });
      data.push({
        type: "scatter", mode: "markers", x: [p.label], y: [p.mean * scale], name: `${p.label}: mean ± std`,
        error_y: { type: "data", array: [p.std * scale], visible: true, color, thickness: 1.5, width: 6 },
        marker: { color, size: 8, symbol: "diamond" }, showlegend: false, xaxis: x, yaxis: y,
      });
    }
  };
  panel(accuracy, "x", "y", 100);
  panel(steps, "x2", "y2", 1);
  const layout = baseLayout(960, 300, title);
  Object.assign(layout, {
    xaxis: { domain: [0, 0.46], anchor: "y", type: "category", tickfont: { size: 11 } },
    yaxis: { anchor: "x", title: axisTitle("validation accuracy (%)"), gridcolor: "#e5e5e5", tickformat: ".1f", tickfont: { size: 10 } },
    xaxis2: { domain: [0.56, 1], anchor: "y2", type: "category", tickfont: { size: 11 } },
    yaxis2: { anchor: "x2", title: axisTitle("steps before early stopping"), gridcolor: "#e5e5e5", rangemode: "tozero", tickfont: { size: 10 } },
    showlegend: false,
  });
  (layout.margin as Record<string, number>).b = 36;
  return { data, layout };
}

// ---- gradients per layer ------------------------------------------------------------------------------

export interface GradientProfile {
  /** When, e.g. "epoch 1". */
  readonly label: string;
  /** Mean |∂C/∂W| per weight matrix, input layer first. */
  readonly values: readonly number[];
}

/** The checks' gradient magnitudes averaged over a few epochs of a run: first, ¼, ½ and last epoch. */
export function gradientProfiles(r: TrainResult): GradientProfile[] {
  const checks = r.history.checks;
  const perEpoch = r.checkEvery > 0 ? Math.max(1, Math.round(r.stepsPerEpoch / r.checkEvery)) : 1;
  const epochs = Math.max(1, Math.ceil(checks.length / perEpoch));
  const picks = [...new Set([0, Math.floor((epochs - 1) / 4), Math.floor((epochs - 1) / 2), epochs - 1])];
  return picks.map((e) => {
    const group = checks.slice(e * perEpoch, (e + 1) * perEpoch);
    const layers = group[0].gradMeanAbs.length;
    const values = Array.from({ length: layers }, (_, l) => group.reduce((s, c) => s + c.gradMeanAbs[l], 0) / group.length);
    return { label: `epoch ${e + 1}`, values };
  });
}

const SEQUENTIAL = ["#c6dbef", "#6baed6", "#2171b5", "#08306b"];

/** Mean |∂C/∂W| per weight matrix (x: 1 = the input layer's) for a few networks side by side, shared log y. */
export function gradientFigure(runs: readonly { readonly id: string; readonly title: string; readonly profiles: readonly GradientProfile[] }[]): PlotlyFigure {
  const data: Record<string, unknown>[] = [];
  const all = runs.flatMap((r) => r.profiles.flatMap((p) => p.values));
  const axis = lossAxis(all);
  const gap = 0.08, width = (1 - gap * (runs.length - 1)) / runs.length;
  const layout = baseLayout(960, 340);
  const annotations: Record<string, unknown>[] = [];
  runs.forEach((r, k) => {
    const x = k === 0 ? "x" : `x${k + 1}`, y = k === 0 ? "y" : `y${k + 1}`;
    const domain: [number, number] = [k * (width + gap), k * (width + gap) + width];
    r.profiles.forEach((p, i) => {
      data.push({
        type: "scatter", mode: "lines+markers", name: p.label, x: p.values.map((_, l) => l + 1), y: p.values,
        line: { color: SEQUENTIAL[Math.min(i, SEQUENTIAL.length - 1) + Math.max(0, SEQUENTIAL.length - r.profiles.length)], width: 1.6 },
        marker: { size: 4 }, legendgroup: p.label, showlegend: k === 0, xaxis: x, yaxis: y,
      });
    });
    layout[k === 0 ? "xaxis" : `xaxis${k + 1}`] = {
      domain, anchor: y, title: axisTitle("weight matrix (1 = input layer)"), dtick: 1, gridcolor: "#e5e5e5", tickfont: { size: 10 },
    };
    layout[k === 0 ? "yaxis" : `yaxis${k + 1}`] = {
      ...logY(axis, k === 0 ? "mean |∂C/∂W|" : "", x, [0, 1]), ...(k > 0 ? { matches: "y" } : {}),
    };
    annotations.push(panelTitle(r.title, x, 1, domain));
  });
  layout.annotations = annotations;
  (layout.margin as Record<string, number>).b = 84;
  (layout.legend as Record<string, unknown>).y = -0.26;
  return { data, layout };
}
