import { test } from "uvu";
import * as assert from "uvu/assert";
import { pageFigure, FIGURE_WIDTH } from "../../src/report/html";

test("a figure on the page keeps its proportions, and grows by a line per extra legend row", () => {
  const fig = (names: string[]) => ({
    data: names.map((name) => ({ type: "scatter", name, x: [0], y: [1] })),
    layout: { width: 960, height: 480 },
  });
  const one = pageFigure(fig(["a"]));
  assert.is(one.layout.width, FIGURE_WIDTH);
  assert.is(one.layout.height, Math.round((480 * FIGURE_WIDTH) / 960));
  const many = pageFigure(
    fig(["a rather long legend entry", "another long legend entry", "a third long legend entry", "and a fourth one"]),
  );
  assert.ok((many.layout.height as number) > (one.layout.height as number), "more legend rows, a taller figure");
  assert.is(pageFigure({ ...fig(["a", "b"]), layout: { width: 960, height: 480, showlegend: false } }).layout.height, one.layout.height);
});

test.run();
