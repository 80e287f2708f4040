// The report end to end in quick mode, on the real tslab kernel and Chromium: notebooks → PDF,
// HTML and results.json; the PDF's text; byte-identical results; diff and verify; a failed build
// leaves the previous report alone. Run by `npm run test:e2e` (CI does).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, cpSync, readdirSync, lstatSync, readlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { buildReport } from "../../src/report/pipeline";
import { REPORT_TASKS } from "../../src/report/markdown";
import { readPdf, printPdf, attachFile } from "../../src/report/pdf";
import { Browser } from "../../src/report/browser";
import { parseResults } from "../../src/report/results";
import { formatNumber } from "../../src/contract/format";
import { copyReportSources, ROOT, runScript } from "../helpers";
import { embeddedFiles } from "../../src/grading/pdffile";
import { SOURCE_NAME } from "../../src/report/source";
import { PDFDocument } from "pdf-lib";

const tmp = mkdtempSync(join(tmpdir(), "report-"));
const nbA = join(tmp, "nb-a"),
  nbB = join(tmp, "nb-b");
const outA = join(tmp, "a"),
  outA2 = join(tmp, "a2"),
  outB = join(tmp, "b");
const logs: string[] = [];
const log = (l: string) => logs.push(l);

test("a quick report: the PDF shows every task, caption and number as the tables format them", async () => {
  const r = await buildReport({ quick: true, outDir: outA, notebooksOut: nbA, log });
  assert.ok(
    logs.some((l) => /^\[pdf\] .*report\.pdf \d+ pages/.test(l)),
    logs.join("\n"),
  );
  const { pages, attachments } = await readPdf(readFileSync(r.pdf), r.pdf);
  assert.ok(r.pages >= 8 && pages.length === r.pages, `${pages.length} pages`);
  const text = pages.join("\n").replace(/\s+/g, " ");
  for (const t of REPORT_TASKS) assert.ok(text.includes(`Task ${t}`), `Task ${t} heading`);
  assert.ok(text.includes("Quick build."), "a quick report says so");
  const results = parseResults(readFileSync(r.results, "utf8"), "results.json");
  assert.is(new TextDecoder().decode(attachments.get("results.json")!), readFileSync(r.results, "utf8"), "the PDF carries results.json");
  for (const t of results.tables.filter((x) => x.number !== null)) assert.ok(text.includes(`Table ${t.number}: ${t.caption}`), t.label);
  for (const n of [1, 2, 3, 4, 5, 6]) assert.match(text, new RegExp(`Figure ${n}: `));
  // Every number the prose quotes, as the HTML shows it, is in the PDF's text, and is the recorded one.
  const html0 = readFileSync(r.html, "utf8");
  const quoted = [...html0.matchAll(/<span class="num" data-key="([\w.-]+)">([^<]+)<\/span>/g)];
  assert.ok(quoted.length > 100, `${quoted.length} numbers quoted`);
  for (const [, key, shown] of quoted) {
    assert.ok(text.includes(shown.replace(/\s+/g, " ")), `${key} as ${shown}`);
    if (key.startsWith("runs.")) continue;
    const [task, name] = [key.slice(0, key.lastIndexOf(".")), key.slice(key.lastIndexOf(".") + 1)];
    const value = results.tasks[task]?.[name] ?? results.measured[task]?.[name];
    assert.is(shown, formatNumber(value, results.formats[task][name]), key);
  }
  assert.is(results.meta.mode, "quick");
  assert.is(Object.keys(results.runs).length, 11);
  const html = readFileSync(r.html, "utf8");
  assert.ok(html.includes("Plotly.newPlot") && !/<script[^>]+src=/.test(html) && !/<link[^>]+href=/.test(html), "self-contained HTML");
  assert.is(runScript("verify", [r.pdf]).status, 0);
});

test("two builds of the same quick configuration give byte-identical results.json, HTML and PDF, and diff agrees", async () => {
  const r2 = await buildReport({ quick: true, outDir: outA2, notebooksOut: nbA, force: true, log });
  assert.is(readFileSync(r2.results, "utf8"), readFileSync(join(outA, "results.json"), "utf8"));
  assert.ok(readFileSync(r2.html).equals(readFileSync(join(outA, "report.html"))), "the same HTML");
  assert.ok(readFileSync(r2.pdf).equals(readFileSync(join(outA, "report.pdf"))), "the same PDF, byte for byte");
  assert.ok(
    lstatSync(outA2).isSymbolicLink() && /^\.a2\.\d+-[0-9a-f]+$/.test(readlinkSync(outA2)),
    "the output folder is a link to the set",
  );
  const d = runScript("diff", [join(outA, "report.pdf"), r2.results]);
  assert.is(d.status, 0, d.stdout + d.stderr);
  assert.match(d.stdout, /all \d+ values agree/);
});

