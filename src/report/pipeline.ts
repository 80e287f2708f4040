// The report pipeline end to end: train the runs (pretrain.ts) while the notebooks that are not
// cached execute (execute.ts), collect their outputs (results.ts), render report/*.md
// (markdown.ts), assemble the HTML (html.ts), print the PDF until its layout settles (paginate.ts:
// the contents' page numbers and the floats), then attach results.json and the source it was
// rendered from and make the PDF reproducible, in one load of it (reproducible.ts). Nothing is written until everything has rendered; the three
// outputs are written as one set (base/io.ts writeFolderAtomic: the output folder is a link swapped
// to a new folder). The output folder is checked before any work.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { Browser, plotlySource } from "./browser";
import { type DatasetName, datasetFiles } from "../mlp/data";
import { kernelChoice } from "../mlp/wasm";
import { InputError } from "../base/errors";
import { cellTimeout, executeNotebooks, executedDirs, taskNotebooks } from "./execute";
import { checkOutputFolder, writeFolderAtomic } from "../base/io";
import { type RenderOptions, type SourceFile, renderReport } from "./markdown";
import { versions } from "../base/meta";
import { packageRoot } from "../base/paths";
import { type Attachment, attachFile, pdfReader } from "./pdf";
import { type DocumentInput, reportHtml } from "./html";
import { HOLE, type Layout, type Printed, printPaginated } from "./paginate";
import { type ReportMeta, readMeta, templateAuthorWarning } from "./meta";
import { reproduciblePdf, sourceDate } from "./reproducible";
import { normalizeParams } from "../notebook/session";
import { pretrain } from "./pretrain";
import { type Collected, collect, resultsFile, resultsJson } from "./results";
import { SOURCE_NAME, rendererIdentity, reportSource, sourceJson } from "./source";
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
  /** Seeds per run of the seed study (default 5; 2 in quick mode). */
  readonly seeds?: number;
  /** A false claim fails the build ("strict") or is logged ("warn"); default: strict, but warn in quick mode. */
  readonly claims?: "strict" | "warn";
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
  const names = readdirSync(dir)
    .filter((f) => f.endsWith(".md"))
    .sort();
  if (names.length === 0) throw new InputError(`${dir}: no markdown files`);
  return names.map((f) => {
    const path = join(dir, f);
    const rel = relative(root, path);
    return { name: rel.startsWith("..") ? path : rel, text: readFileSync(path, "utf8") };
  });
}

/** What a document is made of: the rendered markdown, results.json's text and the HTML's inputs. */
export interface ReportDocument {
  readonly rendered: ReturnType<typeof renderReport>;
  readonly results: string;
  readonly input: DocumentInput;
}

export interface DocumentOptions extends Pick<RenderOptions, "claims"> {
  readonly dataDir?: string;
  /** A formula cache kept between renders (the preview's). */
  readonly tex?: TexCache;
}

/** Render the report's sources against the notebooks' results, with its cover (report/meta.yaml). */
export function reportDocument(
  sources: readonly SourceFile[],
  collected: Collected,
  meta: ReportMeta,
  o: DocumentOptions = {},
): ReportDocument {
  const rendered = renderReport(sources, collected, { claims: o.claims, texCache: o.tex });
  const dataset = ([...collected.runs.values()][0]?.dataset ?? "mnist") as DatasetName;
  const results = resultsJson(
    resultsFile({
      collected,
      versions: versions(),
      tableOrder: rendered.tableOrder,
      captions: rendered.captions,
      dataset: { name: dataset, files: datasetFiles(dataset, o.dataDir) },
    }),
  );
  return { rendered, results, input: { rendered, collected, resultsJson: results, plotlyJs: plotlySource(), meta } };
}

export interface PrintedReport {
  /** With results.json attached. */
  readonly pdf: Uint8Array;
  /** The HTML printed (with the contents' page numbers and floats). */
  readonly html: string;
  readonly pageCount: number;
  /** Each page's blank fraction below its last line (null without pdftoppm). */
  readonly blank: readonly number[] | null;
  /** The settled layout: the contents' page numbers and the floats. */
  readonly layout: Layout;
}

/** results.json as the PDF carries it. */
const resultsAttachment = (json: string): Attachment => ({
  name: "results.json",
  content: json,
  description: "Every number of this report (tdt4265-a2-results/2)",
});

/**
 * Print the document until its layout settles (paginate.ts): the contents' page numbers and the
 * floats, always from no floats and no page numbers, so that the same document gives the same
 * layout whatever was built before.
 */
function printSettled(browser: Browser, input: DocumentInput) {
  const headings = input.rendered.headings.filter((h) => h.depth <= 2);
  return printPaginated(
    browser,
    (layout, layoutOnly) => reportHtml({ ...input, pages: layout.pages, floats: layout.floats }, layoutOnly),
    headings,
  );
}

/** The settled print (printSettled) with results.json attached: what the live preview serves. */
export async function printReport(browser: Browser, input: DocumentInput): Promise<PrintedReport> {
  const printed = await printSettled(browser, input);
  const r = resultsAttachment(input.resultsJson);
  const pdf = await attachFile(printed.pdf, r.name, r.content, r.description);
  return { pdf, html: printed.html, pageCount: printed.pageCount, blank: printed.blank, layout: printed.layout };
}

