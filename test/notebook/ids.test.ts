// The task notebooks are nbformat 4.5 with a valid, unique id on every cell (Jupyter, VS Code and
// nbformat's validator expect them; the executor keeps them in the executed copies). A cell added
// without one fails here: give it an id (its label for a labelled cell) or save it from Jupyter.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers";

test("every cell of every task notebook has a unique nbformat 4.5 id", () => {
  const dir = join(ROOT, "notebooks");
  const names = readdirSync(dir).filter((f) => f.endsWith(".ipynb"));
  assert.ok(names.length >= 3);
  for (const name of names) {
    const nb = JSON.parse(readFileSync(join(dir, name), "utf8")) as { nbformat: number; nbformat_minor: number; cells: { id?: unknown }[] };
    assert.ok(nb.nbformat === 4 && nb.nbformat_minor >= 5, `${name}: nbformat ${nb.nbformat}.${nb.nbformat_minor}, expected 4.5`);
    const bad = nb.cells.map((c, i) => [i, c.id] as const).filter(([, id]) => typeof id !== "string" || !/^[a-zA-Z0-9_-]{1,64}$/.test(id));
    assert.equal(bad, [], `${name}: cells without a valid id`);
    const ids = nb.cells.map((c) => c.id);
    assert.is(new Set(ids).size, ids.length, `${name}: ids repeat`);
  }
});

test.run();
