// Grading: a build's numbers read from any of its forms (a results file, a report PDF's attached
// results, a folder of executed notebooks), flattened to "task.name" → value.
//
// May import: base, report (and what report may import).

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../base/errors";
import { type PdfContents, readPdf } from "../report/pdf";
import { type ResultsFile, collect, parseResults } from "../report/results";

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
