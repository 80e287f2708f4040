// Plotly figure specs (plain JSON) of the report, after the course's conventions and readable in
// print: x is the training step; the loss panels show the training loss averaged over
// non-overlapping blocks of 10 steps with a ±1 std band, and the validation loss; the accuracy
// panels show training and validation accuracy at every check. Axes show all the data (losses on a
// log axis, accuracies on a linear one from the lowest to 100 %); a zoomed inset shows the last three
// quarters of training, where the runs end. Each run has its own colour in every figure (names.ts);
// train is solid, validation dashed. At most 6 legend entries.
//
// May import: base, mlp, contract, notebook.

import type { PlotlyFigure } from "../contract/contract";
import type { Check, TrainResult } from "../mlp/train";
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
  const step: number[] = [],
    mean: number[] = [],
    std: number[] = [];
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

function plainLabel(v: number): string {
  return String(Number(v.toPrecision(6)));
}

export interface LogAxis {
  /** Plotly's range, in log10 units. */
  readonly range: [number, number];
  readonly tickvals: number[];
  readonly ticktext: string[];
}

/** A log axis over positive values: every value inside, with room. */
export function lossAxis(values: readonly number[]): LogAxis & { floor: number } {
  const pos = values.filter((v) => v > 0 && Number.isFinite(v));
  const lo = Math.min(...pos) / 1.6,
    hi = Math.max(...pos) * 1.3;
  const tickvals = logTicks(lo, hi, 5);
  return { range: [Math.log10(lo), Math.log10(hi)], tickvals, ticktext: tickvals.map(plainLabel), floor: lo };
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
  /** Steps per epoch: an inset zooms on the checks after the first epoch. */
  readonly epoch: number;
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
    epoch: s.result.stepsPerEpoch,
  };
}

function axisTitle(text: string) {
  return { text, font: { size: 11 } };
}

function logY(axis: LogAxis, title: string, anchor: string, domain: [number, number]) {
  return {
    type: "log",
    range: axis.range,
    tickvals: axis.tickvals,
    ticktext: axis.ticktext,
    title: axisTitle(title),
    anchor,
    domain,
    zeroline: false,
    gridcolor: "#e5e5e5",
    tickfont: { size: 10 },
  };
}

function stepX(anchor: string, domain: [number, number], title: boolean) {
  return {
    anchor,
    domain,
    title: title ? axisTitle("training step") : undefined,
    zeroline: false,
    gridcolor: "#e5e5e5",
    tickfont: { size: 10 },
    rangemode: "tozero",
  };
}

/** Traces of the averaged training loss, with its ±1 std band when asked, on axes (x, y). */
function lossTraces(
  c: Curves,
  x: string,
  y: string,
  floor: number,
  legend: { name: string; show: boolean; group: string },
  band: boolean,
): Record<string, unknown>[] {
  const { step, mean, std } = c.blocks;
  const edges = band
    ? [
        {
          type: "scatter",
          mode: "lines",
          x: step,
          y: mean.map((m, k) => m + std[k]),
          line: { width: 0 },
          hoverinfo: "skip",
          showlegend: false,
          legendgroup: legend.group,
          xaxis: x,
          yaxis: y,
        },
        {
          type: "scatter",
          mode: "lines",
          x: step,
          y: mean.map((m, k) => Math.max(m - std[k], floor)),
          line: { width: 0 },
          fill: "tonexty",
          fillcolor: rgba(c.color, 0.16),
          hoverinfo: "skip",
          showlegend: false,
          legendgroup: legend.group,
          xaxis: x,
          yaxis: y,
        },
      ]
    : [];
  return [
    ...edges,
    {
      type: "scatter",
      mode: "lines",
      name: legend.name,
      x: step,
      y: mean,
      line: { color: c.color, width: 1.1 },
      legendgroup: legend.group,
      showlegend: legend.show,
      xaxis: x,
      yaxis: y,
    },
  ];
}

function line(
  c: Curves,
  xs: number[],
  ys: (number | null)[],
  dash: "solid" | "dash",
  x: string,
  y: string,
  legend: { name: string; show: boolean; group: string },
): Record<string, unknown> {
  return {
    type: "scatter",
    mode: "lines",
    name: legend.name,
    x: xs,
    y: ys,
    line: { color: c.color, width: dash === "dash" ? 1.8 : 1.3, dash },
    legendgroup: legend.group,
    showlegend: legend.show,
    xaxis: x,
    yaxis: y,
  };
}

