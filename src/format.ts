// How numbers are shown everywhere (CLI, tables, report): losses to 4 decimals, accuracies as
// percentages to 3, the course's convention.

import type { Metrics } from "./train";

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
