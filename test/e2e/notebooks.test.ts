// End to end on the real tslab kernel (Jupyter's nbclient): the task notebooks in quick mode, the
// cache, and a deliberately broken notebook; the executed copies' static images and cell ids, and
// `jupyter nbconvert --to html` showing the figures. Run by `npm run test:e2e` (CI does).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { executeNotebooks } from "../../src/report/execute";
import { MIME } from "../../src/contract/contract";
import { ROOT } from "../helpers";

const out = mkdtempSync(join(tmpdir(), "nb-"));
const notebooks = readdirSync(join(ROOT, "notebooks"))
  .filter((f) => /^task.*\.ipynb$/.test(f))
  .sort()
  .map((f) => join(ROOT, "notebooks", f));
const logs: string[] = [];
const log = (l: string) => logs.push(l);

interface Cell {
  cell_type: string;
  id?: string;
  source: string[] | string;
  metadata?: { tags?: string[] };
  outputs?: { output_type: string; data?: Record<string, unknown>; metadata?: Record<string, unknown>; name?: string; text?: string }[];
}
const src = (c: Cell) => (Array.isArray(c.source) ? c.source.join("") : c.source);
const labelOf = (c: Cell) => /^\/\/\|\s*label:\s*(\S+)/m.exec(src(c))?.[1] ?? null;

test("the task notebooks run in quick mode on the real kernel; every labelled cell has its declared output", async () => {
  const statuses = await executeNotebooks({ notebooks, outDir: out, params: { quick: true }, log });
  assert.equal(
    statuses.map((s) => s.status),
    notebooks.map(() => "run"),
    logs.join("\n") + statuses.map((s) => s.error ?? "").join("\n"),
  );
  const labels = new Set<string>();
  for (const s of statuses) {
    const nb = JSON.parse(readFileSync(s.output, "utf8")) as {
      nbformat_minor: number;
      cells: Cell[];
      metadata: { a2report?: { cacheKey: string } };
    };
    assert.ok(nb.metadata.a2report?.cacheKey, "the cache key is stored");
    // nbformat 4.5 ids: unique, the label of a labelled cell (when the source had none), stable.
    assert.ok(nb.nbformat_minor >= 5);
    const ids = nb.cells.map((c) => c.id);
    assert.ok(ids.every((id) => typeof id === "string" && /^[\w-]{1,64}$/.test(id)) && new Set(ids).size === ids.length, ids.join(" "));
    assert.is(nb.cells.find((c) => c.metadata?.tags?.includes("injected-parameters"))?.id, "injected-parameters");
    const source = (JSON.parse(readFileSync(s.notebook, "utf8")) as { cells: Cell[] }).cells;
    const executed = nb.cells.filter((c) => !c.metadata?.tags?.includes("injected-parameters"));
    source.forEach((c, i) => {
      const want = c.id ?? (c.cell_type === "code" ? labelOf(c) : null);
      if (want) assert.is(executed[i].id, want, `${s.notebook}: cell ${i}`);
    });
    for (const c of nb.cells.filter((x) => x.cell_type === "code")) {
      const lab = labelOf(c);
      for (const o of c.outputs ?? []) assert.is.not(o.name, "stderr", `${s.notebook}: stderr in ${lab}: ${o.text}`);
      if (!lab) continue;
      assert.not.ok(labels.has(lab), `label ${lab} is unique`);
      labels.add(lab);
      const data = (c.outputs ?? []).filter((o) => o.data).map((o) => o.data!);
      if (lab.startsWith("fig-")) {
        const fig = data.find((d) => d[MIME.plotly]);
        assert.ok(fig, `${lab} has a Plotly figure`);
        // nbformat stores multi-line strings as lists of lines.
        const html = fig![MIME.plotly] ? [fig!["text/html"]].flat().join("") : "";
        const png = String(fig!["image/png"] ?? "");
        assert.ok(png.length > 1000, `${lab} has a static image`);
        const bytes = Buffer.from(png, "base64");
        assert.is(bytes.subarray(1, 4).toString(), "PNG");
        const width = (fig![MIME.plotly] as { layout: { width: number } }).layout.width;
        assert.is(bytes.readUInt32BE(16), 2 * width, "twice the figure's width");
        assert.ok(html.includes(`<img src="data:image/png;base64,${png}"`), `${lab}: the HTML fallback shows the image`);
        assert.match(html, /Plotly\.newPlot/, `${lab}: and draws the chart when plotly.js loads`);
      }
      if (lab.startsWith("tbl-"))
        assert.ok(
          data.some((d) => d[MIME.table]),
          `${lab} has a table`,
        );
      if (/^tbl-(2c|3|4-)/.test(lab))
        assert.ok(
          data.some((d) => Array.isArray(d[MIME.result])),
          `${lab} records numbers`,
        );
    }
    // The progress display keeps only its final state.
    const progress = nb.cells.filter((c) => /nb\.train/.test(src(c))).flatMap((c) => c.outputs ?? []);
    assert.ok(progress.length >= 1 && progress.every((o) => o.output_type === "display_data"));
    assert.match(JSON.stringify(progress), /done after|from the run cache/);
  }
  for (const l of ["fig-2c-curves", "tbl-2c-metrics", "fig-3-added", "tbl-4d-params", "fig-4ef-deep"]) assert.ok(labels.has(l), l);
});

test("jupyter nbconvert --to html shows every figure of an executed notebook as an image", () => {
  for (const name of ["task2.ipynb", "task4.ipynb"]) {
    const nb = JSON.parse(readFileSync(join(out, name), "utf8")) as { cells: Cell[] };
    const figures = nb.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.data?.[MIME.plotly]).length;
    const r = spawnSync("jupyter", ["nbconvert", "--to", "html", "--stdout", join(out, name)], { encoding: "utf8", maxBuffer: 1 << 28 });
    assert.is(r.status, 0, r.stderr);
    const images = r.stdout.match(/<img src="data:image\/png;base64,/g) ?? [];
    assert.ok(figures >= 1 && images.length >= figures, `${name}: ${images.length} images for ${figures} figures`);
  }
});

test("a second run reports every notebook as cached", async () => {
  const lines: string[] = [];
  const t = performance.now();
  const statuses = await executeNotebooks({ notebooks, outDir: out, params: { quick: true }, log: (l) => lines.push(l) });
  assert.equal(
    statuses.map((s) => s.status),
    notebooks.map(() => "cached"),
  );
  assert.equal(
    lines,
    notebooks.map((n) => `[cached] ${n.split("/").pop()}`),
  );
  assert.ok(performance.now() - t < 10000, "seconds, not minutes");
});

test("a broken cell fails with the notebook, the cell and its message, and leaves the earlier output alone", async () => {
  const dir = mkdtempSync(join(tmpdir(), "nb-broken-"));
  const previous = '{"previous": "executed copy"}\n';
  writeFileSync(join(dir, "broken.ipynb"), previous);
  const [s] = await executeNotebooks({ notebooks: [join(ROOT, "test", "fixtures", "notebooks", "broken.ipynb")], outDir: dir, log });
  assert.is(s.status, "failed");
  assert.match(s.error!, /^broken\.ipynb: cell 4 \(fig-broken\) failed: .*deliberately broken cell/);
  assert.is(readFileSync(join(dir, "broken.ipynb"), "utf8"), previous);
});

test.run();