function panelTitle(text: string, xref: string, yDomainTop: number, xDomain: [number, number]) {
  return {
    text,
    xref: "paper",
    yref: "paper",
    x: (xDomain[0] + xDomain[1]) / 2,
    y: yDomainTop,
    yanchor: "bottom",
    showarrow: false,
    font: { size: 12 },
    xanchor: "center",
    name: xref,
  };
}

/** The bottom margin of a figure with a one-row legend under its axis titles (a page adds a line per extra row). */
export const LEGEND_MARGIN = 78;

function baseLayout(width: number, height: number, title?: string): Record<string, unknown> {
  const layout: Record<string, unknown> = {
    width,
    height,
    margin: { l: 64, r: 16, t: title ? 56 : 28, b: LEGEND_MARGIN },
    font: FONT,
    // In the figure's bottom margin, below the axis titles, whatever the figure's height.
    legend: {
      orientation: "h",
      traceorder: "normal",
      xref: "container",
      yref: "container",
      x: 0.5,
      xanchor: "center",
      y: 0,
      yanchor: "bottom",
      font: { size: 11 },
    },
    plot_bgcolor: "#ffffff",
    paper_bgcolor: "#ffffff",
  };
  if (title) layout.title = { text: title, x: 0.5 };
  return layout;
}

/** Accuracy as a percentage axis over all the data (linear: 100 % is a real point). */
function percentAxis(values: readonly number[], title: string, anchor: string, domain: [number, number]) {
  const lo = Math.max(0, Math.min(...values) - 2),
    hi = 100 + 0.5;
  return {
    range: [lo, hi],
    title: axisTitle(title),
    anchor,
    domain,
    zeroline: false,
    gridcolor: "#e5e5e5",
    tickfont: { size: 10 },
    ticksuffix: " %",
    nticks: 6,
  };
}

/** An inset: a zoom on the late part of a panel, in a box of that panel where its curves are not. */
interface Inset {
  readonly n: number;
  readonly box: { readonly x: [number, number]; readonly y: [number, number] };
  readonly traces: readonly { readonly c: Curves; readonly x: number[]; readonly y: (number | null)[]; readonly dash: "solid" | "dash" }[];
  readonly suffix?: string;
}

function addInset(data: Record<string, unknown>[], layout: Record<string, unknown>, inset: Inset, from: number, to: number): void {
  const ys = inset.traces.flatMap((t) => t.y.filter((v, k): v is number => v !== null && t.x[k] >= from));
  if (ys.length < 2) return;
  const lo = Math.min(...ys),
    hi = Math.max(...ys),
    pad = 0.08 * (hi - lo || Math.abs(lo) || 1);
  const axis = { showline: true, mirror: true, linecolor: "#999", tickfont: { size: 8 }, gridcolor: "#f0f0f0", zeroline: false };
  layout[`xaxis${inset.n}`] = { ...axis, domain: inset.box.x, anchor: `y${inset.n}`, range: [from, to], nticks: 3 };
  layout[`yaxis${inset.n}`] = {
    ...axis,
    domain: inset.box.y,
    anchor: `x${inset.n}`,
    range: [lo - pad, hi + pad],
    nticks: 4,
    ticksuffix: inset.suffix ?? "",
  };
  for (const t of inset.traces) {
    const ks = t.x.map((x, k) => (x >= from ? k : -1)).filter((k) => k >= 0);
    data.push({
      type: "scatter",
      mode: "lines",
      x: ks.map((k) => t.x[k]),
      y: ks.map((k) => t.y[k]),
      name: `${t.c.name} (zoom)`,
      line: { color: t.c.color, width: t.dash === "dash" ? 1.5 : 1.1, dash: t.dash },
      showlegend: false,
      legendgroup: t.c.id,
      hoverinfo: "skip",
      xaxis: `x${inset.n}`,
      yaxis: `y${inset.n}`,
    });
  }
  (layout.annotations as Record<string, unknown>[]).push({
    text: "zoom",
    xref: "paper",
    yref: "paper",
    x: inset.box.x[1],
    y: inset.box.y[1],
    xanchor: "right",
    yanchor: "bottom",
    showarrow: false,
    font: { size: 9, color: "#555" },
  });
}

/** A box inside a panel: fractions of its width and height. */
function within(x: [number, number], y: [number, number], fx: [number, number], fy: [number, number]) {
  const w = x[1] - x[0],
    h = y[1] - y[0];
  return { x: [x[0] + fx[0] * w, x[0] + fx[1] * w] as [number, number], y: [y[0] + fy[0] * h, y[0] + fy[1] * h] as [number, number] };
}

