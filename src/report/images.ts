// Report pipeline, after execution: a static image beside every Plotly figure of an executed
// notebook, so that readers without the project's plotly.js still see it: GitHub, nbviewer,
// VS Code without a Plotly renderer, `jupyter nbconvert --to html`. Each figure's output bundle
// gets image/png (rendered offline by plotly.js in one headless Chromium, twice the figure's size,
// shown at its size), and its text/html fallback shows the same image where it said the figure
// would appear (the fallback's script still replaces it with the interactive chart when plotly.js
// can load). The notebook is rewritten atomically.
//
// May import: base, contract; browser.ts for Chromium, ipynb.ts for the notebook file.

import { escapeHtml } from "../base/text";
import { writeFileAtomic } from "../base/io";
import { MIME, type PlotlyFigure } from "../contract/contract";
import { Browser, figureSize } from "./browser";
import { type Bundle, type Cell, type Output, readNotebook, sourceText as text } from "./ipynb";

/** The outputs of a notebook that hold a Plotly figure. */
export function figureOutputs(nb: { readonly cells: readonly Pick<Cell, "outputs">[] }): Output[] {
  return nb.cells.flatMap((c) => (c.outputs ?? []).filter((o) => o.data?.[MIME.plotly]));
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
  const img = `<img src="${pngDataUrl}" width="${width}" alt="${escapeHtml(alt)}" style="max-width:100%;height:auto">`;
  const data: Bundle = { ...o.data, "image/png": pngDataUrl.slice(prefix.length) };
  const html = text(o.data!["text/html"]);
  if (html) data["text/html"] = html.replace(/^(<div id="a2fig-[^"]*"[^>]*>)<p>[\s\S]*?<\/p>/, `$1${img}`);
  return { ...o, data, metadata: { ...(o.metadata ?? {}), "image/png": { width, height } } };
}

/** Add the static images to an executed notebook, in place, drawn by `browser`; returns its number of figures. */
export async function addStaticImages(path: string, browser: () => Promise<Browser>): Promise<number> {
  const nb = readNotebook(path);
  const outputs = figureOutputs(nb);
  if (outputs.length === 0) return 0;
  const images = await (await browser()).figureImages(outputs.map((o) => o.data![MIME.plotly] as PlotlyFigure));
  for (const cell of nb.cells) {
    cell.outputs = cell.outputs?.map((o) => {
      const k = outputs.indexOf(o);
      return k >= 0 ? withImage(o, images[k]) : o;
    });
  }
  writeFileAtomic(path, JSON.stringify(nb, null, 1) + "\n");
  return outputs.length;
}

/**
 * Static images for notebooks as they finish executing: one Chromium, launched for the first
 * notebook with a figure, draws them all; close() when done.
 */
export function staticImager(): { add(path: string): Promise<number>; close(): Promise<void> } {
  let browser: Promise<Browser> | null = null;
  const pending = new Set<Promise<number>>();
  return {
    add(path) {
      const p = addStaticImages(path, () => (browser ??= Browser.launch()));
      pending.add(p);
      const settled = () => void pending.delete(p);
      p.then(settled, settled);
      return p;
    },
    async close() {
      await Promise.allSettled(pending);
      const b = await browser?.catch(() => null);
      await b?.close();
    },
  };
}
