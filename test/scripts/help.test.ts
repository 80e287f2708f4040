// Every command's --help, without running the scripts (test/e2e/help.test.ts runs each): each
// command's script looks at --help, and describes every flag it declares. The commands are
// package.json's scripts that run a scripts/*.ts file.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { asksHelp, helpText } from "../../scripts/lib/cli";
import { HELP } from "../../scripts/lib/help";
import { ROOT } from "../helpers";

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
const commands = Object.entries(pkg.scripts).flatMap(([name, line]) => {
  const m = /tsx (scripts\/[\w-]+\.ts)/.exec(line.split("&&").pop()!);
  return m ? [{ name, file: m[1] }] : [];
});

test("every command's script shows help (parseFlags or helpIfAsked) and describes every flag it declares", () => {
  assert.ok(commands.length >= 12, commands.map((c) => c.name).join(", "));
  for (const { name, file } of commands) {
    const code = readFileSync(join(ROOT, file), "utf8");
    const script = file.replace(/^scripts\/|\.ts$/g, "");
    assert.ok(HELP[script], `${name}: no entry in scripts/lib/help.ts`);
    assert.match(code, /\b(parseFlags|helpIfAsked)\(/, `${name}: ${file} never looks at --help`);
    const declared = [...code.matchAll(/^\s*"?([\w-]+)"?: \{ type: "(?:string|boolean)"/gm)].map((m) => m[1]);
    for (const flag of declared) assert.ok(HELP[script].flags?.[flag], `${name}: --${flag} has no description in scripts/lib/help.ts`);
  }
});

test("a flag without a description shows as undocumented; --help after -- is an argument", () => {
  const text = helpText("diff", { tolerance: { type: "string" }, fresh: { type: "boolean" } });
  assert.match(text, /--tolerance VALUE\s+agree when/);
  assert.match(text, /--fresh\s+\(undocumented\)/);
  assert.ok(asksHelp(["--quick", "-h"]));
  assert.not.ok(asksHelp(["--", "--help"]));
});

test.run();