/**
 * One run: loss (left) and accuracy (right), each with the training set solid and the validation
 * set dashed. Several runs: a 2 × 2 grid (training loss, validation loss; training accuracy,
 * validation accuracy) with one legend entry per run, so each comparison sits in one panel. Every
 * check is on the chart; an inset in each panel where the runs end zooms on the last three quarters
 * of training, where the final values and the rise of the validation loss show.
 */
export function trainingCurves(series: readonly Series[], opts: CurveOptions = {}): PlotlyFigure {
  const block = opts.block ?? 10;
  const curves = series.map((s) => curvesOf(s, block));
  const pct = (es: (number | null)[]) => es.map((e) => (e === null ? null : 100 * (1 - e)));
  const last = Math.max(
    ...curves.map((c) => c.checkSteps[c.checkSteps.length - 1] ?? 0),
    ...curves.map((c) => c.blocks.step[c.blocks.step.length - 1] ?? 0),
  );
  const from = Math.round(last / 4);
  const accValues = (c: Curves, train: boolean) => pct(train ? c.trainError : c.valError).filter((v): v is number => v !== null);
  if (curves.length === 1) {
    const c = curves[0];
    const left: [number, number] = [0, 0.44],
      right: [number, number] = [0.56, 1],
      full: [number, number] = [0, 1];
    const loss = lossAxis([...c.blocks.mean, ...c.blocks.mean.map((m, k) => m + c.blocks.std[k]), ...c.valLoss]);
    const train = { name: "training set", show: true, group: "train" },
      val = { name: "validation set", show: true, group: "val" };
    const data = [
      ...lossTraces(c, "x", "y", loss.floor, train, true),
      line(c, c.checkSteps, c.valLoss, "dash", "x", "y", val),
      line(c, c.checkSteps, pct(c.trainError), "solid", "x2", "y2", { ...train, show: false }),
      line(c, c.checkSteps, pct(c.valError), "dash", "x2", "y2", { ...val, show: false }),
    ];
    const layout = baseLayout(960, 380, opts.title);
    Object.assign(layout, {
      xaxis: stepX("y", left, true),
      yaxis: logY(loss, `loss (train: mean of ${block} steps ± std)`, "x", full),
      xaxis2: stepX("y2", right, true),
      yaxis2: percentAxis([...accValues(c, true), ...accValues(c, false)], "accuracy", "x2", full),
      annotations: [],
    });
    addInset(
      data,
      layout,
      { n: 3, box: within(left, full, [0.45, 0.98], [0.52, 0.97]), traces: [{ c, x: c.checkSteps, y: c.valLoss, dash: "dash" }] },
      from,
      last,
    );
    addInset(
      data,
      layout,
      {
        n: 4,
        box: within(right, full, [0.45, 0.98], [0.17, 0.56]),
        suffix: " %",
        traces: [
          { c, x: c.checkSteps, y: pct(c.trainError), dash: "solid" },
          { c, x: c.checkSteps, y: pct(c.valError), dash: "dash" },
        ],
      },
      from,
      last,
    );
    return { data, layout };
  }
  // Each panel its own range, so that every curve in it is visible and told apart from the others.
  const trainLoss = lossAxis(curves.flatMap((c) => c.blocks.mean));
  const valLoss = lossAxis(curves.flatMap((c) => c.valLoss));
  const left: [number, number] = [0, 0.44],
    right: [number, number] = [0.56, 1];
  const top: [number, number] = [0.6, 1],
    bottom: [number, number] = [0, 0.4];
  const data: Record<string, unknown>[] = [];
  for (const c of curves) {
    const entry = { name: c.name, show: true, group: c.id },
      quiet = { ...entry, show: false };
    data.push(...lossTraces(c, "x", "y", trainLoss.floor, entry, false));
    data.push(line(c, c.checkSteps, c.valLoss, "dash", "x2", "y2", quiet));
    data.push(line(c, c.checkSteps, pct(c.trainError), "solid", "x3", "y3", quiet));
    data.push(line(c, c.checkSteps, pct(c.valError), "dash", "x4", "y4", quiet));
  }
  const layout = baseLayout(960, 485, opts.title);
  Object.assign(layout, {
    xaxis: stepX("y", left, false),
    yaxis: logY(trainLoss, "loss", "x", top),
    xaxis2: { ...stepX("y2", right, false), matches: "x" },
    yaxis2: logY(valLoss, "", "x2", top),
    xaxis3: { ...stepX("y3", left, true), matches: "x" },
    yaxis3: percentAxis(
      curves.flatMap((c) => accValues(c, true)),
      "accuracy",
      "x3",
      bottom,
    ),
    xaxis4: { ...stepX("y4", right, true), matches: "x" },
    yaxis4: percentAxis(
      curves.flatMap((c) => accValues(c, false)),
      "",
      "x4",
      bottom,
    ),
    annotations: [
      panelTitle(`training loss (mean of ${block} steps)`, "x", top[1], left),
      panelTitle("validation loss", "x2", top[1], right),
      panelTitle("training accuracy", "x3", bottom[1], left),
      panelTitle("validation accuracy", "x4", bottom[1], right),
    ],
  });
  addInset(
    data,
    layout,
    {
      n: 5,
      box: within(right, top, [0.42, 0.98], [0.45, 0.95]),
      traces: curves.map((c) => ({ c, x: c.checkSteps, y: c.valLoss, dash: "dash" as const })),
    },
    from,
    last,
  );
  addInset(
    data,
    layout,
    {
      n: 6,
      box: within(left, bottom, [0.42, 0.98], [0.2, 0.62]),
      suffix: " %",
      traces: curves.map((c) => ({ c, x: c.checkSteps, y: pct(c.trainError), dash: "solid" as const })),
    },
    from,
    last,
  );
  addInset(
    data,
    layout,
    {
      n: 7,
      box: within(right, bottom, [0.42, 0.98], [0.2, 0.62]),
      suffix: " %",
      traces: curves.map((c) => ({ c, x: c.checkSteps, y: pct(c.valError), dash: "dash" as const })),
    },
    from,
    last,
  );
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
        type: "scatter",
        mode: "markers",
        x: p.values.map(() => p.label),
        y: p.values.map((v) => v * scale),
        name: `${p.label}: each seed`,
        marker: { color: rgba(color, 0.55), size: 5, symbol: "circle-open" },
        showlegend: false,
        xaxis: x,
        yaxis: y,
        hoverinfo: "y",
      });
      data.push({
        type: "scatter",
        mode: "markers",
        x: [p.label],
        y: [p.mean * scale],
        name: `${p.label}: mean ± std`,
        error_y: { type: "data", array: [p.std * scale], visible: true, color, thickness: 1.5, width: 6 },
        marker: { color, size: 8, symbol: "diamond" },
        showlegend: false,
        xaxis: x,
        yaxis: y,
      });
    }
  };
  panel(accuracy, "x", "y", 100);
  panel(steps, "x2", "y2", 1);
  // Labels of up to three short lines, level: rotated, Plotly cut them at the margin.
  const layout = baseLayout(960, 260, title);
  Object.assign(layout, {
    xaxis: { domain: [0, 0.46], anchor: "y", type: "category", tickangle: 0, tickfont: { size: 11 } },
    yaxis: { anchor: "x", title: axisTitle("validation accuracy (%)"), gridcolor: "#e5e5e5", tickformat: ".1f", tickfont: { size: 10 } },
    xaxis2: { domain: [0.56, 1], anchor: "y2", type: "category", tickangle: 0, tickfont: { size: 11 } },
    yaxis2: {
      anchor: "x2",
      title: axisTitle("steps before early stopping"),
      gridcolor: "#e5e5e5",
      rangemode: "tozero",
      tickfont: { size: 10 },
    },
    showlegend: false,
  });
  (layout.margin as Record<string, number>).b = 56;
  return { data, layout };
}

