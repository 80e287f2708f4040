// A submitted PDF opened with bounds, before any parser inflates anything: its size, every
// stream's inflated size (a lexical scan that inflates with a byte cap), its page objects and its
// attachments' declared and real sizes. Only a PDF within the bounds reaches pdf-lib and poppler,
// whose decoders do not stop at a size of their own. The embedded files are then read with pdf-lib.
//
// May import: base.

import { inflateSync } from "node:zlib";
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFRawStream, PDFStream, PDFString } from "pdf-lib";
import { InputError } from "../base/errors";

export interface PdfLimits {
  /** The file. */
  readonly fileBytes: number;
  /** One stream once inflated. */
  readonly streamBytes: number;
  /** All streams once inflated. */
  readonly totalBytes: number;
  /** Page objects. */
  readonly pages: number;
  /** Streams in the file. */
  readonly streams: number;
  /** One embedded file. */
  readonly attachmentBytes: number;
}

/**
 * A report is about 0.5 MB (quick) to 2 MB, 10–40 pages, its largest stream a few MB once
 * inflated; the bounds leave room for a report many times larger, and refuse a bomb in well under
 * a second and 100 MB of memory.
 */
export const LIMITS: PdfLimits = Object.freeze({
  fileBytes: 64 << 20,
  streamBytes: 32 << 20,
  totalBytes: 256 << 20,
  pages: 400,
  streams: 50000,
  attachmentBytes: 16 << 20,
});

const MB = (n: number) => `${(n / (1 << 20)).toFixed(n < 1 << 20 ? 2 : 0)} MB`;

/** Filters a report's streams may use: Chromium and pdf-lib write Flate; JPEG images are DCT. */
const ALLOWED_FILTERS = new Set(["FlateDecode", "DCTDecode"]);

export interface ScanResult {
  readonly streams: number;
  /** Inflated bytes of all Flate streams. */
  readonly inflated: number;
  /** Page objects (/Type /Page), in the file and in its object streams. */
  readonly pageObjects: number;
}

const PAGE = /\/Type\s*\/Page(?![A-Za-z])/g;
const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;

/**
 * Every stream of the file, found lexically (`stream` … `endstream`, its dictionary before it),
 * inflated with a cap: a stream over the cap, a filter a report never uses, or a corrupt stream is
 * refused before any PDF library decodes it. Throws InputError naming the file and the bound.
 */
export function scanPdf(bytes: Uint8Array, what: string, limits: PdfLimits = LIMITS): ScanResult {
  if (bytes.length === 0) throw new InputError(`${what}: not a readable PDF (an empty file)`);
  if (bytes.length > limits.fileBytes) {
    throw new InputError(`${what}: ${MB(bytes.length)}, more than the ${MB(limits.fileBytes)} a report PDF may have`);
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("latin1");
  if (!text.slice(0, 1024).includes("%PDF-")) throw new InputError(`${what}: not a readable PDF (no %PDF- header)`);
  if (/\/Encrypt\s*(\d+\s+\d+\s+R|<<)/.test(text))
    throw new InputError(`${what}: an encrypted PDF (a report built by npm run report is not encrypted)`);
  // Where each object is defined (the last definition wins, as in an incremental update).
  const objects = new Map<number, number>();
  for (const m of text.matchAll(/(?:^|[\r\n\s])(\d+)\s+(\d+)\s+obj\b/g)) objects.set(Number(m[1]), m.index! + m[0].length);
  const directInt = (num: number): number | null => {
    const at = objects.get(num);
    if (at === undefined) return null;
    const m = /^\s*(\d+)\s*endobj/.exec(text.slice(at, at + 64));
    return m ? Number(m[1]) : null;
  };
  let streams = 0,
    inflated = 0,
    pageObjects = count(text, PAGE);
  for (const m of text.matchAll(/(?<![A-Za-z])stream(?:\r\n|\n)/g)) {
    if (++streams > limits.streams) throw new InputError(`${what}: more than ${limits.streams} streams`);
    const start = m.index! + m[0].length;
    // The stream's dictionary: from the object's header to the keyword.
    const head = text.slice(Math.max(0, m.index! - 4096), m.index!);
    let obj = -1;
    for (const o of head.matchAll(/\d+\s+\d+\s+obj\b/g)) obj = o.index!;
    const dict = obj >= 0 ? head.slice(obj) : head;
    const objNum = obj >= 0 ? Number(/^\d+/.exec(head.slice(obj))![0]) : null;
    const where = objNum === null ? `a stream at byte ${m.index}` : `the stream of object ${objNum}`;
    let length: number | null = null;
    const lm = /\/Length\s+(\d+)(?:\s+(\d+)\s+R)?/.exec(dict);
    if (lm) length = lm[2] === undefined ? Number(lm[1]) : directInt(Number(lm[1]));
    let end: number;
    if (length !== null && length <= text.length - start && /^\s*endstream/.test(text.slice(start + length, start + length + 32)))
      end = start + length;
    else {
      end = text.indexOf("endstream", start);
      if (end < 0) throw new InputError(`${what}: not a readable PDF (${where} has no end)`);
    }
    const fm = /\/Filter\s*(\[[^\]]*\]|\/[^\s/<>[\]()]+)/.exec(dict);
    const filters = fm ? [...fm[1].matchAll(/\/([^\s/<>[\]()]+)/g)].map((f) => f[1]) : [];
    for (const f of filters) {
      if (!ALLOWED_FILTERS.has(f))
        throw new InputError(`${what}: ${where} uses the ${f} filter, which a report built by npm run report never does`);
    }
    if (filters[0] !== "FlateDecode") continue;
    const cap = Math.min(limits.streamBytes, limits.totalBytes - inflated);
    let out: Buffer;
    try {
      out = inflateSync(bytes.subarray(start, end), { maxOutputLength: Math.max(1, cap), finishFlush: 2 /* Z_SYNC_FLUSH */ });
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === "ERR_BUFFER_TOO_LARGE" || e instanceof RangeError) {
        throw new InputError(
          cap < limits.streamBytes
            ? `${what}: its streams inflate to more than ${MB(limits.totalBytes)} (refused before reading)`
            : `${what}: ${where} inflates to more than ${MB(limits.streamBytes)} (refused before reading)`,
        );
      }
      throw new InputError(`${what}: not a readable PDF (${where} is corrupt: ${(e as Error).message})`);
    }
    inflated += out.length;
    if (/\/Type\s*\/ObjStm/.test(dict)) pageObjects += count(out.toString("latin1"), PAGE);
  }
  if (pageObjects > limits.pages) throw new InputError(`${what}: ${pageObjects} pages, more than the ${limits.pages} a report may have`);
  return { streams, inflated, pageObjects };
}

