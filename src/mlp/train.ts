// The training loop of the course's starter code: per-epoch shuffle, mini-batch SGD (with
// momentum), validation checks every ⌊steps per epoch / checks⌋ steps right after the update,
// early stopping on the validation loss, and the final model's metrics on both whole splits.

import { type ClockKind, clockKind, threadClock } from "../base/clock";
import type { RunConfig } from "./config";
import { checkLoss, checkMetrics } from "./divergence";
import { type PixelStats, type RawSplit, type Split, loadDataset, oneHot, pixelStats, preprocess, takeFirst, CLASSES } from "./data";
import { sparseFromBlocks } from "./kernels";
import {
  type Evaluation,
  type Input,
  type Model,
  type Workspace,
  createModel,
  createWorkspace,
  evaluate,
  evaluateAccuracy,
  firstLayerGradient,
  trainStep,
} from "./model";
import { createSgd } from "./optim";
import { type Profile, EVALUATION, lap } from "./profile";
import { createRng, shuffleInPlace } from "./rng";
import { lowSlopeShares } from "./saturation";
import { createScreen, screenedAccuracy } from "./screen";
import { i32, mark, release, toHeap } from "./wasm";

export interface PreparedData {
  readonly train: Split;
  readonly val: Split;
  /** The μ, σ applied to every split. */
  readonly stats: PixelStats;
  /** The IDX files read. */
  readonly files: readonly string[];
}

const prepared = new Map<string, PreparedData>();

/**
 * Load, select and normalise the splits a config asks for (memoised: runs on the same data share
 * them). `dataDir` overrides where the files are.
 */
export function prepareData(cfg: RunConfig, dataDir?: string): PreparedData {
  const ds = loadDataset(cfg.dataset, dataDir);
  const key = [ds.dir, cfg.dataset, cfg.trainSize, cfg.valSize, cfg.normalization].join("|");
  const hit = prepared.get(key);
  if (hit) return hit;
  const trainRaw = takeFirst(ds.train, cfg.trainSize, "train size");
  const valRaw = takeFirst(ds.test, cfg.valSize, "validation size");
  const stats = pixelStats(cfg.normalization === "full-train" ? ds.train : trainRaw);
  const data = { train: sparseSplit(trainRaw, stats), val: sparseSplit(valRaw, stats), stats, files: ds.files };
  prepared.set(key, data);
  return data;
}

/** Rows per block of sparseSplit(): 6 MB of dense rows at a time. */
const PREPARE_BLOCK = 1000;

/**
 * preprocess() of a split as training needs it: the sparse form, built a block of rows at a time,
 * so that the split's dense x (126 MB for 20 000 images) never exists whole; x itself is
 * computed when first read (the tests read it; training and evaluation never do).
 */
function sparseSplit(raw: RawSplit, stats: PixelStats): Split {
  const cols = raw.features + 1;
  const rows = (from: number, count: number): RawSplit => ({
    count,
    features: raw.features,
    pixels: raw.pixels.subarray(from * raw.features, (from + count) * raw.features),
    labels: raw.labels.subarray(from, from + count),
  });
  const sparse = sparseFromBlocks(raw.count, cols, PREPARE_BLOCK, (from, count) => preprocess(rows(from, count), stats).sparse);
  let x: Float64Array | null = null;
  return {
    count: raw.count,
    features: cols,
    labels: raw.labels,
    y: oneHot(raw.labels, CLASSES),
    sparse,
    get x() {
      x ??= toHeap(preprocess(raw, stats).x);
      return x;
    },
  };
}

export interface Check {
  readonly step: number;
  readonly valLoss: number;
  readonly valAccuracy: number;
  /** Over the whole training split; null when the config skips it (checkTrainAccuracy false). */
  readonly trainAccuracy: number | null;
  /** Mean |∂C/∂W| of each weight matrix for the step's batch, input layer first. */
  readonly gradMeanAbs: number[];
  /** Per hidden layer, the share of the batch's units whose slope is below a tenth of the largest (saturation.ts). */
  readonly lowSlope: number[];
}

