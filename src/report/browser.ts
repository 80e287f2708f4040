// Headless Chromium (Debian's /usr/bin/chromium through puppeteer-core) for rendering figures and
// the report, with the network closed: no host is resolved and nothing is fetched.

import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import puppeteer, { type Browser as PBrowser, type Page } from "puppeteer-core";
import { InputError } from "../base/errors";
import type { PlotlyFigure } from "../contract/contract";
import { packageRoot } from "../base/paths";

export const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
];

export function chromiumPath(): string {
  const p = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(p)) throw new InputError(`${p}: Chromium is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  return p;
}

/** plotly.js (the basic bundle: scatter is all the figures use; it loads 3× faster) to inline into pages. */
export function plotlySource(): string {
  const req = createRequire(join(packageRoot(), "package.json"));
  return readFileSync(req.resolve("plotly.js-basic-dist-min/plotly-basic.min.js"), "utf8");
}

/** A Chromium session; close() it when done. */
export class Browser {
  private constructor(private readonly browser: PBrowser) {}

  /**
   * `ownSignals`: the caller closes the browser on SIGINT/SIGTERM/SIGHUP itself (a server that shuts
   * down in order); by default puppeteer's handlers close it and exit the process.
   */
  static async launch(o: { ownSignals?: boolean } = {}): Promise<Browser> {
    const own = o.ownSignals ?? false;
    const browser = await puppeteer.launch({
      executablePath: chromiumPath(), headless: true, args: CHROMIUM_FLAGS, handleSIGINT: !own, handleSIGTERM: !own, handleSIGHUP: !own,
    });
    return new Browser(browser);
  }

  /**
   * A page whose requests to anything but data: and about: URLs (and `allow`) are refused; the
   * refused URLs are collected in `refused`.
   */
  async page(allow?: string, refused: string[] = []): Promise<Page> {
    const page = await this.browser.newPage();
    await page.setRequestInterception(true);
    page.on("request", (r) => {
      const url = r.url();
      if (url.startsWith("data:") || url.startsWith("about:") || url === allow) void r.continue();
      else {
        refused.push(url);
        void r.abort();
      }
    });
    return page;
  }

  /** Render a Plotly figure to PNG bytes (twice its size, for legibility), through figureImages. */
  async figurePng(fig: PlotlyFigure): Promise<Uint8Array> {
    const [url] = await this.figureImages([fig], { format: "png", scale: 2 });
    return Buffer.from(url.slice(url.indexOf(",") + 1), "base64");
  }

  /**
   * Plotly figures as static images, rendered offline by plotly.js's own toImage in one page: each
   * a data: URL (PNG at `scale` times the figure's size, or SVG). The figures reach the page only as
   * arguments of page.evaluate, never as page source; the page reaches nothing.
   */
  async figureImages(figs: readonly PlotlyFigure[], o: { format?: "png" | "svg"; scale?: number } = {}): Promise<string[]> {
    const page = await this.page();
    try {
      await page.addScriptTag({ content: plotlySource() });
      const size = (v: unknown, d: number) => (typeof v === "number" && Number.isFinite(v) && v >= 50 && v <= 4000 ? Math.round(v) : d);
      const out: string[] = [];
      for (const fig of figs) {
        const opts = { format: o.format ?? "png", scale: o.scale ?? 2, width: size(fig.layout.width, 900), height: size(fig.layout.height, 450) };
        out.push(await page.evaluate((data, layout, opts) =>
          (globalThis as unknown as { Plotly: { toImage(f: object, o: object): Promise<string> } }).Plotly.toImage({ data, layout }, opts),
        fig.data, fig.layout, opts));
      }
      return out;
    } finally {
      await page.close();
    }
  }

  /** The browser's version string, e.g. "HeadlessChrome/156.0.7258.154". */
  async version(): Promise<string> {
    return await this.browser.version();
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}
