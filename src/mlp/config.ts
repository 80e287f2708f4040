// Run configuration: a RunSpec is what users write (every key optional, or a preset id from the
// spec's run table); normalizeRun() validates it into a complete, frozen RunConfig.

import { ACTIVATIONS, type Activation } from "./activations";
import { CLASSES, DATASETS, type DatasetName } from "./data";
import { InputError } from "../base/errors";
import { INITS, type Init, equalWidthForBudget, parameterCount } from "./model";
import { checkRunBudget } from "./budget";

export const NORMALIZATIONS = ["full-train", "train-subset"] as const;
export type Normalization = (typeof NORMALIZATIONS)[number];

export interface RunSpec {
  /** A preset id from PRESETS; the other keys override it. */
  readonly preset?: string;
  readonly hidden?: readonly number[];
  readonly activation?: Activation;
  readonly init?: Init;
  readonly learningRate?: number;
  readonly momentum?: number;
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly trainSize?: number;
  readonly valSize?: number;
  readonly seed?: number;
  readonly shuffle?: boolean;
  readonly dataset?: DatasetName;
  /** Statistics for (x − μ)/σ: all 60 000 training images (default) or the training subset. */
  readonly normalization?: Normalization;
  /** Validation checks per epoch: every ⌊steps per epoch / this⌋ steps; 0: no checks (nor early stopping). */
  readonly checksPerEpoch?: number;
  /** Stop when the oldest of the last this-many validation losses is their minimum; 0 disables. */
  readonly earlyStopWindow?: number;
  /**
   * Measure the training accuracy over the whole training split at every check (default true). Early
   * stopping uses validation losses only, so a run that needs just its final metrics (a seed study)
   * may skip it, two thirds of the checks' cost, with identical final numbers.
   */
  readonly checkTrainAccuracy?: boolean;
}

export interface RunConfig {
  readonly id: string;
  readonly hidden: readonly number[];
  readonly activation: Activation;
  readonly init: Init;
  readonly learningRate: number;
  readonly momentum: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly trainSize: number;
  readonly valSize: number;
  readonly seed: number;
  readonly shuffle: boolean;
  readonly dataset: DatasetName;
  readonly normalization: Normalization;
  readonly checksPerEpoch: number;
  readonly earlyStopWindow: number;
  readonly checkTrainAccuracy: boolean;
}

export const DEFAULTS: Omit<RunConfig, "id"> = Object.freeze({
  hidden: Object.freeze([64]),
  activation: "sigmoid",
  init: "uniform",
  learningRate: 0.1,
  momentum: 0,
  epochs: 50,
  batchSize: 32,
  trainSize: 20000,
  valSize: 10000,
  seed: 1,
  shuffle: true,
  dataset: "mnist",
  normalization: "full-train",
  checksPerEpoch: 5,
  earlyStopWindow: 51,
  checkTrainAccuracy: true,
});

/** MNIST's input width with the bias column. */
export const MNIST_INPUTS = 28 * 28 + 1;

const TRICKS = { activation: "improved-sigmoid", init: "fan-in", learningRate: 0.02, momentum: 0.9 } as const;

/** The default report's runs (spec, "Runs of the default report"). */
export const PRESETS: Readonly<Record<string, { readonly task: string; readonly spec: RunSpec }>> = Object.freeze({
  "2c": { task: "baseline", spec: {} },
  "3a": { task: "+ improved init", spec: { init: "fan-in" } },
  "3b": { task: "+ improved sigmoid", spec: { init: "fan-in", activation: "improved-sigmoid" } },
  "3c": { task: "+ momentum", spec: { ...TRICKS } },
  "4a": { task: "fewer units", spec: { ...TRICKS, hidden: [32] } },
  "4b": { task: "more units", spec: { ...TRICKS, hidden: [128] } },
  "4d": {
    task: "two layers, about the same parameters",
    spec: { ...TRICKS, hidden: twoEqualLayers() },
  },
  "4e": { task: "ten layers", spec: { ...TRICKS, hidden: Array<number>(10).fill(64) } },
  "4f": { task: "ten layers, ReLU", spec: { ...TRICKS, hidden: Array<number>(10).fill(64), activation: "relu" } },
  "3-ind-sigmoid": { task: "improved sigmoid alone", spec: { activation: "improved-sigmoid" } },
  "3-ind-momentum": { task: "momentum alone", spec: { learningRate: 0.02, momentum: 0.9 } },
});

