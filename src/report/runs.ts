// The runs behind a build, as graders check them: the run configs a build's parameters ask for
// (what pre-training and the notebooks train), the numbers the notebooks record from each run's
// result, and the mode that the runs' sizes show, whatever a label says.
//
// May import: base, mlp, contract, notebook.

import { DEFAULTS, type RunConfig } from "../mlp/config";
import type { TrainResult } from "../mlp/train";
import type { Recorded } from "../contract/contract";
import { type NotebookParams, QUICK, normalizeParams, presetRuns } from "../notebook/session";
import { gradientNumbers, runNumbers } from "../notebook/tasks";

/**
 * The run configs a build with these notebook parameters records in results.json's `runs` (the spec's
 * run table; the seed study's other seeds are in `seedStudy`). InputError on bad parameters.
 */
export function expectedRuns(params: Readonly<Record<string, unknown>>): RunConfig[] {
  const { dataDir: _ignored, ...p } = params as NotebookParams;
  return presetRuns(normalizeParams(p));
}

/**
 * Every number the notebooks record from run `id`'s result: final metrics, steps, epochs, what the
 * curves show, and for a deep network its gradients per layer (a name the report does not record is
 * not compared).
 */
export function runRecords(id: string, result: TrainResult): Recorded[] {
  return [...runNumbers(id, result), ...(result.config.hidden.length > 2 ? gradientNumbers(id, result) : [])];
}

/** The numbers every run of a report records and whose values its config constrains (runNumbers records these and more). */
export const RUN_NUMBERS: readonly string[] = Object.freeze([
  "trainLoss",
  "valLoss",
  "trainAccuracy",
  "valAccuracy",
  "steps",
  "epochs",
  "stoppedEarly",
]);

export type DerivedMode = "full" | "quick" | "mixed";

/** What a run's sizes are: the full preset's (20 000 / 10 000 images, ≤ 50 epochs), quick mode's, or neither. */
export function runSize(c: Pick<RunConfig, "trainSize" | "valSize" | "epochs">): DerivedMode {
  const is = (s: { trainSize?: number; valSize?: number; epochs?: number }) =>
    c.trainSize === s.trainSize && c.valSize === s.valSize && c.epochs === s.epochs;
  return is(DEFAULTS) ? "full" : is(QUICK) ? "quick" : "mixed";
}

/** The mode the runs' sizes show: "full" or "quick" when every run has those sizes, else "mixed". */
export function derivedMode(runs: readonly Pick<RunConfig, "trainSize" | "valSize" | "epochs">[]): DerivedMode {
  const sizes = new Set(runs.map(runSize));
  return sizes.size === 1 ? [...sizes][0] : "mixed";
}
