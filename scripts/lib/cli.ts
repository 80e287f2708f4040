// What every script shares: flag parsing that names the bad flag, one-line errors for bad input,
// exit codes, --help (the texts in help.ts, the flags from the script's own parseArgs config), and
// stopping: SIGINT, SIGTERM and SIGHUP stop the whole tree (every child process, browser and
// temporary file registered with src/base/lifecycle.ts) and exit with 128 + the signal's number; so
// does the death of npm when npm started the script. While nothing is registered, the signals keep
// their default action (a synchronous computation ends at once).
// Only scripts call process.exit.

import { basename } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { DivergenceError, InputError } from "../../src/base/errors";
import { onCleanupsChange, stopAll, stopping } from "../../src/base/lifecycle";
import { printableLines } from "../../src/base/text";
import { HELP } from "./help";

/** Thrown by parseFlags when the arguments ask for help; runMain prints it and exits 0. */
class HelpShown extends Error {}

/** The running script's name, e.g. "diff" for scripts/diff.ts. */
export function scriptName(argv = process.argv): string {
  return basename(argv[1] ?? "").replace(/\.[cm]?[jt]s$/, "");
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** A command's --help: usage, what it does, its arguments and flags, one example. */
export function helpText(name: string, options: Options = {}): string {
  const h = HELP[name];
  if (!h) return `${name}: no help text (add it to scripts/lib/help.ts)\n`;
  const flag = (n: string) => `--${n}${options[n]?.type === "string" ? " " + (n === "set" ? "RUN.SETTING=VALUE" : "VALUE") : ""}`;
  const names = Object.keys(options).filter((n) => n !== "help");
  const rows: [string, string][] = [
    ...Object.entries(h.args ?? {}),
    ...names.map((n): [string, string] => [flag(n), h.flags?.[n] ?? "(undocumented)"]),
    // Flags a script reads without parseArgs (e.g. jupyter's --lab)
    ...Object.entries(h.flags ?? {})
      .filter(([n]) => !(n in options))
      .map(([n, d]): [string, string] => [`--${n}`, d]),
    ["--help", "show this help"],
  ];
  const width = Math.min(28, Math.max(...rows.map(([k]) => k.length)));
  const lines = rows.map(([k, d]) => `  ${k.padEnd(width)}  ${d}`);
  return `usage: ${h.usage}\n\n${h.summary}\n\n${lines.join("\n")}\n\nexample: ${h.example}\n`;
}

/** Whether the arguments (before a "--") ask for help. */
export function asksHelp(args: readonly string[] = process.argv.slice(2)): boolean {
  const end = args.indexOf("--");
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === "--help" || a === "-h");
}

/** For scripts without parseFlags: print the help and exit 0 when asked. */
export function helpIfAsked(options: Options = {}): void {
  if (!asksHelp()) return;
  process.stdout.write(helpText(scriptName(), options));
  process.exit(0);
}

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
    setInterval(() => {
      if (process.ppid !== npm) stop("npm is gone", 129);
    }, 500).unref();
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
    if (e instanceof HelpShown) {
      process.stdout.write(e.message);
      process.exitCode = 0;
      return;
    }
    if (e instanceof InputError || e instanceof DivergenceError) {
      process.stderr.write(`error: ${printableLines(e.message)}\n`);
      process.exit(code);
    }
    throw e;
  }
}

/** node:util parseArgs, with its errors turned into InputError; --help (or -h) shows the script's help. */
export function parseFlags<T extends ParseArgsConfig>(config: T) {
  if (asksHelp(config.args)) throw new HelpShown(helpText(scriptName(), config.options));
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

/** numberFlag() of a whole number from `min` to `max`; the error names the flag and the range. */
export function integerFlag(name: string, v: string | undefined, min: number, max = Infinity): number | undefined {
  const n = numberFlag(name, v);
  if (n !== undefined && !(Number.isInteger(n) && n >= min && n <= max)) {
    throw new InputError(`--${name} ${v}: expected an integer ${max === Infinity ? `≥ ${min}` : `from ${min} to ${max}`}`);
  }
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
