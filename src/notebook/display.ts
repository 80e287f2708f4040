// Notebook output: figures, tables, recorded numbers and progress as Jupyter MIME bundles. This
// is the only module that knows tslab. Bundles are plain data (tested without a kernel); emit()
// hands them to the running tslab kernel.
//
// The MIME types and shapes are the contract's (contract/contract.ts): figures are Plotly JSON with
// an HTML fallback that draws the figure with the project's own plotly.js when the Jupyter server
// serves the project (and otherwise says what it is); tables and recorded numbers carry
// machine-readable JSON under the project's own types, which the report build reads instead of
// scraping text.

import { createRequire } from "node:module";
import { join } from "node:path";
import { packageRoot } from "../base/paths";
import { escapeHtml } from "../base/text";
import { MIME, type PlotlyFigure, type Recorded, type RunRecord, type SeedStudyRecord, type TableRecord } from "../contract/contract";
import { formatNumber } from "../contract/format";
import { type Table, tableHtml } from "../contract/table";
import type { Progress, TrainResult } from "../mlp/train";

export type Bundle = Record<string, unknown>;

/** Where plotly.js is served from when Jupyter runs in the project's root (npm run jupyter). */
export const PLOTLY_URL = "/files/node_modules/plotly.js-basic-dist-min/plotly-basic.min.js";

let figureCount = 0;

/** What a figure shows, in words: its curves' names. */
function describe(fig: PlotlyFigure): string {
  const names = fig.data.map((t) => t.name).filter((n): n is string => typeof n === "string");
  return names.length > 0 ? names.join(", ") : "a Plotly figure";
}

export function figureBundle(fig: PlotlyFigure): Bundle {
  const id = `a2fig-${process.pid}-${++figureCount}`;
  const spec = JSON.stringify(fig).replace(/</g, "\\u003c");
  const html =
    `<div id="${id}" style="width:${(fig.layout.width as number) ?? 900}px;max-width:100%">` +
    `<p><em>Interactive figure (Plotly): ${escapeHtml(describe(fig))}. It appears here when Jupyter serves this ` +
    `project (npm run jupyter) or in JupyterLab with a Plotly renderer, and in the report.</em></p></div>\n` +
    `<script>(function () {\n` +
    `  var spec = ${spec};\n` +
    `  function draw() { var el = document.getElementById(${JSON.stringify(id)}); el.innerHTML = ""; window.Plotly.newPlot(el, spec.data, spec.layout, {displaylogo: false}); }\n` +
    `  if (window.Plotly) return draw();\n` +
    `  var s = document.createElement("script"); s.src = ${JSON.stringify(PLOTLY_URL)}; s.onload = draw; document.head.appendChild(s);\n` +
    `})();</script>`;
  return { [MIME.plotly]: fig, "text/html": html, "text/plain": `[Plotly figure] ${describe(fig)}` };
}

export function tableBundle(t: Table, caption?: string): Bundle {
  const text = [t.columns, ...t.rows].map((r) => r.join(" | ")).join("\n");
  const record: TableRecord = { ...t, caption: caption ?? null };
  return { [MIME.table]: record, "text/html": tableHtml(t, caption), "text/plain": text };
}

export function resultBundle(values: readonly Recorded[]): Bundle {
  const text = values.map((v) => `${v.task}.${v.name} = ${formatNumber(v.value, v.format)}`).join("\n");
  return { [MIME.result]: values, "text/plain": text };
}

/** The normalised configs of the runs a cell trained (the report's results file lists them). */
export function runsBundle(configs: readonly RunRecord[]): Bundle {
  const text = configs
    .map(
      (c) =>
        `${c.id}: hidden [${c.hidden.join(", ")}], ${c.activation}, ${c.init} init, lr ${c.learningRate}, momentum ${c.momentum}, ` +
        `batch ${c.batchSize}, ${c.trainSize}/${c.valSize} images, ≤ ${c.epochs} epochs, seed ${c.seed}`,
    )
    .join("\n");
  return { [MIME.runs]: configs, "text/plain": text };
}

/** A seed study: per run, the seeds and the mean ± std of its final numbers. */
export function seedsBundle(study: SeedStudyRecord): Bundle {
  const text = study.runs
    .map(
      (r) =>
        `${r.id}: ${r.seeds.length} seeds, val acc ${(100 * r.mean.valAccuracy).toFixed(2)} ± ${(100 * r.std.valAccuracy).toFixed(2)} %, ` +
        `steps ${Math.round(r.mean.steps)} ± ${Math.round(r.std.steps)}`,
    )
    .join("\n");
  return { [MIME.seeds]: study, "text/plain": text };
}

