// A class made from the quick report, for the grading end-to-end tests: each student's PDF is the
// report with a paragraph of their own prose, built as npm run report builds it (the HTML from the
// two attachments, printed by Chromium, both attached); forgeries edit the text, the attachments,
// or both consistently.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { embeddedFiles } from "../../src/grading/pdffile";
import { Renderer } from "../../src/grading/render";
import { buildReport } from "../../src/report/pipeline";
import { attachFile } from "../../src/report/pdf";
import { type ResultsFile, parseResults, resultsJson } from "../../src/report/results";
import { SOURCE_NAME, type ReportSource, documentFromSource, parseSource, sourceJson } from "../../src/report/source";

export interface Classroom {
  readonly results: ResultsFile;
  readonly resultsText: string;
  readonly source: ReportSource;
  /** The quick report's files. */
  readonly report: { readonly pdf: string; readonly html: string };
  readonly renderer: Renderer;
  /** A student's PDF: the report with "A remark by student k.", from these results, its HTML edited by `edit`. */
  student(k: number, results?: ResultsFile, edit?: (html: string) => string): Promise<Uint8Array>;
}

export const copy = (r: ResultsFile): any => JSON.parse(JSON.stringify(r));

/** Build the quick report into `dir` (notebooks from their cache) and read back what its PDF carries. */
export async function classroom(dir: string): Promise<Classroom> {
  const r = await buildReport({ quick: true, outDir: join(dir, "report"), log: () => {} });
  const files = await embeddedFiles(readFileSync(r.pdf), "report.pdf");
  const resultsText = new TextDecoder().decode(files.get("results.json"));
  const results = parseResults(resultsText, "results.json");
  const source = parseSource(new TextDecoder().decode(files.get(SOURCE_NAME)), SOURCE_NAME);
  const renderer = Renderer.open();
  return {
    results,
    resultsText,
    source,
    renderer,
    report: { pdf: r.pdf, html: r.html },
    async student(k, r2 = results, edit) {
      const last = source.sources.length - 1;
      const s: ReportSource = {
        ...source,
        sources: source.sources.map((f, i) => (i === last ? { ...f, text: `${f.text}\n\nA remark by student ${k}.\n` } : f)),
      };
      const text = resultsJson(r2);
      const doc = documentFromSource(r2, text, s, renderer.plotlyJs).html;
      const pdf = await attachFile(await renderer.print(edit ? edit(doc) : doc), "results.json", text, "test");
      return await attachFile(pdf, SOURCE_NAME, sourceJson(s), "test");
    },
  };
}

/** The results with 2c's validation accuracy set to 99.1 % in every table (and, with `recorded`, in the numbers too). */
export function forge2c(results: ResultsFile, recorded: boolean): ResultsFile {
  const f = copy(results);
  const real = results.tasks["2c"].valAccuracy;
  f.tables.forEach((t: { values: unknown[][]; rows: string[][] }) =>
    t.values.forEach((vs, i) =>
      vs.forEach((x, j) => {
        if (x === real && t.values[i][0] === "2c") {
          t.values[i][j] = 0.991;
          t.rows[i][j] = "99.100 %";
        }
      }),
    ),
  );
  if (recorded) f.tasks["2c"].valAccuracy = 0.991;
  return f;
}

/** A quick build labelled full. */
export function relabel(results: ResultsFile): ResultsFile {
  const f = copy(results);
  f.meta.mode = "full";
  f.meta.params = {};
  return f;
}
