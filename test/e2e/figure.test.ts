// Figures rendered offline in headless Chromium (Browser.figureImages, which the executor's static
// images and npm run figure use): the figure is data, passed to plotly.js as an argument, never
// page source, so a trace named like markup is drawn as text; npm run figure writes a PNG twice the
// figure's size.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Browser } from "../../src/report/browser";
import { MIME } from "../../src/contract/contract";
import { runScript } from "../helpers";

const hostile = "</script><script>document.title='pwned'</script><img src=x onerror=alert(1)>";
const fig = {
  data: [{ type: "scatter", x: [0, 1, 2], y: [2, 1, 3], name: hostile }],
  layout: { width: 400, height: 300, showlegend: true },
};

test("a figure is data: markup in it is drawn as text; PNG and SVG come back", async () => {
  const browser = await Browser.launch();
  try {
    const [png, svg] = [...(await browser.figureImages([fig])), ...(await browser.figureImages([fig], { format: "svg" }))];
    const bytes = Buffer.from(png.slice(png.indexOf(",") + 1), "base64");
    assert.is(bytes.subarray(1, 4).toString(), "PNG");
    assert.equal([bytes.readUInt32BE(16), bytes.readUInt32BE(20)], [800, 600]);
    const text = decodeURIComponent(svg.slice(svg.indexOf(",") + 1));
    // plotly.js writes "<" as &#60; inside its SVG text.
    assert.match(
      text,
      /<text class="legendtext"[^>]*>(&#60;|&lt;)\/script(&#62;|&gt;)(&#60;|&lt;)script(&#62;|&gt;)document\.title=/,
      "the legend shows the name as text",
    );
  } finally {
    await browser.close();
  }
});

test("one page draws every figure of a session: calls at once take turns, a figure that fails leaves the next to draw", async () => {
  const browser = await Browser.launch();
  try {
    const sized = (w: number) => ({ data: fig.data, layout: { ...fig.layout, width: w } });
    const pngWidth = (url: string) => Buffer.from(url.slice(url.indexOf(",") + 1), "base64").readUInt32BE(16);
    const [a, b] = await Promise.all([browser.figureImages([sized(300)], { scale: 1 }), browser.figureImages([sized(500)], { scale: 1 })]);
    assert.equal([pngWidth(a[0]), pngWidth(b[0])], [300, 500]);
    // plotly.js draws whatever it is given; a figure that cannot reach the page (circular) fails.
    const trace: Record<string, unknown> = { type: "scatter" };
    trace.self = trace;
    const failed = await browser.figureImages([{ data: [trace], layout: {} }]).then(
      () => "drawn",
      (e: Error) => e.message,
    );
    const [after] = await browser.figureImages([sized(600)], { scale: 1 });
    assert.equal([failed.startsWith("the figure does not draw") || failed, pngWidth(after)], [true, 600]);
  } finally {
    await browser.close();
  }
});

test("npm run figure writes the labelled figure of a notebook as PNG", () => {
  const dir = mkdtempSync(join(tmpdir(), "figure-"));
  const nb = {
    cells: [
      { cell_type: "code", source: "//| label: fig-x\nshow()", outputs: [{ output_type: "display_data", data: { [MIME.plotly]: fig } }] },
    ],
  };
  writeFileSync(join(dir, "n.ipynb"), JSON.stringify(nb));
  const r = runScript("figure", [join(dir, "n.ipynb"), "fig-x", join(dir, "x.png")]);
  assert.is(r.status, 0, r.stderr);
  const png = readFileSync(join(dir, "x.png"));
  assert.equal([png.readUInt32BE(16), png.readUInt32BE(20)], [800, 600]);
});

test.run();
