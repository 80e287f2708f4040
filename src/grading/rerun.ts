// Proof by re-execution: the run configs a PDF's results record are trained again (through the
// grader's own run cache: a hit is this machine's earlier training of the same config, code and
// data), and every number the notebooks record from a run is compared, bit for bit, with what
// the PDF reports. Training is deterministic, so an honest build reproduces every digit; a number
// edited consistently in the text and the attachment does not.
//
// May import: base, mlp, contract, report.

import { formatNumber } from "../contract/format";
import { type RunConfig, normalizeRun } from "../mlp/config";
import { datasetFiles, type DatasetName } from "../mlp/data";
import { estimatedCost } from "../mlp/pool";
import { type RunCache, trainCached } from "../mlp/runcache";
import type { Progress } from "../mlp/train";
import type { ResultsFile } from "../report/results";
import { expectedRuns, runRecords } from "../report/runs";
import { SEED_METRICS, meanStd } from "../contract/contract";
import type { Finding } from "./outcome";

export interface RerunOptions {
  /** The grader's run cache, or null to train everything. */
  readonly cache: RunCache | null;
  readonly workers?: number;
  readonly dataDir?: string;
  readonly onProgress?: (index: number, p: Progress) => void;
}

export interface Rerun {
  readonly findings: Finding[];
  /** Reported numbers compared with the re-execution. */
  readonly checked: number;
  readonly runs: number;
}

/** A config's settings as JSON whatever their order (a notebook's JSON output has its keys sorted). */
const settingsJson = (c: object) => JSON.stringify(Object.entries(c).sort(([a], [b]) => (a < b ? -1 : 1)));

/** A run may cost at most this many times the full report's costliest run. */
const COST_FACTOR = 4;

/**
 * Re-execute the runs `results` records and name every reported number they do not reproduce.
 * Runs are not trained when their configs are malformed, their data are not the grader's, or one
 * would cost far more than any run of the report: each is a finding.
 */
export async function rerunResults(results: ResultsFile, opts: RerunOptions): Promise<Rerun> {
  const findings: Finding[] = [];
  const say = (message: string, key?: string) => findings.push({ kind: "rerun", message, ...(key ? { key } : {}) });
  const main = Object.entries(results.runs ?? {}) as [string, RunConfig][];
  // The seed study's runs too: each study run's config with each of its seeds.
  const study = Array.isArray(results.seedStudy?.runs) ? results.seedStudy!.runs : [];
  const seedRuns = study.flatMap((r) =>
    (Array.isArray(r.seeds) ? r.seeds : []).map((seed: number, k: number) => ({ run: r, k, config: { ...r.config, seed } as RunConfig })),
  );
  const runs: [string, RunConfig][] = [
    ...main,
    ...seedRuns.map((x) => [`${x.run.id} seed ${x.config.seed}`, x.config] as [string, RunConfig]),
  ];
  if (main.length === 0) {
    say("results.json records no runs to re-execute");
    return { findings, checked: 0, runs: 0 };
  }
  const budget = COST_FACTOR * Math.max(...expectedRuns({}).map(estimatedCost));
  for (const [id, c] of runs) {
    let valid = false;
    try {
      const { id: own, ...spec } = c;
      valid = settingsJson({ ...normalizeRun(spec), id: own }) === settingsJson(c);
    } catch {
      valid = false;
    }
    if (!valid) say(`run ${id}: not re-executed: its config is malformed`);
    else if (!(estimatedCost(c) <= budget))
      say(`run ${id}: not re-executed: its config would cost more than ${COST_FACTOR}× the report's costliest run`);
  }
  const datasets = [...new Set(runs.map(([, c]) => c.dataset))];
  if (datasets.length !== 1) say(`the runs use ${datasets.length} datasets, a report uses one`);
  if (findings.length) return { findings, checked: 0, runs: 0 };
  const theirs = results.meta?.dataset?.files ?? [];
  const ours = datasetFiles(datasets[0] as DatasetName, opts.dataDir);
  const same = ours.length === theirs.length && ours.every((f, i) => f.name === theirs[i]?.name && f.sha256 === theirs[i]?.sha256);
  if (!same) {
    say(
      `not re-executed: the report's ${datasets[0]} files are not this machine's (SHA-256 ${String(theirs[0]?.sha256).slice(0, 12)}…, here ${ours[0].sha256.slice(0, 12)}…)`,
    );
    return { findings, checked: 0, runs: 0 };
  }
  const trained = await trainCached(
    runs.map(([, c]) => c),
    opts.cache,
    { workers: opts.workers, dataDir: opts.dataDir, onProgress: opts.onProgress },
  );
  let checked = 0;
  main.forEach(([id], i) => {
    for (const rec of runRecords(id, trained[i])) {
      const key = `${rec.task}.${rec.name}`;
      const reported = results.tasks[rec.task]?.[rec.name];
      if (reported === undefined) continue;
      checked++;
      if (reported !== rec.value) {
        const a = formatNumber(reported, rec.format),
          b = formatNumber(rec.value, rec.format);
        const show = (x: number, f: string) => (a === b ? String(x) : f);
        say(`${key}: the PDF reports ${show(reported, a)}, re-executing run ${id} gives ${show(rec.value, b)}`, key);
      }
    }
  });
  // The seed study: each seed's final numbers, and the mean and standard deviation the report quotes.
  const bySeed = trained.slice(main.length);
  for (const r of study) {
    const mine = seedRuns
      .map((x, i) => [x, bySeed[i]] as const)
      .filter(([x]) => x.run === r)
      .map(([, t]) => t);
    for (const m of SEED_METRICS) {
      const values = mine.map((t) => (m === "steps" ? t.steps : t.final[m]));
      values.forEach((v, k) => {
        checked++;
        const reported = r.values?.[m]?.[k];
        if (reported !== v)
          say(`seed study ${r.id}, seed ${r.seeds[k]}, ${m}: the PDF reports ${reported}, re-executing gives ${v}`, `${r.id}.${m}Mean`);
      });
      const { mean, std } = meanStd(values);
      for (const [name, v] of [
        [`${m}Mean`, mean],
        [`${m}Std`, std],
      ] as const) {
        const reported = results.tasks[r.id]?.[name];
        if (reported === undefined) continue;
        checked++;
        if (reported !== v) say(`${r.id}.${name}: the PDF reports ${reported}, re-executing the seed study gives ${v}`, `${r.id}.${name}`);
      }
    }
  }
  return { findings, checked, runs: runs.length };
}
