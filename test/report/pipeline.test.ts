import { test } from "uvu";
import * as assert from "uvu/assert";
import { headingPages } from "../../src/report/pipeline";
import { pageFigure, FIGURE_WIDTH } from "../../src/report/html";

test("heading pages come from the bookmarks in order, matched without the spaces lost at line breaks", () => {
  const outline = [
    { title: "The title", page: 1 }, { title: "Contents", page: 1 },
    { title: "Task 2: MNIST", page: 3 }, { title: "Task 2a: pre-processing", page: 3 },
    { title: "Task 2d: the number ofparameters", page: 5 }, { title: "Task 3: tricks", page: 6 },
  ];
  const h = (text: string, id: string) => ({ depth: 2, text, id });
  const pages = headingPages(outline, [h("Task 2: MNIST", "t2"), h("Task 2a: pre-processing", "t2a"),
    h("Task 2d: the number of parameters", "t2d"), h("Task 3: tricks", "t3"), h("Missing", "m")]);
  assert.equal([...pages], [["t2", 3], ["t2a", 3], ["t2d", 5], ["t3", 6]]);
});

test("a figure on the page keeps its proportions, and grows by a line per extra legend row", () => {
  const fig = (names: string[]) => ({
    data: names.map((name) => ({ type: "scatter", name, x: [0], y: [1] })), layout: { width: 960, height: 480 },
  });
  const one = pageFigure(fig(["a"]));
  assert.is(one.layout.width, FIGURE_WIDTH);
  assert.is(one.layout.height, Math.round((480 * FIGURE_WIDTH) / 960));
  const many = pageFigure(fig(["a rather long legend entry", "another long legend entry", "a third long legend entry", "and a fourth one"]));
  assert.ok((many.layout.height as number) > (one.layout.height as number), "more legend rows, a taller figure");
  assert.is(pageFigure({ ...fig(["a", "b"]), layout: { width: 960, height: 480, showlegend: false } }).layout.height, one.layout.height);
});

test.run();
