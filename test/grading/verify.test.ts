// verify against a forger: a small real report (runs trained on a tiny dataset, printed by
// Chromium with both attachments) and copies tampered with each trick: an edited table cell or
// prose number, a covered and redrawn number, the original made invisible and a number drawn as
// a path or an image over it, hidden text (white, sub-point, outside the page), empty and
// inconsistent attachments, a quick build relabelled full, and a consistent forgery that only
// --rerun catches.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatNumber } from "../../src/contract/format";
import type { Outcome } from "../../src/grading/outcome";
import { Renderer } from "../../src/grading/render";
import { verifyPdf } from "../../src/grading/verify";
import { attachFile } from "../../src/report/pdf";
import { type ResultsFile, resultsJson } from "../../src/report/results";
import { SOURCE_NAME, type ReportSource, documentFromSource, sourceJson } from "../../src/report/source";
import {
  type Mini,
  addHiddenText,
  buildPdf,
  coverAndRedraw,
  drawPathOver,
  findWord,
  imageOver,
  makeInvisible,
  miniReport,
  stripesPng,
  tmpFile,
} from "./minireport";

let renderer: Renderer;
let mini: Mini;
let clean: Uint8Array;

const copy = (r: ResultsFile): any => JSON.parse(JSON.stringify(r));
const verify = async (pdf: Uint8Array, rerun = false): Promise<Outcome> =>
  await verifyPdf(tmpFile("submitted.pdf", pdf), { renderer, rerun: rerun ? { cache: null, dataDir: mini.dataDir, workers: 2 } : null });
const kinds = (o: Outcome) => [...new Set(o.findings.map((f) => f.kind))].sort();
const messages = (o: Outcome) => o.findings.map((f) => f.message).join("\n");
const pct = (x: number) => formatNumber(x, "percent");

test.before(async () => {
  renderer = Renderer.open();
  mini = await miniReport();
  clean = await buildPdf(renderer, mini.results, mini.source);
});
test.after(async () => {
  await renderer?.close();
});

test("a report as npm run report builds it verifies: every page as rendered again, every number consistent", async () => {
  const o = await verify(clean);
  assert.is(o.status, "ok", messages(o));
  assert.is(o.mode, "quick");
  assert.ok(o.checked > 80, `${o.checked} numbers checked`);
});

test("an edited table cell is named: the page's text and pixels differ where the report shows the number", async () => {
  const v = pct(mini.results.tasks["2c"].valAccuracy),
    forged = pct(mini.results.tasks["2c"].valAccuracy + 0.05);
  const pdf = await buildPdf(renderer, mini.results, mini.source, (html) => {
    const cell = `<td class="num">${v}</td>`;
    assert.ok(html.includes(cell), cell);
    return html.replace(cell, `<td class="num">${forged}</td>`);
  });
  const o = await verify(pdf);
  assert.is(o.status, "tampered");
  assert.equal(kinds(o), ["page", "text"]);
  const text = o.findings.find((f) => f.kind === "text")!;
  assert.is(text.key, "2c.valAccuracy");
  assert.match(text.message, `its text reads "${forged.split(" ")[0]}" where the report reads "${v.split(" ")[0]}"`);
});

test("an edited number in the prose is named", async () => {
  const key = "3a.valAccuracy",
    v = pct(mini.results.tasks["3a"].valAccuracy);
  const pdf = await buildPdf(renderer, mini.results, mini.source, (html) =>
    html.replace(`<span class="num" data-key="${key}">${v}</span>`, `<span class="num" data-key="${key}">99.100 %</span>`),
  );
  const o = await verify(pdf);
  assert.is(o.status, "tampered");
  assert.ok(
    o.findings.some((f) => f.kind === "text" && f.key === key && f.message.includes('"99.100"')),
    messages(o),
  );
});

test("a number covered by a white rectangle and drawn again is seen", async () => {
  const v = pct(mini.results.tasks["2c"].valAccuracy).split(" ")[0];
  const { page, word } = await findWord(clean, v);
  const o = await verify(await coverAndRedraw(clean, page, word, "99.100"));
  assert.is(o.status, "tampered");
  const seen = o.findings.find((f) => f.kind === "page")!;
  assert.ok(seen && seen.page === page + 1 && seen.message.includes(`which shows "${v}`), messages(o));
});

test("the original text made invisible (render mode 3) and digits drawn as a path are seen, though the text is unchanged", async () => {
  const v = pct(mini.results.tasks["2c"].valAccuracy).split(" ")[0];
  const { page, word } = await findWord(clean, v);
  const forged = await drawPathOver(await makeInvisible(clean, page, word), page, word, "99.1");
  const o = await verify(forged);
  assert.is(o.status, "tampered");
  assert.equal(kinds(o), ["page"], "the text layer still says the original; only the pixels show the forgery");
  assert.ok(
    o.findings.some((f) => f.message.includes(v)),
    messages(o),
  );
});

test("an image over a number is seen", async () => {
  const v = formatNumber(mini.results.tasks["2c"].valLoss, "loss");
  const { page, word } = await findWord(clean, v);
  const o = await verify(await imageOver(clean, page, word, stripesPng(40, 12)));
  assert.is(o.status, "tampered");
  assert.equal(kinds(o), ["page"]);
});

