// The report rendered again from what a submitted PDF carries (its results.json and
// report-source.json), printed by the same headless Chromium as the build: one browser for any
// number of PDFs, prints in parallel. The last few prints are kept by the HTML's hash, so PDFs
// that carry the same attachments print once.
//
// May import: base, report.

import { sha256 } from "../base/fingerprint";
import { Browser, plotlySource } from "../report/browser";
import { printPdf } from "../report/pdf";
import { type RendererIdentity, rendererIdentity } from "../report/source";

const KEEP = 4;

/** A browser session that prints rebuilt reports, launched at the first print; close() it when done. */
export class Renderer {
  private readonly printed = new Map<string, Promise<Uint8Array>>();
  private browser: Promise<Browser> | null = null;
  private who: Promise<RendererIdentity> | null = null;

  private constructor(readonly plotlyJs: string) {}

  /** A renderer; Chromium starts when first needed (a PDF refused by its bounds never starts it). */
  static open(): Renderer {
    return new Renderer(plotlySource());
  }

  private launch(): Promise<Browser> {
    if (!this.browser) {
      this.browser = Browser.launch();
      this.browser.catch(() => {
        this.browser = null;
      });
    }
    return this.browser;
  }

  /** This renderer's identity (Chromium's version included). */
  identity(): Promise<RendererIdentity> {
    this.who ??= this.launch().then(async (b) => rendererIdentity(await b.version()));
    return this.who;
  }

  /** The PDF of an HTML document (the same document prints once while kept). */
  print(html: string): Promise<Uint8Array> {
    const key = sha256(html);
    let p = this.printed.get(key);
    if (!p) {
      p = this.launch().then((b) => printPdf(b, html));
      p.catch(() => this.printed.delete(key));
      this.printed.set(key, p);
      while (this.printed.size > KEEP) this.printed.delete(this.printed.keys().next().value as string);
    }
    return p;
  }

  async close(): Promise<void> {
    const b = this.browser;
    this.browser = null;
    if (b) await (await b).close();
  }
}

/** The parts of two renderer identities that differ, as "chromium X here Y" phrases. */
export function rendererDifferences(theirs: RendererIdentity, ours: RendererIdentity): string[] {
  const keys = ["chromium", "code", "plotly", "mathjax", "marked", "project"] as const;
  return keys
    .filter((k) => theirs[k] !== ours[k])
    .map((k) => `${k === "code" ? "renderer code" : k} ${String(theirs[k]).slice(0, 40)} (here ${String(ours[k]).slice(0, 40)})`);
}
