// Which executed notebooks the preview shows, and which are stale: a notebook whose code changed
// since its executed copy (the parameters the executor injected do not count).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { executedSet, notebooksCommand } from "../../src/preview/notebooks";

const cell = (source: string, tags: string[] = []) => ({
  cell_type: "code",
  metadata: { tags },
  source,
  outputs: [],
  execution_count: null,
});
const nb = (cells: object[]) => JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells });

function project(): string {
  const root = mkdtempSync(join(tmpdir(), "preview-nb-"));
  mkdirSync(join(root, "notebooks"));
  for (const n of ["task2", "task3"])
    writeFileSync(join(root, "notebooks", `${n}.ipynb`), nb([cell("const params = {};", ["parameters"]), cell(`run("${n}");`)]));
  return root;
}

/** An executed copy as the executor writes it: the source's cells with the parameters injected after the tagged cell. */
function execute(root: string, dir: string, name: string, code = `run("${name}");`) {
  mkdirSync(join(root, dir), { recursive: true });
  writeFileSync(
    join(root, dir, `${name}.ipynb`),
    nb([
      cell("const params = {};", ["parameters"]),
      cell('void Object.assign(params, {"quick":true});', ["injected-parameters"]),
      cell(code),
    ]),
  );
}

test("no executed notebooks: nothing shown, every notebook to execute, the quick command offered", () => {
  const root = project();
  const s = executedSet(root);
  assert.equal([s.dir, s.mode, s.paths], [null, null, []]);
  assert.equal(
    s.notebooks.map((n) => [n.name, n.executed, n.stale]),
    [
      ["task2.ipynb", false, true],
      ["task3.ipynb", false, true],
    ],
  );
  assert.is(s.notebooks[0].command, "npm run notebooks -- --quick notebooks/task2.ipynb");
});

test("the full notebooks when complete, else the quick ones; stale when the code changed", () => {
  const root = project();
  execute(root, "build/notebooks-quick", "task2");
  execute(root, "build/notebooks-quick", "task3", 'run("old code");');
  execute(root, "build/notebooks", "task2");
  let s = executedSet(root);
  assert.is(s.mode, "quick", "build/notebooks lacks task3");
  assert.equal(s.paths, [join(root, "build/notebooks-quick/task2.ipynb"), join(root, "build/notebooks-quick/task3.ipynb")]);
  assert.equal(
    s.notebooks.map((n) => n.stale),
    [false, true],
  );
  execute(root, "build/notebooks", "task3");
  s = executedSet(root);
  assert.equal([s.mode, s.notebooks.map((n) => n.stale)], ["full", [false, false]]);
  assert.is(s.notebooks[1].command, "npm run notebooks -- notebooks/task3.ipynb");
  assert.is(executedSet(root, { quick: true }).mode, "quick", "--quick prefers the quick ones");
});

test("a folder given is shown as it is, and its command writes there", () => {
  const root = project();
  execute(root, "elsewhere", "task2");
  execute(root, "elsewhere", "task3");
  const s = executedSet(root, { dir: join(root, "elsewhere"), quick: true, dataDir: join(root, "data") });
  assert.is(s.dir, join(root, "elsewhere"));
  assert.is(s.notebooks[0].command, "npm run notebooks -- --quick --out elsewhere --data-dir data notebooks/task2.ipynb");
  assert.is(notebooksCommand(root, "quick", join(root, "build", "notebooks-quick"), []), "npm run notebooks -- --quick");
});

test.run();
