// A pool of worker threads that trains independent runs in parallel, one run per worker at a
// time, the costliest first, and reports every worker's progress. Results come back in the order of the configs and do
// not depend on the number of workers (every run is deterministic on its own).

import { availableParallelism } from "node:os";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { RunConfig } from "./config";
import { DivergenceError, InputError } from "../base/errors";
import { libDir, libExt } from "../base/paths";
import type { Progress, TrainResult } from "./train";

export interface ToWorker {
  readonly index: number;
  readonly config: RunConfig;
  readonly dataDir?: string;
}

export type FromWorker =
  | { readonly type: "progress"; readonly index: number; readonly progress: Progress }
  | { readonly type: "done"; readonly index: number; readonly result: TrainResult }
  | {
      readonly type: "error";
      readonly index: number;
      readonly kind: "input" | "divergence" | "bug";
      readonly message: string;
      readonly stack: string;
      readonly step?: number;
    };

export interface PoolOptions {
  /** The worker's entry module (workerEntry(); default: the running library's). */
  readonly entry?: string;
  /** Worker threads; default: one per core, at most one per run. */
  readonly workers?: number;
  readonly dataDir?: string;
  readonly onProgress?: (index: number, p: Progress) => void;
  /** Called when run `index` finishes. */
  readonly onDone?: (index: number, r: TrainResult) => void;
}

/**
 * A worker running `entry`. The TypeScript sources (under tsx) boot through tsx's API: Node 20
 * does not apply --import hooks to a worker's entry module.
 */
function startWorker(entry: string): Worker {
  if (!entry.endsWith(".ts")) return new Worker(entry);
  // createRequire resolves the package's "require" build; its ES module sibling has the same API.
  const api = createRequire(entry)
    .resolve("tsx/esm/api")
    .replace(/\.cjs$/, ".mjs");
  const boot = `import(${JSON.stringify(pathToFileURL(api).href)})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(pathToFileURL(entry).href)}); });`;
  return new Worker(boot, { eval: true });
}

/**
 * A rough relative cost of a run, to start the longest first (longest-processing-time order keeps
 * the workers busy until the end): work per image (the sparse first layer, the dense layers, the
 * transcendental activations) times how long runs without momentum tend to train.
 */
export function estimatedCost(c: RunConfig): number {
  const widths = c.hidden;
  let perImage = 150 * widths[0];
  for (let l = 0; l + 1 < widths.length; l++) perImage += widths[l] * widths[l + 1];
  perImage += 10 * widths[widths.length - 1];
  if (c.activation !== "relu") perImage += 30 * widths.reduce((a, b) => a + b, 0);
  return perImage * (c.momentum > 0 ? 1 : 2.5) * c.trainSize * c.epochs;
}

/**
 * The worker's entry module in a library folder (src/ with tsx, dist/ as built; default: the one
 * running). It must exist: a moved worker fails here, not by a silent fallback.
 */
export function workerEntry(lib = libDir()): string {
  for (const ext of [libExt(), ".js", ".ts"]) {
    const entry = join(lib, "mlp", "worker" + ext);
    if (existsSync(entry)) return entry;
  }
  throw new Error(`the worker entry ${join(lib, "mlp", "worker" + libExt())} is missing: was mlp/worker moved?`);
}

export function defaultWorkers(runs: number): number {
  return Math.max(1, Math.min(runs, availableParallelism()));
}

/** Train every config on worker threads; resolves with the results in config order. */
export function runPool(configs: readonly RunConfig[], opts: PoolOptions = {}): Promise<TrainResult[]> {
  const n = configs.length;
  const workers = opts.workers ?? defaultWorkers(n);
  if (!Number.isInteger(workers) || workers < 1) {
    return Promise.reject(new InputError(`workers ${workers}: expected an integer ≥ 1`));
  }
  if (n === 0) return Promise.resolve([]);
  const entry = opts.entry ?? workerEntry();
  const results: (TrainResult | undefined)[] = new Array(n);
  // Longest first; ties keep the given order.
  const order = configs.map((_, i) => i).sort((a, b) => estimatedCost(configs[b]) - estimatedCost(configs[a]) || a - b);
  return new Promise((resolve, reject) => {
    const pool: Worker[] = [];
    const retired = new Set<Worker>();
    let next = 0,
      finished = 0,
      failed = false;
    const retire = (w: Worker) => {
      retired.add(w);
      void w.terminate();
    };
    const stopAll = () => {
      for (const w of pool) retire(w);
    };
    const fail = (e: Error) => {
      if (failed) return;
      failed = true;
      stopAll();
      reject(e);
    };
    const feed = (w: Worker) => {
      if (next >= n) {
        retire(w);
        return;
      }
      const index = order[next++];
      w.postMessage({ index, config: configs[index], dataDir: opts.dataDir } satisfies ToWorker);
    };
    for (let i = 0; i < Math.min(workers, n); i++) {
      const w = startWorker(entry);
      pool.push(w);
      w.on("message", (m: FromWorker) => {
        if (failed) return;
        if (m.type === "progress") opts.onProgress?.(m.index, m.progress);
        else if (m.type === "done") {
          results[m.index] = m.result;
          opts.onDone?.(m.index, m.result);
          if (++finished === n) {
            stopAll();
            resolve(results as TrainResult[]);
          } else feed(w);
        } else {
          const where = `run ${configs[m.index].id}`;
          if (m.kind === "input") fail(new InputError(`${where}: ${m.message}`));
          else if (m.kind === "divergence") fail(new DivergenceError(m.step ?? -1, NaN, `${where}: ${m.message}`));
          else fail(Object.assign(new Error(`${where}: ${m.message}`), { stack: m.stack }));
        }
      });
      w.on("error", (e) => fail(e));
      w.on("exit", (code) => {
        if (!retired.has(w)) fail(new Error(`a worker stopped unexpectedly (exit code ${code})`));
      });
      feed(w);
    }
  });
}
