import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFilesAtomic } from "../../src/base/io";

test("files written together: all or, when one fails, none, and no temporary file left", () => {
  const dir = mkdtempSync(join(tmpdir(), "io-"));
  const a = join(dir, "report.pdf"), b = join(dir, "results.json");
  writeFilesAtomic([[a, "old pdf"], [b, "old json"]]);
  writeFileSync(join(dir, "blocker"), "a file where a folder is needed");
  assert.throws(() => writeFilesAtomic([[a, "new pdf"], [join(dir, "blocker", "x.html"), "new html"], [b, "new json"]]));
  assert.equal([readFileSync(a, "utf8"), readFileSync(b, "utf8")], ["old pdf", "old json"]);
  assert.equal(readdirSync(dir).sort(), ["blocker", "report.pdf", "results.json"]);
  writeFilesAtomic([[a, "new pdf"], [b, "new json"]]);
  assert.equal([readFileSync(a, "utf8"), readFileSync(b, "utf8")], ["new pdf", "new json"]);
});

test.run();
