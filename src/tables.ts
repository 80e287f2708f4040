// Result tables as plain data (columns, rows of already formatted cells, the raw numbers beside
// them) and their HTML. The report and the notebooks show the same tables.

import { formatLoss, formatNumber, formatPercent } from "./format";
import type { TrainResult } from "./train";

export interface Table {
  readonly columns: readonly string[];
  /** Formatted cells, row by row. */
  readonly rows: readonly (readonly string[])[];
  /** The unformatted values behind each row's cells (null for text cells). */
  readonly values: readonly (readonly (number | string | null)[])[];
}

/** Final metrics of runs: one row per run, with steps and epochs before stopping. */
export function metricsTable(runs: readonly { readonly name: string; readonly result: TrainResult }[]): Table {
  const columns = ["run", "train loss", "validation loss", "train accuracy", "validation accuracy", "steps", "epochs"];
  const rows: string[][] = [], values: (number | string | null)[][] = [];
  for (const { name, result: r } of runs) {
    const f = r.final;
    rows.push([
      name, formatLoss(f.trainLoss), formatLoss(f.valLoss), formatPercent(f.trainAccuracy), formatPercent(f.valAccuracy),
      formatNumber(r.steps, "int"), String(r.epochs) + (r.stoppedEarly ? "" : " (no early stop)"),
    ]);
    values.push([name, f.trainLoss, f.valLoss, f.trainAccuracy, f.valAccuracy, r.steps, r.epochs]);
  }
  return { columns, rows, values };
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A plain HTML table; numeric-looking cells are right-aligned. */
export function tableHtml(t: Table, caption?: string): string {
  const one = String.raw`[−\-+]?[\d.,  ]+( %)?(e[−\-+]?\d+)?`;
  const numeric = new RegExp(`^${one}( – ${one})?$`);
  const num = (s: string) => numeric.test(s);
  const head = t.columns.map((c) => `<th>${esc(c)}</th>`).join("");
  const body = t.rows
    .map((r) => `<tr>${r.map((c) => `<td${num(c) ? ' class="num"' : ""}>${esc(c)}</td>`).join("")}</tr>`)
    .join("\n");
  const cap = caption ? `<caption>${esc(caption)}</caption>` : "";
  return `<table class="results">${cap}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}