/** 4d: two equal hidden layers with about the weights of the [64] network (60, 60). */
export function twoEqualLayers(): number[] {
  const budget = parameterCount([MNIST_INPUTS, 64, CLASSES]);
  const w = equalWidthForBudget(MNIST_INPUTS, CLASSES, 2, budget);
  return [w, w];
}

const KEYS: readonly (keyof RunSpec)[] = [
  "preset",
  "hidden",
  "activation",
  "init",
  "learningRate",
  "momentum",
  "epochs",
  "batchSize",
  "trainSize",
  "valSize",
  "seed",
  "shuffle",
  "dataset",
  "normalization",
  "checksPerEpoch",
  "earlyStopWindow",
  "checkTrainAccuracy",
];

function oneOf<T extends string>(key: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v === "string" && (allowed as readonly string[]).includes(v)) return v as T;
  throw new InputError(`${key} ${JSON.stringify(v)}: expected one of ${allowed.join(", ")}`);
}

function int(key: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v === "number" && Number.isInteger(v) && v >= min && v <= max) return v;
  const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
  throw new InputError(`${key} ${JSON.stringify(v)}: expected ${range}`);
}

function real(key: string, v: unknown, ok: (x: number) => boolean, expected: string): number {
  if (typeof v === "number" && Number.isFinite(v) && ok(v)) return v;
  throw new InputError(`${key} ${JSON.stringify(v)}: expected ${expected}`);
}

/**
 * Validate a spec into a complete, frozen config. Unknown keys, bad values and runs over the
 * memory or step limits (budget.ts) throw InputError.
 */
export function normalizeRun(spec: RunSpec): RunConfig {
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    throw new InputError(`run spec ${JSON.stringify(spec)}: expected an object`);
  }
  for (const k of Object.keys(spec)) {
    if (!(KEYS as readonly string[]).includes(k)) {
      throw new InputError(`unknown run setting "${k}": expected one of ${KEYS.join(", ")}`);
    }
  }
  let base: RunSpec = {};
  if (spec.preset !== undefined) {
    const p = PRESETS[spec.preset as string];
    if (typeof spec.preset !== "string" || !p) {
      throw new InputError(`run id ${JSON.stringify(spec.preset)}: expected one of ${Object.keys(PRESETS).join(", ")}`);
    }
    base = p.spec;
  }
  const m = { ...DEFAULTS, ...base, ...stripUndefined(spec) };
  if (!Array.isArray(m.hidden) || m.hidden.length === 0) {
    throw new InputError(`hidden ${JSON.stringify(m.hidden)}: expected a non-empty list of positive integer widths`);
  }
  const hidden = Object.freeze(m.hidden.map((w) => int("hidden width", w, 1)));
  const cfg: RunConfig = {
    id: spec.preset ?? "custom",
    hidden,
    activation: oneOf("activation", m.activation, ACTIVATIONS),
    init: oneOf("init", m.init, INITS),
    learningRate: real("learning rate", m.learningRate, (x) => x > 0, "a positive number"),
    momentum: real("momentum", m.momentum, (x) => x >= 0 && x < 1, "a number in [0, 1)"),
    epochs: int("epochs", m.epochs, 1),
    batchSize: int("batch size", m.batchSize, 1),
    trainSize: int("train size", m.trainSize, 1),
    valSize: int("validation size", m.valSize, 1),
    seed: int("seed", m.seed, 0, 0xffffffff),
    shuffle: bool("shuffle", m.shuffle),
    dataset: oneOf("dataset", m.dataset, DATASETS),
    normalization: oneOf("normalization", m.normalization, NORMALIZATIONS),
    checksPerEpoch: int("checks per epoch", m.checksPerEpoch, 0),
    earlyStopWindow: int("early-stop window", m.earlyStopWindow, 0),
    checkTrainAccuracy: bool("checkTrainAccuracy", m.checkTrainAccuracy),
  };
  if (cfg.batchSize > cfg.trainSize) {
    throw new InputError(`batch size ${cfg.batchSize}: expected at most the train size ${cfg.trainSize}`);
  }
  checkRunBudget(cfg, spec.preset === undefined ? "the run" : `run ${spec.preset}`);
  return Object.freeze(cfg);
}

function bool(key: string, v: unknown): boolean {
  if (typeof v === "boolean") return v;
  throw new InputError(`${key} ${JSON.stringify(v)}: expected true or false`);
}

function stripUndefined(spec: RunSpec): Partial<RunSpec> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec)) if (v !== undefined && k !== "preset") out[k] = v;
  return out as Partial<RunSpec>;
}
