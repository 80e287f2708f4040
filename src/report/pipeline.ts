// The report pipeline end to end: execute the notebooks that are not cached (execute.ts), collect
// their outputs (results.ts), render report/*.md (markdown.ts), assemble the HTML (report.ts),
// print the PDF (again when the contents' page numbers have changed) and attach results.json
// (pdf.ts). Nothing is written until everything has rendered; the three outputs are written as
// one set (base/io.ts writeFolderAtomic: the output folder is a link swapped to a new folder), and
// the PDF is made reproducible (reproducible.ts). The output folder is checked before any work.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { Browser, plotlySource } from "./browser";
import { type DatasetName, datasetFiles } from "../mlp/data";
import { InputError } from "../base/errors";
import { cellTimeout, executeNotebooks } from "./execute";
import { checkOutputFolder, writeFileAtomic, writeFolderAtomic } from "../base/io";
import { type Heading, type SourceFile, renderReport } from "./markdown";
import { versions } from "../base/meta";
import { packageRoot } from "../base/paths";
import { type OutlineEntry, attachFile, pdfOutline, printPdf } from "./pdf";
import { reportHtml } from "./html";
import { reproduciblePdf } from "./reproducible";
import { normalizeParams } from "../notebook/session";
import { pretrain } from "./pretrain";
import { collect, resultsFile, resultsJson } from "./results";

export interface ReportOptions {
  /** Quick mode: small runs (tests, drafts). */
  readonly quick?: boolean;
  /** Re-execute every notebook. */
  readonly force?: boolean;
  readonly outDir?: string;
  /** The markdown folder (default report/). */
  readonly reportDir?: string;
  /** Where executed notebooks are cached (default build/notebooks or build/notebooks-quick). */
  readonly notebooksOut?: string;
  readonly dataDir?: string;
  /** Settings of single runs by id (the notebooks' `runs` parameter). */
  readonly runs?: Readonly<Record<string, Record<string, unknown>>>;
  /** Seconds a notebook cell may run (execute.ts DEFAULT_CELL_TIMEOUT). */
  readonly cellTimeout?: number;
  readonly log?: (line: string) => void;
}

export interface ReportOutput {
  readonly pdf: string;
  readonly html: string;
  readonly results: string;
  readonly pages: number;
}

/** The files of a built report, written together into its output folder. */
export const OUTPUT_FILES = ["report.pdf", "report.html", "results.json"];

/** The markdown files of the report, in name order. */
export function reportSources(dir: string): SourceFile[] {
  if (!existsSync(dir)) throw new InputError(`${dir}: no such report folder`);
  const root = packageRoot();
  const names = readdirSync(dir).filter((f) => f.endsWith(".md")).sort();
  if (names.length === 0) throw new InputError(`${dir}: no markdown files`);
  return names.map((f) => {
    const path = join(dir, f);
    const rel = relative(root, path);
    return { name: rel.startsWith("..") ? path : rel, text: readFileSync(path, "utf8") };
  });
}

/**
 * The page each heading starts on, from the PDF's bookmarks (in document order; their titles lose
 * the spaces at line breaks, so they are compared without white space).
 */
export function headingPages(outline: readonly OutlineEntry[], headings: readonly Heading[]): Map<string, number> {
  const bare = (s: string) => s.replace(/\s+/g, "");
  const out = new Map<string, number>();
  let from = 0;
  for (const h of headings) {
    const i = outline.findIndex((e, k) => k >= from && bare(e.title) === bare(h.text));
    if (i < 0) continue;
    out.set(h.id, outline[i].page);
    from = i + 1;
  }
  return out;
}

