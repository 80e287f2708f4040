// Report pipeline, stage 5: the HTML document printed to an A4 PDF by headless Chromium (network
// closed, charts drawn as vector SVG, page numbers in the footer), results.json attached to the
// PDF as an embedded file; and reading a PDF back (its pages' text, its attachment) with pdf.js.

import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRef, PDFString } from "pdf-lib";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "./browser";
import { InputError } from "../base/errors";
import { tempFolder } from "../base/lifecycle";

const FOOTER =
  `<div style="font-family: 'DejaVu Sans', sans-serif; font-size: 8px; color: #555; width: 100%; text-align: center;">` +
  `<span class="pageNumber"></span> / <span class="totalPages"></span></div>`;

/**
 * Print an HTML document (reportHtml) once its charts are drawn. The page is loaded from a
 * temporary file: for a document of megabytes that is seconds faster than setContent.
 */
export async function printPdf(browser: Browser, html: string): Promise<Uint8Array> {
  const tmp = tempFolder("a2-print-");
  const file = join(tmp.dir, "report.html");
  writeFileSync(file, html);
  const url = pathToFileURL(file).href;
  const refused: string[] = [];
  const page = await browser.page(url, refused);
  try {
    await page.emulateMediaType("print");
    await page.setViewport({ width: 794, height: 1123 });
    // What the document's Content-Security-Policy blocks never reaches the request filter: collected too.
    await page.evaluateOnNewDocument(() => {
      const w = globalThis as unknown as {
        __blocked: string[];
        document: { addEventListener(t: string, f: (e: { blockedURI: string }) => void): void };
      };
      w.__blocked = [];
      w.document.addEventListener("securitypolicyviolation", (e) => w.__blocked.push(e.blockedURI));
    });
    await page.goto(url, { waitUntil: "load", timeout: 120000 });
    await page.waitForFunction(
      'document.documentElement.hasAttribute("data-ready") || document.documentElement.hasAttribute("data-error")',
      { timeout: 120000 },
    );
    const err = await page.evaluate('document.documentElement.getAttribute("data-error")');
    if (err) throw new Error(`a chart failed to draw: ${String(err)}`);
    // The document must be whole in itself: anything it fetches would be missing offline.
    const blocked = (await page.evaluate("globalThis.__blocked")) as string[];
    const asked = [...refused, ...blocked.filter((u) => /^[a-z][\w+.-]*:/i.test(u) && !u.startsWith("data:"))];
    if (asked.length) throw new InputError(`the report asks for ${asked[0]}: it must not need the network or other files`);
    return await page.pdf({
      format: "A4",
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: "<span></span>",
      footerTemplate: FOOTER,
      margin: { top: "18mm", bottom: "20mm", left: "17mm", right: "17mm" },
      preferCSSPageSize: true,
      outline: true,
      tagged: true,
      timeout: 120000,
    });
  } finally {
    await page.close();
    tmp.remove();
  }
}

/** Fixed dates, so that the same inputs give the same attachment. */
const EPOCH = new Date(0);

/** A JSON file to attach to a PDF (results.json, the source). */
export interface Attachment {
  readonly name: string;
  readonly content: string;
  readonly description: string;
}

/** Attach JSON files to a loaded PDF, in order, with fixed dates. */
export async function attachTo(doc: PDFDocument, files: readonly Attachment[]): Promise<void> {
  for (const f of files) {
    await doc.attach(new TextEncoder().encode(f.content), f.name, {
      mimeType: "application/json",
      description: f.description,
      creationDate: EPOCH,
      modificationDate: EPOCH,
    });
  }
}

/** Attach a file (e.g. results.json) to a PDF; returns the new PDF's bytes. */
export async function attachFile(pdf: Uint8Array, name: string, content: string, description: string): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf);
  await attachTo(doc, [{ name, content, description }]);
  return await doc.save();
}

export interface OutlineEntry {
  readonly title: string;
  /** 1-based page the bookmark points to. */
  readonly page: number;
}

