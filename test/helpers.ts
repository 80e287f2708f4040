// Shared test helpers: fixtures from test/fixtures, relative comparisons, running scripts.

import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import * as assert from "uvu/assert";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function fixture(name: string): any {
  return JSON.parse(readFileSync(join(ROOT, "test", "fixtures", name), "utf8"));
}

/** |a − b| ≤ rel·max(|a|, |b|) (equal values always pass). */
export function assertClose(a: number, b: number, rel: number, what: string): void {
  if (a === b) return;
  const err = Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
  if (!(err <= rel)) assert.unreachable(`${what}: ${a} vs ${b} (relative error ${err.toExponential(2)} > ${rel})`);
}

export interface ScriptRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run scripts/<name>.ts through tsx with arguments. */
export function runScript(name: string, args: string[], env: Record<string, string> = {}): ScriptRun {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts", `${name}.ts`), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
