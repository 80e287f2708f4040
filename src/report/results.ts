// Report pipeline, stage 2: what the executed notebooks produced, read from their machine-readable
// outputs (never from text): labelled figures and tables with their captions, recorded numbers and
// the configs of the runs. From it, the results file graders diff (results.json, layout below).

import { basename } from "node:path";
import type { RunConfig } from "../mlp/config";
import type { DatasetFile } from "../mlp/data";
import {
  CONTRACT_VERSION,
  MIME,
  type PlotlyFigure,
  type Recorded,
  type RunRecord,
  type SeedStudyRecord,
  type TableRecord,
  cellOption,
  labelKind,
} from "../contract/contract";
import { FORMATS, type NumberFormat } from "../contract/format";
import { InputError } from "../base/errors";
import type { Versions } from "../base/meta";
import type { Table } from "../contract/table";
import { usedRuns } from "./execute";
import { readNotebook, sourceText } from "./ipynb";

export interface LabelledFigure {
  readonly label: string;
  readonly caption: string;
  readonly figure: PlotlyFigure;
  readonly notebook: string;
}

export interface LabelledTable {
  readonly label: string;
  readonly caption: string;
  readonly table: Table;
  readonly notebook: string;
}

export interface Collected {
  readonly notebooks: readonly string[];
  readonly figures: ReadonlyMap<string, LabelledFigure>;
  readonly tables: ReadonlyMap<string, LabelledTable>;
  /** Recorded numbers by "task.name". */
  readonly numbers: ReadonlyMap<string, Recorded>;
  /** Run configs by id. */
  readonly runs: ReadonlyMap<string, RunConfig>;
  /** The parameters the notebooks were executed with (as stored by the executor). */
  readonly params: Readonly<Record<string, unknown>>;
  /** The seed study, when a notebook ran one. */
  readonly seedStudy: SeedStudyRecord | null;
}

function isRecorded(v: unknown): v is Recorded {
  const r = v as Recorded;
  return (
    !!r &&
    typeof r.task === "string" &&
    typeof r.name === "string" &&
    typeof r.value === "number" &&
    (FORMATS as readonly string[]).includes(r.format)
  );
}

