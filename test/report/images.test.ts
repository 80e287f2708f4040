// A figure's static image in its output bundle: image/png with its display size, and the HTML
// fallback (display.ts's figureBundle, as notebooks emit it) showing the image where it said the
// figure would appear, its script left to draw the chart. Rendering is test/e2e/notebooks.test.ts.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { MIME } from "../../src/contract/contract";
import { figureBundle } from "../../src/notebook/display";
import { figureSize } from "../../src/report/browser";
import { figureOutputs, withImage } from "../../src/report/images";

const png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==";

test("the image joins the bundle and replaces the fallback's placeholder", () => {
  const fig = { data: [{ type: "scatter", x: [1], y: [2], name: 'a "quoted" <name>' }], layout: { width: 500, height: 300 } };
  const out = { output_type: "display_data", data: figureBundle(fig), metadata: {} };
  const r = withImage(out, png);
  assert.is(r.data!["image/png"], "iVBORw0KGgoAAAANSUhEUg==");
  assert.equal(r.metadata, { "image/png": { width: 500, height: 300 } });
  const html = r.data!["text/html"] as string;
  assert.match(
    html,
    /^<div id="a2fig-[^"]+" style="[^"]*"><img src="data:image\/png;base64,iVBORw0KGgoAAAANSUhEUg==" width="500" alt="a &quot;quoted&quot; &lt;name&gt;"/,
  );
  assert.not.match(html, /Interactive figure/, "the placeholder text is gone");
  assert.match(html, /Plotly\.newPlot/, "the script still draws the chart when plotly.js loads");
  assert.equal(r.data![MIME.plotly], fig);
  assert.equal(out.data["image/png"], undefined, "the original output is not changed");
});

test("figure outputs, sizes, and a non-PNG image refused", () => {
  const f = { data: [], layout: {} };
  const nb = { cells: [{ outputs: [{ data: { "text/plain": "x" } }, { data: { [MIME.plotly]: f } }] }, {}] };
  assert.is(figureOutputs(nb).length, 1);
  assert.equal(figureSize({ data: [], layout: { width: 1e9, height: "x" } }), { width: 900, height: 450 });
  assert.throws(() => withImage({ data: { [MIME.plotly]: f } }, "data:image/svg+xml,<svg/>"), /not a PNG data URL/);
});

test.run();
