import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { filesFingerprint, moduleClosure } from "../../src/base/fingerprint";

/** A small CommonJS build with modules in nested folders, like dist/. */
function fakeDist(): string {
  const dir = mkdtempSync(join(tmpdir(), "a2-fp-"));
  const put = (p: string, text: string) => {
    mkdirSync(join(dir, p, ".."), { recursive: true });
    writeFileSync(join(dir, p), text);
  };
  put("index.js", `const a = require("./mlp/train"); exports.x = require("./notebook/session");`);
  put("mlp/train.js", `const m = require("./model"); const e = require("../base/errors");`);
  put("mlp/model.js", `const k = require("./kernels");`);
  put("mlp/kernels.js", `exports.k = 1;`);
  put("mlp/kernels.d.ts", `export declare const k: number;`);
  put("base/errors.js", `exports.E = 1;`);
  put("notebook/session.js", `const p = require("../mlp/pool"); const n = require("node:fs");`);
  put("mlp/pool.js", `exports.p = 1;`);
  put("report/unused.js", `exports.u = 1;`);
  return dir;
}

test("the closure follows relative requires into every folder, and nothing else", () => {
  const dir = fakeDist();
  const files = moduleClosure([join(dir, "index.js")]).map((f) => f.slice(dir.length + 1));
  assert.equal(files, [
    "base/errors.js",
    "index.js",
    "mlp/kernels.js",
    "mlp/model.js",
    "mlp/pool.js",
    "mlp/train.js",
    "notebook/session.js",
  ]);
});

test("the closure follows TypeScript imports, re-exports and dynamic imports", () => {
  const dir = mkdtempSync(join(tmpdir(), "a2-fp-ts-"));
  mkdirSync(join(dir, "a"));
  mkdirSync(join(dir, "b"));
  writeFileSync(join(dir, "index.ts"), `import type { X } from "./a/x";\nexport * from "./b/y";\nconst z = await import("./b/z");`);
  writeFileSync(join(dir, "a/x.ts"), `export type X = 1;`);
  writeFileSync(join(dir, "b/y.ts"), `export const y = 1;`);
  writeFileSync(join(dir, "b/z.ts"), `export const z = 1;`);
  assert.equal(moduleClosure([join(dir, "index.ts")]).length, 4);
});

test("the fingerprint changes when a nested dependency, its declarations or its place change", () => {
  const dir = fakeDist();
  const fp = () => filesFingerprint(dir, moduleClosure([join(dir, "index.js")]));
  const before = fp();
  assert.is(fp(), before, "stable");
  writeFileSync(join(dir, "report/unused.js"), `exports.u = 2;`);
  assert.is(fp(), before, "a module nothing requires does not count");
  writeFileSync(join(dir, "mlp/kernels.js"), `exports.k = 2;`);
  const changed = fp();
  assert.is.not(changed, before, "a dependency three levels down, in a folder");
  writeFileSync(join(dir, "mlp/kernels.d.ts"), `export declare const k: 2;`);
  assert.is.not(fp(), changed, "its declarations");
  const d = fakeDist();
  renameSync(join(d, "base"), join(d, "core"));
  writeFileSync(join(d, "mlp/train.js"), `const m = require("./model"); const e = require("../core/errors");`);
  assert.is.not(filesFingerprint(d, moduleClosure([join(d, "index.js")])), filesFingerprint(dir, moduleClosure([join(dir, "index.js")])));
});

test.run();
