// A content-addressed cache of trained runs, shared by everything that trains (notebooks, the
// report's pre-training, scripts): a run's key is the SHA-256 of its normalised config, the
// fingerprint of the training code as it runs (the worker module and all it imports, and the
// WebAssembly kernels) and the identity of its dataset's files. Same key, same bits: a hit returns
// the stored result instead of training. Entries are written atomically; an unreadable entry is a
// miss.
//
// May import: base, mlp.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { filesFingerprint, moduleClosure, sha256 } from "../base/fingerprint";
import { writeFileAtomic } from "../base/io";
import { libDir, packageRoot } from "../base/paths";
import type { RunConfig } from "./config";
import { datasetIdentity } from "./data";
import { type PoolOptions, runPool, workerEntry } from "./pool";
import type { TrainResult } from "./train";
import { wasmPath } from "./wasm";

/** Where and against what code and data runs are cached. */
export interface RunCache {
  /** The folder of the entries (one `<key>.json` per run). */
  readonly dir: string;
  /** The library folder that trains the misses (src/ or dist/). */
  readonly lib: string;
  /** Fingerprint of that library's training code (trainingCodeFingerprint). */
  readonly code: string;
  /** Where the datasets are (as for training; default: the usual search). */
  readonly dataDir?: string;
}

/** The default cache folder: build/runs/ in the project. */
export function defaultRunCacheDir(): string {
  return join(packageRoot(), "build", "runs");
}

/**
 * The training code as a library folder runs it (src/ with tsx, dist/ in notebooks): the worker
 * entry and every module it imports, and the kernels.
 */
export function trainingCodeFingerprint(lib = libDir()): string {
  return sha256(filesFingerprint(lib, moduleClosure([workerEntry(lib)])), readFileSync(wasmPath()));
}

/** A cache in the default folder, whose misses the library folder `lib` trains (default: the running one). */
export function defaultRunCache(dataDir?: string, lib = libDir()): RunCache {
  return { dir: defaultRunCacheDir(), lib, code: trainingCodeFingerprint(lib), dataDir };
}

/** The config's key in a cache. */
export function runKey(cache: RunCache, config: RunConfig): string {
  return sha256(JSON.stringify(config), "\0", cache.code, "\0", datasetIdentity(config.dataset, cache.dataDir));
}

function entryPath(cache: RunCache, config: RunConfig): string {
  return join(cache.dir, `${runKey(cache, config)}.json`);
}

/** The cached result of a config, or null. */
export function readCachedRun(cache: RunCache, config: RunConfig): TrainResult | null {
  const path = entryPath(cache, config);
  if (!existsSync(path)) return null;
  try {
    const r = JSON.parse(readFileSync(path, "utf8")) as TrainResult;
    return JSON.stringify(r.config) === JSON.stringify(config) ? r : null;
  } catch {
    return null;
  }
}

export function writeCachedRun(cache: RunCache, result: TrainResult): void {
  writeFileAtomic(entryPath(cache, result.config), JSON.stringify(result));
}

export interface CachedPoolOptions extends PoolOptions {
  /** Called for each run found in the cache (not trained). */
  readonly onCached?: (index: number, r: TrainResult) => void;
}

/**
 * Train the configs that are not cached on the worker pool (each written to the cache as it
 * finishes), return every result in config order. Configs that are equal are trained once.
 */
export async function trainCached(
  configs: readonly RunConfig[],
  cache: RunCache | null,
  opts: CachedPoolOptions = {},
): Promise<TrainResult[]> {
  if (!cache) return runPool(configs, opts);
  const results: (TrainResult | null)[] = configs.map((c) => readCachedRun(cache, c));
  results.forEach((r, i) => {
    if (r) opts.onCached?.(i, r);
  });
  // Distinct configs still to train, and which indices each one answers.
  const todo: RunConfig[] = [],
    answers: number[][] = [];
  const byText = new Map<string, number>();
  configs.forEach((c, i) => {
    if (results[i]) return;
    const text = JSON.stringify(c);
    let k = byText.get(text);
    if (k === undefined) {
      k = todo.length;
      byText.set(text, k);
      todo.push(c);
      answers.push([]);
    }
    answers[k].push(i);
  });
  if (todo.length) {
    await runPool(todo, {
      ...opts,
      entry: opts.entry ?? workerEntry(cache.lib),
      onProgress:
        opts.onProgress &&
        ((k, p) => {
          for (const i of answers[k]) opts.onProgress!(i, p);
        }),
      onDone: (k, r) => {
        writeCachedRun(cache, r);
        for (const i of answers[k]) {
          results[i] = r;
          opts.onDone?.(i, r);
        }
      },
    });
  }
  return results as TrainResult[];
}
