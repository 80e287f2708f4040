// What checking one submitted PDF found, as plain data: findings, the status they add up to, and
// the outcome record that verify prints, writes as JSON (--json) and grade turns into a CSV row.
//
// May import: base.

import { printable } from "../base/text";

/** Where a finding comes from. */
export type FindingKind =
  | "attachment" // results.json or report-source.json missing, malformed or inconsistent
  | "mode" // the mode label disagrees with the runs' sizes
  | "page" // a page does not look like the report rendered from the attachments
  | "text" // a page's text is not the rendered report's
  | "rerun" // re-executing the runs does not give the reported number
  | "tolerance"; // a reported number is outside the grader's tolerance or band

export interface Finding {
  readonly kind: FindingKind;
  /** The number it concerns, "task.name", when there is one. */
  readonly key?: string;
  /** 1-based page, for page and text findings. */
  readonly page?: number;
  readonly message: string;
}

/** ok: checked, nothing found; differs: genuine but outside tolerances; tampered: the PDF does not show what was computed. */
export type Status = "ok" | "differs" | "tampered" | "unreadable" | "error";

export const STATUSES: readonly Status[] = ["ok", "differs", "tampered", "unreadable", "error"];

export function statusOf(findings: readonly Finding[]): Status {
  if (findings.some((f) => f.kind !== "tolerance")) return "tampered";
  return findings.length ? "differs" : "ok";
}

export const OUTCOME_FORMAT = "tdt4265-a2-verify/1";

/** One PDF's verification, as `verify --json` writes it and grade gathers it. */
export interface Outcome {
  readonly format: typeof OUTCOME_FORMAT;
  readonly file: string;
  readonly status: Status;
  /** The mode the runs' sizes show (full, quick, mixed), "" when unreadable. */
  readonly mode: string;
  /** Numbers checked: templated numbers and table cells compared, run numbers re-executed. */
  readonly checked: number;
  /** Whether the runs were re-executed. */
  readonly rerun: boolean;
  readonly findings: readonly Finding[];
  /** Why the file could not be read (status unreadable or error). */
  readonly error: string | null;
  readonly seconds: number;
}

/** The exit code of verify: 0 ok, 1 differs or tampered, 2 unreadable. */
export function exitCode(status: Status): number {
  return status === "ok" ? 0 : status === "differs" || status === "tampered" ? 1 : 2;
}

/** One line per finding (indented), then one line of summary; strings from the PDF escaped. */
export function outcomeLines(o: Outcome): string[] {
  const lines = o.findings.map((f) => `  ${printable(f.message)}`);
  const what = o.rerun ? "numbers checked, runs re-executed" : "numbers checked";
  if (o.status === "ok")
    lines.push(`${printable(o.file)}: ok: every page as rendered from its attachments, ${o.checked} ${what} (${o.mode})`);
  else if (o.status === "unreadable" || o.status === "error") lines.push(`${printable(o.file)}: ${o.status}: ${printable(o.error ?? "")}`);
  else
    lines.push(
      `${printable(o.file)}: ${o.status}: ${o.findings.length} finding${o.findings.length === 1 ? "" : "s"} (${o.checked} ${what}, ${o.mode || "mode unknown"})`,
    );
  return lines;
}