test("text a reader cannot see (white, sub-point, outside the page) is found in the PDF's text", async () => {
  for (const how of ["white", "tiny", "outside"] as const) {
    const o = await verify(await addHiddenText(clean, 1, "99.100 %", how));
    assert.is(o.status, "tampered", how);
    assert.ok(
      o.findings.some((f) => f.kind === "text" && f.message.includes('its text has "99.100 %", which the report does not')),
      `${how}: ${messages(o)}`,
    );
  }
});

/** The clean print with other attachments (what a forger gets by swapping them). */
async function withAttachments(results: string, edit: (s: ReportSource) => ReportSource = (s) => s): Promise<Uint8Array> {
  const s = { ...mini.source, renderer: await renderer.identity() };
  const source = sourceJson(edit(s));
  const { html } = documentFromSource(mini.results, resultsJson(mini.results), s, renderer.plotlyJs);
  const pdf = await attachFile(await renderer.print(html), "results.json", results, "swapped");
  return await attachFile(pdf, SOURCE_NAME, source, "swapped");
}

test("empty parts of the attachment are failures, not passes", async () => {
  const noTables = copy(mini.results);
  noTables.tables = [];
  let o = await verify(await withAttachments(resultsJson(noTables)));
  assert.is(o.status, "tampered");
  assert.match(messages(o), /results\.json has no tables/);
  assert.match(messages(o), /cannot be rendered from its attachments: .*unknown label "tbl-metrics"/);
  const noNumbers = copy(mini.results);
  noNumbers.tasks = {};
  o = await verify(await withAttachments(resultsJson(noNumbers)));
  assert.is(o.status, "tampered");
  assert.match(messages(o), /records no numbers/);
  const noRuns = copy(mini.results);
  noRuns.runs = {};
  o = await verify(await withAttachments(resultsJson(noRuns)));
  assert.match(messages(o), /results\.json has no runs/);
});

test("a source that reaches outside the document is refused by the printer: a finding, nothing fetched", async () => {
  const pdf = await withAttachments(resultsJson(mini.results), (src) => ({
    ...src,
    sources: src.sources.map((f, i) => (i === 1 ? { ...f, text: f.text + "\n![x](https://example.com/x.png)\n" } : f)),
  }));
  const o = await verify(pdf);
  assert.is(o.status, "tampered");
  assert.match(messages(o), /the report rendered from its attachments does not print: the report asks for https:\/\/example\.com\/x\.png/);
});

test("a table edited in the attachment (and printed so) but not in the recorded numbers is inconsistent", async () => {
  const r = copy(mini.results);
  const t = r.tables[0],
    row = t.values.findIndex((x: unknown[]) => x[0] === "2c"),
    col = t.columns.indexOf("validation accuracy");
  const forged = mini.results.tasks["2c"].valAccuracy + 0.05;
  t.rows[row][col] = pct(forged);
  t.values[row][col] = forged;
  const o = await verify(await buildPdf(renderer, r, mini.source));
  assert.is(o.status, "tampered");
  assert.equal(kinds(o), ["attachment"], "the pages are what the attachment says; the attachment contradicts itself");
  assert.match(
    messages(o),
    new RegExp(`Table 1, row baseline \\(2c\\), validation accuracy: shows "${pct(forged)}", which results\\.json does not record for 2c`),
  );
});

test("a quick build relabelled full is caught from its runs' sizes", async () => {
  const r = copy(mini.results);
  r.meta.mode = "full";
  r.meta.params = {};
  const o = await verify(await buildPdf(renderer, r, mini.source));
  assert.is(o.status, "tampered");
  assert.is(o.mode, "quick", "the mode comes from the sizes");
  assert.match(messages(o), /labelled full, but every run is quick-sized \(2000 training images, 1000 validation images, ≤ 2 epochs\)/);
  assert.match(
    messages(o),
    /runs 2c, 3a, 3b, .*: epochs 2, trainSize 2000, valSize 1000, but the recorded parameters \{\} give 50, 20000, 10000/,
  );
});

test("a consistent forgery (text and attachment edited alike) passes verify; only --rerun names the number", async () => {
  const r = copy(mini.results);
  const real = mini.results.tasks["2c"].valAccuracy,
    forged = Math.round((real + 0.05) * 1000) / 1000;
  r.tasks["2c"].valAccuracy = forged;
  for (const t of r.tables) {
    t.values.forEach((vs: unknown[], i: number) =>
      vs.forEach((v, j) => {
        if (v === real && t.values[i][0] === "2c") {
          t.values[i][j] = forged;
          t.rows[i][j] = pct(forged);
        }
      }),
    );
  }
  const pdf = await buildPdf(renderer, r, mini.source);
  const o = await verify(pdf);
  assert.is(o.status, "ok", messages(o));
  const re = await verify(pdf, true);
  assert.is(re.status, "tampered");
  assert.equal(
    re.findings.map((f) => f.key),
    ["2c.valAccuracy"],
    messages(re),
  );
  assert.match(re.findings[0].message, `2c.valAccuracy: the PDF reports ${pct(forged)}, re-executing run 2c gives ${pct(real)}`);
  assert.ok(re.rerun && re.checked > o.checked);
});

test.run();