// ---- gradients per layer ------------------------------------------------------------------------------

export interface GradientProfile {
  /** When, relative to the run's length: "first epoch", "a quarter in", "halfway", "last epoch". */
  readonly label: string;
  /** The epoch (1-based). */
  readonly epoch: number;
  /** Mean |∂C/∂W| per weight matrix, input layer first. */
  readonly values: readonly number[];
  /** Per hidden layer, the share of units whose slope is below a tenth of the largest. */
  readonly lowSlope: readonly number[];
}

const WHEN = ["first epoch", "a quarter in", "halfway", "last epoch"];

/** The checks of an epoch (0-based) of a run. */
function epochChecks(r: TrainResult, e: number) {
  const perEpoch = r.checkEvery > 0 ? Math.max(1, Math.round(r.stepsPerEpoch / r.checkEvery)) : 1;
  return r.history.checks.slice(e * perEpoch, (e + 1) * perEpoch);
}

/** Each of `values(check)`'s entries averaged over some checks. */
export function averaged(checks: readonly Check[], values: (c: Check) => readonly number[]): number[] {
  const n = values(checks[0]).length;
  return Array.from({ length: n }, (_, l) => checks.reduce((s, c) => s + values(c)[l], 0) / checks.length);
}

/** The checks' gradient magnitudes and low-slope shares averaged over a few epochs of a run: first, ¼, ½ and last epoch. */
export function gradientProfiles(r: TrainResult): GradientProfile[] {
  const perEpoch = r.checkEvery > 0 ? Math.max(1, Math.round(r.stepsPerEpoch / r.checkEvery)) : 1;
  const epochs = Math.max(1, Math.ceil(r.history.checks.length / perEpoch));
  const at = [0, Math.floor((epochs - 1) / 4), Math.floor((epochs - 1) / 2), epochs - 1];
  const seen = new Set<number>();
  return WHEN.map((label, k) => [label, at[k]] as const)
    .filter(([, e]) => !seen.has(e) && seen.add(e))
    .map(([label, e]) => {
      const group = epochChecks(r, e);
      return { label, epoch: e + 1, values: averaged(group, (c) => c.gradMeanAbs), lowSlope: averaged(group, (c) => c.lowSlope) };
    });
}

