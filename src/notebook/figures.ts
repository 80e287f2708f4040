// Plotly figure specs (plain JSON) for training curves, after the course's conventions: x is the
// training step; the loss panel shows the training loss averaged over non-overlapping blocks of
// 10 steps with a ±1 std band, and the validation loss; the accuracy panel shows training and
// validation accuracy at every check; axes are zoomed; every curve says train or validation.

import type { PlotlyFigure } from "../contract/contract";
import type { TrainResult } from "../mlp/train";

export type { PlotlyFigure } from "../contract/contract";

export interface Series {
  /** Legend prefix, e.g. "3c" or "64 units". */
  readonly name: string;
  readonly result: TrainResult;
}

export interface CurveOptions {
  readonly title?: string;
  /** Loss axis range; the course uses [0, 0.5] for 2c and [0, 0.6] for comparisons. */
  readonly lossRange?: readonly [number, number];
  /** Accuracy axis range (fractions); [0.90, 0.99] for 2c, [0.90, 1.0] for comparisons. */
  readonly accuracyRange?: readonly [number, number];
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

/** A qualitative palette that stays legible in print. */
export const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"];

function rgba(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${n >> 16},${(n >> 8) & 255},${n & 255},${alpha})`;
}

/** Loss and accuracy panels side by side for one or more runs. */
export function trainingCurves(series: readonly Series[], opts: CurveOptions = {}): PlotlyFigure {
  const block = opts.block ?? 10;
  const data: Record<string, unknown>[] = [];
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    // One run: validation in a colour of its own; several: a colour per run, validation dashed.
    const valColor = series.length === 1 ? COLORS[1] : color;
    const prefix = series.length > 1 || s.name ? `${s.name} ` : "";
    const b = blockStats(s.result.history.trainLoss, block);
    const checks = s.result.history.checks;
    const group = `run${i}`;
    // The band: upper edge, then the lower edge filled up to it.
    data.push({
      type: "scatter", mode: "lines", x: b.step, y: b.mean.map((m, k) => m + b.std[k]), line: { width: 0 },
      hoverinfo: "skip", showlegend: false, legendgroup: group, xaxis: "x", yaxis: "y",
    });
    data.push({
      type: "scatter", mode: "lines", x: b.step, y: b.mean.map((m, k) => m - b.std[k]), line: { width: 0 },
      fill: "tonexty", fillcolor: rgba(color, 0.18), hoverinfo: "skip", showlegend: false, legendgroup: group,
      xaxis: "x", yaxis: "y",
    });
    data.push({
      type: "scatter", mode: "lines", name: `${prefix}train loss`, x: b.step, y: b.mean,
      line: { color, width: 1.2 }, legendgroup: group, xaxis: "x", yaxis: "y",
    });
    data.push({
      type: "scatter", mode: "lines", name: `${prefix}validation loss`, x: checks.map((c) => c.step),
      y: checks.map((c) => c.valLoss), line: { color: valColor, width: 2, dash: "dash" }, legendgroup: group, xaxis: "x", yaxis: "y",
    });
    data.push({
      type: "scatter", mode: "lines", name: `${prefix}train accuracy`, x: checks.map((c) => c.step),
      y: checks.map((c) => c.trainAccuracy), line: { color, width: 1.2 }, legendgroup: group, xaxis: "x2", yaxis: "y2",
      showlegend: true,
    });
    data.push({
      type: "scatter", mode: "lines", name: `${prefix}validation accuracy`, x: checks.map((c) => c.step),
      y: checks.map((c) => c.valAccuracy), line: { color: valColor, width: 2, dash: "dash" }, legendgroup: group,
      xaxis: "x2", yaxis: "y2",
    });
  });
  const layout: Record<string, unknown> = {
    width: 960,
    height: 420 + 22 * Math.ceil(series.length / 2),
    margin: { l: 60, r: 20, t: opts.title ? 50 : 20, b: 50 },
    font: { family: "Helvetica, Arial, sans-serif", size: 12 },
    xaxis: { domain: [0, 0.46], title: { text: "training step" }, zeroline: false },
    yaxis: { title: { text: `cross-entropy loss (train: mean of ${block} steps ± std)` }, range: [...(opts.lossRange ?? [0, 0.6])] },
    xaxis2: { domain: [0.54, 1], title: { text: "training step" }, anchor: "y2", zeroline: false },
    yaxis2: { title: { text: "accuracy" }, range: [...(opts.accuracyRange ?? [0.9, 1.0])], anchor: "x2", tickformat: ".0%" },
    legend: { orientation: "h", traceorder: "normal", x: 0, y: -0.18, yanchor: "top", font: { size: 11 } },
    template: { layout: { plot_bgcolor: "#fff", paper_bgcolor: "#fff" } },
    plot_bgcolor: "#ffffff",
    paper_bgcolor: "#ffffff",
  };
  if (opts.title) layout.title = { text: opts.title, x: 0.5 };
  return { data, layout };
}
