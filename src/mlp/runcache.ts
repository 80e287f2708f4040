// A content-addressed cache of trained runs, shared by everything that trains (notebooks, the
// report's pre-training, scripts): a run's key is the SHA-256 of its normalised config, the
// fingerprint of the training code as it runs (the worker module and all it imports, the
// WebAssembly kernels and the C kernels' sources) and the identity of its dataset's files. Same key, same bits: a hit returns
// the stored result instead of training. Entries are written atomically; an unreadable entry is a
// miss. A run in training is claimed (`<key>.claim`, created exclusively, naming its trainer's
// host and process, touched every few seconds): another process that needs it waits for its entry
// instead of training it again (the report's pre-training and the notebooks executing beside it,
// notebooks executed together, Slurm tasks), and takes the claim over when its trainer is gone (a
// dead process on this host, or no touch for a minute). Two processes that take over the same
// stale claim at once may both train the run: the same bits, written atomically.
//
// May import: base, mlp.

import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, utimesSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { onStop, processAlive } from "../base/lifecycle";
import { filesFingerprint, moduleClosure, sha256 } from "../base/fingerprint";
import { writeFileAtomic } from "../base/io";
import { libDir, packageRoot } from "../base/paths";
import type { RunConfig } from "./config";
import { datasetIdentity } from "./data";
import { type PoolOptions, runPool, workerEntry } from "./pool";
import type { TrainResult } from "./train";
import { kernelFiles } from "./wasm";

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

/** The code that `entries` load from a library folder: every module they import, and the kernels. */
export function codeFingerprint(lib: string, entries: readonly string[], kernels: readonly string[] = kernelFiles()): string {
  return sha256(filesFingerprint(lib, moduleClosure(entries)), ...kernels.map((f) => readFileSync(f)));
}

/**
 * The training code as a library folder runs it (src/ with tsx, dist/ in notebooks): the worker
 * entry and every module it imports, and the kernels.
 */
export function trainingCodeFingerprint(lib = libDir()): string {
  return codeFingerprint(lib, [workerEntry(lib)]);
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
  /** Called for each run found in the cache (not trained), or trained meanwhile by another process. */
  readonly onCached?: (index: number, r: TrainResult) => void;
  /** Called for each run another process is training, before waiting for it. */
  readonly onWaiting?: (index: number) => void;
}

/** A claim not touched for this long, by a trainer on another host, is stale. */
const CLAIM_STALE_MS = 60_000;
/** How often a trainer touches its claims. */
const CLAIM_TOUCH_MS = 10_000;
/** How often a waiting process looks for the entry. */
const CLAIM_POLL_MS = 250;

function claimPath(cache: RunCache, config: RunConfig): string {
  return join(cache.dir, `${runKey(cache, config)}.claim`);
}

/**
 * Whether the trainer of a claim is at work: touched lately (its trainer touches it every few
 * seconds; other hosts' clocks must agree with this one's to well within a minute) and, on this
 * host, its process alive (a dead one's claim goes at once; a reused pid's goes once old).
 */
export function claimLive(path: string, now = Date.now()): boolean {
  let touched: number;
  try {
    touched = statSync(path).mtimeMs;
  } catch {
    return false;
  }
  if (now - touched >= CLAIM_STALE_MS) return false;
  let owner: { pid?: unknown; host?: unknown };
  try {
    owner = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return true; // being written
  }
  return owner.host !== hostname() || typeof owner.pid !== "number" || processAlive(owner.pid);
}

