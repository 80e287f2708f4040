// The calls a notebook cell makes: show a figure or table, record numbers, train runs and the seed
// study with an updating progress output. Thin wrappers joining session.ts and display.ts.
//
// May import: base, mlp, contract, notebook.

import type { PlotlyFigure, Recorded, SeedStudyRecord } from "../contract/contract";
import type { Table } from "../contract/table";
import { emit, figureBundle, notebookProgress, resultBundle, runsBundle, seedsBundle, tableBundle } from "./display";
import { seedStudy as study, studyConfigs } from "./seeds";
import { SEED_STUDY_RUNS, type Session, runConfig, runLabel, trainConfigs, trainRuns } from "./session";
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
  const results = await trainRuns(s, ids, {
    onProgress: progress.onProgress,
    onDone: (i) => progress.onDone(i),
    onCached: progress.onCached,
    onWaiting: progress.onWaiting,
  });
  progress.finish();
  return results;
}

/**
 * The seed study: every run of `ids` with seeds 1 … n (the session's `seeds`), trained in parallel
 * (or taken from the run cache), shown as progress and recorded as one machine-readable output.
 */
export async function seedStudy(s: Session, ids: readonly string[] = SEED_STUDY_RUNS): Promise<SeedStudyRecord> {
  const groups = studyConfigs(s, ids);
  const configs = groups.flatMap((g) => g.configs);
  const progress = notebookProgress(configs.map(runLabel));
  const flat = await trainConfigs(s, configs, {
    onProgress: progress.onProgress,
    onDone: (i) => progress.onDone(i),
    onCached: progress.onCached,
    onWaiting: progress.onWaiting,
  });
  progress.finish();
  let k = 0;
  const record = study(
    s,
    ids,
    groups.map((g) => g.configs.map(() => flat[k++])),
  );
  emit(seedsBundle(record));
  return record;
}