// ---- the kernel side -------------------------------------------------------------------------

type WriteDisplayData = (msg: { data: Bundle; metadata: object; transient: { display_id?: string } }, update?: boolean) => void;

/**
 * tslab's display-data writer: the kernel loaded tslab from this project's node_modules, so the
 * same module instance resolves from the project root. Null outside a running kernel.
 */
function writer(): WriteDisplayData | null {
  try {
    const req = createRequire(join(packageRoot(), "package.json"));
    const jupyter = req("tslab/dist/jupyter") as { lastWriteDisplayData?: WriteDisplayData | null };
    return jupyter.lastWriteDisplayData ?? null;
  } catch {
    return null;
  }
}

/** Show a bundle in the notebook (all its MIME types in one output); `id` makes it updatable. */
export function emit(bundle: Bundle, id?: string, update = false): void {
  const w = writer();
  if (!w) throw new Error("not inside a tslab kernel: display helpers need a running notebook");
  w({ data: bundle, metadata: {}, transient: id ? { display_id: id } : {} }, update);
}

/** How a run stands in a progress output. */
export type RunState = "waiting" | "elsewhere" | "training" | "done" | "cached";

/** One line per run: where it is, its last check. */
export function progressBundle(ids: readonly string[], latest: readonly (Progress | null)[], states: readonly RunState[]): Bundle {
  const lines = ids.map((id, i) => {
    const p = latest[i];
    if (!p) return states[i] === "elsewhere" ? `${id}: waiting for the process that trains it` : `${id}: waiting`;
    const pct = Math.round((100 * (p.step + 1)) / p.maxSteps);
    const check = p.check ? `, val loss ${p.check.valLoss.toFixed(4)}, val acc ${(100 * p.check.valAccuracy).toFixed(2)} %` : "";
    if (states[i] === "cached") return `${id}: from the run cache, ${p.step + 1} steps${check}`;
    return states[i] === "done"
      ? `${id}: done after ${p.step + 1} steps${check}`
      : `${id}: step ${p.step + 1} (${pct} % of the epoch budget), epoch ${p.epoch + 1}${check}`;
  });
  return { "text/plain": lines.join("\n") };
}

export interface ProgressDisplay {
  readonly onProgress: (index: number, p: Progress) => void;
  readonly onDone: (index: number) => void;
  /** A run that was not trained: its result came from the run cache. */
  readonly onCached: (index: number, r: TrainResult) => void;
  /** A run another process trains: its result will come from the run cache. */
  readonly onWaiting: (index: number) => void;
  /** The final state, shown once more. */
  finish(): void;
}

/** An updating notebook output for runs in flight (at most two updates a second). */
export function progressDisplay(ids: readonly string[], show: (b: Bundle, update: boolean) => void): ProgressDisplay {
  const latest: (Progress | null)[] = ids.map(() => null);
  const states: RunState[] = ids.map(() => "waiting");
  const lastCheck: Progress["check"][] = ids.map(() => null);
  let shown = false,
    last = 0;
  const render = (force: boolean) => {
    const now = Date.now();
    if (!force && now - last < 500) return;
    last = now;
    const view = latest.map((p, i) => (p ? { ...p, check: p.check ?? lastCheck[i] } : null));
    show(progressBundle(ids, view, states), shown);
    shown = true;
  };
  return {
    onProgress(i, p) {
      latest[i] = p;
      states[i] = "training";
      if (p.check) lastCheck[i] = p.check;
      render(false);
    },
    onDone(i) {
      states[i] = "done";
      render(true);
    },
    onWaiting(i) {
      states[i] = "elsewhere";
      render(true);
    },
    onCached(i, r) {
      const checks = r.history.checks;
      latest[i] = {
        step: r.steps - 1,
        epoch: r.epochs - 1,
        stepsPerEpoch: r.stepsPerEpoch,
        maxSteps: r.stepsPerEpoch * r.config.epochs,
        trainLoss: r.history.trainLoss[r.steps - 1] ?? NaN,
        check: checks[checks.length - 1] ?? null,
      };
      states[i] = "cached";
      render(true);
    },
    finish() {
      render(true);
    },
  };
}

let progressCount = 0;

/** progressDisplay() wired to the notebook. */
export function notebookProgress(ids: readonly string[]): ProgressDisplay {
  const id = `a2progress-${process.pid}-${++progressCount}`;
  return progressDisplay(ids, (b, update) => emit(b, id, update));
}
