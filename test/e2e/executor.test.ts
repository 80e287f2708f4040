// scripts/execute_notebook.py when the kernel does not come up: a kernel that dies at its first
// start is started again and the notebook runs on it; one that never starts fails after its second
// start with the notebook and the kernel named, no traceback, and nothing written. Fake kernelspecs
// in a JUPYTER_PATH of the test's own wrap the real tslab kernel. Run by `npm run test:e2e`.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../helpers";

const dir = mkdtempSync(join(tmpdir(), "e2e-executor-"));
const tslab = join(ROOT, "node_modules", "tslab", "bin", "tslab");
const once = join(dir, "started-once");

/** A kernelspec whose command is a shell script ($0 is the connection file). */
function kernel(name: string, script: string): void {
  const spec = { argv: ["/bin/sh", "-c", script, "{connection_file}"], display_name: name, language: "typescript" };
  mkdirSync(join(dir, "kernels", name), { recursive: true });
  writeFileSync(join(dir, "kernels", name, "kernel.json"), JSON.stringify(spec));
}
kernel("flaky", `if [ -e '${once}' ]; then exec '${process.execPath}' '${tslab}' kernel --config-path "$0"; fi; touch '${once}'; exit 3`);
kernel("dead", "exit 3");

const nb = join(dir, "one.ipynb");
writeFileSync(
  nb,
  JSON.stringify({
    cells: [{ cell_type: "code", id: "sum", metadata: {}, source: "40 + 2", outputs: [], execution_count: null }],
    metadata: { kernelspec: { name: "flaky", display_name: "flaky", language: "typescript" } },
    nbformat: 4,
    nbformat_minor: 5,
  }),
);

const execute = (kernelName: string, out: string) =>
  spawnSync("/usr/bin/python3", [join(ROOT, "scripts", "execute_notebook.py"), nb, out, "--kernel", kernelName], {
    env: { ...process.env, JUPYTER_PATH: dir },
    encoding: "utf8",
    timeout: 120_000,
  });

test("a kernel that dies at its first start is started again, and the notebook runs on it", () => {
  const out = join(dir, "flaky-out.ipynb");
  const r = execute("flaky", out);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.match(/^\[retry\] one\.ipynb: the kernel did not start \(/gm)?.length, 1, r.stdout);
  const cell = JSON.parse(readFileSync(out, "utf8")).cells[0];
  // tslab colours the value when the environment asks for colour (CI does): compared without it.
  const text = cell.outputs.map((o: { text?: string[] }) => (o.text ?? []).join("")).join("");
  assert.is(text.replace(/\u001b\[[0-9;]*m/g, ""), "42\n");
});

test("a kernel that never starts: one retry, then an error naming the notebook and the kernel; nothing written", () => {
  const out = join(dir, "dead-out.ipynb");
  const r = execute("dead", out);
  assert.is(r.status, 1);
  assert.is(r.stdout.match(/^\[retry\]/gm)?.length, 1, r.stdout);
  assert.match(r.stderr, /^error: one\.ipynb: the kernel dead did not start, twice \(/m);
  assert.not.match(r.stderr, /Traceback/);
  assert.not.ok(existsSync(out));
});

test.run();
