// npm run preview end to end, in real Chromium (puppeteer-core): the preview on a free port over a
// copy of report/ and of the quick executed notebooks; an edit shows on the page; bad TeX shows an
// overlay naming the file, over the last good render; fixing it removes the overlay; all in one
// server process and one page connection. Then: the page and the report's HTML at 390 px wide (no
// horizontal scrolling; screenshots in the temporary folder), a stale notebook re-executed from
// the page with its progress shown, /report.pdf printed from the same render, and Ctrl-C ending
// the preview and the execution it started.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { localClientFlags, chromiumPath, plotlySource } from "../../src/report/browser";
import { executeNotebooks } from "../../src/report/execute";
import { reportHtml } from "../../src/report/html";
import { readPdf } from "../../src/report/pdf";
import { readMeta } from "../../src/report/meta";
import { reportDocument, reportSources } from "../../src/report/pipeline";
import { collect } from "../../src/report/results";
import { type RunningPreview, startPreview } from "../../bench/preview";
import { copyReportSources, ROOT } from "../helpers";

const tmp = mkdtempSync(join(tmpdir(), "preview-e2e-"));
const reportDir = join(tmp, "report"),
  nbDir = join(tmp, "nb");
const shots = join(tmp, "shots");

let preview: RunningPreview;
let browser: Browser;
let page: Page;
const refused: string[] = [];

const text = () => page.evaluate("document.body.innerText") as Promise<string>;
const attr = (name: string) => page.evaluate(`document.documentElement.getAttribute(${JSON.stringify(name)})`) as Promise<string | null>;

test.before(async () => {
  // The quick executed notebooks (npm run notebooks -- --quick), copied: the test edits them.
  const quick = join(ROOT, "build", "notebooks-quick");
  const names = readdirSync(join(ROOT, "notebooks"))
    .filter((f) => /^task.*\.ipynb$/.test(f))
    .sort();
  if (!names.every((n) => existsSync(join(quick, n)))) {
    const s = await executeNotebooks({
      notebooks: names.map((n) => join(ROOT, "notebooks", n)),
      outDir: quick,
      params: { quick: true },
      log: () => undefined,
    });
    assert.ok(
      s.every((x) => x.status !== "failed"),
      s.map((x) => x.error).join("\n"),
    );
  }
  cpSync(quick, nbDir, { recursive: true });
  mkdirSync(shots);
  copyReportSources(reportDir);
  preview = await startPreview(["--report-dir", reportDir, "--notebooks", nbDir, "--quick"]);
  browser = await puppeteer.launch({ executablePath: chromiumPath(), headless: true, args: localClientFlags() });
  page = await browser.newPage();
  await page.setRequestInterception(true);
  page.on("request", (r) => {
    if (r.url().startsWith(preview.url) || r.url().startsWith("data:")) void r.continue();
    else {
      refused.push(r.url());
      void r.abort();
    }
  });
  await page.setViewport({ width: 1000, height: 900 });
  await page.goto(preview.url, { waitUntil: "load" });
  await page.waitForFunction("document.documentElement.hasAttribute('data-ready') && window.__a2preview", { timeout: 60000 });
});

test.after(async () => {
  await browser?.close();
  await preview?.stop();
});