export async function buildReport(o: ReportOptions = {}): Promise<ReportOutput> {
  const log = o.log ?? ((l: string) => console.log(l));
  const root = packageRoot();
  const quick = o.quick ?? false;
  const outDir = o.outDir ?? join(root, "report", quick ? "out-quick" : "out");
  checkOutputFolder(outDir, OUTPUT_FILES);
  cellTimeout(o.cellTimeout);
  const notebooks = taskNotebooks(root);
  const params: Record<string, unknown> = {};
  if (quick) params.quick = true;
  if (o.dataDir) params.dataDir = o.dataDir;
  if (o.runs && Object.keys(o.runs).length) params.runs = o.runs;
  if (o.seeds !== undefined) params.seeds = o.seeds;
  const session = normalizeParams(params);
  const reportDir = o.reportDir ?? join(root, "report");
  const sources = reportSources(reportDir);
  const meta = readMeta(join(reportDir, "meta.yaml"));

  const start = performance.now();
  // The runs train while the notebooks execute: pretrain() claims the runs it trains before it
  // first waits (runcache.ts), so a notebook waits for the runs it needs instead of training them,
  // and meanwhile does what needs none (kernels starting, gradient checks). A failed run stops the
  // executors and fails the build with its error.
  const failedRun = new AbortController();
  const kernels = kernelChoice();
  log(`[kernels] ${kernels.backend === "native" ? "C" : "WebAssembly"} (${kernels.why})`);
  const training = pretrain(session, root, log).then(
    (t) => {
      log(`[runs] ${t.trained} trained, ${t.cached} from the run cache (${t.seconds.toFixed(0)} s)`);
      return t;
    },
    (e: unknown) => {
      failedRun.abort();
      throw e;
    },
  );
  // pdf.js for the render's reading of its prints, loaded while the main thread waits (a failure
  // shows where the render needs it).
  pdfReader().catch(() => undefined);
  const executing = executeNotebooks({
    notebooks,
    params,
    force: o.force,
    log,
    cellTimeout: o.cellTimeout,
    outDir: o.notebooksOut ?? executedDirs(root)[quick ? "quick" : "full"],
    signal: failedRun.signal,
  });
  // The first failure fails the build: a failed run once the executors have stopped; a failed
  // notebook at once (the runs in training stop with the process; their claims then go).
  const notebooksDone = executing.then((statuses) => {
    const failed = statuses.filter((s) => s.status === "failed");
    if (failed.length) throw new InputError(failed.map((s) => s.error).join("\n"));
    return statuses;
  });
  const [trained, statuses] = await Promise.all([training, notebooksDone]).catch(async (e: unknown) => {
    if (failedRun.signal.aborted) await Promise.allSettled([executing]);
    throw e;
  });

  const t0 = performance.now();
  // The notebooks' time after the last run.
  const notebookSeconds = (t0 - start) / 1000 - trained.seconds;
  const collected = collect(statuses.map((s) => s.output));
  const { rendered, results, input } = reportDocument(sources, collected, meta, {
    dataDir: o.dataDir,
    claims: o.claims ?? (quick ? "warn" : "strict"),
  });
  const held = rendered.claims.filter((c) => c.holds).length;
  log(
    `[render] ${sources.length} markdown files, ${rendered.figureOrder.length} figures, ${rendered.tableOrder.length} tables, ` +
      `${held} of ${rendered.claims.length} claims hold`,
  );
  if (held < rendered.claims.length) {
    log(`[claims] ${rendered.claims.length - held} do not hold on these runs and are not enforced (a draft); --claims strict lists them`);
  }
  const rel = (p: string) => (relative(root, p).startsWith("..") ? p : relative(root, p));
  const authors = templateAuthorWarning(meta, rel(join(reportDir, "meta.yaml")));
  if (authors) log(`[meta] ${authors}`);

  const browser = await Browser.launch();
  let printed: Printed, source: string;
  try {
    printed = await printSettled(browser, input);
    // What the PDF was rendered from, so that a grader can render it again (npm run verify).
    source = sourceJson(reportSource(sources, collected, meta, printed.layout, rendererIdentity(await browser.version())));
  } finally {
    await browser.close();
  }
  const { html, pageCount, blank } = printed;
  const pdf = await reproduciblePdf(printed.pdf, sourceDate(), [
    resultsAttachment(input.resultsJson),
    { name: SOURCE_NAME, content: source, description: "What this report was rendered from (tdt4265-a2-source/2)" },
  ]);
  const out = { pdf: join(outDir, "report.pdf"), html: join(outDir, "report.html"), results: join(outDir, "results.json") };
  writeFolderAtomic(outDir, [
    ["results.json", results],
    ["report.html", html],
    ["report.pdf", pdf],
  ]);
  log(`[results] ${rel(out.results)}`);
  log(`[html] ${rel(out.html)}`);
  blank?.forEach((b, i) => {
    if (i < blank.length - 1 && b > HOLE) log(`[layout] page ${i + 1} is ${Math.round(100 * b)} % blank below its last line`);
  });
  const end = performance.now();
  log(`[pdf] ${rel(out.pdf)} ${pageCount} pages (${((end - t0) / 1000).toFixed(1)} s)`);
  log(
    `[time] ${((end - start) / 1000).toFixed(0)} s: runs ${trained.seconds.toFixed(0)} s, notebooks ${notebookSeconds.toFixed(0)} s, ` +
      `render ${((end - t0) / 1000).toFixed(0)} s`,
  );
  return { ...out, pages: pageCount };
}