export interface Metrics {
  readonly trainLoss: number;
  readonly trainAccuracy: number;
  readonly valLoss: number;
  readonly valAccuracy: number;
}

export interface TrainResult {
  readonly config: RunConfig;
  /** Loss and accuracy of the final model on the whole training and validation splits. */
  readonly final: Metrics;
  /** Updates made. */
  readonly steps: number;
  /** Epochs begun. */
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  /** Steps between validation checks (0: none). */
  readonly checkEvery: number;
  readonly stoppedEarly: boolean;
  readonly history: { readonly trainLoss: number[]; readonly checks: Check[] };
  /** Σ of each final weight matrix (a fingerprint for comparisons). */
  readonly weightSums: number[];
  /** Seconds measured by the run: not deterministic, so never part of a comparison (see deterministic()). */
  readonly timing: Timing;
}

export interface Timing {
  /** What was measured: the run's thread's CPU time, or wall-clock time where the system does not report it (base/clock.ts). */
  readonly clock: ClockKind;
  /** The training steps (forward, backward, update), all epochs. */
  readonly trainSeconds: number;
  /** The validation checks (and training-accuracy passes), all of them. */
  readonly checkSeconds: number;
}

/** A result without its timing: what must be identical for the same config and seed. */
export function deterministic(r: TrainResult): Omit<TrainResult, "timing"> {
  const { timing: _, ...rest } = r;
  return rest;
}

/** Mean absolute value of each matrix. */
export function meanAbs(ms: readonly Float64Array[]): number[] {
  return ms.map((m) => {
    let s = 0;
    for (let i = 0; i < m.length; i++) s += Math.abs(m[i]);
    return s / m.length;
  });
}

export interface Progress {
  readonly step: number;
  readonly epoch: number;
  readonly stepsPerEpoch: number;
  readonly maxSteps: number;
  readonly trainLoss: number;
  /** Set on the steps that ran a validation check. */
  readonly check: Check | null;
}

export interface TrainOptions {
  readonly onProgress?: (p: Progress) => void;
  /** Adds the time of each phase of the loop to this profile (npm run bench -- --profile). */
  readonly profile?: Profile;
}

/** Rows per forward block when evaluating a whole split (any size gives the same numbers). */
const EVAL_BLOCK = 128;

/** The workspace of evaluate() for splits of up to `maxRows` rows (forward only). */
export function evaluationWorkspace(sizes: readonly number[], maxRows: number): Workspace {
  return createWorkspace(sizes, Math.min(EVAL_BLOCK, maxRows), false);
}

/** True when the oldest of the last `window` losses is their minimum (window 0: never). */
export function shouldStopEarly(valLosses: readonly number[], window: number): boolean {
  if (window === 0 || valLosses.length < window) return false;
  const first = valLosses[valLosses.length - window];
  for (let i = valLosses.length - window + 1; i < valLosses.length; i++) if (valLosses[i] < first) return false;
  return true;
}

/**
 * Train one network as the config says; returns the result and the final model (its weights on
 * the JavaScript heap: the run's arena memory is released).
 */
export function train(cfg: RunConfig, data: PreparedData, opts: TrainOptions = {}): { result: TrainResult; model: Model } {
  const m = mark();
  try {
    const { result, model } = trainInArena(cfg, data, opts);
    return { result, model: { ...model, weights: model.weights.map(toHeap) } };
  } finally {
    release(m);
  }
}

