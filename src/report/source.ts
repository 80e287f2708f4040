// What a report PDF carries besides results.json, so that a grader can render it again: the
// markdown it was written in, the notebooks' figures, the contents' page numbers and the identity
// of the renderer (report-source.json, attached to the PDF). With results.json it is everything the
// HTML is made of: documentFromSource() rebuilds the HTML byte for byte as the build made it.
//
// May import: base, mlp, contract, notebook (and the report stages).

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, isAbsolute, join } from "node:path";
import { InputError } from "../base/errors";
import { filesFingerprint, moduleClosure } from "../base/fingerprint";
import { libDir, libExt, packageRoot } from "../base/paths";
import type { PlotlyFigure, Recorded } from "../contract/contract";
import type { RunConfig } from "../mlp/config";
import { reportHtml } from "./html";
import { type RenderedReport, type SourceFile, renderReport } from "./markdown";
import { type ReportMeta, normalizeMeta } from "./meta";
import type { Layout } from "./paginate";
import type { Collected, LabelledFigure, LabelledTable, ResultsFile } from "./results";

export const SOURCE_FORMAT = "tdt4265-a2-source/2";
/** The attachment's name in the PDF. */
export const SOURCE_NAME = "report-source.json";

/** What rendered the report: a document rebuilt by another renderer may print differently. */
export interface RendererIdentity {
  readonly project: string | null;
  /** SHA-256 of the modules that turn markdown and results into HTML (markdown, math, tables, HTML). */
  readonly code: string;
  readonly marked: string | null;
  readonly mathjax: string | null;
  readonly plotly: string | null;
  /** The browser that printed it, e.g. "HeadlessChrome/156.0.7258.154". */
  readonly chromium: string;
}

export interface SourceFigure {
  readonly label: string;
  readonly caption: string;
  readonly notebook: string;
  readonly figure: PlotlyFigure;
}

export interface ReportSource {
  readonly format: typeof SOURCE_FORMAT;
  readonly renderer: RendererIdentity;
  /** report/*.md in name order, as rendered. */
  readonly sources: readonly SourceFile[];
  /** Every labelled figure of the notebooks. */
  readonly figures: readonly SourceFigure[];
  /** The page of each heading in the table of contents, by heading id (null: not known). */
  readonly pages: Readonly<Record<string, number>> | null;
  /** The figures and tables moved down by the layout, by label (paginate.ts). */
  readonly floats: Readonly<Record<string, number>>;
  /** The cover (report/meta.yaml). */
  readonly meta: ReportMeta;
}