test("changing one run's learning rate: diff lists that run's changed numbers and exits 1", async () => {
  const r = await buildReport({ quick: true, outDir: outB, notebooksOut: nbB, runs: { "2c": { learningRate: 0.05 } }, log });
  const d = runScript("diff", [join(outA, "results.json"), r.results]);
  assert.is(d.status, 1, d.stdout + d.stderr);
  assert.match(d.stdout, /run 2c\s+learningRate\s+0\.1\s+0\.05/);
  assert.match(d.stdout, /\n2c\s+valAccuracy\s/);
  assert.not.match(d.stdout, /\n3c\s/, "other runs are unchanged");
  const nb = runScript("diff", [nbA, nbB]);
  assert.is(nb.status, 1, "folders of executed notebooks compare too");
});

test("a PDF whose table text was altered fails verify, naming the number", async () => {
  const html = readFileSync(join(outA, "report.html"), "utf8");
  const results = readFileSync(join(outA, "results.json"), "utf8");
  const r = parseResults(results, "results.json");
  const t = r.tables.find((x) => x.label === "tbl-2c-metrics")!;
  const cell = t.rows[0][4];
  const forged = cell.replace(/\d(?=\d* %)/, (d) => String((Number(d) + 1) % 10));
  const cellHtml = `<td class="num">${cell}</td>`;
  assert.ok(html.includes(cellHtml), cellHtml);
  const browser = await Browser.launch();
  let pdf: Uint8Array;
  try {
    pdf = await printPdf(browser, html.replace(cellHtml, `<td class="num">${forged}</td>`));
  } finally {
    await browser.close();
  }
  const path = join(tmp, "tampered.pdf");
  const source = await embeddedFiles(readFileSync(join(outA, "report.pdf")), "report.pdf");
  writeFileSync(
    path,
    await attachFile(
      await attachFile(pdf, "results.json", results, "tampered"),
      SOURCE_NAME,
      new TextDecoder().decode(source.get(SOURCE_NAME)),
      "tampered",
    ),
  );
  const v = runScript("verify", [path]);
  assert.is(v.status, 1, v.stdout + v.stderr);
  const [num, was] = [forged, cell].map((x) => x.split(" ")[0]);
  assert.match(v.stdout, new RegExp(`page \\d+: its text reads "${num}" where the report reads "${was}" \\(2c\\.valAccuracy`));
  assert.match(
    v.stdout,
    new RegExp(
      `page \\d+: what it shows at x \\d+–\\d+ pt, y \\d+–\\d+ pt is not the report rendered from its attachments, which shows "${was}" there`,
    ),
  );
  assert.match(v.stdout, /tampered: \d+ findings/);
});

test("printing refuses the network: a document that fetches anything fails", async () => {
  const browser = await Browser.launch();
  try {
    await printPdf(
      browser,
      `<!doctype html><img src="https://example.com/logo.png"><script>document.documentElement.setAttribute("data-ready", "1")</script>`,
    );
    assert.unreachable("the print must fail");
  } catch (e) {
    assert.match((e as Error).message, /^the report asks for https:\/\/example\.com\/logo\.png: it must not need the network/);
  } finally {
    await browser.close();
  }
});

test("bad input: exit 2 and one line", async () => {
  const bad = join(tmp, "bad.json");
  writeFileSync(bad, "{ not json");
  const blank = await PDFDocument.create();
  blank.addPage();
  const plain = join(tmp, "plain.pdf");
  writeFileSync(plain, await blank.save());
  for (const [script, args, re] of [
    ["diff", [join(tmp, "missing.json"), bad], /^error: .*missing\.json: no such file or folder\n$/],
    ["diff", [bad, join(outA, "results.json")], /^error: .*bad\.json: malformed JSON/],
    ["verify", [join(outA, "results.json")], /not a readable PDF/],
    ["verify", [plain], /plain\.pdf: no embedded results\.json/],
    ["verify", [bad], /bad\.json: not a readable PDF \(no %PDF- header\)/],
    ["verify", [join(tmp, "nothing.pdf")], /nothing\.pdf: no such file/],
    ["diff", [plain, join(outA, "results.json")], /plain\.pdf: no embedded results\.json/],
  ] as const) {
    const r = runScript(script, [...args]);
    assert.is(r.status, 2, r.stderr);
    assert.match(r.stderr, re);
  }
});

