// How numbers are shown everywhere (CLI, tables, notebooks, report): losses to 4 decimals,
// accuracies as percentages to 3 (the course's convention), counts grouped by spaces.

import type { Metrics } from "../mlp/train";

export function formatLoss(x: number): string {
  return x.toFixed(4);
}

export function formatPercent(fraction: number): string {
  return `${(100 * fraction).toFixed(3)} %`;
}

export function formatMetrics(m: Metrics): string {
  return `train loss ${formatLoss(m.trainLoss)}  val loss ${formatLoss(m.valLoss)}  ` +
    `train acc ${formatPercent(m.trainAccuracy)}  val acc ${formatPercent(m.valAccuracy)}`;
}

/** How a recorded number is shown: loss 4 decimals, percent 3, integer, scientific 2 digits, plain. */
export const FORMATS = ["loss", "percent", "int", "sci", "plain"] as const;
export type NumberFormat = (typeof FORMATS)[number];

/** The one formatting of recorded numbers, shared by notebooks and report. */
export function formatNumber(value: number, format: NumberFormat): string {
  switch (format) {
    case "loss": return formatLoss(value);
    case "percent": return formatPercent(value);
    case "int": return Math.round(value).toLocaleString("en-US").replace(/,/g, " ");
    case "sci": return value.toExponential(1);
    case "plain": return String(value);
  }
}
