// npm run verify on one PDF: what a reader sees is what was computed. The PDF is opened within
// bounds (pdffile.ts); its results.json is checked against itself (consistency.ts); the report is
// rendered again from its results.json and report-source.json and printed by the same Chromium
// (render.ts); the two PDFs' pages are compared as images and word for word (pages.ts), so a
// number that is edited, covered, redrawn, or hidden anywhere on a page shows as a difference;
// with a rerun, the runs are re-executed (rerun.ts); with a reference or tolerance rules, the
// numbers are compared with them (tolerance.ts). The outcome is plain data (outcome.ts).
//
// May import: base, mlp, contract, report.

import { existsSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../base/errors";
import { tempFolder } from "../base/lifecycle";
import { formatNumber } from "../contract/format";
import type { ResultsFile } from "../report/results";
import { SOURCE_NAME, type ReportSource, documentFromSource, parseSource } from "../report/source";
import { checkResults } from "./consistency";
import { type Numbers, attachedResults, fromResults, readAttachments, readBounded } from "./numbers";
import { type Finding, OUTCOME_FORMAT, type Outcome, statusOf } from "./outcome";
import { LIMITS } from "./pdffile";
import {
  type Box,
  type Raster,
  type Word,
  differingBoxes,
  pageCount,
  pageTexts,
  pageWords,
  rasterize,
  wordDifference,
  wordsIn,
} from "./pages";
import { type Renderer, rendererDifferences } from "./render";
import { type RerunOptions, rerunResults } from "./rerun";
import { EXACT, type Tolerances, judge } from "./tolerance";

export interface VerifyOptions {
  readonly renderer: Renderer;
  /** Re-execute the runs. */
  readonly rerun?: RerunOptions | null;
  /** A reference build's numbers, compared under `tolerance`. */
  readonly reference?: Numbers | null;
  readonly tolerance?: Tolerances;
  /** The file's name in the outcome (default: the path). */
  readonly name?: string;
}

/** At most this many page or text findings per PDF are listed; the rest are counted. */
const MAX_LISTED = 12;

const pt = (b: Box) => `x ${b.x0.toFixed(0)}–${b.x1.toFixed(0)} pt, y ${b.y0.toFixed(0)}–${b.y1.toFixed(0)} pt`;
const quote = (s: string, n = 60) => JSON.stringify(s.length > n ? s.slice(0, n) + "…" : s);

/** The recorded numbers a phrase shows as whole words ("46.000 %" → 2c.valAccuracy), the longest renderings first. */
function keysShown(phrase: string, r: ResultsFile): string[] {
  const out: [string, number][] = [];
  // Punctuation around words ("(46.000", "%),") is not part of a number.
  const padded = ` ${phrase
    .split(/\s+/)
    .map((w) => w.replace(/^[([]+|[)\],;:.!?]+$/g, ""))
    .join(" ")} `;
  for (const [task, names] of Object.entries(r.tasks)) {
    for (const [name, v] of Object.entries(names)) {
      const f = r.formats?.[task]?.[name];
      const shown = f ? formatNumber(v, f) : "";
      if (shown && (shown.length > 1 || phrase.trim() === shown) && padded.includes(` ${shown} `))
        out.push([`${task}.${name}`, shown.length]);
    }
  }
  return out.sort((a, b) => b[1] - a[1]).map(([k]) => k);
}

/** Page and text findings: the submitted pages against the pages rendered from the attachments. */
function comparePages(
  ours: readonly Raster[],
  theirs: readonly Raster[],
  ourText: readonly string[][],
  theirText: readonly string[][],
  ourWords: readonly Word[][],
  theirWords: readonly Word[][],
  r: ResultsFile,
): Finding[] {
  const out: Finding[] = [];
  if (ours.length !== theirs.length) {
    out.push({ kind: "page", message: `the PDF has ${theirs.length} pages, the report rendered from its attachments ${ours.length}` });
  }
  for (let p = 0; p < Math.min(ours.length, theirs.length); p++) {
    const page = p + 1;
    const words = ourText[p] ?? [];
    const d = wordDifference(words, theirText[p] ?? []);
    if (d) {
      // The recorded numbers among the lacking words, read with a word either side ("71.100" "%").
      const keys = [...new Set(d.missingAt.flatMap((i) => keysShown(words.slice(Math.max(0, i - 1), i + 2).join(" "), r)))];
      const extra = quote(d.extra.join(" ")),
        missing = quote(d.missing.join(" "));
      const what =
        d.extra.length && d.missing.length
          ? `its text reads ${extra} where the report reads ${missing}`
          : d.extra.length
            ? `its text has ${extra}, which the report does not`
            : d.missing.length
              ? `its text lacks ${missing}`
              : "its text is in another order than the report's";
      out.push({
        kind: "text",
        page,
        ...(keys.length ? { key: keys[0] } : {}),
        message: `page ${page}: ${what}` + (keys.length ? ` (${keys.slice(0, 3).join(", ")})` : ""),
      });
    }
    for (const box of differingBoxes(ours[p], theirs[p])) {
      const shown = wordsIn(ourWords[p] ?? [], box),
        hidden = wordsIn(theirWords[p] ?? [], box);
      // A number's unit may lie just outside the box ("71.100" "%"): read a word either side for its key.
      const keys = keysShown(wordsIn(ourWords[p] ?? [], box, 1), r);
      out.push({
        kind: "page",
        page,
        ...(keys.length ? { key: keys[0] } : {}),
        message:
          `page ${page}: what it shows at ${pt(box)} is not the report rendered from its attachments` +
          (shown ? `, which shows ${quote(shown)} there` : "") +
          (hidden !== shown ? `; the PDF's text there: ${quote(hidden)}` : "") +
          (keys.length ? ` (${keys.slice(0, 3).join(", ")})` : ""),
      });
    }
  }
  return out;
}

/** Students' numbers against a reference (and bands) under tolerance rules. */
function toleranceFindings(r: ResultsFile, reference: Numbers | null, t: Tolerances): Finding[] {
  const ours = fromResults(r);
  const out: Finding[] = [];
  for (const [key, v] of ours) {
    if (typeof v !== "number") {
      if (reference?.has(key) && reference.get(key) !== v) {
        out.push({ kind: "tolerance", key, message: `${key} is ${v}, the reference ${String(reference.get(key))}` });
      }
      continue;
    }
    const ref = reference?.get(key);
    if (reference && ref === undefined) continue;
    const verdict = judge(key, v, typeof ref === "number" ? ref : null, t);
    if (verdict === "outside band") out.push({ kind: "tolerance", key, message: `${key} = ${v} is outside its band` });
    else if (verdict === "differ")
      out.push({ kind: "tolerance", key, message: `${key} = ${v}, the reference ${String(ref)} (beyond the tolerance)` });
  }
  if (reference) {
    const missing = [...reference.keys()].filter((k) => !ours.has(k) && !k.startsWith("run ") && judge(k, 0, 0, t) !== "ignored");
    if (missing.length)
      out.push({
        kind: "tolerance",
        key: missing[0],
        message: `the report lacks ${missing.length} numbers of the reference: ${missing.slice(0, 5).join(", ")}`,
      });
  }
  return out;
}

interface Opened {
  readonly results: ResultsFile;
  readonly resultsText: string;
  readonly source: ReportSource;
}

/** The PDF's bytes within bounds and its two attachments; InputError when it cannot be read. */
async function open(path: string, what: string): Promise<Opened> {
  const files = await readAttachments(readBounded(path), what);
  const { results, text: resultsText } = attachedResults(what, files);
  const src = files.get(SOURCE_NAME);
  if (!src)
    throw new InputError(`${what}: no embedded ${SOURCE_NAME}: what it shows cannot be rendered again (rebuild it with npm run report)`);
  const source = parseSource(new TextDecoder().decode(src), `${what} (embedded ${SOURCE_NAME})`);
  return { results, resultsText, source };
}

/** Verify one PDF; never throws for a bad file (status unreadable), only for a broken machine. */
export async function verifyPdf(path: string, o: VerifyOptions): Promise<Outcome> {
  const t0 = performance.now();
  const name = o.name ?? path;
  const outcome = (p: Omit<Outcome, "format" | "file" | "seconds">): Outcome => ({
    format: OUTCOME_FORMAT,
    file: name,
    ...p,
    seconds: Math.round((performance.now() - t0) / 10) / 100,
  });
  const unreadable = (e: unknown): Outcome => {
    if (!(e instanceof InputError)) throw e;
    return outcome({ status: "unreadable", mode: "", checked: 0, rerun: false, findings: [], error: e.message });
  };
  let opened: Opened;
  try {
    if (!existsSync(path)) throw new InputError(`${name}: no such file`);
    if (!statSync(path).isFile()) throw new InputError(`${name}: not a file`);
    opened = await open(path, name);
  } catch (e) {
    return unreadable(e);
  }
  const { results, resultsText, source } = opened;
  const consistency = checkResults(results, source);
  const findings: Finding[] = [...consistency.findings];
  let checked = consistency.checked;

  // The report again from the attachments, printed, and compared page by page.
  let error: string | null = null;
  const { dir, remove } = tempFolder("a2-verify-");
  try {
    const theirPages = await pageCount(path, name);
    if (theirPages > LIMITS.pages) throw new InputError(`${name}: ${theirPages} pages, more than the ${LIMITS.pages} a report may have`);
    let rebuilt: ReturnType<typeof documentFromSource> | null = null;
    try {
      rebuilt = documentFromSource(results, resultsText, source, o.renderer.plotlyJs);
    } catch (e) {
      findings.push({
        kind: "attachment",
        message: `the report cannot be rendered from its attachments: ${(e as Error).message.split("\n")[0]}`,
      });
    }
    if (rebuilt) {
      const order = rebuilt.rendered.tableOrder;
      for (const t of results.tables) {
        const at = order.indexOf(t.label);
        if ((at < 0 ? null : at + 1) !== t.number) {
          findings.push({
            kind: "attachment",
            message: `results.json numbers table ${t.label} ${t.number ?? "(not shown)"}, the report shows it as ${at < 0 ? "nothing" : `Table ${at + 1}`}`,
          });
        }
      }
      checked += (rebuilt.html.match(/<span class="num" data-key=/g) ?? []).length;
      let pdf: Uint8Array | null = null;
      try {
        pdf = await o.renderer.print(rebuilt.html);
      } catch (e) {
        // A document that asks for the network, never finishes drawing or fails to: the attachments are not a report's.
        if (!(e instanceof InputError) && !/timeout|Timed out|failed to draw/i.test((e as Error).message)) throw e;
        findings.push({
          kind: "attachment",
          message: `the report rendered from its attachments does not print: ${(e as Error).message.split("\n")[0]}`,
        });
      }
      if (pdf) {
        const ourPath = join(dir, "rendered.pdf");
        writeFileSync(ourPath, pdf);
        const pages = Math.min(theirPages, LIMITS.pages);
        const [ours, theirs, ourText, theirText] = await Promise.all([
          rasterize(ourPath, LIMITS.pages, "the rendered report"),
          rasterize(path, pages, name),
          pageTexts(ourPath, LIMITS.pages, "the rendered report"),
          pageTexts(path, pages, name),
        ]);
        // Where the words are is needed only to name what differs.
        const same =
          ours.length === theirs.length &&
          ours.every((r, i) => Buffer.compare(r.pixels, theirs[i].pixels) === 0) &&
          ourText.every((w, i) => w.join(" ") === (theirText[i] ?? []).join(" "));
        const [ourWords, theirWords] = same
          ? [[], []]
          : await Promise.all([pageWords(ourPath, ours.length, "the rendered report"), pageWords(path, pages, name)]);
        const seen = same ? [] : comparePages(ours, theirs, ourText, theirText, ourWords, theirWords, results);
        findings.push(...seen.slice(0, MAX_LISTED));
        if (seen.length > MAX_LISTED)
          findings.push({ kind: "page", message: `and ${seen.length - MAX_LISTED} more differences on the pages` });
        const other = rendererDifferences(source.renderer, await o.renderer.identity());
        if (seen.length && other.length) {
          error = `${name}: its pages differ from the report rendered here, and it was rendered by another renderer: ${other.join(", ")}; verify it where it was built`;
        }
      }
    }
  } catch (e) {
    return unreadable(e);
  } finally {
    remove();
  }
  let reran = false;
  if (o.rerun) {
    const r = await rerunResults(results, o.rerun);
    findings.push(...r.findings);
    checked += r.checked;
    reran = r.runs > 0;
  }
  if (o.reference || (o.tolerance && o.tolerance !== EXACT))
    findings.push(...toleranceFindings(results, o.reference ?? null, o.tolerance ?? EXACT));
  const status =
    error && findings.every((f) => f.kind === "page" || f.kind === "text" || f.kind === "tolerance") ? "unreadable" : statusOf(findings);
  return outcome({ status, mode: consistency.mode, checked, rerun: reran, findings, error: status === "unreadable" ? error : null });
}
