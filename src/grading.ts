// Grading: the numbers of a build (a results file, a report PDF's attached results, or a folder of
// executed notebooks) compared with another's, and a report PDF's table text checked against the
// results it carries, so a hand-edited number is caught.

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "./errors";
import { type PdfContents, readPdf } from "./pdf";
import { type ResultsFile, collect, parseResults } from "./results";

/** A build's numbers by "task.name", and run settings by "run ID.setting". */
export type Numbers = ReadonlyMap<string, number | string>;

/** Add each run's settings as "run ID.setting" (numbers as they are, anything else as JSON). */
function addRunSettings(out: Map<string, number | string>, runs: Iterable<readonly [string, object]>): Map<string, number | string> {
  for (const [id, cfg] of runs) {
    for (const [k, v] of Object.entries(cfg)) if (k !== "id") out.set(`run ${id}.${k}`, typeof v === "number" ? v : JSON.stringify(v));
  }
  return out;
}

function fromResults(r: ResultsFile): Map<string, number | string> {
  const out = new Map<string, number | string>();
  for (const [task, names] of Object.entries(r.tasks)) for (const [name, v] of Object.entries(names)) out.set(`${task}.${name}`, v);
  return addRunSettings(out, Object.entries(r.runs ?? {}));
}

/** The results attached to a report PDF (read with readPdf). */
export function attachedResults(path: string, pdf: PdfContents): ResultsFile {
  const att = pdf.attachments.get("results.json");
  if (!att) throw new InputError(`${path}: no embedded results.json (was it built by npm run report?)`);
  return parseResults(new TextDecoder().decode(att), `${path} (embedded results.json)`);
}

/** Read a results file, a report PDF or a folder of executed notebooks. */
export async function loadNumbers(path: string): Promise<Numbers> {
  if (!existsSync(path)) throw new InputError(`${path}: no such file or folder`);
  if (statSync(path).isDirectory()) {
    const nbs = readdirSync(path).filter((f) => f.endsWith(".ipynb")).sort().map((f) => join(path, f));
    if (nbs.length === 0) throw new InputError(`${path}: no executed notebooks (.ipynb) in this folder`);
    const c = collect(nbs);
    return addRunSettings(new Map([...c.numbers].map(([k, r]) => [k, r.value] as const)), c.runs);
  }
  const bytes = readFileSync(path);
  if (bytes.subarray(0, 5).toString("latin1") === "%PDF-") return fromResults(attachedResults(path, await readPdf(bytes, path)));
  return fromResults(parseResults(bytes.toString("utf8"), path));
}

export interface Difference {
  readonly key: string;
  readonly a: number | string | null;
  readonly b: number | string | null;
  /** |a − b| for two numbers, else null. */
  readonly difference: number | null;
}

/**
 * Keys whose values differ, and keys present on one side only. Two numbers agree when
 * |a − b| ≤ tolerance · max(1, |a|, |b|): absolute for losses and accuracies, relative for counts.
 */
export function compareNumbers(a: Numbers, b: Numbers, tolerance: number): Difference[] {
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  const out: Difference[] = [];
  for (const key of keys) {
    const x = a.get(key) ?? null, y = b.get(key) ?? null;
    if (typeof x === "number" && typeof y === "number") {
      const d = Math.abs(x - y);
      if (!(d <= tolerance * Math.max(1, Math.abs(x), Math.abs(y)))) out.push({ key, a: x, b: y, difference: d });
    } else if (x !== y) {
      out.push({ key, a: x, b: y, difference: null });
    }
  }
  return out;
}

/** The values that differ as a table (task, name, A, B, difference), then those on one side only. */
export function differenceTable(diffs: readonly Difference[]): string {
  const split = (key: string) => [key.slice(0, key.lastIndexOf(".")), key.slice(key.lastIndexOf(".") + 1)];
  const both = diffs.filter((d) => d.a !== null && d.b !== null);
  const parts: string[] = [];
  if (both.length) {
    const all = [["task", "name", "A", "B", "difference"],
      ...both.map((d) => [...split(d.key), String(d.a), String(d.b), d.difference === null ? "" : d.difference.toExponential(2)])];
    const widths = all[0].map((_, i) => Math.max(...all.map((r) => r[i].length)));
    parts.push(all.map((r) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd()).join("\n"));
  }
  for (const [side, pick] of [["A", (d: Difference) => d.b === null], ["B", (d: Difference) => d.a === null]] as const) {
    const only = diffs.filter(pick);
    if (only.length) parts.push(`only in ${side}: ` + only.map((d) => `${d.key} = ${String(side === "A" ? d.a : d.b)}`).join(", "));
  }
  return parts.join("\n");
}

export interface Mismatch {
  readonly table: number;
  readonly row: string;
  readonly column: string;
  readonly expected: string;
  readonly found: string;
}

/** Whitespace folded; a line broken after a hyphen joined again. */
const norm = (s: string) => s.replace(/[\s\u00a0\u2009\u202f]+/g, " ").replace(/- /g, "-").trim();

/**
 * Every numbered table of the results, found in the PDF's text by its caption and read cell by
 * cell in order; a cell whose text is not what the results say is a mismatch.
 */
export function verifyTables(pages: readonly string[], r: ResultsFile): Mismatch[] {
  const text = norm(pages.join("\n"));
  const out: Mismatch[] = [];
  for (const t of r.tables.filter((x) => x.number !== null)) {
    const head = norm(`Table ${t.number}: ${t.caption}`);
    const at = text.indexOf(head);
    if (at < 0) {
      out.push({ table: t.number!, row: "", column: "caption", expected: head, found: "(not found)" });
      continue;
    }
    let rest = text.slice(at + head.length).trimStart();
    const take = (expected: string): string => {
      const want = norm(expected);
      if (rest.startsWith(want)) {
        rest = rest.slice(want.length).trimStart();
        return want;
      }
      const words = rest.split(" ");
      const n = Math.max(1, want.split(" ").length);
      rest = words.slice(n).join(" ");
      return words.slice(0, n).join(" ");
    };
    for (const c of t.columns) take(c);
    t.rows.forEach((row, i) => {
      row.forEach((cell, j) => {
        const found = take(cell);
        if (found !== norm(cell)) out.push({ table: t.number!, row: row[0] || String(i + 1), column: t.columns[j], expected: norm(cell), found });
      });
    });
  }
  return out;
}
