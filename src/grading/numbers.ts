// Grading: a build's numbers read from any of its forms (a results file, a report PDF's attached
// results, a folder of executed notebooks), flattened to "task.name" → value.
//
// May import: base, report (and what report may import).

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../base/errors";
import { type ResultsFile, collect, parseResults } from "../report/results";
import { LIMITS, embeddedFiles, scanPdf } from "./pdffile";

/** A build's numbers by "task.name", and run settings by "run ID.setting". */
export type Numbers = ReadonlyMap<string, number | string>;

/** Add each run's settings as "run ID.setting" (numbers as they are, anything else as JSON). */
function addRunSettings(out: Map<string, number | string>, runs: Iterable<readonly [string, object]>): Map<string, number | string> {
  for (const [id, cfg] of runs) {
    for (const [k, v] of Object.entries(cfg)) if (k !== "id") out.set(`run ${id}.${k}`, typeof v === "number" ? v : JSON.stringify(v));
  }
  return out;
}

/** A results file's numbers ("task.name") and run settings ("run ID.setting"). */
export function fromResults(r: ResultsFile): Map<string, number | string> {
  const out = new Map<string, number | string>();
  for (const [task, names] of Object.entries(r.tasks)) for (const [name, v] of Object.entries(names)) out.set(`${task}.${name}`, v);
  return addRunSettings(out, Object.entries(r.runs ?? {}));
}

/**
 * The results attached to a report PDF, from its embedded files by name (readAttachments, or
 * readPdf's attachments), parsed, and their text as attached.
 */
export function attachedResults(
  path: string,
  attachments: ReadonlyMap<string, Uint8Array>,
): { readonly results: ResultsFile; readonly text: string } {
  const att = attachments.get("results.json");
  if (!att) throw new InputError(`${path}: no embedded results.json (was it built by npm run report?)`);
  const text = new TextDecoder().decode(att);
  return { results: parseResults(text, `${path} (embedded results.json)`), text };
}

/** A file's bytes, refused unread when it is larger than any report (LIMITS.fileBytes). */
export function readBounded(path: string): Buffer {
  const size = statSync(path).size;
  if (size > LIMITS.fileBytes)
    throw new InputError(`${path}: ${(size / (1 << 20)).toFixed(0)} MB, more than the ${LIMITS.fileBytes >> 20} MB a report may have`);
  return readFileSync(path);
}

/** A PDF's embedded files, after its bounds are checked (scanPdf). */
export async function readAttachments(bytes: Uint8Array, path: string): Promise<Map<string, Uint8Array>> {
  scanPdf(bytes, path);
  return embeddedFiles(bytes, path);
}

/** Read a results file, a report PDF or a folder of executed notebooks. */
export async function loadNumbers(path: string): Promise<Numbers> {
  if (!existsSync(path)) throw new InputError(`${path}: no such file or folder`);
  if (statSync(path).isDirectory()) {
    const nbs = readdirSync(path)
      .filter((f) => f.endsWith(".ipynb"))
      .sort()
      .map((f) => join(path, f));
    if (nbs.length === 0) throw new InputError(`${path}: no executed notebooks (.ipynb) in this folder`);
    const c = collect(nbs);
    return addRunSettings(new Map([...c.numbers].map(([k, r]) => [k, r.value] as const)), c.runs);
  }
  const bytes = readBounded(path);
  if (bytes.subarray(0, 1024).toString("latin1").includes("%PDF-"))
    return fromResults(attachedResults(path, await readAttachments(bytes, path)).results);
  return fromResults(parseResults(bytes.toString("utf8"), path));
}
