// Every command answers --help for real: exit 0, a usage line, every flag described, one example.
// The commands are package.json's scripts that run a scripts/*.ts file (about 15 s: each loads its
// modules before it parses its flags).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { HELP } from "../../scripts/lib/help";
import { ROOT } from "../helpers";

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
const commands = Object.entries(pkg.scripts).flatMap(([name, line]) => {
  const m = /tsx (scripts\/[\w-]+\.ts)/.exec(line.split("&&").pop()!);
  return m ? [{ name, file: m[1] }] : [];
});

const run = (file: string, args: string[]) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, file), ...args], { cwd: ROOT });
    let stdout = "",
      stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });

test("every command's --help: exit 0, usage, every flag described, an example", async () => {
  assert.ok(commands.length >= 12, commands.map((c) => c.name).join(", "));
  for (let i = 0; i < commands.length; i += 2) {
    for (const { name, file, r } of await Promise.all(
      commands.slice(i, i + 2).map(async (c) => ({ ...c, r: await run(c.file, ["--help"]) })),
    )) {
      assert.is(r.status, 0, `${name} (${file}): exit ${r.status}\n${r.stderr}`);
      assert.match(r.stdout, /^usage: npm (run \S+|test)/, name);
      assert.match(r.stdout, /\nexample: npm (run \S+|test)/, name);
      assert.not.match(r.stdout, /undocumented|no help text/, `${name}: ${r.stdout}`);
      for (const flag of Object.keys(HELP[file.replace(/^scripts\/|\.ts$/g, "")]?.flags ?? {}))
        assert.ok(r.stdout.includes(`--${flag}`), `${name}: --${flag}`);
    }
  }
});

test.run();
