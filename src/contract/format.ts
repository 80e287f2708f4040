// How numbers are shown everywhere (CLI, tables, notebooks, report): losses to 4 decimals,
// accuracies as percentages to 3 (the course's convention), counts grouped by spaces.
//
// May import: base, mlp (types only).

import type { Metrics } from "../mlp/train";

export function formatLoss(x: number): string {
  return x.toFixed(4);
}

export function formatPercent(fraction: number): string {
  return `${(100 * fraction).toFixed(3)} %`;
}

export function formatMetrics(m: Metrics): string {
  return (
    `train loss ${formatLoss(m.trainLoss)}  val loss ${formatLoss(m.valLoss)}  ` +
    `train acc ${formatPercent(m.trainAccuracy)}  val acc ${formatPercent(m.valAccuracy)}`
  );
}

/**
 * How a recorded number is shown: loss 4 decimals; percent 3 (a fraction as a percentage);
 * points, a difference of fractions in percentage points, 2 decimals; integer, grouped by spaces;
 * scientific, 2 digits; plain (as JavaScript prints it); decimal, 2 decimals; seconds, 2 decimals.
 */
export const FORMATS = ["loss", "percent", "points", "int", "sci", "plain", "decimal", "seconds"] as const;
export type NumberFormat = (typeof FORMATS)[number];

/** The one formatting of recorded numbers, shared by notebooks and report. */
export function formatNumber(value: number, format: NumberFormat): string {
  switch (format) {
    case "loss":
      return formatLoss(value);
    case "percent":
      return formatPercent(value);
    case "points":
      return `${(100 * value).toFixed(2)} points`;
    case "int":
      return Math.round(value).toLocaleString("en-US").replace(/,/g, " ");
    case "sci":
      return value.toExponential(1);
    case "plain":
      return String(value);
    case "decimal":
      return value.toFixed(2);
    case "seconds":
      return `${value.toFixed(2)} s`;
  }
}
