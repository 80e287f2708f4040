import { test } from "uvu";
import * as assert from "uvu/assert";
import { headingPages } from "../../src/report/pipeline";
import { pageFigure, FIGURE_WIDTH } from "../../src/report/html";
import { trainingCurves } from "../../src/notebook/figures";
import type { TrainResult } from "../../src/mlp/train";

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

test("a figure on the page keeps its plotting area however many legend rows it needs", () => {
  const result = { history: { trainLoss: [1, 0.5, 0.25], checks: [] } } as unknown as TrainResult;
  const one = pageFigure(trainingCurves([{ name: "", result }]));
  const many = pageFigure(trainingCurves(["2c", "3a", "3-ind-sigmoid", "3-ind-momentum"].map((name) => ({ name, result }))));
  assert.is(one.layout.width, FIGURE_WIDTH);
  assert.ok((many.layout.height as number) > (one.layout.height as number), "more legend rows, a taller figure");
});

test.run();
