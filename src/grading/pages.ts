// What a reader sees, compared: two PDFs' pages rasterized by poppler (pdftoppm, grey, low
// resolution) and compared pixel for pixel, and their words with positions (pdftotext -bbox)
// compared word for word. Differences come back as page regions, with the words the expected
// page shows there and those the other PDF's text has. Poppler runs as a child process with a
// time limit, on PDFs that passed pdffile.ts's bounds.
//
// May import: base.

import { execFile } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../base/errors";
import { tempFolder } from "../base/lifecycle";
import { readPgm } from "../report/layout";

/** Rasterizing resolution: A4 is 413 × 585 pixels; a digit of 8.5 pt is about 6 pixels high. */
export const DPI = 50;

/** Time a poppler tool may take on one PDF. */
const TOOL_SECONDS = 60;

function run(cmd: string, args: readonly string[], what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      { timeout: TOOL_SECONDS * 1000, maxBuffer: 256 << 20, encoding: "utf8", killSignal: "SIGKILL" },
      (err, stdout, stderr) => {
        if ((err as NodeJS.ErrnoException | null)?.code === "ENOENT") {
          reject(new InputError(`${cmd} is missing: apt-get install -y poppler-utils`));
        } else if (err) {
          const why = err.killed ? `took more than ${TOOL_SECONDS} s` : (stderr.trim().split("\n").pop() ?? err.message);
          reject(new InputError(`${what}: poppler cannot read it (${cmd}: ${why})`));
        } else resolve(stdout);
      },
    );
  });
}

/** The page count poppler sees. */
export async function pageCount(path: string, what: string): Promise<number> {
  const info = await run("pdfinfo", [path], what);
  const m = /^Pages:\s+(\d+)/m.exec(info);
  if (!m) throw new InputError(`${what}: not a readable PDF (pdfinfo finds no pages)`);
  return Number(m[1]);
}

export interface Raster {
  readonly width: number;
  readonly height: number;
  /** Grey levels, row by row. */
  readonly pixels: Uint8Array;
}

/** Pages 1…`pages` as grey rasters at DPI. */
export async function rasterize(path: string, pages: number, what: string): Promise<Raster[]> {
  const { dir, remove } = tempFolder("a2-pages-");
  try {
    await run("pdftoppm", ["-r", String(DPI), "-gray", "-f", "1", "-l", String(pages), path, join(dir, "p")], what);
    const files = readdirSync(dir)
      .filter((f) => f.endsWith(".pgm"))
      .sort((a, b) => Number(/(\d+)\.pgm$/.exec(a)![1]) - Number(/(\d+)\.pgm$/.exec(b)![1]));
    return files.map((f) => readPgm(readFileSync(join(dir, f))));
  } finally {
    remove();
  }
}

export interface Word {
  readonly text: string;
  /** In points from the page's top left corner. */
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const unescapeXml = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) =>
    e[0] === "#"
      ? String.fromCodePoint(e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : Number(e.slice(1)))
      : ENTITIES[e.toLowerCase()],
  );

