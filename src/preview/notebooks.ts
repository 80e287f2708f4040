// The executed notebooks the live preview shows (the full ones when every task notebook has an
// executed copy, else the quick ones), which of them are stale (their notebook's code changed
// since), and re-executing them from the page: `npm run notebooks -- …`, the command the page
// shows, in a process group of its own that stop() ends whole.
//
// May import: base, report.

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { InputError } from "../base/errors";
import { type Mode, executedCode, executedDirs, notebookCode, taskNotebooks } from "../report/execute";

export { type Mode, executedDirs, taskNotebooks };

export interface NotebookState {
  /** "task2.ipynb". */
  readonly name: string;
  readonly executed: boolean;
  /** Its code changed since the executed copy (or it has none). */
  readonly stale: boolean;
  /** The command that executes it again. */
  readonly command: string;
}

export interface ExecutedSet {
  /** The folder of executed notebooks shown, or null when there are none. */
  readonly dir: string | null;
  readonly mode: Mode | null;
  /** The executed copies, in name order (empty when dir is null). */
  readonly paths: readonly string[];
  readonly notebooks: readonly NotebookState[];
}

const complete = (dir: string, sources: readonly string[]) => sources.every((s) => existsSync(join(dir, basename(s))));

/** The command that executes notebooks into `dir` (relative paths when inside the project). */
export function notebooksCommand(root: string, mode: Mode, dir: string, notebooks: readonly string[], dataDir?: string): string {
  const rel = (p: string) => (relative(root, p).startsWith("..") ? p : relative(root, p));
  const args = [
    mode === "quick" ? "--quick" : "",
    dir === executedDirs(root)[mode] ? "" : `--out ${rel(dir)}`,
    dataDir ? `--data-dir ${rel(dataDir)}` : "",
    ...notebooks.map(rel),
  ].filter(Boolean);
  return `npm run notebooks${args.length ? ` -- ${args.join(" ")}` : ""}`;
}

/**
 * Which executed notebooks to show: `dir` when given (its mode from `quick`), else build/notebooks
 * when every task notebook has an executed copy there, else build/notebooks-quick when it has,
 * else none.
 */
export function executedSet(root: string, o: { dir?: string; quick?: boolean; dataDir?: string } = {}): ExecutedSet {
  const sources = taskNotebooks(root);
  const dirs = executedDirs(root);
  let dir: string | null = null,
    mode: Mode | null = null;
  if (o.dir) [dir, mode] = [o.dir, o.quick ? "quick" : "full"];
  else if (!o.quick && complete(dirs.full, sources)) [dir, mode] = [dirs.full, "full"];
  else if (complete(dirs.quick, sources)) [dir, mode] = [dirs.quick, "quick"];
  const shown = dir !== null && complete(dir, sources) ? dir : null;
  const notebooks = sources.map((src): NotebookState => {
    const copy = shown ? join(shown, basename(src)) : null;
    let stale = true;
    try {
      stale = copy === null || executedCode(copy) !== notebookCode(src);
    } catch {
      stale = true;
    }
    return {
      name: basename(src),
      executed: copy !== null,
      stale,
      command: notebooksCommand(root, mode ?? "quick", dir ?? dirs.quick, [src], o.dataDir),
    };
  });
  return { dir: shown, mode: shown ? mode : null, paths: shown ? sources.map((s) => join(shown, basename(s))) : [], notebooks };
}

/** The executed copies' sizes and times: what changes when one is replaced. */
export function filesStamp(paths: readonly string[]): string {
  return paths
    .map((p) => {
      try {
        const st = statSync(p);
        return `${p}:${st.size}:${st.mtimeMs}`;
      } catch {
        return `${p}:-`;
      }
    })
    .join("\n");
}

export interface RunnerEvents {
  /** A line the command printed. */
  readonly onLine: (line: string) => void;
  /** The command ended (exit code, or null when stopped). */
  readonly onExit: (code: number | null) => void;
}

/** One notebook execution at a time, as a child process group. */
export class NotebookRunner {
  private child: ChildProcess | null = null;
  private command: string | null = null;

  constructor(
    private readonly root: string,
    private readonly events: RunnerEvents,
  ) {}

  /** The command running, or null. */
  get running(): string | null {
    return this.command;
  }

  /** Start `npm run notebooks -- ARGS`; `shown` is the command as the page shows it. Returns its process group's id. */
  start(args: readonly string[], shown: string): number {
    if (this.child) throw new InputError(`${this.command} is still running`);
    const child = spawn("npm", ["run", "--silent", "notebooks", "--", ...args], {
      cwd: this.root,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, FORCE_COLOR: "0" },
    });
    this.child = child;
    this.command = shown;
    let rest = "";
    const lines = (d: Buffer) => {
      const parts = (rest + d.toString()).split("\n");
      rest = parts.pop() ?? "";
      for (const l of parts) if (l.trim()) this.events.onLine(l);
    };
    child.stdout!.on("data", lines);
    child.stderr!.on("data", lines);
    child.on("error", (e) => this.events.onLine(`error: ${e.message}`));
    child.on("close", (code) => {
      if (rest.trim()) this.events.onLine(rest);
      this.child = null;
      this.command = null;
      this.events.onExit(code);
    });
    return child.pid ?? -1;
  }

  /** End the running command and everything it started (SIGINT, then SIGKILL after `graceMs`). */
  async stop(graceMs = 3000): Promise<void> {
    const child = this.child;
    if (!child || child.pid === undefined) return;
    const done = new Promise<void>((resolve) => child.once("close", () => resolve()));
    const signal = (s: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, s);
      } catch {
        // already gone
      }
    };
    signal("SIGINT");
    const timer = setTimeout(() => signal("SIGKILL"), graceMs);
    await done;
    clearTimeout(timer);
  }
}
