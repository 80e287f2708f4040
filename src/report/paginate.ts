// Printing the report until its layout settles: the contents' page numbers (from the printed PDF's
// bookmarks) and floats. A figure or table that does not fit at the bottom of a page moves to the
// next one and leaves a hole; like a LaTeX float, it is then moved down past the paragraph after
// it, so the text fills the hole. Where each figure and table landed comes from the PDF's named
// destinations (Chromium writes one per linked id), how blank each page is from layout.ts.
//
// May import: base, contract, report.

import type { Browser } from "./browser";
import { labelKind } from "../contract/contract";
import type { Heading } from "./markdown";
import { pageBlankness } from "./layout";
import { type Destination, type OutlineEntry, pdfDestinations, pdfOutline, printPdf } from "./pdf";

export interface Layout {
  /** The page of each heading id, as the contents show it. */
  readonly pages: ReadonlyMap<string, number>;
  /** Blocks each figure or table is moved down by, by label. */
  readonly floats: Readonly<Record<string, number>>;
}

export interface Printed {
  readonly pdf: Uint8Array;
  readonly html: string;
  readonly layout: Layout;
  readonly pageCount: number;
  /** Each page's blank fraction below its last line, or null without pdftoppm. */
  readonly blank: readonly number[] | null;
  readonly prints: number;
}

/** A page but the last with more than this blank is a hole (the build says so). */
export const HOLE = 0.25;
/** Floats move where a page is more blank than this: a margin below HOLE, so holes do not creep back. */
const FLOAT_AT = 0.18;
/** No figure moves down past more blocks than this. */
const MAX_FLOAT = 4;
/** Prints that may still move floats; after them only the page numbers are settled. */
const FLOAT_PRINTS = 5;
/** Prints at most (each a few seconds). */
const MAX_PRINTS = 8;
/** A destination this close to the top of the text area (in points) starts its page. */
const NEAR_TOP = 40;
/** The A4 page's top margin, in points (18 mm). */
const TOP_MARGIN = (18 / 25.4) * 72;

/**
 * The page each heading starts on, from the PDF's bookmarks (in document order; their titles lose
 * the spaces at line breaks, so they are compared without white space).
 */
export function headingPages(outline: readonly OutlineEntry[], headings: readonly Heading[]): Map<string, number> {
  const bare = (s: string) => s.replace(/\s+/g, "");
  const out = new Map<string, number>();
  let from = 0;
  for (const h of headings) {
    const i = outline.findIndex((e, k) => k >= from && bare(e.title) === bare(h.text));
    if (i < 0) continue;
    out.set(h.id, outline[i].page);
    from = i + 1;
  }
  return out;
}

/** The figure or table that starts each page, by 1-based page. */
export function pageStarters(dests: ReadonlyMap<string, Destination>, pageHeight: number): Map<number, string> {
  const out = new Map<number, string>();
  const top = pageHeight - TOP_MARGIN - NEAR_TOP;
  for (const [name, d] of dests) {
    if (labelKind(name) === null || d.top < top) continue;
    const prev = out.get(d.page);
    if (!prev || d.top > dests.get(prev)!.top) out.set(d.page, name);
  }
  return out;
}

/** New floats: the figure or table that starts the page after each hole moves one block further. */
export function adjustFloats(
  floats: Readonly<Record<string, number>>,
  blank: readonly number[],
  starters: ReadonlyMap<number, string>,
): Record<string, number> {
  const out = { ...floats };
  blank.forEach((b, i) => {
    if (i >= blank.length - 1 || b <= FLOAT_AT) return;
    const label = starters.get(i + 2);
    if (label && (out[label] ?? 0) < MAX_FLOAT) out[label] = (out[label] ?? 0) + 1;
  });
  return out;
}

const same = (a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>) =>
  a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

/**
 * Print `html(layout)` until the contents' page numbers are the printed ones and no float moves,
 * from no floats and no page numbers (a layout that depends only on the document), at most
 * MAX_PRINTS prints. While the layout moves, the prints are layout-only (`html(layout, true)`: the
 * charts as empty boxes of their size, no plotly.js); once one settles, the whole document is
 * printed with that layout and must settle too, else the prints go on whole. What is returned is
 * always a whole print whose layout settled (or the last, after MAX_PRINTS).
 */
export async function printPaginated(
  browser: Browser,
  html: (layout: Layout, layoutOnly: boolean) => string,
  headings: readonly Heading[],
): Promise<Printed> {
  let layout: Layout = { pages: new Map(), floats: {} };
  let layoutOnly = true;
  for (let prints = 1; ; prints++) {
    const text = html(layout, layoutOnly);
    const pdf = await printPdf(browser, text);
    // pdftoppm's pages (another process) while pdf-lib and pdf.js read the PDF here.
    const [outline, blank, dests] = await Promise.all([
      pdfOutline(pdf),
      pageBlankness(pdf),
      prints <= FLOAT_PRINTS ? pdfDestinations(pdf) : null,
    ]);
    const pages = headingPages(outline.entries, headings);
    let moved = layout.floats;
    if (blank && dests) moved = adjustFloats(layout.floats, blank, pageStarters(dests.names, dests.pageHeight));
    const settled = same(pages, layout.pages) && JSON.stringify(moved) === JSON.stringify(layout.floats);
    if (layoutOnly) {
      // The last prints may move nothing, so a whole print follows in time to be checked.
      if (settled || prints >= MAX_PRINTS - 1) layoutOnly = false;
      if (!settled) layout = { pages, floats: moved };
      continue;
    }
    if (settled || prints >= MAX_PRINTS) return { pdf, html: text, layout, pageCount: outline.pageCount, blank, prints };
    layout = { pages, floats: moved };
  }
}