/** The claims one trainCached() holds: taken, touched while held, released when done or stopped. */
function claimSet(cache: RunCache) {
  mkdirSync(cache.dir, { recursive: true }); // a fresh clone has no build/runs/ yet
  const held = new Set<string>();
  const me = JSON.stringify({ pid: process.pid, host: hostname() });
  const release = (path: string) => {
    if (held.delete(path)) rmSync(path, { force: true });
  };
  const releaseAll = () => {
    for (const path of [...held]) release(path);
    clearInterval(timer);
    unregister();
  };
  const timer = setInterval(() => {
    const now = new Date();
    for (const path of held) {
      try {
        utimesSync(path, now, now);
      } catch {
        // removed by someone who judged it stale: the entry is written all the same
      }
    }
  }, CLAIM_TOUCH_MS);
  timer.unref();
  const unregister = onStop(releaseAll);
  return {
    /** Claim a config's run; false when a live trainer holds it. */
    take(config: RunConfig): boolean {
      const path = claimPath(cache, config);
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          const fd = openSync(path, "wx");
          try {
            writeSync(fd, me);
          } finally {
            closeSync(fd);
          }
          held.add(path);
          return true;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
        }
        if (claimLive(path)) return false;
        rmSync(path, { force: true }); // its trainer is gone: take it over
      }
      return false;
    },
    release: (config: RunConfig) => release(claimPath(cache, config)),
    releaseAll,
  };
}

/**
 * The entry of a run another process claimed, once written; null when its claim goes without one,
 * or when `given.up` (the caller failed meanwhile).
 */
async function waitForRun(cache: RunCache, config: RunConfig, given: { up: boolean }): Promise<TrainResult | null> {
  const path = claimPath(cache, config);
  while (!given.up) {
    const r = readCachedRun(cache, config);
    if (r) return r;
    if (!claimLive(path)) return readCachedRun(cache, config);
    await new Promise((resolve) => setTimeout(resolve, CLAIM_POLL_MS));
  }
  return null;
}

/**
 * Train the configs that are not cached on the worker pool (each written to the cache as it
 * finishes), return every result in config order. Configs that are equal are trained once; a run
 * that another process is training is waited for (and trained here if that process stops without
 * it). The runs to train are claimed before the first await: a caller that starts something else
 * right after calling finds them claimed.
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
  let pending: { config: RunConfig; answers: number[] }[] = [];
  const byText = new Map<string, number>();
  configs.forEach((c, i) => {
    if (results[i]) return;
    const text = JSON.stringify(c);
    let k = byText.get(text);
    if (k === undefined) {
      k = pending.length;
      byText.set(text, k);
      pending.push({ config: c, answers: [] });
    }
    pending[k].answers.push(i);
  });
  if (!pending.length) return results as TrainResult[];
  const claims = claimSet(cache);
  const given = { up: false };
  try {
    while (pending.length) {
      const mine = pending.filter((t) => claims.take(t.config));
      // Written meanwhile by a trainer that released its claim since the entries were read: taken as it is.
      for (const t of [...mine]) {
        const r = readCachedRun(cache, t.config);
        if (!r) continue;
        claims.release(t.config);
        mine.splice(mine.indexOf(t), 1);
        pending.splice(pending.indexOf(t), 1);
        for (const i of t.answers) {
          results[i] = r;
          opts.onCached?.(i, r);
        }
      }
      const theirs = pending.filter((t) => !mine.includes(t));
      for (const t of theirs) for (const i of t.answers) opts.onWaiting?.(i);
      const training = mine.length
        ? runPool(
            mine.map((t) => t.config),
            {
              ...opts,
              entry: opts.entry ?? workerEntry(cache.lib),
              onProgress:
                opts.onProgress &&
                ((k, p) => {
                  for (const i of mine[k].answers) opts.onProgress!(i, p);
                }),
              onDone: (k, r) => {
                writeCachedRun(cache, r);
                claims.release(r.config);
                for (const i of mine[k].answers) {
                  results[i] = r;
                  opts.onDone?.(i, r);
                }
              },
            },
          )
        : null;
      const waited = await Promise.all([training, ...theirs.map((t) => waitForRun(cache, t.config, given))]);
      pending = theirs.filter((t, k) => {
        const r = waited[k + 1] as TrainResult | null;
        if (!r) return true;
        for (const i of t.answers) {
          results[i] = r;
          opts.onCached?.(i, r);
        }
        return false;
      });
    }
  } finally {
    given.up = true;
    claims.releaseAll();
  }
  return results as TrainResult[];
}
