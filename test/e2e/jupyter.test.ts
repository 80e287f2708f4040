// Interactive use, end to end: `jupyter notebook` on the project (as npm run jupyter starts it),
// task2.ipynb opened in headless Chromium with every request off localhost refused, run top to
// bottom in quick mode; the figure must be drawn by the project's own plotly.js.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer from "puppeteer-core";
import { chromiumFlags, chromiumPath } from "../../src/report/browser";
import { ensureKernelSpec } from "../../src/report/execute";
import { ROOT } from "../helpers";

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

test("task2.ipynb runs top to bottom in Jupyter Notebook and its figure draws offline", async () => {
  const port = await freePort();
  const jupyterPath = ensureKernelSpec(ROOT);
  const server: ChildProcess = spawn(
    "jupyter",
    [
      "notebook",
      "--no-browser",
      `--port=${port}`,
      "--ip=127.0.0.1",
      `--notebook-dir=${ROOT}`,
      "--NotebookApp.token=",
      "--NotebookApp.password=",
      ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
    ],
    {
      env: { ...process.env, JUPYTER_PATH: jupyterPath, JUPYTER_RUNTIME_DIR: mkdtempSync(join(tmpdir(), "jr-")) },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let serverLog = "";
  server.stderr!.on("data", (d: Buffer) => {
    serverLog += d.toString();
  });
  // The report's flags but the closed proxy and resolver: this page must reach the local server.
  const flags = chromiumFlags(0).filter((f) => !/^--(proxy-|host-resolver-)/.test(f));
  const browser = await puppeteer.launch({ executablePath: chromiumPath(), headless: true, args: flags });
  const refused: string[] = [];
  try {
    const page = await browser.newPage();
    await page.setRequestInterception(true);
    page.on("request", (r) => {
      const u = new URL(r.url());
      if (u.hostname === "127.0.0.1" || u.protocol === "data:") void r.continue();
      else {
        refused.push(r.url());
        void r.abort();
      }
    });
    await page.setViewport({ width: 1280, height: 900 });
    const url = `http://127.0.0.1:${port}/notebooks/notebooks/task2.ipynb`;
    for (let i = 0; ; i++) {
      try {
        await page.goto(url, { waitUntil: "load", timeout: 10000 });
        break;
      } catch (e) {
        if (i > 40) throw new Error(`${(e as Error).message}; server said:\n${serverLog.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    await page.waitForFunction("window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected()", {
      timeout: 60000,
    });
    await page.evaluate(`(() => {
      const cells = Jupyter.notebook.get_cells();
      const params = cells.find((c) => (c.metadata.tags || []).includes("parameters"));
      params.set_text("const params = { quick: true };");
      Jupyter.notebook.execute_all_cells();
    })()`);
    await page.waitForFunction(
      `Jupyter.notebook.get_cells().every((c) => c.cell_type !== "code" || typeof c.input_prompt_number === "number")`,
      { timeout: 240000, polling: 500 },
    );
    // plotly.js (1 MB) loads from the Jupyter server after the cell's output arrives.
    await page.waitForSelector(".js-plotly-plot .main-svg", { timeout: 60000 }).catch(() => undefined);
    const state = (await page.evaluate(`(() => ({
      errors: Jupyter.notebook.get_cells().flatMap((c) => (c.output_area ? c.output_area.outputs : []))
        .filter((o) => o.output_type === "error" || o.name === "stderr").map((o) => o.text || o.evalue),
      plots: document.querySelectorAll(".js-plotly-plot .main-svg").length,
      tables: document.querySelectorAll("table.results").length,
    }))()`)) as { errors: string[]; plots: number; tables: number };
    assert.equal(state.errors, []);
    assert.ok(state.plots >= 1, "Plotly drew the 2c figure");
    assert.ok(state.tables >= 4, "the tables show");
    const fig = await page.$(".js-plotly-plot");
    await fig!.screenshot({ path: join(tmpdir(), "jupyter-fig-2c.png") });
  } finally {
    await browser.close();
    server.kill("SIGTERM");
  }
  assert.ok(
    refused.every((u) => !u.includes("plotly")),
    `plotly came from the project: ${refused.join(", ")}`,
  );
});

test.run();
