// What every script shares: flag parsing that names the bad flag, one-line errors for bad input,
// and exit codes. Only scripts call process.exit.

import { parseArgs, type ParseArgsConfig } from "node:util";
import { DivergenceError, InputError } from "../../src/base/errors";
import { printableLines } from "../../src/base/text";

/** Run a script's main; user errors print one line (no stack) and exit with `code`. */
export async function runMain(main: () => Promise<number | void> | number | void, code = 1): Promise<void> {
  try {
    const status = await main();
    process.exitCode = typeof status === "number" ? status : 0;
  } catch (e) {
    if (e instanceof InputError || e instanceof DivergenceError) {
      process.stderr.write(`error: ${printableLines(e.message)}\n`);
      process.exit(code);
    }
    throw e;
  }
}

/** node:util parseArgs, with its errors turned into InputError. */
export function parseFlags<T extends ParseArgsConfig>(config: T) {
  try {
    return parseArgs(config);
  } catch (e) {
    throw new InputError((e as Error).message.replace(/\s*\n\s*/g, " "));
  }
}

export function numberFlag(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n)) throw new InputError(`--${name} ${JSON.stringify(v)}: expected a number`);
  return n;
}

export function listFlag(name: string, v: string | undefined): number[] | undefined {
  if (v === undefined) return undefined;
  return v.split(",").map((part) => {
    const n = Number(part);
    if (part.trim() === "" || !Number.isFinite(n)) {
      throw new InputError(`--${name} ${JSON.stringify(v)}: expected comma-separated numbers, e.g. 64,64`);
    }
    return n;
  });
}
