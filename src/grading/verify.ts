// Grading: a report PDF's table text checked against the results it carries (npm run verify), so a
// hand-edited number is caught.
//
// May import: base, report (and what report may import).

import type { ResultsFile } from "../report/results";

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
