import { test } from "uvu";
import * as assert from "uvu/assert";
import { Browser, plotlySource } from "../../src/report/browser";
import { reportHtml } from "../../src/report/html";
import { REPORT_TASKS, renderReport } from "../../src/report/markdown";
import { adjustFloats, headingPages, pageStarters } from "../../src/report/paginate";
import { pdfDestinations, pdfOutline, printPdf } from "../../src/report/pdf";
import type { Collected } from "../../src/report/results";

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

test("a layout-only print (no plotly.js, charts as empty boxes) puts every heading, figure and table where the whole print does", async () => {
  const trace = { type: "scatter", x: [0, 1, 2], y: [1, 0.5, 0.2], name: "train loss" };
  const figure = (height: number, names: number) => ({
    data: Array.from({ length: names }, (_, i) => ({ ...trace, name: `curve ${i}` })),
    layout: { width: 600, height, title: { text: `A chart ${height} high` } },
  });
  const sizes = [
    [300, 1],
    [520, 2],
    [260, 9],
    [420, 4],
  ] as const;
  const figures = new Map(
    sizes.map(([h, n], i) => [`fig-${i}`, { label: `fig-${i}`, caption: `Chart ${i}`, notebook: "task2.ipynb", figure: figure(h, n) }]),
  );
  const collected: Collected = {
    notebooks: ["task2.ipynb"],
    figures,
    tables: new Map([
      [
        "tbl-t",
        {
          label: "tbl-t",
          caption: "Numbers",
          notebook: "task2.ipynb",
          table: { columns: ["run", "x"], rows: [["2c", "1"]], values: [["2c", 1]] },
        },
      ],
    ]),
    numbers: new Map(),
    runs: new Map(),
    params: {},
    seedStudy: null,
  };
  const refs = [...figures.keys(), "tbl-t"].map((l) => `@${l}`).join(", ");
  const prose = `A paragraph of text that takes a few lines, so that the charts land at different heights (${refs}). `.repeat(4);
  const md =
    `# Title\n\n${prose}\n\n` +
    REPORT_TASKS.map(
      (t, i) => `## Task ${t}: x\n\n${prose}\n\n${i < sizes.length ? `{{embed fig-${i}}}\n\n` : ""}${i === 1 ? "{{embed tbl-t}}\n\n" : ""}`,
    ).join("");
  const rendered = renderReport([{ name: "report/a.md", text: md }], collected);
  const input = {
    rendered,
    collected,
    resultsJson: "{}",
    plotlyJs: plotlySource(),
    meta: { title: "T", course: "C", assignment: "A", authors: ["a"], date: "d" },
  };
  const whole = reportHtml(input);
  const light = reportHtml(input, true);
  assert.ok(whole.includes(input.plotlyJs) && !light.includes(input.plotlyJs), "the layout-only page has no plotly.js");
  const browser = await Browser.launch();
  let pdfs: Uint8Array[];
  try {
    pdfs = [await printPdf(browser, whole), await printPdf(browser, light)];
  } finally {
    await browser.close();
  }
  const [a, b] = await Promise.all(pdfs.map(pdfDestinations));
  assert.ok(a.names.has("fig-3") && a.names.has("tbl-t"), "the figures and tables have destinations");
  assert.ok(new Set([...a.names.values()].map((d) => d.page)).size > 1, "over more than one page");
  assert.equal([...b.names], [...a.names], "each destination on the same page at the same height");
  assert.equal(await pdfOutline(pdfs[1]), await pdfOutline(pdfs[0]), "the headings on the same pages");
});

test.run();