const decodeName = (o: unknown): string | null => (o instanceof PDFString || o instanceof PDFHexString ? o.decodeText() : null);

/**
 * The embedded files (name → bytes) of a PDF that passed scanPdf. An embedded file whose declared
 * size (/Params /Size) or inflated size is over the bound is refused.
 */
export async function embeddedFiles(bytes: Uint8Array, what: string, limits: PdfLimits = LIMITS): Promise<Map<string, Uint8Array>> {
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(bytes, { updateMetadata: false, throwOnInvalidObject: false });
  } catch (e) {
    throw new InputError(`${what}: not a readable PDF (${(e as Error).message.split("\n")[0]})`);
  }
  const out = new Map<string, Uint8Array>();
  const names = doc.catalog.lookupMaybe(PDFName.of("Names"), PDFDict);
  const root = names?.lookupMaybe(PDFName.of("EmbeddedFiles"), PDFDict);
  let visited = 0;
  const walk = (node: PDFDict | undefined, depth: number) => {
    if (!node || depth > 8 || ++visited > 1000) return;
    const pairs = node.lookupMaybe(PDFName.of("Names"), PDFArray);
    for (let i = 0; pairs && i + 1 < pairs.size(); i += 2) {
      const spec = pairs.lookup(i + 1);
      if (!(spec instanceof PDFDict)) continue;
      const name = decodeName(spec.lookup(PDFName.of("UF"))) ?? decodeName(spec.lookup(PDFName.of("F"))) ?? decodeName(pairs.lookup(i));
      const ef = spec.lookupMaybe(PDFName.of("EF"), PDFDict);
      const stream = ef?.lookup(PDFName.of("F"));
      if (!name || !(stream instanceof PDFStream)) continue;
      const params = stream.dict.lookupMaybe(PDFName.of("Params"), PDFDict);
      const size = params?.lookup(PDFName.of("Size"));
      if (size instanceof PDFNumber && size.asNumber() > limits.attachmentBytes) {
        throw new InputError(
          `${what}: the embedded file ${JSON.stringify(name)} declares ${MB(size.asNumber())}, more than ${MB(limits.attachmentBytes)}`,
        );
      }
      if (!(stream instanceof PDFRawStream)) continue;
      const filter = stream.dict.lookup(PDFName.of("Filter"));
      const raw = stream.contents;
      let data: Uint8Array;
      if (filter === undefined) data = raw;
      else if (filter instanceof PDFName && filter.asString() === "/FlateDecode") {
        try {
          data = inflateSync(raw, { maxOutputLength: limits.attachmentBytes, finishFlush: 2 });
        } catch (e) {
          if ((e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE" || e instanceof RangeError) {
            throw new InputError(`${what}: the embedded file ${JSON.stringify(name)} inflates to more than ${MB(limits.attachmentBytes)}`);
          }
          throw new InputError(`${what}: the embedded file ${JSON.stringify(name)} is corrupt (${(e as Error).message})`);
        }
      } else throw new InputError(`${what}: the embedded file ${JSON.stringify(name)} has a filter a report never uses`);
      if (data.length > limits.attachmentBytes) {
        throw new InputError(
          `${what}: the embedded file ${JSON.stringify(name)} is ${MB(data.length)}, more than ${MB(limits.attachmentBytes)}`,
        );
      }
      if (!out.has(name)) out.set(name, data);
    }
    const kids = node.lookupMaybe(PDFName.of("Kids"), PDFArray);
    for (let i = 0; kids && i < kids.size(); i++) {
      const kid = kids.lookup(i);
      if (kid instanceof PDFDict) walk(kid, depth + 1);
    }
  };
  walk(root, 0);
  return out;
}
