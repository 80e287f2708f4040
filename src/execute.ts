// Report pipeline, stage 1: execute the task notebooks headless on the project's tslab kernel
// (Jupyter's nbclient, Debian's packages) into a build folder, skipping notebooks whose cache key
// is unchanged: their code, the compiled library, the parameters and the data's identity.

import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { loadDataset } from "./data";
import { InputError } from "./errors";
import { writeFileAtomic } from "./io";
import { versions } from "./meta";
import { packageRoot } from "./paths";

export const KERNEL_NAME = "tdt4265-tslab";

/** Write the project-local kernelspec; returns the folder to put on JUPYTER_PATH. */
export function ensureKernelSpec(root = packageRoot()): string {
  const jupyterPath = join(root, "build", "jupyter");
  const tslab = join(root, "node_modules", "tslab", "bin", "tslab");
  if (!existsSync(tslab)) throw new InputError(`${tslab} is missing: run npm ci`);
  const spec = {
    argv: [process.execPath, tslab, "kernel", "--config-path", "{connection_file}"],
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

function sha256(...parts: (string | Uint8Array)[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest("hex");
}

/**
 * Hash of the compiled library as the notebooks load it: dist/index.js, the worker entry, every
 * module they require (report stages the notebooks never load do not count), and the kernels.
 */
export function libraryFingerprint(root = packageRoot()): string {
  const dist = join(root, "dist");
  if (!existsSync(dist)) throw new InputError(`${dist} is missing: run npm run build`);
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name) || !existsSync(join(dist, name))) return;
    seen.add(name);
    const code = readFileSync(join(dist, name), "utf8");
    for (const m of code.matchAll(/require\("\.\/([\w.-]+)"\)/g)) visit(`${m[1]}.js`);
  };
  visit("index.js");
  visit("worker.js");
  const h = createHash("sha256");
  for (const f of [...seen].sort()) {
    for (const file of [f, f.replace(/\.js$/, ".d.ts")]) {
      if (!existsSync(join(dist, file))) continue;
      h.update(file);
      h.update(readFileSync(join(dist, file)));
    }
  }
  h.update(readFileSync(join(root, "wasm", "kernels.wasm")));
  return h.digest("hex");
}

const dataHashes = new Map<string, string>();

/** Hash of the dataset files' contents (memoised by path, size and time). */
export function dataIdentity(dataDir?: string): string {
  const files = loadDataset("mnist", dataDir).files;
  const parts = files.map((f) => {
    const st = statSync(f);
    const key = `${f}:${st.size}:${st.mtimeMs}`;
    let h = dataHashes.get(key);
    if (!h) {
      h = sha256(readFileSync(f));
      dataHashes.set(key, h);
    }
    return `${basename(f)}:${h}`;
  });
  return sha256(parts.join("\n"));
}

/** What of a notebook affects its outputs: its cells' types, tags and sources. */
export function notebookCode(path: string): string {
  const nb = JSON.parse(readFileSync(path, "utf8")) as { cells: { cell_type: string; source: string | string[]; metadata?: { tags?: string[] } }[] };
  return JSON.stringify(nb.cells.map((c) => [c.cell_type, c.metadata?.tags ?? [], Array.isArray(c.source) ? c.source.join("") : c.source]));
}

export interface ExecuteOptions {
  readonly notebooks: readonly string[];
  readonly outDir: string;
  readonly params?: Record<string, unknown>;
  readonly force?: boolean;
  /** Notebooks executed at once. */
  readonly jobs?: number;
  readonly dataDir?: string;
  readonly log?: (line: string) => void;
}

export interface NotebookStatus {
  readonly notebook: string;
  readonly status: "cached" | "run" | "failed";
  readonly seconds: number;
  readonly output: string;
  readonly error?: string;
}

interface Meta {
  readonly cacheKey: string;
  readonly params: Record<string, unknown>;
}

function storedKey(path: string): string | null {
  try {
    const nb = JSON.parse(readFileSync(path, "utf8")) as { metadata?: { a2report?: Meta } };
    return nb.metadata?.a2report?.cacheKey ?? null;
  } catch {
    return null;
  }
}

/** Execute the notebooks that are not cached; resolves with one status per notebook. */
export async function executeNotebooks(o: ExecuteOptions): Promise<NotebookStatus[]> {
  const log = o.log ?? ((l: string) => console.log(l));
  const root = packageRoot();
  const params = o.params ?? {};
  for (const nb of o.notebooks) if (!existsSync(nb)) throw new InputError(`${nb}: no such notebook`);
  const python = findJupyterPython();
  if (!python) {
    throw new InputError("Jupyter's nbclient is missing: apt-get install -y jupyter-nbconvert python3-nbclient jupyter-client");
  }
  const jupyterPath = ensureKernelSpec(root);
  const common = sha256(libraryFingerprint(root), dataIdentity(o.dataDir), JSON.stringify(params), JSON.stringify(versions()));
  mkdirSync(o.outDir, { recursive: true });

  const queue = o.notebooks.map((nb) => ({ nb, out: join(o.outDir, basename(nb)), key: sha256(common, notebookCode(nb)) }));
  const statuses: NotebookStatus[] = [];
  const run = async (item: (typeof queue)[number]): Promise<NotebookStatus> => {
    const name = basename(item.nb);
    if (!o.force && storedKey(item.out) === item.key) {
      log(`[cached] ${name}`);
      return { notebook: item.nb, status: "cached", seconds: 0, output: item.out };
    }
    log(`[run] ${name}`);
    const t0 = performance.now();
    const meta: Meta = { cacheKey: item.key, params };
    const args = [join(root, "scripts", "execute_notebook.py"), item.nb, item.out, "--kernel", KERNEL_NAME,
      "--params", JSON.stringify(params), "--meta", JSON.stringify(meta)];
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(python, args, { env: { ...process.env, JUPYTER_PATH: jupyterPath, PYTHONUNBUFFERED: "1" }, cwd: root });
      let err = "";
      child.stdout.on("data", (d: Buffer) => d.toString().split("\n").filter(Boolean).forEach((l) => log(l)));
      child.stderr.on("data", (d: Buffer) => { err += d.toString(); });
      child.on("close", (c) => resolve({ code: c, stderr: err }));
    });
    const seconds = (performance.now() - t0) / 1000;
    if (code !== 0) {
      const line = stderr.split("\n").filter((l) => l.startsWith("error: ")).pop()?.slice(7) ??
        `${name}: the executor failed (exit ${code}): ${stderr.trim().split("\n").slice(-3).join(" ")}`;
      log(`[failed] ${name} after ${seconds.toFixed(0)} s`);
      return { notebook: item.nb, status: "failed", seconds, output: item.out, error: line };
    }
    log(`[done] ${name} ${seconds.toFixed(0)} s`);
    return { notebook: item.nb, status: "run", seconds, output: item.out };
  };
  const jobs = Math.max(1, o.jobs ?? queue.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(jobs, queue.length) }, async () => {
    while (next < queue.length) {
      const i = next++;
      statuses[i] = await run(queue[i]);
    }
  });
  await Promise.all(lanes);
  return statuses;
}
