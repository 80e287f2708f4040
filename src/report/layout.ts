// How full the printed pages are: each page rendered small and grey (poppler's pdftoppm), the
// lowest row with ink above the footer found, and the blank part of the text area below it
// reported. A page but the last that is more than a quarter blank is what a reader sees as a hole.
//
// May import: base.

import { spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempFolder } from "../base/lifecycle";

/** A4 with the report's margins: the text area's top and bottom as fractions of the page height. */
const TOP = 18 / 297,
  BOTTOM = 1 - 20 / 297;

/** A gray PGM (P5, 8 bit; comments allowed), as pdftoppm writes it → width, height, pixels row by row. */
export function readPgm(bytes: Uint8Array): { width: number; height: number; pixels: Uint8Array } {
  let at = 0;
  const fields: string[] = [];
  while (fields.length < 4) {
    while (at < bytes.length && /\s/.test(String.fromCharCode(bytes[at]))) at++;
    if (bytes[at] === 0x23) {
      while (at < bytes.length && bytes[at] !== 0x0a) at++;
      continue;
    }
    let tok = "";
    while (at < bytes.length && !/\s/.test(String.fromCharCode(bytes[at]))) tok += String.fromCharCode(bytes[at++]);
    fields.push(tok);
  }
  if (fields[0] !== "P5" || fields[3] !== "255") throw new Error("not an 8-bit binary PGM");
  const width = Number(fields[1]),
    height = Number(fields[2]);
  return { width, height, pixels: bytes.subarray(at + 1, at + 1 + width * height) };
}

/** The blank fraction of the text area below a page's last ink (0: full, 1: empty). */
export function blankBelow(page: { width: number; height: number; pixels: Uint8Array }): number {
  const top = Math.floor(page.height * TOP),
    bottom = Math.floor(page.height * BOTTOM);
  let last = top;
  for (let y = top; y < bottom; y++) {
    const row = page.pixels.subarray(y * page.width, (y + 1) * page.width);
    if (row.some((v) => v < 200)) last = y;
  }
  return (bottom - last) / (bottom - top);
}

/**
 * The blank fraction of every page of a PDF, or null when pdftoppm is not installed. pdftoppm runs
 * as its own process while the caller reads the PDF (printPaginated).
 */
export async function pageBlankness(pdf: Uint8Array): Promise<number[] | null> {
  const { dir, remove } = tempFolder("a2-layout-");
  try {
    const file = join(dir, "report.pdf");
    writeFileSync(file, pdf);
    const ok = await new Promise<boolean>((resolve) => {
      const child = spawn("pdftoppm", ["-r", "24", "-gray", file, join(dir, "p")], { stdio: "ignore" });
      child.on("error", () => resolve(false));
      child.on("close", (code) => resolve(code === 0));
    });
    if (!ok) return null;
    return readdirSync(dir)
      .filter((f) => f.endsWith(".pgm"))
      .sort()
      .map((f) => blankBelow(readPgm(readFileSync(join(dir, f)))));
  } finally {
    remove();
  }
}
