// A small real report for the grading tests, built in seconds: the quick runs trained for real on
// a tiny dataset (4×4 images), recorded as the notebooks record them, two tables, a figure and
// a few pages of markdown with templated numbers, a seed study of 3c with two seeds; printed by Chromium and given its two
// attachments exactly as npm run report does. Tamper helpers edit such a PDF as a forger would.

import { mkdtempSync, writeFileSync } from "node:fs";
import { crc32, deflateSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PDFArray, PDFDocument, PDFName, type PDFRawStream, StandardFonts, decodePDFRawStream, rgb } from "pdf-lib";
import type { Recorded } from "../../src/contract/contract";
import { datasetFiles } from "../../src/mlp/data";
import { runPool } from "../../src/mlp/pool";
import type { TrainResult } from "../../src/mlp/train";
import { trainingCurves } from "../../src/notebook/figures";
import { seedNumbers, seedStudy, studyConfigs } from "../../src/notebook/seeds";
import { normalizeParams } from "../../src/notebook/session";
import { metricsTable } from "../../src/notebook/tables";
import { attachFile } from "../../src/report/pdf";
import { RESULTS_FORMAT, type ResultsFile, resultsJson } from "../../src/report/results";
import { expectedRuns, runRecords } from "../../src/report/runs";
import { SOURCE_FORMAT, SOURCE_NAME, type ReportSource, documentFromSource, sourceJson } from "../../src/report/source";
import { pageWords, type Word } from "../../src/grading/pages";
import type { Renderer } from "../../src/grading/render";
import { type TinySet, lcg, writeDatasetDir } from "../helpers";

/**
 * 4×4 images whose label's pixel is bright in two images of three, the others noise: a network
 * learns most of it, so accuracies land between 60 and 90 % and differ from run to run.
 */
function noisySet(count: number, seed: number): TinySet {
  const images = new Uint8Array(count * 16),
    labels = new Uint8Array(count);
  const next = lcg(seed);
  for (let i = 0; i < count; i++) {
    const label = Math.floor(next() * 10);
    labels[i] = label;
    for (let k = 0; k < 16; k++) images[i * 16 + k] = Math.floor(next() * 90);
    if (next() < 0.67) images[i * 16 + label] = 150 + Math.floor(next() * 105);
  }
  return { images, labels };
}

export interface Mini {
  readonly dataDir: string;
  readonly results: ResultsFile;
  readonly source: ReportSource;
  readonly trained: Record<string, TrainResult>;
}

const MARKDOWN = `## Task 1a: backpropagation

The baseline reaches {{2c.valAccuracy}} on the validation set after {{2c.steps}} steps with a learning rate of
{{runs.2c.learningRate}}; its training loss ends at {{2c.trainLoss}}.

## Task 1b: the update rule

$$w \\leftarrow w - \\alpha \\frac{\\partial C}{\\partial w}$$

## Task 2a: statistics
## Task 2b: gradient check
## Task 2c: training

{{embed tbl-metrics}}

{{embed fig-curves}}

## Task 2d: parameters
## Task 3a: initialisation

With improved weights, 3a ends at {{3a.valAccuracy}} (@tbl-metrics).

## Task 3b: sigmoid
## Task 3c: momentum
## Task 4a: fewer units

{{embed tbl-reference}}

## Task 4b: more units
## Task 4c: gradient check
## Task 4d: two layers
## Task 4e: ten layers
## Task 4f: ReLU
`;

