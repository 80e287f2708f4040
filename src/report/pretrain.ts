// Report pipeline, stage 0: train every run the report needs, once, while the notebooks execute:
// all of them in one worker pool (longest first, so the cores stay busy to the end) into the
// shared run cache, from which the notebooks take their results (they wait for the runs this
// claims). Runs trained before are not trained again; the log says which.
//
// May import: base, mlp, notebook.

import { join } from "node:path";
import { defaultWorkers } from "../mlp/pool";
import { defaultRunCache, trainCached } from "../mlp/runcache";
import type { Progress } from "../mlp/train";
import { type Session, reportRuns, runLabel } from "../notebook/session";

export interface PretrainOutcome {
  readonly trained: number;
  readonly cached: number;
  readonly seconds: number;
}

/** Seconds between progress lines of a run in flight. */
const EVERY = 30;

/** Train the report's runs that are not cached, with the build's library (dist/ under `root`). */
export async function pretrain(s: Session, root: string, log: (line: string) => void): Promise<PretrainOutcome> {
  const t0 = performance.now();
  const configs = reportRuns(s);
  const labels = configs.map(runLabel);
  const cache = defaultRunCache(s.dataDir ?? undefined, join(root, "dist"));
  const started = configs.map(() => 0),
    lastLine = configs.map(() => 0);
  let cached = 0;
  await trainCached(configs, cache, {
    workers: s.workers ?? defaultWorkers(configs.length),
    dataDir: s.dataDir ?? undefined,
    onCached: (i) => {
      cached++;
      log(`[cached] run ${labels[i]}`);
    },
    onWaiting: (i) => log(`[waiting] run ${labels[i]}: another process trains it`),
    onProgress: (i, p: Progress) => {
      const now = performance.now();
      if (!started[i]) started[i] = lastLine[i] = now;
      if (now - lastLine[i] < EVERY * 1000) return;
      lastLine[i] = now;
      const check = p.check ? `, val acc ${(100 * p.check.valAccuracy).toFixed(2)} %` : "";
      log(`[train] run ${labels[i]}: step ${p.step + 1} of at most ${p.maxSteps}, epoch ${p.epoch + 1}${check}`);
    },
    onDone: (i, r) => {
      const secs = started[i] ? (performance.now() - started[i]) / 1000 : 0;
      log(`[trained] run ${labels[i]}: ${r.steps} steps, val acc ${(100 * r.final.valAccuracy).toFixed(2)} % (${secs.toFixed(0)} s)`);
    },
  });
  return { trained: configs.length - cached, cached, seconds: (performance.now() - t0) / 1000 };
}
