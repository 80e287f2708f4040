// What every script shares: flag parsing that names the bad flag, one-line errors for bad input,
// exit codes, and stopping: SIGINT, SIGTERM and SIGHUP stop the whole tree (every child process,
// browser and temporary file registered with src/base/lifecycle.ts) and exit with 128 + the
// signal's number; so does the death of npm when npm started the script. While nothing is
// registered, the signals keep their default action (a synchronous computation ends at once).
// Only scripts call process.exit.

import { parseArgs, type ParseArgsConfig } from "node:util";
import { DivergenceError, InputError } from "../../src/base/errors";
import { onCleanupsChange, stopAll, stopping } from "../../src/base/lifecycle";

const SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;

/** Stop on a signal, or when npm, which started this script (package.json execs it), is gone. */
function handleStops(): void {
  const stop = (why: string, code: number) => {
    if (stopping()) return;
    void stopAll(why).finally(() => {
      process.stderr.write(`stopped (${why})\n`);
      process.exit(code);
    });
  };
  const handlers = Object.entries(SIGNALS).map(([signal, n]) => [signal, () => stop(signal, 128 + n)] as const);
  onCleanupsChange((active) => {
    for (const [signal, h] of handlers) {
      process.removeListener(signal, h);
      if (active || stopping()) process.on(signal, h);
    }
  });
  if (process.env.npm_lifecycle_event) {
    const npm = process.ppid;
    setInterval(() => { if (process.ppid !== npm) stop("npm is gone", 129); }, 500).unref();
  }
}

/** Run a script's main; user errors print one line (no stack) and exit with `code`. */
export async function runMain(main: () => Promise<number | void> | number | void, code = 1): Promise<void> {
  handleStops();
  try {
    const status = await main();
    if (stopping()) return; // the stop exits once its cleanup is done
    process.exitCode = typeof status === "number" ? status : 0;
  } catch (e) {
    if (stopping()) return;
    if (e instanceof InputError || e instanceof DivergenceError) {
      process.stderr.write(`error: ${e.message}\n`);
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