/** Train the quick runs on a tiny dataset and assemble the results and source of a small report. */
export async function miniReport(): Promise<Mini> {
  const dataDir = writeDatasetDir(noisySet(2100, 1), noisySet(1100, 2));
  const configs = expectedRuns({ quick: true });
  const results = await runPool(configs, { dataDir, workers: 2 });
  const trained = Object.fromEntries(configs.map((c, i) => [c.id, results[i]]));
  // A seed study of 3c with two seeds, its config's keys sorted as a notebook's JSON output has them.
  const session = normalizeParams({ quick: true, seeds: 2, dataDir });
  const [study] = studyConfigs(session, ["3c"]);
  const studied = await runPool(study.configs, { dataDir, workers: 2 });
  const record = seedStudy(session, ["3c"], [studied]);
  const sorted = (o: object) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
  const seeds = { runs: record.runs.map((r) => ({ ...r, config: sorted(r.config) as typeof r.config })) };
  const recorded: Recorded[] = [...configs.flatMap((c) => runRecords(c.id, trained[c.id])), ...seedNumbers(seeds)];
  const tasks: Record<string, Record<string, number>> = {},
    formats: Record<string, Record<string, string>> = {};
  for (const r of recorded) {
    (tasks[r.task] ??= {})[r.name] = r.value;
    (formats[r.task] ??= {})[r.name] = r.format;
  }
  const metrics = metricsTable(["2c", "3a"].map((id) => ({ id, result: trained[id] })));
  const reference = metricsTable(["4a", "4b"].map((id) => ({ id, result: trained[id] })));
  const r: ResultsFile = {
    format: RESULTS_FORMAT,
    meta: {
      project: "tdt4265-a2-report",
      contract: 2,
      versions: { project: "0.1.0", tslab: null, node: process.version },
      preset: "test",
      mode: "quick",
      seeds: [1],
      params: { quick: true },
      notebooks: [],
      dataset: { name: "mnist", files: datasetFiles("mnist", dataDir) },
    },
    runs: Object.fromEntries(configs.map((c) => [c.id, c])),
    tasks,
    formats: formats as ResultsFile["formats"],
    measured: {},
    tables: [
      { label: "tbl-metrics", number: 1, caption: "Final metrics of two runs.", ...metrics },
      { label: "tbl-reference", number: 2, caption: "Final metrics of two more runs.", ...reference },
    ],
    seedStudy: seeds,
  };
  const source: ReportSource = {
    format: SOURCE_FORMAT,
    renderer: { project: "0.1.0", code: "test", marked: null, mathjax: null, plotly: null, chromium: "test" },
    sources: [
      { name: "00-title.md", text: "# A small report\n\nFor the grading tests.\n" },
      { name: "01-tasks.md", text: MARKDOWN },
    ],
    figures: [
      {
        label: "fig-curves",
        caption: "Training curves of 2c.",
        notebook: "test",
        figure: trainingCurves([{ id: "2c", result: trained["2c"] }]),
      },
    ],
    pages: null,
    floats: {},
    meta: { title: "A small report", course: "TDT4265", assignment: "Assignment 2", authors: ["A tester"], date: "today" },
  };
  return { dataDir, results: JSON.parse(resultsJson(r)) as ResultsFile, source, trained };
}

/** The PDF as npm run report makes it from these attachments (or an HTML edited by `edit`). */
export async function buildPdf(
  renderer: Renderer,
  results: ResultsFile,
  source: ReportSource,
  edit?: (html: string) => string,
): Promise<Uint8Array> {
  const text = resultsJson(results);
  const identity = await renderer.identity();
  const { html } = documentFromSource(results, text, { ...source, renderer: identity }, renderer.plotlyJs);
  let pdf = await renderer.print(edit ? edit(html) : html);
  pdf = await attachFile(pdf, "results.json", text, "test");
  return await attachFile(pdf, SOURCE_NAME, sourceJson({ ...source, renderer: identity }), "test");
}

export function tmpFile(name: string, bytes: Uint8Array | string): string {
  const p = join(mkdtempSync(join(tmpdir(), "grading-")), name);
  writeFileSync(p, bytes);
  return p;
}

/** The first word `text` on a page (0-based index) of a PDF, with its box in points from the top left. */
export async function findWord(pdf: Uint8Array, text: string): Promise<{ page: number; word: Word }> {
  const words = await pageWords(tmpFile("find.pdf", pdf), 100, "test");
  for (let p = 0; p < words.length; p++) {
    const w = words[p].find((x) => x.text === text);
    if (w) return { page: p, word: w };
  }
  throw new Error(`"${text}" is on no page`);
}