/** Read executed notebooks; conflicting duplicates (a label, or a number with two values) are errors. */
export function collect(paths: readonly string[]): Collected {
  const figures = new Map<string, LabelledFigure>(),
    tables = new Map<string, LabelledTable>();
  const numbers = new Map<string, Recorded>(),
    runs = new Map<string, RunConfig>();
  const whereNumber = new Map<string, string>();
  // Notebooks share every parameter but the run settings, of which each needs only its own runs'.
  let params: Record<string, unknown> | null = null;
  const runSettings: Record<string, unknown> = {};
  let seedStudy: SeedStudyRecord | null = null;
  for (const path of paths) {
    const nb = readNotebook(path);
    const name = basename(path);
    const { runs: settings = {}, ...p } = nb.metadata?.a2report?.params ?? {};
    if (!nb.metadata?.a2report?.params) throw new InputError(`${path}: not executed by npm run notebooks (no a2report metadata)`);
    if (params && JSON.stringify(params) !== JSON.stringify(p)) {
      throw new InputError(`${path}: executed with parameters ${JSON.stringify(p)}, the others with ${JSON.stringify(params)}`);
    }
    params = p;
    for (const id of usedRuns(nb)) {
      const v = (settings as Record<string, unknown>)[id];
      if (v === undefined) continue;
      if (id in runSettings && JSON.stringify(runSettings[id]) !== JSON.stringify(v)) {
        throw new InputError(
          `${path}: run ${id} was executed with settings ${JSON.stringify(v)}, another notebook with ${JSON.stringify(runSettings[id])}`,
        );
      }
      runSettings[id] = v;
    }
    for (const cell of nb.cells) {
      if (cell.cell_type !== "code") continue;
      const src = sourceText(cell.source);
      const label = cellOption(src, "label");
      const caption = cellOption(src, "caption") ?? "";
      const kind = label === null ? null : labelKind(label);
      if (label !== null && kind === null) {
        throw new InputError(`${name}: label "${label}": expected fig-… for a figure or tbl-… for a table (letters, digits, dashes)`);
      }
      for (const o of cell.outputs ?? []) {
        const d = o.data ?? {};
        const shows = d[MIME.plotly] ? "figure" : d[MIME.table] ? "table" : null;
        if (label && shows && kind !== shows)
          throw new InputError(`${name}: label ${label} names a ${kind}, but its cell shows a ${shows}`);
        if (label && d[MIME.plotly]) {
          if (figures.has(label) || tables.has(label)) throw new InputError(`${name}: label ${label} is used twice`);
          figures.set(label, { label, caption, figure: d[MIME.plotly] as PlotlyFigure, notebook: name });
        }
        if (label && d[MIME.table]) {
          if (figures.has(label) || tables.has(label)) throw new InputError(`${name}: label ${label} is used twice`);
          const t = d[MIME.table] as TableRecord;
          tables.set(label, { label, caption, table: { columns: t.columns, rows: t.rows, values: t.values }, notebook: name });
        }
        for (const r of Array.isArray(d[MIME.result]) ? (d[MIME.result] as unknown[]) : []) {
          if (!isRecorded(r)) throw new InputError(`${name}: a recorded number is malformed: ${JSON.stringify(r)}`);
          const key = `${r.task}.${r.name}`;
          const prev = numbers.get(key);
          if (prev && (prev.value !== r.value || prev.format !== r.format)) {
            throw new InputError(
              `${key} is recorded twice with different values (${whereNumber.get(key)}: ${prev.value}, ${name}: ${r.value})`,
            );
          }
          numbers.set(
            key,
            r.measured
              ? { task: r.task, name: r.name, value: r.value, format: r.format, measured: true }
              : { task: r.task, name: r.name, value: r.value, format: r.format },
          );
          whereNumber.set(key, name);
        }
        if (d[MIME.seeds]) {
          if (seedStudy) throw new InputError(`${name}: a second seed study (one report has one)`);
          seedStudy = d[MIME.seeds] as SeedStudyRecord;
        }
        for (const c of Array.isArray(d[MIME.runs]) ? (d[MIME.runs] as RunRecord[]) : []) {
          const prev = runs.get(c.id);
          if (prev && JSON.stringify(prev) !== JSON.stringify(c)) throw new InputError(`${name}: run ${c.id} was trained with two configs`);
          runs.set(c.id, c);
        }
      }
    }
  }
  const sorted = Object.fromEntries(Object.entries(runSettings).sort(([a], [b]) => byTask(a, b)));
  const all = Object.keys(sorted).length ? { ...params, runs: sorted } : (params ?? {});
  return { notebooks: paths.map((p) => basename(p)), figures, tables, numbers, runs, params: all, seedStudy };
}

// ---- results.json ----------------------------------------------------------------------------

export const RESULTS_FORMAT = "tdt4265-a2-results/2";

/** The report's tasks first, in the assignment's order, then the runs of task 3 on their own. */
export const TASK_ORDER = [
  "1a",
  "1b",
  "2a",
  "2b",
  "2c",
  "2d",
  "3a",
  "3b",
  "3c",
  "3-ind-sigmoid",
  "3-ind-momentum",
  "4a",
  "4b",
  "4c",
  "4d",
  "4e",
  "4f",
];

function taskRank(t: string): number {
  const i = TASK_ORDER.indexOf(t);
  return i >= 0 ? i : TASK_ORDER.length;
}

const byTask = (a: string, b: string) => taskRank(a) - taskRank(b) || (a < b ? -1 : a > b ? 1 : 0);

export interface ResultsTable {
  readonly label: string;
  /** "Table 3" in the report, or null when the report does not show it. */
  readonly number: number | null;
  readonly caption: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly values: readonly (readonly (number | string | null)[])[];
}

/**
 * results.json. Keys in this order; numbers as JavaScript prints them (the shortest text that reads
 * back to the same double); no timestamps or machine paths.
 */
export interface ResultsFile {
  readonly format: typeof RESULTS_FORMAT;
  readonly meta: {
    readonly project: string;
    /** The notebook-report contract's version (contract/contract.ts) the build used. */
    readonly contract: number;
    readonly versions: { readonly project: string | null; readonly tslab: string | null; readonly node: string };
    readonly preset: string;
    readonly mode: "full" | "quick";
    readonly seeds: readonly number[];
    readonly params: Readonly<Record<string, unknown>>;
    readonly notebooks: readonly string[];
    readonly dataset: { readonly name: string; readonly files: readonly DatasetFile[] };
  };
  /** The normalised config of every run, by id. */
  readonly runs: Readonly<Record<string, RunConfig>>;
  /** Every recorded number, by task then name (wall-clock measurements apart, in `measured`). */
  readonly tasks: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Wall-clock measurements (seconds per epoch), by task then name: machine-dependent. */
  readonly measured: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** How each number is shown (loss, percent, int, sci, plain), by task then name. */
  readonly formats: Readonly<Record<string, Readonly<Record<string, NumberFormat>>>>;
  /** The tables, as shown. */
  readonly tables: readonly ResultsTable[];
  /** The seed study: per run, its config but for the seed, the seeds, each seed's final numbers, mean and std. */
  readonly seedStudy: SeedStudyRecord | null;
}

