import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listFiles, orphanedOutputs, upToDate } from "../../src/base/files";

function tree(): string {
  const dir = mkdtempSync(join(tmpdir(), "a2-files-"));
  for (const p of [
    "src/index.ts",
    "src/mlp/train.ts",
    "src/mlp/deep/x.ts",
    "dist/index.js",
    "dist/index.d.ts",
    "dist/mlp/train.js",
    "dist/train.js",
    "dist/train.d.ts",
    "dist/package.json",
    "dist/.tsbuildinfo",
  ]) {
    mkdirSync(join(dir, p, ".."), { recursive: true });
    writeFileSync(join(dir, p), "");
  }
  return dir;
}

test("listFiles finds files at every depth", () => {
  const dir = tree();
  assert.equal(
    listFiles(join(dir, "src")).map((f) => f.slice(dir.length + 5)),
    ["index.ts", "mlp/deep/x.ts", "mlp/train.ts"],
  );
});

test("upToDate sees an input changed in a nested folder", () => {
  const dir = tree();
  const stamp = join(dir, "dist/.tsbuildinfo");
  const inputs = listFiles(join(dir, "src"));
  const old = new Date(Date.now() - 60_000);
  for (const f of inputs) utimesSync(f, old, old);
  assert.ok(upToDate(stamp, inputs));
  utimesSync(join(dir, "src/mlp/deep/x.ts"), new Date(Date.now() + 60_000), new Date(Date.now() + 60_000));
  assert.not.ok(upToDate(stamp, inputs));
  assert.not.ok(upToDate(join(dir, "missing"), inputs));
});

test("orphanedOutputs names the compiled copies of moved sources only", () => {
  const dir = tree();
  assert.equal(
    orphanedOutputs(join(dir, "src"), join(dir, "dist")).map((f) => f.slice(dir.length + 6)),
    ["train.d.ts", "train.js"],
  );
});

test.run();