function trainInArena(cfg: RunConfig, data: PreparedData, opts: TrainOptions): { result: TrainResult; model: Model } {
  const { train: tr, val } = data;
  const prof = opts.profile ?? null;
  const rng = createRng(cfg.seed);
  const model = createModel({ inputs: tr.features, hidden: cfg.hidden, outputs: CLASSES, activation: cfg.activation }, cfg.init, rng);
  const B = cfg.batchSize;
  const stepsPerEpoch = Math.floor(tr.count / B);
  const checkEvery = cfg.checksPerEpoch === 0 ? 0 : Math.max(1, Math.floor(stepsPerEpoch / cfg.checksPerEpoch));
  const maxSteps = stepsPerEpoch * cfg.epochs;

  const ws = createWorkspace(model.sizes, B);
  const evalWs = evaluationWorkspace(model.sizes, Math.max(tr.count, val.count));
  // The checks' pass over the training split needs only the winners: screened where it applies.
  const screen = cfg.checkTrainAccuracy ? createScreen(model, tr) : null;
  const opt = createSgd(model.weights, cfg.learningRate, cfg.momentum);
  const lb = new Uint8Array(B);
  const order = i32(tr.count);
  const trainLoss = new Float64Array(maxSteps);
  const checks: Check[] = [];
  const valLosses: number[] = [];

  let step = 0,
    epoch = 0,
    stoppedEarly = false;
  let checkMs = 0;
  const clock = clockKind();
  const now = threadClock(clock);
  const t0 = now();
  training: for (; epoch < cfg.epochs; epoch++) {
    for (let i = 0; i < tr.count; i++) order[i] = i; // a fresh permutation of the indices each epoch
    if (cfg.shuffle) shuffleInPlace(rng, order);
    for (let s = 0; s < stepsPerEpoch; s++, step++) {
      const batch: Input = { sparse: tr.sparse, idx: order, from: s * B };
      for (let r = 0; r < B; r++) lb[r] = tr.labels[order[s * B + r]];
      const loss = trainStep(model, ws, opt, batch, lb, 0, B, prof);
      checkLoss(step, loss, step === 0 ? loss : trainLoss[0]);
      trainLoss[step] = loss;

      let check: Check | null = null;
      if (checkEvery > 0 && step % checkEvery === 0) {
        const c0 = now();
        const p0 = prof ? performance.now() : 0;
        const v = evaluate(model, evalWs, val);
        const trainAccuracy = !cfg.checkTrainAccuracy
          ? null
          : screen
            ? screenedAccuracy(model, evalWs, tr, screen)
            : evaluateAccuracy(model, evalWs, tr);
        if (prof) lap(prof, EVALUATION, p0);
        checkMetrics(step + 1, { "validation loss": v.loss });
        firstLayerGradient(model, ws, batch, B);
        check = {
          step,
          valLoss: v.loss,
          valAccuracy: v.accuracy,
          trainAccuracy,
          gradMeanAbs: meanAbs(ws.grads),
          lowSlope: lowSlopeShares(cfg.activation, ws.z, model.sizes, B),
        };
        checks.push(check);
        valLosses.push(v.loss);
        checkMs += now() - c0;
      }
      opts.onProgress?.({ step, epoch, stepsPerEpoch, maxSteps, trainLoss: loss, check });
      if (check && shouldStopEarly(valLosses, cfg.earlyStopWindow)) {
        stoppedEarly = true;
        step++;
        break training;
      }
    }
  }
  const totalMs = now() - t0;
  const tEval = performance.now();
  const t: Evaluation = evaluate(model, evalWs, tr);
  const v: Evaluation = evaluate(model, evalWs, val);
  if (prof) lap(prof, EVALUATION, tEval);
  checkMetrics(step, { "final training loss": t.loss, "final validation loss": v.loss });
  const result: TrainResult = {
    config: cfg,
    final: { trainLoss: t.loss, trainAccuracy: t.accuracy, valLoss: v.loss, valAccuracy: v.accuracy },
    steps: step,
    epochs: stoppedEarly ? epoch + 1 : epoch,
    stepsPerEpoch,
    checkEvery,
    stoppedEarly,
    history: { trainLoss: Array.from(trainLoss.subarray(0, step)), checks },
    weightSums: model.weights.map((w) => w.reduce((a, b) => a + b, 0)),
    timing: { clock, trainSeconds: (totalMs - checkMs) / 1000, checkSeconds: checkMs / 1000 },
  };
  return { result, model };
}
