import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PACKAGE_NAME, findPackageRoot, libDir, libModule, packageRoot } from "../../src/base/paths";
import { ROOT } from "../helpers";

test("the root is the project's, found from a module in a layer folder", () => {
  assert.is(packageRoot(), ROOT);
  assert.is(libDir(), join(ROOT, "src"));
  assert.ok(existsSync(libModule("mlp/worker")));
});

test("findPackageRoot skips package.json files of other packages (dist/'s) and stops at /", () => {
  const dir = mkdtempSync(join(tmpdir(), "a2-root-"));
  mkdirSync(join(dir, "dist", "mlp"), { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: PACKAGE_NAME }));
  writeFileSync(join(dir, "dist", "package.json"), JSON.stringify({ type: "commonjs" }));
  assert.is(findPackageRoot(join(dir, "dist", "mlp")), dir);
  assert.is(findPackageRoot(tmpdir()), null);
});

test.run();
