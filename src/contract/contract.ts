// The contract between the notebooks and the report: what a notebook cell writes and the report
// build reads. Defined here once; the notebook layer writes through it (display.ts) and the report
// layer reads through it (results.ts). Change a shape here, and bump CONTRACT_VERSION: results.json
// records it, so a grader can tell which shapes a build used.
//
// May import: base, mlp (types only).

import type { RunConfig } from "../mlp/config";
import type { NumberFormat } from "./format";
import type { Table } from "./table";

/** Recorded in results.json (meta.contract). */
export const CONTRACT_VERSION = 2;

/** The MIME types of the notebooks' machine-readable outputs. */
export const MIME = {
  /** A figure: PlotlyFigure. */
  plotly: "application/vnd.plotly.v1+json",
  /** A table: TableRecord. */
  table: "application/vnd.tdt4265.table+json",
  /** Numbers the report quotes: Recorded[]. */
  result: "application/vnd.tdt4265.result+json",
  /** The runs a cell used: RunRecord[]. */
  runs: "application/vnd.tdt4265.runs+json",
  /** A seed study: SeedStudyRecord. */
  seeds: "application/vnd.tdt4265.seeds+json",
} as const;

/** A Plotly figure spec, plain JSON. */
export interface PlotlyFigure {
  readonly data: Record<string, unknown>[];
  readonly layout: Record<string, unknown>;
}

/** One number the report quotes, e.g. { task: "2c", name: "valAccuracy", value: 0.9152, format: "percent" }. */
export interface Recorded {
  /** The task it belongs to, e.g. "2c". */
  readonly task: string;
  /** Unique within the task, e.g. "valAccuracy". */
  readonly name: string;
  readonly value: number;
  readonly format: NumberFormat;
  /**
   * A wall-clock measurement (seconds per epoch): machine-dependent, so results.json keeps it apart
   * (`measured`) from the numbers that must be identical for the same config and seed.
   */
  readonly measured?: true;
}

/** A table as a cell shows it, with the caption the cell gave (or null). */
export interface TableRecord extends Table {
  readonly caption: string | null;
}

/** A run a cell used: its normalised config (config.id names the run, e.g. "2c"). */
export type RunRecord = RunConfig;

/** The final numbers a seed study compares, per run and seed. */
export const SEED_METRICS = ["valAccuracy", "valLoss", "trainAccuracy", "trainLoss", "steps"] as const;
export type SeedMetric = (typeof SEED_METRICS)[number];

/** One run of a seed study: the run trained with each seed, its final numbers, their mean and std. */
export interface SeedRun {
  readonly id: string;
  /** The config of every seed's run but for `seed` (and checkTrainAccuracy, off but for the report's own run). */
  readonly config: RunConfig;
  readonly seeds: readonly number[];
  /** Per metric, one value per seed (in `seeds` order). */
  readonly values: Readonly<Record<SeedMetric, readonly number[]>>;
  /** Per metric, the mean over seeds. */
  readonly mean: Readonly<Record<SeedMetric, number>>;
  /** Per metric, the sample standard deviation over seeds (n − 1). */
  readonly std: Readonly<Record<SeedMetric, number>>;
}

export interface SeedStudyRecord {
  readonly runs: readonly SeedRun[];
}

/** How a seed study's mean and std are computed: the mean, and the sample standard deviation (n − 1; 0 for one value). */
export function meanStd(xs: readonly number[]): { mean: number; std: number } {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const v = n > 1 ? xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, std: Math.sqrt(v) };
}

// ---- cell options ----------------------------------------------------------------------------

/**
 * Quarto-style options at the top of a code cell, one per line: `//| label: fig-2c-curves`.
 * `label` names the cell's figure or table for {{embed …}} and @references; `caption` is its caption.
 */
export const CELL_OPTIONS = ["label", "caption"] as const;
export type CellOption = (typeof CELL_OPTIONS)[number];

/** A cell's option, e.g. cellOption(source, "label") → "fig-2c-curves", or null. */
export function cellOption(source: string, key: CellOption): string | null {
  const m = new RegExp(`^//\\|\\s*${key}:\\s*(.+?)\\s*$`, "m").exec(source);
  return m ? m[1] : null;
}

/** The `//| key: value` line a cell writes for an option. */
export function cellOptionLine(key: CellOption, value: string): string {
  return `//| ${key}: ${value}`;
}

// ---- labels ----------------------------------------------------------------------------------

/** A label, as a pattern to build others from: "fig-" for a figure, "tbl-" for a table, then letters, digits and dashes. */
export const LABEL_START = "(?:fig|tbl)-";
export const LABEL_PATTERN = `${LABEL_START}[\\w-]*\\w`;
export const LABEL = new RegExp(`^${LABEL_PATTERN}$`);

export type LabelKind = "figure" | "table";

/** What a label names, from its prefix; null when it is not a label. */
export function labelKind(label: string): LabelKind | null {
  if (!LABEL.test(label)) return null;
  return label.startsWith("fig-") ? "figure" : "table";
}
