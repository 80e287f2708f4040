// grade over a class: the quick report, twenty PDFs made from it (honest ones whose authors wrote
// different prose, tampered ones, unreadable ones), graded by the command line into a CSV; and
// verify --rerun on a consistent forgery. Run by `npm run test:e2e` (CI does).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatNumber } from "../../src/contract/format";
import { documentFromSource } from "../../src/report/source";
import { runScript } from "../helpers";
import { coverAndRedraw, drawPathOver, findWord, makeInvisible } from "../grading/minireport";
import { type Classroom, classroom, forge2c, relabel } from "./classroom";

const tmp = mkdtempSync(join(tmpdir(), "grade-"));
const klass = join(tmp, "class");
mkdirSync(klass);
let c: Classroom;
const expected = new Map<string, string>();
const pct = (x: number) => formatNumber(x, "percent");

test.after(async () => {
  await c?.renderer.close();
});

test("a folder of twenty PDFs: honest ones with their own prose, tampered ones, unreadable ones", async () => {
  c = await classroom(tmp);
  const { results } = c;
  const { html } = documentFromSource(results, c.resultsText, c.source, c.renderer.plotlyJs);
  assert.is(html, readFileSync(c.report.html, "utf8"), "the HTML rebuilt from the PDF's attachments is the build's, byte for byte");
  const put = (name: string, bytes: Uint8Array | string, status: string) => {
    writeFileSync(join(klass, name), bytes);
    expected.set(name, status);
  };
  for (let k = 1; k <= 10; k++) put(`student-${String(k).padStart(2, "0")}.pdf`, await c.student(k), "ok");
  const v = pct(results.tasks["2c"].valAccuracy);
  put(
    "edited-cell.pdf",
    await c.student(11, results, (h) => h.replace(`<td class="num">${v}</td>`, `<td class="num">99.100 %</td>`)),
    "tampered",
  );
  put(
    "edited-prose.pdf",
    await c.student(12, results, (h) => h.replace(/(<span class="num" data-key="3c\.valAccuracy">)[^<]*/, "$198.000 %")),
    "tampered",
  );
  const honest = await c.student(13);
  const { page, word } = await findWord(honest, v.split(" ")[0]);
  put("covered.pdf", await coverAndRedraw(honest, page, word, "99.100"), "tampered");
  put("invisible-path.pdf", await drawPathOver(await makeInvisible(honest, page, word), page, word, "99.1"), "tampered");
  put("relabelled.pdf", await c.student(14, relabel(results)), "tampered");
  put("inconsistent.pdf", await c.student(15, forge2c(results, false)), "tampered");
  put("consistent-forgery.pdf", await c.student(16, forge2c(results, true)), "ok");
  put("empty.pdf", "", "unreadable");
  put("truncated.pdf", honest.subarray(0, Math.floor(honest.length / 2)), "unreadable");
  put("results.pdf", c.resultsText, "unreadable");
  assert.is(expected.size, 20);
});

test("npm run grade: one row per PDF with its status, a markdown summary, exit 0", () => {
  const csv = join(tmp, "grades.csv");
  const g = runScript("grade", [klass, "--csv", csv, "--jobs", "2"]);
  assert.is(g.status, 0, g.stderr);
  const rows = readFileSync(csv, "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(","));
  assert.is(rows.length, 20);
  for (const row of rows) assert.is(row[1], expected.get(row[0]), `${row[0]}: ${row.join(",")}`);
  const byName = new Map(rows.map((r) => [r[0], r] as const));
  assert.is(byName.get("edited-cell.pdf")![5], "2c.valAccuracy");
  assert.is(byName.get("relabelled.pdf")![2], "quick", "the mode is the runs' sizes'");
  assert.match(g.stdout, /^## Grading of .*class\n\n20 PDFs, in [\d.]+ s \(([\d.]+) s per PDF, 2 at a time\)/);
  assert.match(g.stdout, /\| ok \| 11 \|\n\| tampered \| 6 \|\n\| unreadable \| 3 \|/);
  console.log(`  grade: ${/\(([\d.]+) s per PDF/.exec(g.stdout)![1]} s per PDF over 20 PDFs, 2 at a time`);
});

test("grade: a folder it cannot read is exit 2 and one line", () => {
  const none = join(tmp, "none"),
    empty = join(tmp, "empty");
  mkdirSync(empty);
  for (const [args, re] of [
    [[none], /^error: .*none: no such folder\n$/],
    [[empty], /^error: .*empty: no PDF files in this folder\n$/],
    [[klass, "--jobs", "0"], /^error: --jobs 0: expected an integer ≥ 1\n$/],
    [[klass, "--slurm", "--time", "soon", "--dry-run"], /^error: --time "soon": expected HH:MM:SS/],
    [[klass, "--resume"], /^error: --resume and --dry-run go with --slurm\n$/],
  ] as const) {
    const r = runScript("grade", [...args]);
    assert.is(r.status, 2, r.stderr);
    assert.match(r.stderr, re);
  }
});

test("verify --rerun: the consistent forgery passes verify but not re-execution, which names the number", () => {
  const pdf = join(klass, "consistent-forgery.pdf");
  const plain = runScript("verify", [pdf]);
  assert.is(plain.status, 0, plain.stdout + plain.stderr);
  const re = runScript("verify", [pdf, "--rerun", "--no-cache", "--json", join(tmp, "forgery.json")]);
  assert.is(re.status, 1, re.stdout + re.stderr);
  assert.match(
    re.stdout,
    new RegExp(`2c\\.valAccuracy: the PDF reports 99\\.100 %, re-executing run 2c gives ${pct(c.results.tasks["2c"].valAccuracy)}`),
    re.stdout,
  );
  const o = JSON.parse(readFileSync(join(tmp, "forgery.json"), "utf8"));
  assert.is(o.status, "tampered");
  assert.ok(o.rerun);
  const honest = runScript("verify", [join(klass, "student-01.pdf"), "--rerun"]);
  assert.is(honest.status, 0, honest.stdout + honest.stderr);
});

test("hostile input from the command line: a stream bomb is refused within seconds, exit 2, one line", async () => {
  const { deflateSync } = await import("node:zlib");
  const { PDFDocument, PDFName } = await import("pdf-lib");
  const doc = await PDFDocument.create();
  doc
    .addPage()
    .node.set(
      PDFName.of("Contents"),
      doc.context.register(doc.context.stream(deflateSync(Buffer.alloc(500 << 20), { level: 9 }), { Filter: "FlateDecode" })),
    );
  const bomb = join(tmp, "bomb.pdf");
  writeFileSync(bomb, await doc.save({ useObjectStreams: false }));
  const t0 = performance.now();
  const v = runScript("verify", [bomb]);
  assert.is(v.status, 2);
  assert.match(v.stderr, /^error: .*bomb\.pdf: the stream of object \d+ inflates to more than 32 MB \(refused before reading\)\n$/);
  assert.ok(performance.now() - t0 < 30000, "refused within seconds (the script's start included)");
});

test.run();
