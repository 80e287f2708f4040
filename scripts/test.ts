// npm test's runner: uvu over test/ (TypeScript through tsx; test/e2e is its own suite, run with
// --dir test/e2e), then the closing line CI reads, "N passed, M failed". A further argument is a
// file pattern (`npm test -- rng`). The tests' temporary files go into one folder (TMPDIR), removed
// at the end unless A2_KEEP_TMP=1 (to look at, e.g., the preview's screenshots).

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { helpIfAsked } from "./lib/cli";

helpIfAsked({ dir: { type: "string" } });

const uvu = fileURLToPath(new URL("../node_modules/uvu/bin.js", import.meta.url));
const argv = process.argv.slice(2);
const at = argv.indexOf("--dir");
const dir = at >= 0 ? argv.splice(at, 2)[1] : "test";
const ignore = dir === "test" ? ["-i", "e2e", "-i", "fixtures", "-i", "helpers"] : [];
const args = ["--import", "tsx", uvu, dir, ...(argv.length ? [argv[0]] : []), ...ignore];
const scratch = mkdtempSync(join(tmpdir(), "a2-test-"));
const keep = process.env.A2_KEEP_TMP === "1";
const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, TMPDIR: scratch } });
let out = "";
child.stdout.on("data", (chunk: Buffer) => {
  process.stdout.write(chunk);
  out += chunk.toString();
});
child.on("close", (code) => {
  const plain = out.replace(/\x1b\[[0-9;]*m/g, "");
  const total = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  const passed = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  const skipped = Number(/Skipped:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  const failed = Math.max(total - passed - skipped, code === 0 ? 0 : 1);
  if (keep) console.log(`temporary files kept in ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true });
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  process.exit(code ?? 1);
});