// ---- tampering ---------------------------------------------------------------------------------

/** A white rectangle over a word and another number drawn in its place. */
export async function coverAndRedraw(pdf: Uint8Array, page: number, w: Word, text: string): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf);
  const p = doc.getPages()[page],
    h = p.getHeight();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  p.drawRectangle({ x: w.x0 - 1, y: h - w.y1 - 1, width: w.x1 - w.x0 + 2, height: w.y1 - w.y0 + 2, color: rgb(1, 1, 1) });
  p.drawText(text, { x: w.x0, y: h - w.y1 + 2.5, size: (w.y1 - w.y0) * 0.75, font, color: rgb(0, 0, 0) });
  return await doc.save();
}

/** Digits as seven-segment strokes, an SVG path of height `size` (no text at all). */
export function digitPath(digits: string, size: number): string {
  const w = size * 0.5,
    h = size / 2;
  const seg: Record<string, string> = {
    a: `M0 0 L${w} 0`,
    b: `M${w} 0 L${w} ${h}`,
    c: `M${w} ${h} L${w} ${size}`,
    d: `M0 ${size} L${w} ${size}`,
    e: `M0 ${h} L0 ${size}`,
    f: `M0 0 L0 ${h}`,
    g: `M0 ${h} L${w} ${h}`,
  };
  const on: Record<string, string> = {
    0: "abcdef",
    1: "bc",
    2: "abged",
    3: "abgcd",
    4: "fgbc",
    5: "afgcd",
    6: "afgedc",
    7: "abc",
    8: "abcdefg",
    9: "abcdfg",
  };
  let x = 0,
    out = "";
  for (const ch of digits) {
    if (on[ch])
      out +=
        on[ch]
          .split("")
          .map((s) => seg[s].replace(/(M|L)(\S+) (\S+)/g, (_, op, a, b) => `${op}${Number(a) + x} ${b}`))
          .join(" ") + " ";
    else if (ch === ".") out += `M${x} ${size} L${x + 0.6} ${size} `;
    x += ch === "." ? size * 0.3 : size * 0.75;
  }
  return out.trim();
}

/** Digits drawn as a vector path at a word's place (over whatever is there). */
export async function drawPathOver(pdf: Uint8Array, page: number, w: Word, digits: string): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf);
  const p = doc.getPages()[page],
    h = p.getHeight();
  p.drawRectangle({ x: w.x0 - 1, y: h - w.y1 - 1, width: w.x1 - w.x0 + 2, height: w.y1 - w.y0 + 2, color: rgb(1, 1, 1) });
  p.drawSvgPath(digitPath(digits, (w.y1 - w.y0) * 0.6), { x: w.x0, y: h - w.y0 - 2, borderColor: rgb(0, 0, 0), borderWidth: 0.6 });
  return await doc.save();
}

/** An image (PNG) drawn over a word. */
export async function imageOver(pdf: Uint8Array, page: number, w: Word, png: Uint8Array): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf);
  const p = doc.getPages()[page],
    h = p.getHeight();
  const img = await doc.embedPng(png);
  p.drawImage(img, { x: w.x0 - 1, y: h - w.y1 - 1, width: w.x1 - w.x0 + 2, height: w.y1 - w.y0 + 2 });
  return await doc.save();
}

/** Text a reader cannot see: white, sub-point, outside the page, or in render mode 3 (invisible). */
export async function addHiddenText(pdf: Uint8Array, page: number, text: string, how: "white" | "tiny" | "outside"): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf);
  const p = doc.getPages()[page];
  const font = await doc.embedFont(StandardFonts.Helvetica);
  if (how === "white") p.drawText(text, { x: 100, y: 100, size: 9, font, color: rgb(1, 1, 1) });
  if (how === "tiny") p.drawText(text, { x: 100, y: 100, size: 0.3, font, color: rgb(0, 0, 0) });
  if (how === "outside") p.drawText(text, { x: -400, y: -300, size: 9, font, color: rgb(0, 0, 0) });
  return await doc.save();
}