export interface ResultsInput {
  readonly collected: Collected;
  readonly versions: Versions;
  readonly dataset: { readonly name: string; readonly files: readonly DatasetFile[] };
  /** Table labels in the order the report shows them (numbered 1, 2, …). */
  readonly tableOrder?: readonly string[];
  /** Captions as the report shows them (numbers filled in), by label. */
  readonly captions?: ReadonlyMap<string, string>;
}

/** Build the results file: plain data in a fixed key order. */
export function resultsFile(i: ResultsInput): ResultsFile {
  const c = i.collected;
  const tasks: Record<string, Record<string, number>> = {},
    measured: Record<string, Record<string, number>> = {};
  const formats: Record<string, Record<string, NumberFormat>> = {};
  const numbers = [...c.numbers.values()].sort((a, b) => byTask(a.task, b.task));
  for (const r of numbers) {
    const into = r.measured ? measured : tasks;
    (into[r.task] ??= {})[r.name] = r.value;
    (formats[r.task] ??= {})[r.name] = r.format;
  }
  const runs: Record<string, RunConfig> = {};
  for (const id of [...c.runs.keys()].sort(byTask)) {
    const r = c.runs.get(id)!;
    runs[id] = {
      id: r.id,
      hidden: r.hidden,
      activation: r.activation,
      init: r.init,
      learningRate: r.learningRate,
      momentum: r.momentum,
      epochs: r.epochs,
      batchSize: r.batchSize,
      trainSize: r.trainSize,
      valSize: r.valSize,
      seed: r.seed,
      shuffle: r.shuffle,
      dataset: r.dataset,
      normalization: r.normalization,
      checksPerEpoch: r.checksPerEpoch,
      earlyStopWindow: r.earlyStopWindow,
      checkTrainAccuracy: r.checkTrainAccuracy,
    };
  }
  const order = i.tableOrder ?? [];
  const labels = [...order.filter((l) => c.tables.has(l)), ...[...c.tables.keys()].filter((l) => !order.includes(l)).sort()];
  const tables = labels.map((label): ResultsTable => {
    const t = c.tables.get(label)!;
    const n = order.indexOf(label);
    return {
      label,
      number: n >= 0 ? n + 1 : null,
      caption: i.captions?.get(label) ?? t.caption,
      columns: t.table.columns,
      rows: t.table.rows,
      values: t.table.values,
    };
  });
  const params = Object.fromEntries(Object.entries(c.params).filter(([k]) => k !== "dataDir"));
  return {
    format: RESULTS_FORMAT,
    meta: {
      project: "tdt4265-a2-report",
      contract: CONTRACT_VERSION,
      versions: { project: i.versions.project, tslab: i.versions.tslab, node: i.versions.node },
      preset: "TDT4265 2022/23 starter code",
      mode: c.params.quick === true ? "quick" : "full",
      seeds: [...new Set([...c.runs.values()].map((r) => r.seed))].sort((a, b) => a - b),
      params,
      notebooks: c.notebooks,
      dataset: { name: i.dataset.name, files: i.dataset.files.map((f) => ({ name: f.name, bytes: f.bytes, sha256: f.sha256 })) },
    },
    runs,
    tasks,
    measured,
    formats,
    tables,
    seedStudy: c.seedStudy,
  };
}

/** results.json's text: two-space indentation, a final newline. */
export function resultsJson(r: ResultsFile): string {
  return JSON.stringify(r, null, 2) + "\n";
}

/** Read and check a results file's text; `what` names it in errors. */
export function parseResults(json: string, what: string): ResultsFile {
  let r: ResultsFile;
  try {
    r = JSON.parse(json) as ResultsFile;
  } catch (e) {
    throw new InputError(`${what}: malformed JSON (${(e as Error).message.split("\n")[0]})`);
  }
  if (!r || r.format !== RESULTS_FORMAT || typeof r.tasks !== "object" || r.tasks === null) {
    throw new InputError(`${what}: not a results file (expected "format": "${RESULTS_FORMAT}")`);
  }
  return r;
}
