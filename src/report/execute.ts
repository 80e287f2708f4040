// Report pipeline, stage 1: execute the task notebooks headless on the project's tslab kernel
// (Jupyter's nbclient, Debian's packages) into a build folder, skipping notebooks whose cache key
// is unchanged: their code, the compiled library they load, the parameters, the data's identity,
// and the settings of the runs they used (so `--set 2c.learningRate=…` re-executes only the
// notebooks that train 2c). Each new executed copy gets a static image beside each figure as soon
// as it is done, while the others still run (images.ts); the copies are staged and moved into place
// together, only when every notebook succeeded: the folder never holds a mixed set. The executors
// run in process groups of their own (base/lifecycle.ts): a stopped build kills them and, through
// them, their kernels, and removes the staging folder; a killed build closes the pipe each executor
// watches, and the kernels watch their executor (scripts/kernel_guard.cjs).
//
// May import: base, mlp, contract; images.ts for the static images, ipynb.ts for notebook files.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import { InputError } from "../base/errors";
import { sha256 } from "../base/fingerprint";
import { writeFileAtomic } from "../base/io";
import { onStop, processAlive, spawnOwned, stopping, throwIfStopping } from "../base/lifecycle";
import { versions } from "../base/meta";
import { packageRoot } from "../base/paths";
import { MIME, type RunRecord } from "../contract/contract";
import { datasetIdentity } from "../mlp/data";
import { workerEntry } from "../mlp/pool";
import { codeFingerprint } from "../mlp/runcache";
import { kernelFiles } from "../mlp/wasm";
import { staticImager } from "./images";
import { type Cell, type ExecutedMeta, type Notebook, readNotebook, sourceText } from "./ipynb";

export const KERNEL_NAME = "tdt4265-tslab";

/** Write the project-local kernelspec; returns the folder to put on JUPYTER_PATH. */
export function ensureKernelSpec(root = packageRoot()): string {
  const jupyterPath = join(root, "build", "jupyter");
  const tslab = join(root, "node_modules", "tslab", "bin", "tslab");
  if (!existsSync(tslab)) throw new InputError(`${tslab} is missing: run npm ci`);
  const guard = join(root, "scripts", "kernel_guard.cjs");
  const spec = {
    argv: [process.execPath, "--require", guard, tslab, "kernel", "--config-path", "{connection_file}"],
    display_name: "TypeScript (tslab, TDT4265 A2)",
    language: "typescript",
  };
  const file = join(jupyterPath, "kernels", KERNEL_NAME, "kernel.json");
  const text = JSON.stringify(spec, null, 2) + "\n";
  if (!existsSync(file) || readFileSync(file, "utf8") !== text) writeFileAtomic(file, text);
  return jupyterPath;
}

/** A python3 that has nbclient, or null. */
export function findJupyterPython(): string | null {
  for (const py of ["/usr/bin/python3", "python3"]) {
    if (spawnSync(py, ["-c", "import nbclient, nbformat, jupyter_client"], { stdio: "ignore" }).status === 0) return py;
  }
  return null;
}

/**
 * Hash of the compiled library as the notebooks load it: dist/index.js and the worker entry, every
 * module they require in any folder of dist/ (report stages the notebooks never load do not count),
 * and the kernels.
 */
export function libraryFingerprint(root = packageRoot()): string {
  const dist = join(root, "dist");
  if (!existsSync(join(dist, "index.js"))) throw new InputError(`${dist} is missing: run npm run build`);
  return codeFingerprint(dist, [join(dist, "index.js"), workerEntry(dist)], kernelFiles(root));
}

const codeOf = (cells: Cell[]) => JSON.stringify(cells.map((c) => [c.cell_type, c.metadata?.tags ?? [], sourceText(c.source)]));

/** What of a notebook affects its outputs: its cells' types, tags and sources. */
export function notebookCode(path: string): string {
  return codeOf(readNotebook(path).cells);
}

/**
 * notebookCode() of the notebook an executed copy was executed from (its cells but the parameters
 * the executor injected); differs from the source's when the source's code changed since.
 */
export function executedCode(path: string): string {
  return codeOf(readNotebook(path).cells.filter((c) => !(c.metadata?.tags ?? []).includes("injected-parameters")));
}

/** A build's mode: full runs, or the small ones of --quick. */
export type Mode = "full" | "quick";

