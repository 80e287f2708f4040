// The calls a notebook cell makes: show a figure or table, record numbers, train runs with an
// updating progress output. Thin wrappers joining session.ts and display.ts.

import type { PlotlyFigure, Recorded } from "../contract/contract";
import type { Table } from "../contract/table";
import { emit, figureBundle, notebookProgress, resultBundle, runsBundle, tableBundle } from "./display";
import { type Session, runConfig, trainRuns } from "./session";
import type { TaskOutput } from "./tasks";
import type { TrainResult } from "../mlp/train";

export function figure(fig: PlotlyFigure): void {
  emit(figureBundle(fig));
}

export function table(t: Table): void {
  emit(tableBundle(t));
}

/** Record numbers the report quotes (machine-readable output). */
export function record(values: readonly Recorded[]): void {
  emit(resultBundle(values));
}

/** Show a task's table and record its numbers. */
export function show(out: TaskOutput): void {
  table(out.table);
  record(out.recorded);
}

/** Train runs in parallel with a progress output that updates in place, after their configs. */
export async function train(s: Session, ids: readonly string[]): Promise<Record<string, TrainResult>> {
  emit(runsBundle(ids.map((id) => runConfig(s, id))));
  const progress = notebookProgress(ids);
  const results = await trainRuns(s, ids, { onProgress: progress.onProgress, onDone: (i) => progress.onDone(i), onCached: progress.onCached });
  progress.finish();
  return results;
}
