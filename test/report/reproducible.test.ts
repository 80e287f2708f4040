// The same inputs give a byte-identical PDF (src/report/reproducible.ts): Chromium's and pdf-lib's
// time stamps are replaced by fixed values and the document ID is a hash of the content; the
// attached results stay byte for byte what was attached.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createHash } from "node:crypto";
import { PDFDict, PDFDocument } from "pdf-lib";
import { Browser } from "../../src/report/browser";
import { printPdf, readPdf } from "../../src/report/pdf";
import { PRODUCER, reproduciblePdf, sourceDate } from "../../src/report/reproducible";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const results = '{\n  "format": "tdt4265-a2-results/1",\n  "é": 0.30000000000000004\n}\n';

async function info(pdf: Uint8Array) {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const dict = doc.context.lookup(doc.context.trailerInfo.Info, PDFDict);
  return {
    keys: dict.keys().map(String),
    producer: doc.getProducer(),
    created: doc.getCreationDate(),
    id: String(doc.context.trailerInfo.ID),
  };
}

test("two prints of the same document a second apart: different bytes from Chromium, identical after", async () => {
  const html =
    `<!doctype html><html><head><meta charset="utf-8"><title>Same</title></head><body><h1>Same</h1><p>Text é</p>` +
    `<script>document.documentElement.setAttribute("data-ready", "1")</script></body></html>`;
  const browser = await Browser.launch();
  const raw: Uint8Array[] = [];
  try {
    raw.push(await printPdf(browser, html));
    await pause(1100);
    raw.push(await printPdf(browser, html));
  } finally {
    await browser.close();
  }
  assert.is.not(sha(raw[0]), sha(raw[1]), "Chromium stamps the time");
  const done = [];
  for (const r of raw) done.push(await reproduciblePdf(r, null, [{ name: "results.json", content: results, description: "results" }]));
  assert.is(sha(done[0]), sha(done[1]));
  const i = await info(done[0]);
  assert.is(i.producer, PRODUCER);
  assert.not.ok(i.keys.includes("/CreationDate") || i.keys.includes("/ModDate"), "no dates without SOURCE_DATE_EPOCH");
  assert.match(i.id, /^\[ <([0-9a-f]{32})> <\1> \]$/);
  const read = await readPdf(done[0], "pdf");
  assert.is(new TextDecoder().decode(read.attachments.get("results.json")), results, "the attachment is results.json byte for byte");
  assert.match(read.pages[0], /Same/);
});

test("SOURCE_DATE_EPOCH gives fixed dates; a bad one is named", async () => {
  const doc = await PDFDocument.create();
  doc.addPage();
  const pdf = await reproduciblePdf(await doc.save(), sourceDate({ SOURCE_DATE_EPOCH: "1700000000" }));
  const i = await info(pdf);
  assert.is(i.created?.toISOString(), "2023-11-14T22:13:20.000Z");
  assert.is(sourceDate({}), null);
  assert.throws(() => sourceDate({ SOURCE_DATE_EPOCH: "yesterday" }), /^SOURCE_DATE_EPOCH=yesterday: expected whole seconds since 1970$/);
});

test.run();
