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

  static async launch(): Promise<Browser> {
    const browser = await puppeteer.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_FLAGS });
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

  /** Render a Plotly figure to PNG bytes (device scale 2 for legibility). */
  async figurePng(fig: PlotlyFigure): Promise<Uint8Array> {
    const page = await this.page();
    try {
      const w = (fig.layout.width as number) ?? 900, h = (fig.layout.height as number) ?? 450;
      await page.setViewport({ width: w, height: h, deviceScaleFactor: 2 });
      await page.setContent(`<!doctype html><html><body style="margin:0"><div id="f"></div>
<script>${plotlySource()}</script>
<script>Plotly.newPlot("f", ${JSON.stringify(fig.data)}, ${JSON.stringify(fig.layout)}, {staticPlot: true}).then(() => { document.title = "ready"; });</script>
</body></html>`, { waitUntil: "load" });
      await page.waitForFunction('document.title === "ready"', { timeout: 30000 });
      const el = await page.$("#f");
      return await el!.screenshot({ type: "png" });
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
