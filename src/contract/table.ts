// A table as plain data (columns, rows of already formatted cells, the raw numbers behind them)
// and its HTML: the notebooks show it and the report embeds it, from the same data.
//
// May import: base.

import { escapeHtml } from "../base/text";

export interface Table {
  readonly columns: readonly string[];
  /** Formatted cells, row by row. */
  readonly rows: readonly (readonly string[])[];
  /** The unformatted values behind each row's cells (null for text cells). */
  readonly values: readonly (readonly (number | string | null)[])[];
}

const esc = escapeHtml;

/** A plain HTML table; numeric-looking cells are right-aligned. */
export function tableHtml(t: Table, caption?: string): string {
  const one = String.raw`[−\-+]?[\d.,  ]+( %)?(e[−\-+]?\d+)?`;
  const numeric = new RegExp(`^${one}( [–±] ${one})?$`);
  const num = (s: string) => numeric.test(s);
  const head = t.columns.map((c) => `<th>${esc(c)}</th>`).join("");
  const body = t.rows.map((r) => `<tr>${r.map((c) => `<td${num(c) ? ' class="num"' : ""}>${esc(c)}</td>`).join("")}</tr>`).join("\n");
  const cap = caption ? `<caption>${esc(caption)}</caption>` : "";
  return `<table class="results">${cap}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}
