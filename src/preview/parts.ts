// The live preview's unit of change: the document's parts (style sheet, title block, contents,
// one section per source file), each with a key that changes exactly when what the page shows of
// it changes (a section's key covers the figures it embeds), and the update that takes a page from
// one render to the next by sending only the parts whose key changed. Plain data, no I/O.
//
// May import: base, contract, report.

import { sha256 } from "../base/fingerprint";
import type { PlotlyFigure } from "../contract/contract";
import type { DocumentParts } from "../report/html";

export interface PartKeys {
  readonly css: string;
  readonly title: string;
  readonly toc: string;
  readonly sections: readonly string[];
}

/** What a page needs to go from one render to the next. */
export interface Update {
  readonly version: number;
  /** The page title (<title>). */
  readonly title: string;
  /** Every part's key after the update: a page whose keys differ where no part is sent is out of step. */
  readonly keys: PartKeys;
  readonly css?: string;
  readonly titleBlock?: string;
  readonly toc?: string;
  /** The sections sent, by index. */
  readonly sections: Readonly<Record<number, string>>;
  /** The specs of the figures in the sections sent. */
  readonly specs: Readonly<Record<string, PlotlyFigure>>;
}

/** The figure labels a section embeds, in order (the renderer's <div class="plotly" data-label="…">). */
export function sectionFigures(html: string): string[] {
  return [...html.matchAll(/<div class="plotly" data-label="([\w-]+)">/g)].map((m) => m[1]);
}

export function partKeys(p: DocumentParts): PartKeys {
  return {
    css: sha256(p.css),
    title: sha256(p.titleBlock),
    toc: sha256(p.toc),
    sections: p.sections.map((s) => sha256(s, ...sectionFigures(s).map((l) => JSON.stringify(p.specs[l] ?? null)))),
  };
}

/**
 * The update from a page showing `before` (its keys; null: nothing yet, send all) to `after`.
 * Sections are compared by index: one per source file, in name order.
 */
export function updateFrom(before: PartKeys | null, after: DocumentParts, version: number): Update {
  const keys = partKeys(after);
  const sections: Record<number, string> = {};
  const specs: Record<string, PlotlyFigure> = {};
  keys.sections.forEach((k, i) => {
    if (before?.sections[i] === k) return;
    sections[i] = after.sections[i];
    for (const label of sectionFigures(after.sections[i])) specs[label] = after.specs[label];
  });
  return {
    version,
    title: after.title,
    keys,
    ...(before?.css === keys.css ? {} : { css: after.css }),
    ...(before?.title === keys.title ? {} : { titleBlock: after.titleBlock }),
    ...(before?.toc === keys.toc ? {} : { toc: after.toc }),
    sections,
    specs,
  };
}

/** The place an error names, "report/02-task2.md:14: bad TeX …" → file and line (null when none). */
export function errorPlace(message: string): { file: string | null; line: number | null } {
  const m = /^([^\s:,]+\.(?:md|ipynb|css|js|json))(?::(\d+))?: /.exec(message);
  return m ? { file: m[1], line: m[2] ? Number(m[2]) : null } : { file: null, line: null };
}