const SEQUENTIAL = ["#c6dbef", "#6baed6", "#2171b5", "#08306b"];
/** And a marker of its own, so that the two middle blues are told apart. */
const MARKERS = ["circle", "square", "diamond", "triangle-up"];

/**
 * For a few networks side by side: the mean |∂C/∂W| per weight matrix (top; x: 1 = the input
 * layer's; shared log y) and, per hidden layer, the share of units whose slope is below a tenth of
 * the largest (bottom), at a few points of training.
 */
export function gradientFigure(
  runs: readonly { readonly id: string; readonly title: string; readonly profiles: readonly GradientProfile[] }[],
): PlotlyFigure {
  const data: Record<string, unknown>[] = [];
  const axis = lossAxis(runs.flatMap((r) => r.profiles.flatMap((p) => p.values)));
  const gap = 0.08,
    width = (1 - gap * (runs.length - 1)) / runs.length;
  // The gap leaves the top row's axis title clearly below its own panels, not on the bottom row.
  const top: [number, number] = [0.6, 1],
    bottom: [number, number] = [0, 0.36];
  const layout = baseLayout(960, 520);
  const annotations: Record<string, unknown>[] = [];
  const shown = new Set<string>();
  const n = runs.length;
  runs.forEach((r, k) => {
    const [x, y, x2, y2] = [k + 1, k + 1, n + k + 1, n + k + 1].map((i, j) => `${j % 2 ? "y" : "x"}${i === 1 ? "" : i}`);
    const domain: [number, number] = [k * (width + gap), k * (width + gap) + width];
    for (const p of r.profiles) {
      // The same point of training has the same colour in every panel, light early to dark late.
      const when = Math.max(0, WHEN.indexOf(p.label));
      const color = SEQUENTIAL[when],
        marker = { size: 5, symbol: MARKERS[when] };
      const legend = { legendgroup: p.label, name: p.label };
      data.push({
        type: "scatter",
        mode: "lines+markers",
        ...legend,
        x: p.values.map((_, l) => l + 1),
        y: p.values,
        line: { color, width: 1.6 },
        marker,
        showlegend: !shown.has(p.label) && shown.add(p.label) !== undefined,
        xaxis: x,
        yaxis: y,
      });
      data.push({
        type: "scatter",
        mode: "lines+markers",
        ...legend,
        x: p.lowSlope.map((_, l) => l + 1),
        y: p.lowSlope.map((v) => 100 * v),
        line: { color, width: 1.6 },
        marker,
        showlegend: false,
        xaxis: x2,
        yaxis: y2,
      });
    }
    const ax = (name: string) => (name.length === 1 ? name + "axis" : name[0] + "axis" + name.slice(1));
    layout[ax(x)] = {
      domain,
      anchor: y,
      title: axisTitle("weight matrix (1 = input layer)"),
      dtick: 1,
      gridcolor: "#e5e5e5",
      tickfont: { size: 10 },
    };
    layout[ax(y)] = { ...logY(axis, k === 0 ? "mean |∂C/∂W|" : "", x, top), ...(k > 0 ? { matches: "y" } : {}) };
    layout[ax(x2)] = { domain, anchor: y2, title: axisTitle("hidden layer"), dtick: 1, gridcolor: "#e5e5e5", tickfont: { size: 10 } };
    layout[ax(y2)] = {
      domain: bottom,
      anchor: x2,
      range: [0, 100],
      ticksuffix: " %",
      gridcolor: "#e5e5e5",
      tickfont: { size: 10 },
      title: axisTitle(k === 0 ? "low-slope units" : ""),
    };
    annotations.push(panelTitle(`${r.title}: epochs ${r.profiles.map((p) => p.epoch).join(", ")}`, x, top[1], domain));
  });
  layout.annotations = annotations;
  return { data, layout };
}