test("a build that fails (bad TeX) names the place and leaves the previous report as it was", async () => {
  const dir = join(tmp, "md");
  copyReportSources(dir);
  const f = readdirSync(dir).find((n) => n.includes("task2"))!;
  writeFileSync(join(dir, f), readFileSync(join(dir, f), "utf8") + "\n\nBroken $\\frac{1}{$ math.\n");
  const before = [readFileSync(join(outA, "report.pdf")), readFileSync(join(outA, "results.json"))];
  try {
    await buildReport({ quick: true, outDir: outA, notebooksOut: nbA, reportDir: dir, log });
    assert.unreachable("the build must fail");
  } catch (e) {
    assert.match((e as Error).message, new RegExp(`${f}:\\d+: bad TeX in \\$\\\\frac\\{1\\}\\{\\$: Missing close brace`));
  }
  assert.ok(before[0].equals(readFileSync(join(outA, "report.pdf"))) && before[1].equals(readFileSync(join(outA, "results.json"))));
});

test("a claim holds until a --set flips it; then the build fails naming the file, the line and both numbers", async () => {
  const dir = join(tmp, "claims");
  mkdirSync(dir);
  cpSync(join(ROOT, "report", "meta.yaml"), join(dir, "meta.yaml"));
  writeFileSync(join(dir, "00-intro.md"), "A report of claims.\n");
  const tasks = REPORT_TASKS.map((t) => `## Task ${t}: part\n\nText.\n`).join("\n");
  writeFileSync(
    join(dir, "01-body.md"),
    `# Tasks\n\n${tasks}\nThe baseline reaches {{2c.valAccuracy}}, above 30 %{{claim 2c.valAccuracy > 0.3}}.\n`,
  );
  const line =
    readFileSync(join(dir, "01-body.md"), "utf8")
      .split("\n")
      .findIndex((l) => l.includes("{{claim")) + 1;
  const ok = await buildReport({ quick: true, outDir: join(tmp, "claims-a"), notebooksOut: nbA, reportDir: dir, claims: "strict", log });
  assert.ok(readFileSync(ok.results, "utf8").length > 0);
  try {
    await buildReport({
      quick: true,
      outDir: join(tmp, "claims-b"),
      notebooksOut: nbB,
      reportDir: dir,
      claims: "strict",
      runs: { "2c": { learningRate: 1e-6 } },
      log,
    });
    assert.unreachable("the flipped claim must fail the build");
  } catch (e) {
    assert.match(
      (e as Error).message,
      new RegExp(
        `^\\S*01-body\\.md:${line}: claim "2c\\.valAccuracy > 0\\.3" is false: left side 0\\.\\d+, right side 0\\.3 \\(2c\\.valAccuracy = \\d+\\.\\d{3} %\\)\n1 claim is false on these runs: change the text, or build a draft with --claims warn$`,
      ),
    );
  }
});

test("a run that diverges fails the build with its error; the notebooks executing beside it stop, and nothing stays claimed", async () => {
  const executors = () => spawnSync("pgrep", ["-f", `execute_notebook.py.*${tmp}`], { encoding: "utf8" }).stdout.trim();
  const t0 = performance.now();
  try {
    await buildReport({
      quick: true,
      outDir: join(tmp, "diverged"),
      notebooksOut: join(tmp, "nb-diverged"),
      force: true,
      runs: { "2c": { learningRate: 1e4 } },
      log,
    });
    assert.unreachable("a diverged run must fail the build");
  } catch (e) {
    assert.match((e as Error).message, /^run 2c: training diverged at step \d+/);
  }
  assert.ok(performance.now() - t0 < 60_000, "the build stops at once");
  assert.is(executors(), "", "no executor left");
  assert.equal(
    readdirSync(join(ROOT, "build", "runs")).filter((f) => f.endsWith(".claim")),
    [],
  );
});

test.run();
