// The training loop of the course's starter code: per-epoch shuffle, mini-batch SGD (with
// momentum), validation checks every ⌊steps per epoch / checks⌋ steps right after the update,
// early stopping on the validation loss, and the final model's metrics on both whole splits.

import type { RunConfig } from "./config";
import { type PixelStats, type Split, loadDataset, pixelStats, preprocess, takeFirst, CLASSES } from "./data";
import { checkLoss, checkMetrics } from "./divergence";
import {
  type Evaluation, type Input, type Model, backward, createModel, createWorkspace, evaluate, forward, meanLoss,
} from "./model";
import { createSgd, sgdStep } from "./optim";
import { createRng, shuffleInPlace } from "./rng";
import { lowSlopeShares } from "./saturation";
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
  const data = { train: preprocess(trainRaw, stats), val: preprocess(valRaw, stats), stats, files: ds.files };
  prepared.set(key, data);
  return data;
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
  /** Wall-clock seconds, measured by the run: not deterministic, so never part of a comparison (see deterministic()). */
  readonly timing: Timing;
}

export interface Timing {
  /** The training steps (forward, backward, update), all epochs. */
  readonly trainSeconds: number;
  /** The validation checks (and training-accuracy passes), all of them. */
  readonly checkSeconds: number;
}

/** A result without its wall-clock timing: what must be identical for the same config and seed. */
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
}

/** Rows per chunk when evaluating a whole split. */
const EVAL_CHUNK = 1000;

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
  const rng = createRng(cfg.seed);
  const model = createModel(
    { inputs: tr.features, hidden: cfg.hidden, outputs: CLASSES, activation: cfg.activation }, cfg.init, rng,
  );
  const B = cfg.batchSize;
  const stepsPerEpoch = Math.floor(tr.count / B);
  const checkEvery = cfg.checksPerEpoch === 0 ? 0 : Math.max(1, Math.floor(stepsPerEpoch / cfg.checksPerEpoch));
  const maxSteps = stepsPerEpoch * cfg.epochs;

  const ws = createWorkspace(model.sizes, B);
  const evalWs = createWorkspace(model.sizes, Math.min(EVAL_CHUNK, Math.max(tr.count, val.count)), false);
  const opt = createSgd(model.weights, cfg.learningRate, cfg.momentum);
  const lb = new Uint8Array(B);
  const order = i32(tr.count);
  const trainLoss = new Float64Array(maxSteps);
  const checks: Check[] = [];
  const valLosses: number[] = [];

  let step = 0, epoch = 0, stoppedEarly = false;
  let checkMs = 0;
  const t0 = performance.now();
  training: for (; epoch < cfg.epochs; epoch++) {
    for (let i = 0; i < tr.count; i++) order[i] = i; // a fresh permutation of the indices each epoch
    if (cfg.shuffle) shuffleInPlace(rng, order);
    for (let s = 0; s < stepsPerEpoch; s++, step++) {
      const batch: Input = { sparse: tr.sparse, idx: order, from: s * B };
      for (let r = 0; r < B; r++) lb[r] = tr.labels[order[s * B + r]];
      forward(model, ws, batch, B);
      const loss = meanLoss(model, ws, lb, 0, B);
      checkLoss(step, loss, step === 0 ? loss : trainLoss[0]);
      backward(model, ws, batch, lb, 0, B);
      sgdStep(opt, model.weights, ws.grads);
      trainLoss[step] = loss;

      let check: Check | null = null;
      if (checkEvery > 0 && step % checkEvery === 0) {
        const c0 = performance.now();
        const v = evaluate(model, evalWs, val);
        const trainAccuracy = cfg.checkTrainAccuracy ? evaluate(model, evalWs, tr).accuracy : null;
        checkMetrics(step + 1, { "validation loss": v.loss });
        check = {
          step, valLoss: v.loss, valAccuracy: v.accuracy, trainAccuracy, gradMeanAbs: meanAbs(ws.grads),
          lowSlope: lowSlopeShares(cfg.activation, ws.z, model.sizes, B),
        };
        checks.push(check);
        valLosses.push(v.loss);
        checkMs += performance.now() - c0;
      }
      opts.onProgress?.({ step, epoch, stepsPerEpoch, maxSteps, trainLoss: loss, check });
      if (check && shouldStopEarly(valLosses, cfg.earlyStopWindow)) {
        stoppedEarly = true;
        step++;
        break training;
      }
    }
  }
  const totalMs = performance.now() - t0;
  const t: Evaluation = evaluate(model, evalWs, tr);
  const v: Evaluation = evaluate(model, evalWs, val);
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
    timing: { trainSeconds: (totalMs - checkMs) / 1000, checkSeconds: checkMs / 1000 },
  };
  return { result, model };
}
