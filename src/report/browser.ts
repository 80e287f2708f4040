// Headless Chromium (Debian's /usr/bin/chromium through puppeteer-core) for rendering figures and
// the report, with the network closed. Documents are data: the browser renders and prints them and
// reaches nothing, in layers:
//   - requests: every request but data: and about: (and the one file being printed) is refused,
//     and host names resolve to nothing;
//   - sockets: every connection Chromium would open (WebSocket, WebRTC's TURN over TCP,
//     preconnects, its own background requests) must go through a proxy that is a socket of this
//     process which closes each connection unread; WebRTC may send no UDP except through a proxy
//     (so no STUN, no TURN over UDP), and QUIC is off;
//   - the page: documents carry a Content-Security-Policy (html.ts; figure pages here) that allows
//     only their own inline scripts and styles and data: images.
// Chromium runs sandboxed, except as root, where its sandbox cannot start: there it gets
// --no-sandbox (the README says so). It talks to this process over a pipe, so it exits when this
// process dies, however it dies; a stop (base/lifecycle.ts) closes it and removes its profile and
// its temporary folder.
//
// May import: base, contract.

import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { type Server, createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import puppeteer, { type Browser as PBrowser, type Page } from "puppeteer-core";
import { InputError } from "../base/errors";
import { onStop } from "../base/lifecycle";
import type { PlotlyFigure } from "../contract/contract";
import { packageRoot } from "../base/paths";

/** Whether Chromium must run without its sandbox: as root it cannot start one. */
export function needsNoSandbox(): boolean {
  return process.getuid?.() === 0;
}

/** The command-line flags; `proxyPort` is the port of the closed proxy. */
export function chromiumFlags(proxyPort: number): string[] {
  return [
    ...(needsNoSandbox() ? ["--no-sandbox"] : []),
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    // Every connection, to any host (loopback too: "<-loopback>" drops Chromium's implicit bypass), goes to the closed proxy.
    `--proxy-server=http://127.0.0.1:${proxyPort}`,
    "--proxy-bypass-list=<-loopback>",
    // WebRTC: no UDP but through a proxy, which there is none for (no STUN, no TURN over UDP, no host candidates).
    "--webrtc-ip-handling-policy=disable_non_proxied_udp",
  ];
}

/** Flags for a browser that tests and the bench drive against a server on 127.0.0.1 (the preview): no proxy, and
 *  host names resolve (the resolver rule maps even 127.0.0.1 to NOTFOUND). */
export function localClientFlags(): string[] {
  return chromiumFlags(0).filter((f) => !f.startsWith("--proxy-") && !f.startsWith("--host-resolver-rules"));
}

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

/** The size a figure is shown at, in CSS pixels: its layout's, within 50–4000, else 900 × 450. */
export function figureSize(fig: PlotlyFigure): { width: number; height: number } {
  const size = (v: unknown, d: number) => (typeof v === "number" && Number.isFinite(v) && v >= 50 && v <= 4000 ? Math.round(v) : d);
  return { width: size(fig.layout.width, 900), height: size(fig.layout.height, 450) };
}

/** The policy of a page that draws a figure: no script but what this process evaluates in it. */
const FIGURE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:";

/** A proxy that goes nowhere: a socket of this process that closes every connection unread. */
async function closedProxy(): Promise<Server> {
  const server = createServer((socket) => socket.destroy());
  server.maxConnections = 0;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  server.unref();
  return server;
}

/**
 * Remove a profile and Chromium's temporary folder for it (its process-singleton socket, which
 * Chromium removes itself only when it exits normally): the profile's SingletonSocket links there.
 */
function removeProfile(profile: string): void {
  try {
    const socketDir = dirname(readlinkSync(join(profile, "SingletonSocket")));
    if (basename(socketDir).startsWith("org.chromium.Chromium.")) rmSync(socketDir, { recursive: true, force: true });
  } catch {
    // no socket: Chromium never started or cleaned up
  }
  rmSync(profile, { recursive: true, force: true });
}

/** A Chromium session; close() it when done. */
export class Browser {
  private closed = false;

  private constructor(
    private readonly browser: PBrowser,
    private readonly proxy: Server,
    private readonly profile: string,
    private readonly unregister: () => void,
  ) {}

  static async launch(): Promise<Browser> {
    const executablePath = chromiumPath();
    const proxy = await closedProxy();
    const profile = mkdtempSync(join(tmpdir(), "a2-chromium-"));
    let browser: PBrowser | null = null;
    let launching: Promise<PBrowser> | null = null;
    const wait = (ms: number) => new Promise<null>((r) => setTimeout(() => r(null), ms).unref());
    // On a stop: a launch under way is awaited (up to 5 s), then closed as usual (Chromium removes
    // its own temporary files) or, when that takes over 2 s, its process group killed and awaited,
    // so that nothing writes into the profile once it is removed.
    const cleanup = async () => {
      if (!browser && launching) browser = await Promise.race([launching.catch(() => null), wait(5000)]);
      if (browser) await Promise.race([browser.close().catch(() => undefined), wait(2000)]);
      const proc = browser?.process();
      if (proc?.pid && proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once("exit", r));
        try {
          process.kill(-proc.pid, "SIGKILL");
        } catch {
          // gone already
        }
        await Promise.race([exited, wait(2000)]);
      }
      proxy.close();
      removeProfile(profile);
    };
    const unregister = onStop(cleanup);
    try {
      launching = puppeteer.launch({
        executablePath,
        headless: true,
        pipe: true,
        userDataDir: profile,
        args: chromiumFlags((proxy.address() as { port: number }).port),
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      });
      browser = await launching;
    } catch (e) {
      unregister();
      await cleanup();
      const first = (e as Error).message.split("\n")[0];
      const hint = needsNoSandbox()
        ? ""
        : "; Chromium runs sandboxed when not root, which needs user namespaces (sysctl kernel.unprivileged_userns_clone=1)";
      throw new InputError(`${executablePath}: Chromium did not start (${first})${hint}`);
    }
    return new Browser(browser, proxy, profile, unregister);
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

  /**
   * Render a Plotly figure to PNG bytes (twice its size, for legibility), through figureImages.
   * Requests the page attempts (none, unless something ran that should not) are refused and
   * collected in `refused`.
   */
  async figurePng(fig: PlotlyFigure, refused: string[] = []): Promise<Uint8Array> {
    const [url] = await this.figureImages([fig], { format: "png", scale: 2, refused });
    return Buffer.from(url.slice(url.indexOf(",") + 1), "base64");
  }

  /**
   * Plotly figures as static images, rendered offline by plotly.js's own toImage: each a data: URL
   * (PNG at `scale` times the figure's size, or SVG). One page draws every figure of the session:
   * plotly.js is loaded into it once, and calls take their turn. The figures reach the page only as
   * arguments of page.evaluate, never as page source; the page, under a policy that runs no script
   * of its own, reaches nothing. A figure that does not draw fails the call and the page is closed
   * (the next call starts a new one).
   */
  figureImages(figs: readonly PlotlyFigure[], o: { format?: "png" | "svg"; scale?: number; refused?: string[] } = {}): Promise<string[]> {
    const turn = this.figureTurn.then(() => this.drawImages(figs, o));
    this.figureTurn = turn.catch(() => undefined);
    return turn;
  }

  /** The page of figureImages and what it refused; opened on first use. */
  private figurePage: Promise<{ page: Page; refused: string[]; reported: number }> | null = null;
  private figureTurn: Promise<unknown> = Promise.resolve();

  private async openFigurePage(): Promise<{ page: Page; refused: string[]; reported: number }> {
    const refused: string[] = [];
    const page = await this.page(undefined, refused);
    try {
      await page.setContent(
        `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="${FIGURE_CSP}"></head>` +
          `<body style="margin:0"></body></html>`,
        { waitUntil: "load" },
      );
      await page.evaluate(plotlySource());
    } catch (e) {
      await page.close().catch(() => undefined);
      throw e;
    }
    return { page, refused, reported: 0 };
  }

  private async drawImages(
    figs: readonly PlotlyFigure[],
    o: { format?: "png" | "svg"; scale?: number; refused?: string[] },
  ): Promise<string[]> {
    // A page that failed to open is opened again by the next call.
    this.figurePage ??= this.openFigurePage().catch((e: unknown) => {
      this.figurePage = null;
      throw e;
    });
    const fp = await this.figurePage;
    const page = fp.page;
    const out: string[] = [];
    try {
      for (const fig of figs) {
        const opts = { format: o.format ?? "png", scale: o.scale ?? 2, ...figureSize(fig) };
        try {
          out.push(
            await page.evaluate(
              (data, layout, opts) =>
                (globalThis as unknown as { Plotly: { toImage(f: object, o: object): Promise<string> } }).Plotly.toImage(
                  { data, layout },
                  opts,
                ),
              fig.data,
              fig.layout,
              opts,
            ),
          );
        } catch (e) {
          this.figurePage = null;
          await page.close().catch(() => undefined);
          throw new InputError(`the figure does not draw: ${(e as Error).message.split("\n")[0]}`);
        }
      }
      return out;
    } finally {
      // What the page refused since the last report (loading plotly.js included, for the first call).
      o.refused?.push(...fp.refused.slice(fp.reported));
      fp.reported = fp.refused.length;
    }
  }

  /** The browser's version string, e.g. "HeadlessChrome/156.0.7258.154". */
  async version(): Promise<string> {
    return await this.browser.version();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.browser.close();
    } finally {
      this.unregister();
      this.proxy.close();
      removeProfile(this.profile);
    }
  }
}
