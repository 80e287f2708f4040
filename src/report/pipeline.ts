// The report pipeline end to end: execute the notebooks that are not cached (execute.ts), collect
// their outputs (results.ts), render report/*.md (markdown.ts), assemble the HTML (report.ts),
// print the PDF (again when the contents' page numbers have changed) and attach results.json
// (pdf.ts). Nothing is written until everything has rendered; each file is written atomically.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { Browser, plotlySource } from "./browser";
import { type DatasetName, datasetFiles } from "../mlp/data";
import { InputError } from "../base/errors";
import { executeNotebooks } from "./execute";
import { writeFileAtomic, writeFilesAtomic } from "../base/io";
import { type Heading, type RenderedReport, type SourceFile, renderReport } from "./markdown";
import { versions } from "../base/meta";
import { packageRoot } from "../base/paths";
import { type OutlineEntry, attachFile, pdfOutline, printPdf } from "./pdf";
import { type DocumentInput, reportHtml } from "./html";
import { normalizeParams } from "../notebook/session";
import { pretrain } from "./pretrain";
import { type Collected, collect, resultsFile, resultsJson } from "./results";
import type { TexCache } from "./tex";

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
  readonly log?: (line: string) => void;
}

export interface ReportOutput {
  readonly pdf: string;
  readonly html: string;
  readonly results: string;
  readonly pages: number;
}

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

/** What a document is made of: the rendered markdown, results.json's text and the HTML's inputs. */
export interface ReportDocument {
  readonly rendered: RenderedReport;
  readonly results: string;
  readonly input: DocumentInput;
}

/** Render the report's sources against the notebooks' results (`tex`: a formula cache kept between renders). */
export function reportDocument(sources: readonly SourceFile[], collected: Collected, o: { dataDir?: string; tex?: TexCache } = {}): ReportDocument {
  const rendered = renderReport(sources, collected, o.tex);
  const dataset = ([...collected.runs.values()][0]?.dataset ?? "mnist") as DatasetName;
  const results = resultsJson(resultsFile({
    collected, versions: versions(), tableOrder: rendered.tableOrder,
    dataset: { name: dataset, files: datasetFiles(dataset, o.dataDir) },
  }));
  return { rendered, results, input: { rendered, collected, resultsJson: results, plotlyJs: plotlySource() } };
}

export interface PrintedReport {
  /** With results.json attached. */
  readonly pdf: Uint8Array;
  /** The HTML printed (with the contents' page numbers). */
  readonly html: string;
  readonly pageCount: number;
}

/**
 * Print the document with the page numbers of its contents: the last print's (kept in `pagesFile`)
 * as a first guess, printed again only when the PDF shows other pages (an edit that moved a heading
 * to another page). results.json is attached to the PDF.
 */
export async function printReport(browser: Browser, input: DocumentInput, pagesFile: string): Promise<PrintedReport> {
  let guess: Map<string, number> | null = null;
  try {
    guess = new Map(Object.entries(JSON.parse(readFileSync(pagesFile, "utf8")) as Record<string, number>));
  } catch {
    guess = null;
  }
  const r = input.rendered;
  const tocHeadings = r.headings.filter((h) => h.text !== r.title && h.depth <= 2);
  let html = reportHtml({ ...input, pages: guess });
  let pdf = await printPdf(browser, html);
  const printed = await pdfOutline(pdf);
  const pages = headingPages(printed.entries, tocHeadings);
  if (!guess || JSON.stringify([...pages]) !== JSON.stringify([...guess].filter(([id]) => pages.has(id)))) {
    html = reportHtml({ ...input, pages });
    pdf = await printPdf(browser, html);
  }
  writeFileAtomic(pagesFile, JSON.stringify(Object.fromEntries(pages)) + "\n");
  pdf = await attachFile(pdf, "results.json", input.resultsJson, "Every number of this report (tdt4265-a2-results/1)");
  return { pdf, html, pageCount: printed.pageCount };
}

export async function buildReport(o: ReportOptions = {}): Promise<ReportOutput> {
  const log = o.log ?? ((l: string) => console.log(l));
  const root = packageRoot();
  const quick = o.quick ?? false;
  const outDir = o.outDir ?? join(root, "report", quick ? "out-quick" : "out");
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
    notebooks, params, force: o.force, dataDir: o.dataDir, log,
    outDir: o.notebooksOut ?? join(root, "build", quick ? "notebooks-quick" : "notebooks"),
  });
  const failed = statuses.filter((s) => s.status === "failed");
  if (failed.length) throw new InputError(failed.map((s) => s.error).join("\n"));

  const t0 = performance.now();
  const notebookSeconds = (t0 - start) / 1000 - trained.seconds;
  const collected = collect(statuses.map((s) => s.output));
  const { rendered, results, input } = reportDocument(sources, collected, { dataDir: o.dataDir });
  log(`[render] ${sources.length} markdown files, ${rendered.figureOrder.length} figures, ${rendered.tableOrder.length} tables`);

  const browser = await Browser.launch();
  let printed: PrintedReport;
  try {
    printed = await printReport(browser, input, join(root, "build", `report-pages${quick ? "-quick" : ""}.json`));
  } finally {
    await browser.close();
  }
  const { pdf, html, pageCount } = printed;
  const out = { pdf: join(outDir, "report.pdf"), html: join(outDir, "report.html"), results: join(outDir, "results.json") };
  writeFilesAtomic([[out.results, results], [out.html, html], [out.pdf, pdf]]);
  const rel = (p: string) => (relative(root, p).startsWith("..") ? p : relative(root, p));
  log(`[results] ${rel(out.results)}`);
  log(`[html] ${rel(out.html)}`);
  const end = performance.now();
  log(`[pdf] ${rel(out.pdf)} ${pageCount} pages (${((end - t0) / 1000).toFixed(1)} s)`);
  log(`[time] ${((end - start) / 1000).toFixed(0)} s: runs ${trained.seconds.toFixed(0)} s, notebooks ${notebookSeconds.toFixed(0)} s, ` +
    `render ${((end - t0) / 1000).toFixed(0)} s`);
  return { ...out, pages: pageCount };
}