/** The task notebooks (notebooks/task*.ipynb), in name order. */
export function taskNotebooks(root: string): string[] {
  const dir = join(root, "notebooks");
  return readdirSync(dir)
    .filter((f) => /^task.*\.ipynb$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** The default folders of executed notebooks, by mode. */
export function executedDirs(root: string): Record<Mode, string> {
  return { full: join(root, "build", "notebooks"), quick: join(root, "build", "notebooks-quick") };
}

export interface ExecuteOptions {
  readonly notebooks: readonly string[];
  readonly outDir: string;
  readonly params?: Record<string, unknown>;
  readonly force?: boolean;
  /** Notebooks executed at once. */
  readonly jobs?: number;
  /** Seconds a cell may run before the notebook fails, naming it (default DEFAULT_CELL_TIMEOUT). */
  readonly cellTimeout?: number;
  readonly log?: (line: string) => void;
  /** Aborted: the executors are stopped and no other notebook starts (the notebooks count as failed). */
  readonly signal?: AbortSignal;
}

export interface NotebookStatus {
  readonly notebook: string;
  readonly status: "cached" | "run" | "failed";
  readonly seconds: number;
  readonly output: string;
  readonly error?: string;
}

/** An executed copy, or null when there is none (or it is not a notebook: executed again). */
function readExecuted(path: string): Notebook | null {
  try {
    return readNotebook(path);
  } catch {
    return null;
  }
}

/** The ids of the runs an executed notebook used (its runs outputs). */
export function usedRuns(nb: Pick<Notebook, "cells">): string[] {
  const ids = new Set<string>();
  for (const cell of nb.cells) {
    for (const o of cell.outputs ?? []) {
      const runs = o.data?.[MIME.runs];
      if (Array.isArray(runs)) for (const r of runs as RunRecord[]) ids.add(r.id);
    }
  }
  return [...ids].sort();
}

type RunSettings = Readonly<Record<string, unknown>>;

/**
 * Whether an executed copy is current: the same key, and every run it used has the same settings
 * now as then (settings of runs it did not use do not matter).
 */
export function isCurrent(nb: Notebook | null, key: string, runs: RunSettings): boolean {
  const meta = nb?.metadata?.a2report;
  if (!nb || !meta || meta.cacheKey !== key) return false;
  const before = (meta.params.runs ?? {}) as RunSettings;
  return usedRuns(nb).every((id) => JSON.stringify(before[id] ?? null) === JSON.stringify(runs[id] ?? null));
}

/** The parameters that key every notebook: all but `runs` (per notebook) and `dataDir` (its contents count). */
function keyedParams(params: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(params).filter(([k]) => k !== "runs" && k !== "dataDir")));
}

/** Seconds a notebook cell may run by default: generous, a full run of the slowest cell takes minutes. */
export const DEFAULT_CELL_TIMEOUT = 4 * 3600;

/** The cell timeout in seconds (default DEFAULT_CELL_TIMEOUT), checked: a whole number ≥ 1. */
export function cellTimeout(seconds: number | undefined): number {
  const t = seconds ?? DEFAULT_CELL_TIMEOUT;
  if (!Number.isInteger(t) || t < 1) throw new InputError(`cell timeout ${t}: expected a whole number of seconds ≥ 1`);
  return t;
}