test("the page shows the report, its charts drawn, and asks for nothing beyond the server", async () => {
  assert.match(preview.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  assert.is(await attr("data-error"), null);
  const charts = (await page.evaluate(
    "[document.querySelectorAll('div.plotly').length, document.querySelectorAll('div.plotly .main-svg').length]",
  )) as number[];
  assert.ok(charts[0] >= 6 && charts[1] >= charts[0], `charts: ${charts}`);
  assert.match(await text(), /Task 2c/);
  assert.equal(refused, []);
});

test("an edit shows on the page; bad TeX shows an overlay naming the file over the last good render; fixing it removes the overlay", async () => {
  const file = join(reportDir, "02-task2.md");
  const original = readFileSync(file, "utf8");
  const pid = preview.child.pid;
  // Keep a heading of a later section at the top of the window: the edit above it must not move it.
  await page.evaluate("document.querySelector('section[data-part=\"section-2\"] h2').scrollIntoView()");
  const top = () =>
    page.evaluate("document.querySelector('section[data-part=\"section-2\"] h2').getBoundingClientRect().top") as Promise<number>;
  const before = await top();

  writeFileSync(
    file,
    original + "\n\nA sentence written while the preview runs, marker-7781.\n\nAnd a second paragraph, to move what follows.\n",
  );
  await page.waitForFunction("document.body.innerText.includes('marker-7781')", { timeout: 10000 });
  assert.ok(Math.abs((await top()) - before) <= 1, `the heading moved from ${before} to ${await top()}`);

  writeFileSync(file, original + "\n\nA sentence written while the preview runs, marker-7781.\n\nBroken $\\frac{1}{$ math.\n");
  await page.waitForFunction("document.documentElement.hasAttribute('data-preview-error')", { timeout: 10000 });
  const overlay = (await page.evaluate("document.getElementById('a2-overlay').innerText")) as string;
  assert.match(overlay, /Error in \S*02-task2\.md:\d+/);
  assert.match(overlay, /bad TeX in \$\\frac\{1\}\{\$: Missing close brace/);
  assert.ok(await page.evaluate("!document.getElementById('a2-overlay').hidden"));
  assert.match(await text(), /marker-7781/, "the last good render stays underneath");
  await page.screenshot({ path: join(shots, "overlay.png") });

  writeFileSync(file, original + "\n\nFixed, marker-7782.\n");
  await page.waitForFunction(
    "!document.documentElement.hasAttribute('data-preview-error') && document.body.innerText.includes('marker-7782')",
    { timeout: 10000 },
  );
  assert.ok(await page.evaluate("document.getElementById('a2-overlay').hidden"));
  assert.is(preview.child.pid, pid);
  assert.is(preview.child.exitCode, null, "the server is still running");
  assert.is(await attr("data-preview-connections"), "1", "the page never had to reconnect");
  assert.equal(refused, []);
});

test("at 390 px the page and the report's HTML need no horizontal scrolling", async () => {
  await page.setViewport({ width: 390, height: 844 });
  await page.evaluate("window.scrollTo(0, 0)");
  await new Promise((r) => setTimeout(r, 500));
  const widths = () =>
    page.evaluate(`({ doc: document.documentElement.scrollWidth,
    charts: Math.max(...Array.from(document.querySelectorAll("div.plotly")).map((d) => d.getBoundingClientRect().right)),
    blocks: Array.from(document.querySelectorAll("section > *, header > *, nav > *")).filter((e) => e.getBoundingClientRect().right > 391).map((e) => e.tagName + "." + e.className) })`) as Promise<{
      doc: number;
      charts: number;
      blocks: string[];
    }>;
  const w = await widths();
  assert.ok(w.doc <= 390 && w.charts <= 390, JSON.stringify(w));
  assert.equal(w.blocks, []);
  await page.screenshot({ path: join(shots, "preview-390.png") });

  // The report's own HTML (report.html), opened from disk.
  const nbs = readdirSync(nbDir)
    .filter((f) => f.endsWith(".ipynb"))
    .sort()
    .map((f) => join(nbDir, f));
  const doc = reportDocument(reportSources(reportDir), collect(nbs), readMeta(join(reportDir, "meta.yaml")), { claims: "warn" });
  const html = join(tmp, "report.html");
  writeFileSync(html, reportHtml({ ...doc.input, plotlyJs: plotlySource() }));
  const p = await browser.newPage();
  try {
    await p.setViewport({ width: 390, height: 844 });
    await p.goto("file://" + html, { waitUntil: "load" });
    await p.waitForFunction("document.documentElement.hasAttribute('data-ready')", { timeout: 60000 });
    const r = (await p.evaluate(`({ doc: document.documentElement.scrollWidth,
      tables: Array.from(document.querySelectorAll("figure.table")).map((f) => [f.clientWidth, f.scrollWidth, getComputedStyle(f).overflowX]) })`)) as {
      doc: number;
      tables: [number, number, string][];
    };
    assert.ok(r.doc <= 390, `report.html is ${r.doc} px wide`);
    assert.ok(r.tables.length > 0 && r.tables.every(([cw, , o]) => cw <= 390 && o === "auto"), JSON.stringify(r.tables));
    await p.screenshot({ path: join(shots, "report-390.png") });
    await p.screenshot({ path: join(shots, "report-390-full.png"), fullPage: true });
  } finally {
    await p.close();
  }
  await page.setViewport({ width: 1000, height: 900 });
  console.log(`screenshots in ${shots}${process.env.A2_KEEP_TMP === "1" ? "" : " (removed at the end; A2_KEEP_TMP=1 keeps them)"}`);
});

test("a stale notebook is marked with its command; re-executed from the page, its progress shows and the mark goes", async () => {
  // An executed copy of older code: its source cell and its cache key differ from the notebook's.
  const copy = join(nbDir, "task4.ipynb");
  const nb = JSON.parse(readFileSync(copy, "utf8"));
  const cell = nb.cells.find((c: { cell_type: string }) => c.cell_type === "code");
  cell.source = [...[cell.source].flat(), "\n// an older version"];
  nb.metadata.a2report.cacheKey = "older";
  writeFileSync(copy, JSON.stringify(nb));
  await page.waitForFunction("document.getElementById('a2-stale').innerText.includes('task4.ipynb')", { timeout: 10000 });
  const stale = (await page.evaluate("document.getElementById('a2-stale').innerText")) as string;
  assert.match(stale, /task4\.ipynb changed since it was executed: npm run notebooks -- --quick --out \S+ notebooks\/task4\.ipynb/);
  assert.not.match(stale, /task2\.ipynb|task3\.ipynb/);
  await page.click("#a2-stale button");
  await page.waitForFunction("document.getElementById('a2-log').innerText.includes('[run] task4.ipynb')", { timeout: 60000 });
  await page.waitForFunction("document.getElementById('a2-log').innerText.includes('[exit] done')", { timeout: 180000 });
  const log = (await page.evaluate("document.getElementById('a2-log').innerText")) as string;
  assert.match(log, /\[done\] task4\.ipynb/);
  await page.waitForFunction("!document.getElementById('a2-stale').innerText.includes('task4.ipynb')", { timeout: 10000 });
  assert.not.match(readFileSync(copy, "utf8"), /an older version/);
});

test("/report.pdf is the render the page shows, with results.json attached", async () => {
  const pdf = await new Promise<Buffer>((resolve, reject) => {
    get(preview.url + "report.pdf", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        res.statusCode === 200 && res.headers["content-type"] === "application/pdf"
          ? resolve(Buffer.concat(chunks))
          : reject(new Error(`${res.statusCode}: ${Buffer.concat(chunks).toString()}`)),
      );
    }).on("error", reject);
  });
  const { pages, attachments } = await readPdf(pdf, "report.pdf");
  assert.ok(pages.length >= 8, `${pages.length} pages`);
  assert.ok(attachments.has("results.json"));
  assert.match(pages.join("\n"), /marker-7782/);
  assert.not.match(pages.join("\n"), /live preview|Re-execute/, "the preview's own furniture is not printed");
});

test("Ctrl-C stops the preview and the notebook execution it started", async () => {
  const groups = () => [...preview.output().matchAll(/\(process group (\d+)\)/g)].map((m) => Number(m[1]));
  const earlier = groups().length;
  await page.evaluate(
    `fetch("/api/execute", { method: "POST", headers: { "X-A2-Preview": "1", "Content-Type": "application/json" }, body: '{"all": true}' })`,
  );
  const started = Date.now();
  while (groups().length === earlier && Date.now() - started < 20000) await new Promise((r) => setTimeout(r, 100));
  const group = groups()[earlier] ?? 0;
  assert.ok(group > 0, preview.output());
  const alive = () => {
    try {
      process.kill(-group, 0);
      return true;
    } catch {
      return false;
    }
  };
  assert.ok(alive(), "the execution runs");
  preview.child.kill("SIGINT");
  const code = await preview.stop();
  assert.is(code, 130, preview.output().slice(-1500)); // 128 + SIGINT, as every command stopped by a signal
  for (let i = 0; i < 50 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
  assert.not.ok(alive(), `process group ${group} is still alive`);
});

test.run();