type M = [number, number, number, number, number, number];
const mul = (m: M, n: M): M => [
  m[0] * n[0] + m[1] * n[2],
  m[0] * n[1] + m[1] * n[3],
  m[2] * n[0] + m[3] * n[2],
  m[2] * n[1] + m[3] * n[3],
  m[4] * n[0] + m[5] * n[2] + n[4],
  m[4] * n[1] + m[5] * n[3] + n[5],
];

/**
 * Render mode 3 (invisible) for the text objects that show a word: the page's content is read with
 * its transformations (q/Q/cm, BT/Tm/Td), and "3 Tr" is put after the BT of each text object one
 * of whose runs starts inside the word's box. The text stays in the PDF's text, unseen.
 */
export async function makeInvisible(pdf: Uint8Array, page: number, w: Word): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf);
  const p = doc.getPages()[page],
    h = p.getHeight();
  const c = p.node.Contents()!;
  const refs = c instanceof PDFArray ? c.asArray() : [p.node.get(PDFName.of("Contents"))];
  const streams = refs.map((r) => doc.context.lookup(r) as PDFRawStream);
  let content = streams.map((s) => Buffer.from(decodePDFRawStream(s).decode()).toString("latin1")).join("\n");
  const tokens = [
    ...content.matchAll(/<[0-9A-Fa-f\s]*>|\[|\]|\/[^\s/[\]<>()]+|[-+]?(?:\d+\.?\d*|\.\d+)|[A-Za-z'"*]+|\((?:\\.|[^\\)])*\)/g),
  ];
  let ctm: M = [1, 0, 0, 1, 0, 0],
    tm: M = [1, 0, 0, 1, 0, 0],
    tlm: M = tm;
  const stack: M[] = [];
  const nums: number[] = [];
  let bt = -1;
  const hits = new Set<number>();
  for (const t of tokens) {
    const s = t[0];
    if (/^[-+]?(?:\d+\.?\d*|\.\d+)$/.test(s)) {
      nums.push(Number(s));
      continue;
    }
    const last = (k: number) => nums.slice(nums.length - k);
    if (s === "q") stack.push(ctm);
    else if (s === "Q") ctm = stack.pop() ?? ctm;
    else if (s === "cm") ctm = mul(last(6) as M, ctm);
    else if (s === "BT") {
      bt = t.index! + 2;
      tm = tlm = [1, 0, 0, 1, 0, 0];
    } else if (s === "Tm") tm = tlm = last(6) as M;
    else if (s === "Td") {
      const [x, y] = last(2);
      tm = tlm = mul([1, 0, 0, 1, x, y], tlm);
    } else if (s === "Tj" || s === "TJ") {
      const m = mul(tm, ctm);
      const x = m[4],
        y = h - m[5];
      if (x >= w.x0 - 2 && x <= w.x1 && y >= w.y0 - 2 && y <= w.y1 + 2 && bt >= 0) hits.add(bt);
    }
    if (!/^[<[\]/(]/.test(s)) nums.length = 0;
  }
  if (hits.size === 0) throw new Error("no text object starts in the word's box");
  for (const at of [...hits].sort((a, b) => b - a)) content = content.slice(0, at) + "\n3 Tr" + content.slice(at);
  const ref = doc.context.register(doc.context.flateStream(Buffer.from(content, "latin1")));
  p.node.set(PDFName.of("Contents"), ref);
  return await doc.save();
}

/** A grey PNG (8-bit greyscale) of `width` × `height` pixels, dark digits-like stripes on white. */
export function stripesPng(width: number, height: number): Uint8Array {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const raw = Buffer.alloc((width + 1) * height, 255);
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0;
    for (let x = 0; x < width; x++) if (x % 5 < 2 && y > 1 && y < height - 2) raw[y * (width + 1) + 1 + x] = 20;
  }
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
