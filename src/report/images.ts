// Report pipeline, after execution: a static image beside every Plotly figure of an executed
// notebook, so that readers without the project's plotly.js still see it: GitHub, nbviewer,
// VS Code without a Plotly renderer, `jupyter nbconvert --to html`. Each figure's output bundle
// gets image/png (rendered offline by plotly.js in one headless Chromium, twice the figure's size,
// shown at its size), and its text/html fallback shows the same image where it said the figure
// would appear (the fallback's script still replaces it with the interactive chart when plotly.js
// can load). The notebook is rewritten atomically.
//
// May import: base, contract; browser.ts for Chromium.

import { escapeHtml } from "../base/text";
import { readFileSync } from "node:fs";
import { writeFileAtomic } from "../base/io";
import { MIME, type PlotlyFigure } from "../contract/contract";
import { Browser } from "./browser";

type Bundle = Record<string, unknown>;

interface Output {
  output_type?: string;
  data?: Bundle;
  metadata?: Record<string, unknown>;
}

interface NotebookJson {
  cells: { outputs?: Output[] }[];
}

const text = (v: unknown) => (Array.isArray(v) ? v.join("") : typeof v === "string" ? v : "");
const escAttr = escapeHtml;

/** The outputs of a notebook that hold a Plotly figure. */
export function figureOutputs(nb: NotebookJson): Output[] {
  return nb.cells.flatMap((c) => (c.outputs ?? []).filter((o) => o.data?.[MIME.plotly]));
}

/** The size a figure is shown at, in CSS pixels. */
export function figureSize(fig: PlotlyFigure): { width: number; height: number } {
  const size = (v: unknown, d: number) => (typeof v === "number" && Number.isFinite(v) && v >= 50 && v <= 4000 ? Math.round(v) : d);
  return { width: size(fig.layout.width, 900), height: size(fig.layout.height, 450) };
}

/**
 * A figure's output with its static image: image/png (base64, as nbformat stores it) with its display
 * size in the output's metadata, and the text/html fallback's placeholder paragraph replaced by the
 * image (display.ts's figureBundle: `<div id="a2fig-…"><p>…</p></div><script>…`).
 */
export function withImage(o: Output, pngDataUrl: string): Output {
  const prefix = "data:image/png;base64,";
  if (!pngDataUrl.startsWith(prefix)) throw new Error(`not a PNG data URL: ${pngDataUrl.slice(0, 40)}`);
  const fig = o.data![MIME.plotly] as PlotlyFigure;
  const { width, height } = figureSize(fig);
  const alt = text(o.data!["text/plain"]).replace(/^\[Plotly figure\]\s*/, "") || "a Plotly figure";
  const img = `<img src="${pngDataUrl}" width="${width}" alt="${escAttr(alt)}" style="max-width:100%;height:auto">`;
  const data: Bundle = { ...o.data, "image/png": pngDataUrl.slice(prefix.length) };
  const html = text(o.data!["text/html"]);
  if (html) data["text/html"] = html.replace(/^(<div id="a2fig-[^"]*"[^>]*>)<p>[\s\S]*?<\/p>/, `$1${img}`);
  return { ...o, data, metadata: { ...(o.metadata ?? {}), "image/png": { width, height } } };
}

/** Add the static images to executed notebooks, in place; returns the number of figures of each. */
export async function addStaticImages(paths: readonly string[]): Promise<number[]> {
  const notebooks = paths.map((p) => JSON.parse(readFileSync(p, "utf8")) as NotebookJson);
  if (notebooks.every((nb) => figureOutputs(nb).length === 0)) return notebooks.map(() => 0);
  const browser = await Browser.launch();
  try {
    const counts: number[] = [];
    for (const [i, nb] of notebooks.entries()) {
      const outputs = figureOutputs(nb);
      const images = await browser.figureImages(outputs.map((o) => o.data![MIME.plotly] as PlotlyFigure));
      for (const cell of nb.cells) {
        cell.outputs = cell.outputs?.map((o) => {
          const k = outputs.indexOf(o);
          return k >= 0 ? withImage(o, images[k]) : o;
        });
      }
      writeFileAtomic(paths[i], JSON.stringify(nb, null, 1) + "\n");
      counts.push(outputs.length);
    }
    return counts;
  } finally {
    await browser.close();
  }
}