export async function buildReport(o: ReportOptions = {}): Promise<ReportOutput> {
  const log = o.log ?? ((l: string) => console.log(l));
  const root = packageRoot();
  const quick = o.quick ?? false;
  const outDir = o.outDir ?? join(root, "report", quick ? "out-quick" : "out");
  checkOutputFolder(outDir, OUTPUT_FILES);
  cellTimeout(o.cellTimeout);
  const nbDir = join(root, "notebooks");
  const notebooks = readdirSync(nbDir).filter((f) => /^task.*\.ipynb$/.test(f)).sort().map((f) => join(nbDir, f));
  const params: Record<string, unknown> = {};
  if (quick) params.quick = true;
  if (o.dataDir) params.dataDir = o.dataDir;
  if (o.runs && Object.keys(o.runs).length) params.runs = o.runs;
  const session = normalizeParams(params);
  const sources = reportSources(o.reportDir ?? join(root, "report"));

  const start = performance.now();
  const trained = await pretrain(session, root, log);
  log(`[runs] ${trained.trained} trained, ${trained.cached} from the run cache (${trained.seconds.toFixed(0)} s)`);
  const statuses = await executeNotebooks({
    notebooks, params, force: o.force, dataDir: o.dataDir, log, cellTimeout: o.cellTimeout,
    outDir: o.notebooksOut ?? join(root, "build", quick ? "notebooks-quick" : "notebooks"),
  });
  const failed = statuses.filter((s) => s.status === "failed");
  if (failed.length) throw new InputError(failed.map((s) => s.error).join("\n"));

  const t0 = performance.now();
  const notebookSeconds = (t0 - start) / 1000 - trained.seconds;
  const collected = collect(statuses.map((s) => s.output));
  const rendered = renderReport(sources, collected);
  const dataset = ([...collected.runs.values()][0]?.dataset ?? "mnist") as DatasetName;
  const results = resultsJson(resultsFile({
    collected, versions: versions(), tableOrder: rendered.tableOrder,
    dataset: { name: dataset, files: datasetFiles(dataset, o.dataDir) },
  }));
  const input = { rendered, collected, resultsJson: results, plotlyJs: plotlySource() };
  log(`[render] ${sources.length} markdown files, ${rendered.figureOrder.length} figures, ${rendered.tableOrder.length} tables`);

  // The contents' page numbers: the last build's as a first guess, printed again only when the
  // printed PDF shows other pages (an edit that moves a heading to another page).
  const cache = join(root, "build", `report-pages${quick ? "-quick" : ""}.json`);
  let guess: Map<string, number> | null = null;
  try {
    guess = new Map(Object.entries(JSON.parse(readFileSync(cache, "utf8")) as Record<string, number>));
  } catch {
    guess = null;
  }
  const tocHeadings = rendered.headings.filter((h) => h.text !== rendered.title && h.depth <= 2);
  const browser = await Browser.launch();
  let pdf: Uint8Array, html: string, pageCount: number;
  try {
    html = reportHtml({ ...input, pages: guess });
    pdf = await printPdf(browser, html);
    const printed = await pdfOutline(pdf);
    const pages = headingPages(printed.entries, tocHeadings);
    pageCount = printed.pageCount;
    if (!guess || JSON.stringify([...pages]) !== JSON.stringify([...guess].filter(([id]) => pages.has(id)))) {
      html = reportHtml({ ...input, pages });
      pdf = await printPdf(browser, html);
    }
    writeFileAtomic(cache, JSON.stringify(Object.fromEntries(pages)) + "\n");
  } finally {
    await browser.close();
  }
  pdf = await reproduciblePdf(await attachFile(pdf, "results.json", results, "Every number of this report (tdt4265-a2-results/1)"));
  const out = { pdf: join(outDir, "report.pdf"), html: join(outDir, "report.html"), results: join(outDir, "results.json") };
  writeFolderAtomic(outDir, [["results.json", results], ["report.html", html], ["report.pdf", pdf]]);
  const rel = (p: string) => (relative(root, p).startsWith("..") ? p : relative(root, p));
  log(`[results] ${rel(out.results)}`);
  log(`[html] ${rel(out.html)}`);
  const end = performance.now();
  log(`[pdf] ${rel(out.pdf)} ${pageCount} pages (${((end - t0) / 1000).toFixed(1)} s)`);
  log(`[time] ${((end - start) / 1000).toFixed(0)} s: runs ${trained.seconds.toFixed(0)} s, notebooks ${notebookSeconds.toFixed(0)} s, ` +
    `render ${((end - t0) / 1000).toFixed(0)} s`);
  return { ...out, pages: pageCount };
}
