// The preview's updates: only the parts whose key changed are sent, a section's key follows the
// figures it embeds, and an error's place is read from its message.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { DocumentParts } from "../../src/report/html";
import { errorPlace, partKeys, sectionFigures, updateFrom } from "../../src/preview/parts";

const fig = (y: number) => ({ data: [{ type: "scatter", x: [0, 1], y: [y, 0] }], layout: { height: 300 } });
const parts = (over: Partial<DocumentParts> = {}): DocumentParts => ({
  title: "T",
  authors: ["A"],
  css: "p {}",
  titleBlock: "<h1>T</h1>",
  toc: "<nav></nav>",
  floats: {},
  sections: [
    "<p>one</p>\n",
    `<p>two</p>\n<figure class="plot" id="fig-a"><div class="plotly" data-label="fig-a"></div></figure>\n`,
    "<p>three</p>\n",
  ],
  specs: { "fig-a": fig(1) },
  ...over,
});

test("the first update sends everything, the next only what changed", () => {
  const first = updateFrom(null, parts(), 1);
  assert.equal(Object.keys(first.sections), ["0", "1", "2"]);
  assert.ok(first.css !== undefined && first.titleBlock !== undefined && first.toc !== undefined);
  assert.equal(Object.keys(first.specs), ["fig-a"]);
  const edited = parts({ sections: ["<p>one, edited</p>\n", ...parts().sections.slice(1)] });
  const next = updateFrom(first.keys, edited, 2);
  assert.equal(next.sections, { 0: "<p>one, edited</p>\n" });
  assert.equal(next.specs, {}, "no figure in the section sent");
  assert.is(next.css, undefined);
  assert.is(next.toc, undefined);
  assert.is(next.titleBlock, undefined);
  assert.equal(next.keys.sections.slice(1), first.keys.sections.slice(1));
  assert.is.not(next.keys.sections[0], first.keys.sections[0]);
});

test("a changed figure re-sends the section that embeds it, with its spec", () => {
  const before = partKeys(parts());
  const u = updateFrom(before, parts({ specs: { "fig-a": fig(2) } }), 2);
  assert.equal(Object.keys(u.sections), ["1"]);
  assert.equal(u.specs, { "fig-a": fig(2) });
});

test("sections added or removed change the key list", () => {
  const before = partKeys(parts());
  const fewer = updateFrom(before, parts({ sections: parts().sections.slice(0, 2) }), 2);
  assert.is(fewer.keys.sections.length, 2);
  assert.equal(fewer.sections, {});
  const more = updateFrom(before, parts({ sections: [...parts().sections, "<p>four</p>\n"] }), 3);
  assert.equal(Object.keys(more.sections), ["3"]);
});

test("figures of a section, and the place an error names", () => {
  assert.equal(sectionFigures(parts().sections[1]), ["fig-a"]);
  assert.equal(errorPlace("report/02-task2.md:14: bad TeX in $\\frac{1}{$: Missing close brace"), { file: "report/02-task2.md", line: 14 });
  assert.equal(errorPlace('/tmp/x/report/01-task1.md:3: unknown number "2c.foo"'), { file: "/tmp/x/report/01-task1.md", line: 3 });
  assert.equal(errorPlace(`build/notebooks/task2.ipynb: not a notebook (no "cells" list)`), {
    file: "build/notebooks/task2.ipynb",
    line: null,
  });
  assert.equal(errorPlace("report/00-title.md, report/01-task1.md: no heading for Task 2a"), { file: null, line: null });
});

test.run();