function packageVersion(name: string): string | null {
  try {
    const req = createRequire(join(packageRoot(), "package.json"));
    const dir = req.resolve(`${name}/package.json`);
    return (JSON.parse(readFileSync(dir, "utf8")) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

/** The renderer running here; `chromium` is the browser's version string. */
export function rendererIdentity(chromium: string): RendererIdentity {
  const lib = libDir();
  const entries = ["html", "markdown"].map((m) => join(lib, "report", m + libExt()));
  let project: string | null = null;
  try {
    project = (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version?: string }).version ?? null;
  } catch {
    project = null;
  }
  return {
    project,
    code: filesFingerprint(lib, moduleClosure(entries)),
    marked: packageVersion("marked"),
    mathjax: packageVersion("mathjax-full"),
    plotly: packageVersion("plotly.js-basic-dist-min"),
    chromium,
  };
}

/** The source of a build: its markdown, every figure, its cover, the layout the final HTML shows. */
export function reportSource(
  sources: readonly SourceFile[],
  collected: Collected,
  meta: ReportMeta,
  layout: Layout | null,
  renderer: RendererIdentity,
): ReportSource {
  return {
    format: SOURCE_FORMAT,
    renderer,
    // Names as the build shows them (report/00-title.md); a folder outside the project by its file name only.
    sources: sources.map((s) => ({ name: isAbsolute(s.name) ? basename(s.name) : s.name, text: s.text })),
    figures: [...collected.figures.values()].map((f) => ({ label: f.label, caption: f.caption, notebook: f.notebook, figure: f.figure })),
    pages: layout ? Object.fromEntries(layout.pages) : null,
    floats: layout?.floats ?? {},
    meta,
  };
}

export function sourceJson(s: ReportSource): string {
  return JSON.stringify(s) + "\n";
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Read and check the attachment's text; `what` names it in errors. */
export function parseSource(json: string, what: string): ReportSource {
  let s: ReportSource;
  try {
    s = JSON.parse(json) as ReportSource;
  } catch (e) {
    throw new InputError(`${what}: malformed JSON (${(e as Error).message.split("\n")[0]})`);
  }
  const bad = (part: string) => new InputError(`${what}: ${part} (expected a ${SOURCE_FORMAT} file as npm run report attaches it)`);
  if (!isObject(s) || s.format !== SOURCE_FORMAT) throw bad(`not a report source`);
  const r = s.renderer as unknown;
  if (!isObject(r) || typeof r.code !== "string" || typeof r.chromium !== "string") throw bad("no renderer identity");
  if (!Array.isArray(s.sources) || s.sources.length === 0) throw bad("no markdown sources");
  for (const f of s.sources as unknown[]) {
    if (!isObject(f) || typeof f.name !== "string" || typeof f.text !== "string") throw bad("a malformed markdown source");
  }
  if (!Array.isArray(s.figures)) throw bad("no figures");
  for (const f of s.figures as unknown[]) {
    if (
      !isObject(f) ||
      typeof f.label !== "string" ||
      typeof f.caption !== "string" ||
      typeof f.notebook !== "string" ||
      !isObject(f.figure) ||
      !Array.isArray(f.figure.data) ||
      !isObject(f.figure.layout)
    )
      throw bad("a malformed figure");
  }
  if (s.pages !== null && (!isObject(s.pages) || !Object.values(s.pages).every((p) => Number.isInteger(p))))
    throw bad("malformed page numbers");
  if (!isObject(s.floats) || !Object.values(s.floats).every((n) => Number.isInteger(n) && (n as number) >= 0))
    throw bad("malformed floats");
  try {
    normalizeMeta(s.meta, `${what} (meta)`);
  } catch {
    throw bad("no cover (meta)");
  }
  return s;
}

/** What the notebooks gave the build, as a PDF's results and source carry it. */
export function collectedFromAttachments(results: ResultsFile, source: ReportSource): Collected {
  const figures = new Map<string, LabelledFigure>(source.figures.map((f) => [f.label, { ...f }]));
  const tables = new Map<string, LabelledTable>(
    results.tables.map((t) => [
      t.label,
      {
        label: t.label,
        caption: t.caption,
        notebook: "",
        table: { columns: t.columns, rows: t.rows, values: t.values },
      },
    ]),
  );
  const numbers = new Map<string, Recorded>();
  for (const [part, measured] of [
    [results.tasks, false],
    [results.measured ?? {}, true],
  ] as const) {
    for (const [task, names] of Object.entries(part)) {
      for (const [name, value] of Object.entries(names)) {
        const format = results.formats?.[task]?.[name] ?? "plain";
        numbers.set(`${task}.${name}`, measured ? { task, name, value, format, measured: true } : { task, name, value, format });
      }
    }
  }
  const runs = new Map<string, RunConfig>(Object.entries(results.runs ?? {}));
  return {
    notebooks: results.meta?.notebooks ?? [],
    figures,
    tables,
    numbers,
    runs,
    params: results.meta?.params ?? {},
    seedStudy: results.seedStudy ?? null,
  };
}

export interface RebuiltDocument {
  readonly html: string;
  readonly rendered: RenderedReport;
  readonly collected: Collected;
}

/**
 * The report's HTML from what its PDF carries: results.json (its exact text, which the HTML
 * embeds) and the source. Bad markdown or an unknown label throws InputError, as in the build.
 */
export function documentFromSource(results: ResultsFile, resultsText: string, source: ReportSource, plotlyJs: string): RebuiltDocument {
  const collected = collectedFromAttachments(results, source);
  // Claims are the build's to enforce; the rebuilt document only has to look the same.
  const rendered = renderReport(source.sources, collected, { claims: "warn" });
  const pages = source.pages ? new Map(Object.entries(source.pages)) : null;
  const html = reportHtml({
    rendered,
    collected,
    resultsJson: resultsText,
    plotlyJs,
    pages,
    floats: source.floats,
    meta: normalizeMeta(source.meta, "meta"),
  });
  return { html, rendered, collected };
}