/** Each page's words with their boxes, from pdftotext -bbox. */
export async function pageWords(path: string, pages: number, what: string): Promise<Word[][]> {
  const xml = await run("pdftotext", ["-bbox", "-enc", "UTF-8", "-f", "1", "-l", String(pages), path, "-"], what);
  return xml
    .split(/<page\b/)
    .slice(1)
    .map((page) =>
      [...page.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((m) => ({
        text: unescapeXml(m[5]),
        x0: Number(m[1]),
        y0: Number(m[2]),
        x1: Number(m[3]),
        y1: Number(m[4]),
      })),
    );
}

/**
 * Each page's words in reading order, from pdftotext over a region far larger than the page: text
 * placed outside the page is text too (a reader does not see it; a text extractor may read it).
 */
export async function pageTexts(path: string, pages: number, what: string): Promise<string[][]> {
  const text = await run(
    "pdftotext",
    ["-enc", "UTF-8", "-x", "-20000", "-y", "-20000", "-W", "50000", "-H", "50000", "-f", "1", "-l", String(pages), path, "-"],
    what,
  );
  const out = text.split("\f").map((p) => p.split(/\s+/).filter((w) => w !== ""));
  // pdftotext ends every page with a form feed: the last piece is empty.
  return out.slice(0, Math.min(pages, Math.max(0, out.length - 1)));
}

/** A region of a page, in points from the top left corner. */
export interface Box {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/**
 * The regions where two rasters of one page differ: rows with differing pixels are grouped into
 * bands (gaps under 4 pixels joined), each band's differing columns into boxes (gaps under 8).
 * Different sizes are one box over the whole page.
 */
export function differingBoxes(a: Raster, b: Raster): Box[] {
  const pt = (px: number) => (px * 72) / DPI;
  if (a.width !== b.width || a.height !== b.height)
    return [{ x0: 0, y0: 0, x1: pt(Math.max(a.width, b.width)), y1: pt(Math.max(a.height, b.height)) }];
  const { width, height } = a;
  const rowDiffers = (y: number) => {
    for (let x = 0, i = y * width; x < width; x++, i++) if (a.pixels[i] !== b.pixels[i]) return true;
    return false;
  };
  const groups = (flags: boolean[], gap: number): [number, number][] => {
    const out: [number, number][] = [];
    flags.forEach((f, i) => {
      if (!f) return;
      const last = out[out.length - 1];
      if (last && i - last[1] <= gap) last[1] = i;
      else out.push([i, i]);
    });
    return out;
  };
  const boxes: Box[] = [];
  for (const [y0, y1] of groups(
    Array.from({ length: height }, (_, y) => rowDiffers(y)),
    3,
  )) {
    const cols = Array.from({ length: width }, (_, x) => {
      for (let y = y0; y <= y1; y++) if (a.pixels[y * width + x] !== b.pixels[y * width + x]) return true;
      return false;
    });
    for (const [x0, x1] of groups(cols, 7)) boxes.push({ x0: pt(x0), y0: pt(y0), x1: pt(x1 + 1), y1: pt(y1 + 1) });
  }
  return boxes;
}

/**
 * The words whose boxes meet a region (grown by `margin` points), in reading order; with `around`,
 * also the word before the first and after the last (a number's unit beside it: "86.200" "%,").
 */
export function wordsIn(words: readonly Word[], box: Box, around = 0, margin = 1.5): string {
  const hit = words
    .map((w, i) => (w.x1 >= box.x0 - margin && w.x0 <= box.x1 + margin && w.y1 >= box.y0 - margin && w.y0 <= box.y1 + margin ? i : -1))
    .filter((i) => i >= 0);
  if (hit.length === 0) return "";
  if (around === 0) return hit.map((i) => words[i].text).join(" ");
  return words
    .slice(Math.max(0, hit[0] - around), hit[hit.length - 1] + around + 1)
    .map((w) => w.text)
    .join(" ");
}

/**
 * How one page's words (`b`, submitted) differ from another's (`a`, expected): the words `b` has
 * beyond `a` and those it lacks, counted as multisets (so text moved elsewhere on the page reads as
 * moved, not as everything after it changed), each in its page order; `missingAt` are the lacking
 * words' indices in `a`. Null when the sequences are equal; empty lists when only the order differs.
 */
export function wordDifference(
  a: readonly string[],
  b: readonly string[],
): { extra: string[]; missing: string[]; missingAt: number[] } | null {
  if (a.length === b.length && a.every((w, i) => w === b[i])) return null;
  const left = new Map<string, number>();
  for (const w of b) left.set(w, (left.get(w) ?? 0) + 1);
  const missing: string[] = [],
    missingAt: number[] = [];
  a.forEach((w, i) => {
    const n = left.get(w) ?? 0;
    if (n > 0) left.set(w, n - 1);
    else {
      missing.push(w);
      missingAt.push(i);
    }
  });
  const spare = new Map<string, number>();
  for (const w of a) spare.set(w, (spare.get(w) ?? 0) + 1);
  const extra: string[] = [];
  for (const w of b) {
    const n = spare.get(w) ?? 0;
    if (n > 0) spare.set(w, n - 1);
    else extra.push(w);
  }
  return { extra, missing, missingAt };
}
