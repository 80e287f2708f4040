// Hostile PDFs are refused before any parser inflates them: a page stream or an attachment that
// inflates to hundreds of MB, 200 000 pages, filters a report never uses, encryption; within a
// second or two and a bounded amount of memory.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { deflateSync } from "node:zlib";
import { PDFDocument, PDFName, PDFString } from "pdf-lib";
import { InputError } from "../../src/base/errors";
import { LIMITS, embeddedFiles, scanPdf } from "../../src/grading/pdffile";

/** A one-page PDF whose page content is `content` (raw bytes), with `filter`, and optional attachment streams. */
async function pdfWith(
  content: Uint8Array,
  filter: string | null,
  attach?: { data: Uint8Array; size: number; name: string },
): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([200, 200]);
  const stream = doc.context.stream(content, filter ? { Filter: filter } : {});
  page.node.set(PDFName.of("Contents"), doc.context.register(stream));
  if (attach) {
    const ef = doc.context.stream(attach.data, { Type: "EmbeddedFile", Filter: "FlateDecode", Params: { Size: attach.size } });
    const name = PDFString.of(attach.name);
    const spec = doc.context.obj({ Type: "Filespec", F: name, UF: name, EF: { F: doc.context.register(ef) } });
    const names = doc.context.obj({ EmbeddedFiles: { Names: [name, doc.context.register(spec)] } });
    doc.catalog.set(PDFName.of("Names"), names);
  }
  return await doc.save({ useObjectStreams: false });
}

function refused(f: () => unknown, re: RegExp): void {
  try {
    f();
    assert.unreachable("expected a refusal");
  } catch (e) {
    assert.instance(e, InputError, String(e));
    assert.match((e as Error).message, re);
  }
}

async function refusedAsync(f: () => Promise<unknown>, re: RegExp): Promise<void> {
  try {
    await f();
    assert.unreachable("expected a refusal");
  } catch (e) {
    assert.instance(e, InputError, String(e));
    assert.match((e as Error).message, re);
  }
}

const seconds = (t0: number) => (performance.now() - t0) / 1000;

test("a page stream that inflates to 300 MB is refused within a second, without inflating it all", async () => {
  const bomb = deflateSync(Buffer.alloc(300 << 20, 0x20), { level: 9 });
  const pdf = await pdfWith(bomb, "FlateDecode");
  const rss = process.memoryUsage().rss,
    t0 = performance.now();
  refused(() => scanPdf(pdf, "bomb.pdf"), /^bomb\.pdf: the stream of object \d+ inflates to more than 32 MB \(refused before reading\)$/);
  assert.ok(seconds(t0) < 2, `${seconds(t0)} s`);
  assert.ok(process.memoryUsage().rss - rss < 200 << 20, "memory stays bounded");
});

test("many streams that together inflate past the total bound are refused", async () => {
  const doc = await PDFDocument.create();
  const part = deflateSync(Buffer.alloc(30 << 20), { level: 9 });
  for (let i = 0; i < 10; i++) {
    const page = doc.addPage([200, 200]);
    page.node.set(PDFName.of("Contents"), doc.context.register(doc.context.stream(part, { Filter: "FlateDecode" })));
  }
  const pdf = await doc.save({ useObjectStreams: false });
  refused(() => scanPdf(pdf, "many.pdf"), /^many\.pdf: its streams inflate to more than 256 MB/);
});

test("200 000 pages are refused from a count of page objects, before any page is read", () => {
  const n = 200000;
  const parts: string[] = ["%PDF-1.7\n"];
  const offsets: number[] = [];
  let at = parts[0].length;
  const obj = (s: string) => {
    offsets.push(at);
    parts.push(s);
    at += s.length;
  };
  obj("1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
  const kids = Array.from({ length: n }, (_, i) => `${i + 3} 0 R`).join(" ");
  obj(`2 0 obj\n<< /Type /Pages /Count ${n} /Kids [${kids}] >>\nendobj\n`);
  for (let i = 0; i < n; i++) obj(`${i + 3} 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>\nendobj\n`);
  const xref = `xref\n0 ${n + 3}\n0000000000 65535 f \n` + offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("");
  parts.push(xref, `trailer\n<< /Size ${n + 3} /Root 1 0 R >>\nstartxref\n${at}\n%%EOF\n`);
  const pdf = Buffer.from(parts.join(""), "latin1");
  const t0 = performance.now();
  refused(() => scanPdf(pdf, "pages.pdf"), new RegExp(`^pages\\.pdf: ${n} pages, more than the ${LIMITS.pages} a report may have$`));
  assert.ok(seconds(t0) < 2, `${seconds(t0)} s`);
});

test("an attachment is refused by its declared size, and by its real size when the declaration lies", async () => {
  const data = deflateSync(Buffer.alloc(20 << 20, 0x7b));
  const declared = await pdfWith(new Uint8Array(), null, { data, size: 20 << 20, name: "results.json" });
  scanPdf(declared, "a.pdf");
  await refusedAsync(() => embeddedFiles(declared, "a.pdf"), /^a\.pdf: the embedded file "results\.json" declares 20 MB, more than 16 MB$/);
  const lying = await pdfWith(new Uint8Array(), null, { data, size: 100, name: "results.json" });
  await refusedAsync(() => embeddedFiles(lying, "b.pdf"), /^b\.pdf: the embedded file "results\.json" inflates to more than 16 MB$/);
  const bomb = await pdfWith(new Uint8Array(), null, {
    data: deflateSync(Buffer.alloc(64 << 20), { level: 9 }),
    size: 100,
    name: "results.json",
  });
  refused(() => scanPdf(bomb, "c.pdf"), /^c\.pdf: the stream of object \d+ inflates to more than 32 MB/);
});

test("an honest attachment is read back; empty, non-PDF, encrypted and unusual-filter files are named", async () => {
  const doc = await PDFDocument.create();
  doc.addPage();
  await doc.attach(new TextEncoder().encode('{"a": 1}'), "results.json", { mimeType: "application/json" });
  const pdf = await doc.save();
  const s = scanPdf(pdf, "ok.pdf");
  assert.is(s.pageObjects, 1);
  assert.is(new TextDecoder().decode((await embeddedFiles(pdf, "ok.pdf")).get("results.json")), '{"a": 1}');
  refused(() => scanPdf(new Uint8Array(), "empty.pdf"), /^empty\.pdf: not a readable PDF \(an empty file\)$/);
  refused(() => scanPdf(new TextEncoder().encode('{"format": 1}'), "r.json"), /^r\.json: not a readable PDF \(no %PDF- header\)$/);
  const lzw = await pdfWith(new Uint8Array([0x80, 0x0b, 0x60]), "LZWDecode");
  refused(() => scanPdf(lzw, "lzw.pdf"), /uses the LZWDecode filter, which a report built by npm run report never does/);
  const plain = Buffer.from(await pdfWith(new Uint8Array(), null)).toString("latin1");
  assert.ok(plain.includes("trailer\n<<"));
  const enc = Buffer.from(plain.replace("trailer\n<<", "trailer\n<< /Encrypt 9 0 R"), "latin1");
  refused(() => scanPdf(enc, "enc.pdf"), /^enc\.pdf: an encrypted PDF/);
  const small = { ...LIMITS, fileBytes: 100 };
  refused(() => scanPdf(pdf, "big.pdf", small), /^big\.pdf: .* MB, more than the 0\.00 MB a report PDF may have$/);
});

test.run();
