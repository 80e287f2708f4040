// npm run grade: a class in one command. Every PDF of a folder verified (verify.ts) with one
// browser, several at a time; the outcomes as a CSV (one row per file) and a markdown summary.
//
// May import: base, mlp, contract, report.

import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { InputError } from "../base/errors";
import { printable } from "../base/text";
import { type Outcome, STATUSES } from "./outcome";
import type { Renderer } from "./render";
import { type VerifyOptions, verifyPdf } from "./verify";

/** The PDFs of a folder and its subfolders (one level: a folder per student), sorted. */
export function listPdfs(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(`${dir}: no such folder`);
  const out: string[] = [];
  const walk = (d: string, depth: number) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory() && depth < 1 && !e.name.startsWith(".")) walk(p, depth + 1);
      else if (e.isFile() && e.name.toLowerCase().endsWith(".pdf")) out.push(p);
    }
  };
  walk(dir, 0);
  if (out.length === 0) throw new InputError(`${dir}: no PDF files in this folder`);
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export interface GradeOptions extends Omit<VerifyOptions, "name" | "renderer"> {
  readonly renderer: Renderer;
  /** PDFs verified at a time. */
  readonly jobs: number;
  /** Called as each file is done. */
  readonly onOutcome?: (o: Outcome, done: number, total: number) => void;
}

/** Verify the PDFs `files` of `dir` (listPdfs(dir)), `jobs` at a time; outcomes in file order, named relative to `dir`. */
export async function gradeFolder(dir: string, files: readonly string[], o: GradeOptions): Promise<Outcome[]> {
  const out: Outcome[] = new Array(files.length);
  let next = 0,
    done = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      out[i] = await verifyPdf(files[i], { ...o, name: relative(dir, files[i]) });
      o.onOutcome?.(out[i], ++done, files.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.jobs, files.length)) }, worker));
  return out;
}

// ---- CSV --------------------------------------------------------------------------------------

/** The CSV's columns; `seconds` is the only one that depends on timing. */
export const CSV_COLUMNS = ["file", "status", "mode", "checked", "findings", "differing", "reason", "seconds"] as const;

/**
 * One CSV field: control characters escaped, quoted when it holds a comma, quote or line break,
 * and a leading =, +, - or @ (a spreadsheet formula) made text with an apostrophe.
 */
export function csvField(v: string | number): string {
  if (typeof v === "number") return String(v);
  let s = printable(v);
  if (/^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The keys of the numbers an outcome finds wrong, once each, in order. */
export function differingKeys(o: Outcome): string[] {
  return [...new Set(o.findings.flatMap((f) => (f.key ? [f.key] : [])))];
}

/** Why a row is not ok, in one line: the error, or the first finding and how many more. */
export function reason(o: Outcome): string {
  if (o.error) return o.error;
  if (o.findings.length === 0) return "";
  return o.findings[0].message + (o.findings.length > 1 ? ` (and ${o.findings.length - 1} more)` : "");
}

export function csvRow(o: Outcome): string[] {
  return [
    o.file,
    o.status,
    o.mode,
    String(o.checked),
    String(o.findings.length),
    differingKeys(o).join(" "),
    reason(o),
    o.seconds.toFixed(2),
  ];
}

/** The whole CSV: a header, one row per outcome, CRLF-free. */
export function gradeCsv(outcomes: readonly Outcome[]): string {
  const lines = [CSV_COLUMNS.join(","), ...outcomes.map((o) => csvRow(o).map(csvField).join(","))];
  return lines.join("\n") + "\n";
}

// ---- summary ----------------------------------------------------------------------------------

const md = (s: string) => printable(s).replace(/\|/g, "\\|").replace(/`/g, "\\`");

/** The markdown summary: counts by status, then every file that is not ok with its reason. */
export function gradeSummary(dir: string, outcomes: readonly Outcome[], seconds: number, how: string, rerun: boolean): string {
  const n = outcomes.length;
  const lines = [
    `## Grading of ${md(dir)}`,
    "",
    `${n} PDF${n === 1 ? "" : "s"}${rerun ? ", runs re-executed" : ""}, in ${seconds.toFixed(1)} s (${(seconds / Math.max(1, n)).toFixed(2)} s per PDF, ${how})`,
    "",
    "| status | files |",
    "|---|---:|",
    ...STATUSES.filter((s) => outcomes.some((o) => o.status === s)).map(
      (s) => `| ${s} | ${outcomes.filter((o) => o.status === s).length} |`,
    ),
  ];
  const bad = outcomes.filter((o) => o.status !== "ok");
  if (bad.length) {
    lines.push("", "| file | status | mode | differing | reason |", "|---|---|---|---|---|");
    for (const o of bad) {
      const keys = differingKeys(o);
      lines.push(
        `| ${md(o.file)} | ${o.status} | ${o.mode} | ${md(keys.slice(0, 4).join(", ") + (keys.length > 4 ? ", …" : ""))} | ${md(reason(o).slice(0, 160))} |`,
      );
    }
  }
  return lines.join("\n") + "\n";
}
