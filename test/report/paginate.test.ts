import { test } from "uvu";
import * as assert from "uvu/assert";
import { adjustFloats, headingPages, pageStarters } from "../../src/report/paginate";

test("heading pages come from the bookmarks in order, matched without the spaces lost at line breaks", () => {
  const outline = [
    { title: "The title", page: 1 },
    { title: "Contents", page: 1 },
    { title: "Task 2: MNIST", page: 3 },
    { title: "Task 2a: pre-processing", page: 3 },
    { title: "Task 2d: the number ofparameters", page: 5 },
    { title: "Task 3: tricks", page: 6 },
  ];
  const h = (text: string, id: string) => ({ depth: 2, text, id });
  const pages = headingPages(outline, [
    h("Task 2: MNIST", "t2"),
    h("Task 2a: pre-processing", "t2a"),
    h("Task 2d: the number of parameters", "t2d"),
    h("Task 3: tricks", "t3"),
    h("Missing", "m"),
  ]);
  assert.equal(
    [...pages],
    [
      ["t2", 3],
      ["t2a", 3],
      ["t2d", 5],
      ["t3", 6],
    ],
  );
});

test("the figure or table at the top of each page: only those starting it, the highest when two do", () => {
  const h = 842;
  const dests = new Map([
    ["fig-a", { page: 3, top: 790 }],
    ["tbl-b", { page: 3, top: 500 }],
    ["tbl-c", { page: 4, top: 780 }],
    ["task-4a-x", { page: 5, top: 790 }],
    ["fig-d", { page: 6, top: 760 }],
    ["fig-e", { page: 6, top: 775 }],
  ]);
  assert.equal([...pageStarters(dests, h)].sort(), [
    [3, "fig-a"],
    [4, "tbl-c"],
    [6, "fig-e"],
  ]);
});

test("a hole moves the figure that starts the next page one block down; the last page and full pages move nothing", () => {
  const starters = new Map([
    [3, "fig-a"],
    [5, "tbl-c"],
    [6, "fig-z"],
  ]);
  assert.equal(
    adjustFloats({}, [0.1, 0.4, 0.05, 0.3, 0.9], starters),
    { "fig-a": 1, "tbl-c": 1 },
    "page 5 is the last: its blank is no hole",
  );
  assert.equal(adjustFloats({ "fig-a": 1 }, [0, 0.4, 0], starters), { "fig-a": 2 });
  assert.equal(adjustFloats({ "fig-a": 4 }, [0, 0.4, 0], starters), { "fig-a": 4 }, "at most four blocks");
});

test.run();
