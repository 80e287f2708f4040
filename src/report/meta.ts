// The report's cover, from the one file the student edits, report/meta.yaml: title, course,
// assignment, authors and date. A ReportMetaSpec is what the file says; normalizeMeta() checks it
// into a complete, frozen ReportMeta, naming the file and the field on bad input.
//
// May import: base.

import { existsSync, readFileSync } from "node:fs";
import { parse } from "yaml";
import { InputError } from "../base/errors";

export interface ReportMeta {
  readonly title: string;
  readonly course: string;
  readonly assignment: string;
  readonly authors: readonly string[];
  /** As written, e.g. "29 November 2026" (no build time: the same inputs give the same report). */
  readonly date: string;
}

export type ReportMetaSpec = Partial<Record<keyof ReportMeta, unknown>>;

const FIELDS: readonly (keyof ReportMeta)[] = ["title", "course", "assignment", "authors", "date"];

export function normalizeMeta(spec: unknown, where: string): ReportMeta {
  if (spec === null || typeof spec !== "object" || Array.isArray(spec))
    throw new InputError(`${where}: expected a mapping of ${FIELDS.join(", ")}`);
  const s = spec as ReportMetaSpec;
  for (const k of Object.keys(s)) {
    if (!(FIELDS as readonly string[]).includes(k)) throw new InputError(`${where}: unknown field "${k}": expected ${FIELDS.join(", ")}`);
  }
  const text = (k: keyof ReportMeta): string => {
    const v = s[k];
    if (typeof v === "number") return String(v);
    if (typeof v !== "string" || v.trim() === "") throw new InputError(`${where}: ${k} ${JSON.stringify(v ?? null)}: expected a text`);
    return v.trim();
  };
  const a = s.authors;
  const authors = typeof a === "string" ? [a] : a;
  if (!Array.isArray(authors) || authors.length === 0 || authors.some((x) => typeof x !== "string" || x.trim() === "")) {
    throw new InputError(`${where}: authors ${JSON.stringify(a ?? null)}: expected a name or a list of names`);
  }
  return Object.freeze({
    title: text("title"),
    course: text("course"),
    assignment: text("assignment"),
    authors: Object.freeze(authors.map((x: string) => x.trim())),
    date: text("date"),
  });
}

/** The author the project's report/meta.yaml names: a hand-in must name its students instead. */
export const TEMPLATE_AUTHOR = "The tdt4265-a2-report developers";

/** The build's warning when the cover still names the template's author, else null. */
export function templateAuthorWarning(meta: ReportMeta, path: string): string | null {
  return meta.authors.includes(TEMPLATE_AUTHOR)
    ? `${path}: the authors are still "${TEMPLATE_AUTHOR}": put your names there for a hand-in`
    : null;
}

/** Read report/meta.yaml (or the given file). */
export function readMeta(path: string): ReportMeta {
  if (!existsSync(path)) throw new InputError(`${path}: no such file: the report's title, course, assignment, authors and date go there`);
  let spec: unknown;
  try {
    spec = parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new InputError(`${path}: not valid YAML (${(e as Error).message.split("\n")[0]})`);
  }
  return normalizeMeta(spec, path);
}
