// The notebook file (nbformat 4) as the report pipeline reads it: the task notebooks, their
// executed copies (with what the executor stored under metadata "a2report") and the static images
// written into them. One reader, so that every stage names a file that is not a notebook the same
// way.
//
// May import: base.

import { readFileSync } from "node:fs";
import { InputError } from "../base/errors";

export type Bundle = Record<string, unknown>;

export interface Output {
  output_type?: string;
  data?: Bundle;
  metadata?: Record<string, unknown>;
}

export interface Cell {
  cell_type: string;
  source: string | string[];
  metadata?: { tags?: string[] };
  outputs?: Output[];
}

/** What the executor stores in an executed notebook's metadata (key "a2report"). */
export interface ExecutedMeta {
  /** Hash of everything but the run settings: code, library, data, other parameters, versions. */
  readonly cacheKey: string;
  /** The parameters the notebook was executed with. */
  readonly params: Record<string, unknown>;
}

export interface Notebook {
  cells: Cell[];
  metadata?: { a2report?: ExecutedMeta };
}

/** A source as one string (nbformat stores it as a string or a list of lines). */
export const sourceText = (s: unknown): string => (Array.isArray(s) ? s.join("") : typeof s === "string" ? s : "");

/** A notebook file; one line naming it when it is not readable JSON with a list of cells. */
export function readNotebook(path: string): Notebook {
  let nb: Notebook;
  try {
    nb = JSON.parse(readFileSync(path, "utf8")) as Notebook;
  } catch (e) {
    throw new InputError(`${path}: not a readable notebook (${(e as Error).message.split("\n")[0]})`);
  }
  if (!nb || !Array.isArray(nb.cells)) throw new InputError(`${path}: not a notebook (no "cells" list)`);
  return nb;
}