/** The PDF's bookmarks (Chromium makes one per heading), in document order, and its page count. */
export async function pdfOutline(pdf: Uint8Array): Promise<{ entries: OutlineEntry[]; pageCount: number }> {
  const doc = await PDFDocument.load(pdf);
  const pages = doc.getPages().map((p) => p.ref.toString());
  const entries: OutlineEntry[] = [];
  const walk = (parent: PDFDict | undefined) => {
    for (let it = parent?.lookupMaybe(PDFName.of("First"), PDFDict); it; it = it.lookupMaybe(PDFName.of("Next"), PDFDict)) {
      const title = it.lookup(PDFName.of("Title"));
      const dest = it.lookup(PDFName.of("Dest"));
      const ref = dest instanceof PDFArray ? dest.get(0) : null;
      if ((title instanceof PDFString || title instanceof PDFHexString) && ref instanceof PDFRef) {
        entries.push({ title: title.decodeText(), page: pages.indexOf(ref.toString()) + 1 });
      }
      walk(it);
    }
  };
  walk(doc.catalog.lookupMaybe(PDFName.of("Outlines"), PDFDict));
  return { entries, pageCount: doc.getPageCount() };
}

export interface Destination {
  /** 1-based page. */
  readonly page: number;
  /** The top of the target, in points from the bottom of the page. */
  readonly top: number;
}

let reader: Promise<typeof import("pdfjs-dist/legacy/build/pdf.mjs")> | null = null;

/**
 * pdf.js, loaded once. Loading it takes about a second under tsx (its 2 MB module is transformed):
 * the report calls this early, while the runs train, so that the render does not wait for it.
 */
export function pdfReader(): Promise<typeof import("pdfjs-dist/legacy/build/pdf.mjs")> {
  reader ??= import("pdfjs-dist/legacy/build/pdf.mjs");
  return reader;
}

/** The PDF's named destinations (Chromium writes one per linked id) and its first page's height. */
export async function pdfDestinations(pdf: Uint8Array): Promise<{ names: Map<string, Destination>; pageHeight: number }> {
  const pdfjs = await pdfReader();
  const doc = await pdfjs.getDocument({ data: new Uint8Array(pdf), verbosity: 0, isEvalSupported: false }).promise;
  try {
    const dests = ((await doc.getDestinations()) ?? {}) as Record<string, unknown[]>;
    const names = new Map<string, Destination>();
    for (const [name, d] of Object.entries(dests)) {
      if (!Array.isArray(d) || typeof d[3] !== "number") continue;
      const page = (await doc.getPageIndex(d[0] as { num: number; gen: number })) + 1;
      names.set(decodeURIComponent(name), { page, top: d[3] });
    }
    const pageHeight = (await doc.getPage(1)).view[3];
    return { names, pageHeight };
  } finally {
    await doc.destroy();
  }
}

export interface PdfContents {
  readonly pages: readonly string[];
  readonly attachments: ReadonlyMap<string, Uint8Array>;
}

/** Each page's text (items joined by line, in reading order) and the embedded files. */
export async function readPdf(bytes: Uint8Array, what: string): Promise<PdfContents> {
  const pdfjs = await pdfReader();
  let doc: Awaited<ReturnType<typeof pdfjs.getDocument>["promise"]>;
  try {
    doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), verbosity: 0, isEvalSupported: false, useSystemFonts: false }).promise;
  } catch (e) {
    throw new InputError(`${what}: not a readable PDF (${(e as Error).message})`);
  }
  try {
    const pages: string[] = [];
    for (let i = 1; i <= doc.numPages; i++) {
      const content = await (await doc.getPage(i)).getTextContent();
      let text = "";
      for (const item of content.items) {
        if (!("str" in item)) continue;
        text += item.str + (item.hasEOL ? "\n" : "");
      }
      pages.push(text);
    }
    const raw = ((await doc.getAttachments()) ?? {}) as Record<string, { filename: string; content: Uint8Array }>;
    const attachments = new Map(Object.values(raw).map((a) => [a.filename, a.content] as const));
    return { pages, attachments };
  } finally {
    await doc.destroy();
  }
}