/** Execute the notebooks that are not cached; resolves with one status per notebook. */
export async function executeNotebooks(o: ExecuteOptions): Promise<NotebookStatus[]> {
  const log = o.log ?? ((l: string) => console.log(l));
  const root = packageRoot();
  const params = o.params ?? {};
  const runs = (params.runs ?? {}) as RunSettings;
  for (const nb of o.notebooks) if (!existsSync(nb)) throw new InputError(`${nb}: no such notebook`);
  const timeout = cellTimeout(o.cellTimeout);
  const python = findJupyterPython();
  if (!python) {
    throw new InputError("Jupyter's nbclient is missing: apt-get install -y jupyter-nbconvert python3-nbclient jupyter-client");
  }
  const jupyterPath = ensureKernelSpec(root);
  // The data folder is a parameter the kernels read; the key counts its contents, not its path.
  const dataDir = typeof params.dataDir === "string" ? params.dataDir : undefined;
  const common = sha256(libraryFingerprint(root), datasetIdentity("mnist", dataDir), keyedParams(params), JSON.stringify(versions()));
  mkdirSync(o.outDir, { recursive: true });
  const staging = join(o.outDir, `.staging-${process.pid}`);
  // Staging folders of builds that were killed (SIGKILL leaves them) go.
  for (const f of readdirSync(o.outDir)) {
    const pid = /^\.staging-(\d+)$/.exec(f)?.[1];
    if (pid && !processAlive(Number(pid))) rmSync(join(o.outDir, f), { recursive: true, force: true });
  }

  const queue = o.notebooks.map((nb) => ({
    nb,
    out: join(o.outDir, basename(nb)),
    staged: join(staging, basename(nb)),
    key: sha256(common, notebookCode(nb)),
  }));
  const statuses: NotebookStatus[] = [];
  // Each executed copy gets its figures' static images as soon as it is done, while the others run.
  const imager = staticImager();
  const imaged: (Promise<number> | null)[] = queue.map(() => null);
  // On a stop: once the executors have exited, the staging folder goes.
  const running = new Set<Promise<unknown>>();
  const owned = new Set<{ stop: () => Promise<void> }>();
  const abort = () => {
    for (const c of owned) void c.stop();
  };
  o.signal?.addEventListener("abort", abort);
  const unregister = onStop(async () => {
    await Promise.all(running);
    rmSync(staging, { recursive: true, force: true });
  });
  const run = async (item: (typeof queue)[number]): Promise<NotebookStatus> => {
    const name = basename(item.nb);
    if (o.signal?.aborted)
      return { notebook: item.nb, status: "failed", seconds: 0, output: item.out, error: `${name}: not executed (aborted)` };
    if (!o.force && isCurrent(readExecuted(item.out), item.key, runs)) {
      log(`[cached] ${name}`);
      return { notebook: item.nb, status: "cached", seconds: 0, output: item.out };
    }
    log(`[run] ${name}`);
    const t0 = performance.now();
    const meta: ExecutedMeta = { cacheKey: item.key, params };
    const args = [
      join(root, "scripts", "execute_notebook.py"),
      item.nb,
      item.staged,
      "--kernel",
      KERNEL_NAME,
      "--params",
      JSON.stringify(params),
      "--meta",
      JSON.stringify(meta),
      "--timeout",
      String(timeout),
      "--parent-pipe",
    ];
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const executor = spawnOwned(python, args, {
        env: { ...process.env, JUPYTER_PATH: jupyterPath, PYTHONUNBUFFERED: "1" },
        cwd: root,
      });
      const { child, exited } = executor;
      running.add(exited);
      owned.add(executor);
      void exited.then(() => owned.delete(executor));
      if (o.signal?.aborted) void executor.stop();
      let err = "";
      child.stdout!.on("data", (d: Buffer) =>
        d
          .toString()
          .split("\n")
          .filter(Boolean)
          .forEach((l) => log(l)),
      );
      child.stderr!.on("data", (d: Buffer) => {
        err += d.toString();
      });
      // Output is read to its end ("close"), but a kernel that outlived its executor holds the
      // executor's stdout open: two seconds after the executor's exit is the end.
      let done = false,
        timer: NodeJS.Timeout | undefined;
      const finish = (c: number | null) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        running.delete(exited);
        for (const s of [child.stdin, child.stdout, child.stderr]) s?.destroy();
        resolve({ code: c, stderr: err });
      };
      child.on("close", finish);
      void exited.then((c) => {
        if (!done) timer = setTimeout(() => finish(c), 2000);
      });
    });
    const seconds = (performance.now() - t0) / 1000;
    if (stopping() || o.signal?.aborted)
      return { notebook: item.nb, status: "failed", seconds, output: item.out, error: `${name}: stopped` };
    if (code !== 0) {
      const line =
        stderr
          .split("\n")
          .filter((l) => l.startsWith("error: "))
          .pop()
          ?.slice(7) ?? `${name}: the executor failed (exit ${code}): ${stderr.trim().split("\n").slice(-3).join(" ")}`;
      log(`[failed] ${name} after ${seconds.toFixed(0)} s`);
      return { notebook: item.nb, status: "failed", seconds, output: item.out, error: line };
    }
    log(`[done] ${name} ${seconds.toFixed(0)} s`);
    return { notebook: item.nb, status: "run", seconds, output: item.out };
  };
  try {
    const jobs = Math.max(1, o.jobs ?? queue.length);
    let next = 0;
    const lanes = Array.from({ length: Math.min(jobs, queue.length) }, async () => {
      while (next < queue.length) {
        const i = next++;
        statuses[i] = await run(queue[i]);
        if (statuses[i].status !== "run") continue;
        const name = basename(queue[i].nb);
        const p = imager.add(queue[i].staged);
        p.then(
          (n) => log(`[images] ${name} ${n} figure${n === 1 ? "" : "s"}`),
          () => undefined, // awaited below
        );
        imaged[i] = p;
      }
    });
    await Promise.all(lanes);
    throwIfStopping();
    // The new copies replace the old ones together, with their images, only when none failed.
    if (statuses.every((s) => s.status !== "failed")) {
      for (const p of imaged) await p;
      queue.forEach((item, i) => {
        if (statuses[i].status === "run") renameSync(item.staged, item.out);
      });
    }
  } finally {
    o.signal?.removeEventListener("abort", abort);
    await imager.close();
    unregister();
    rmSync(staging, { recursive: true, force: true });
  }
  return statuses;
}
