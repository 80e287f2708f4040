// The seed study: the topology runs of Task 4 and their reference 3c trained with seeds 1 … n
// (the shuffle and the initialisation both change), so that comparisons between runs whose
// outcome depends on rounding and chance are made on a mean and a spread, not on one run.
//
// May import: base, mlp, contract, notebook.

import { SEED_METRICS, type SeedMetric, type SeedRun, type SeedStudyRecord, type Recorded, meanStd } from "../contract/contract";
import { formatNumber, formatPercent } from "../contract/format";
import type { Table } from "../contract/table";
import type { TrainResult } from "../mlp/train";
import type { SeedPoint } from "./figures";
import { runName } from "./names";
import { SEED_STUDY_RUNS, type Session, seedConfig, studySeeds } from "./session";

export { meanStd } from "../contract/contract";

function metric(r: TrainResult, m: SeedMetric): number {
  return m === "steps" ? r.steps : r.final[m];
}

/** The configs of the study, run by run, seed by seed. */
export function studyConfigs(s: Session, ids: readonly string[] = SEED_STUDY_RUNS) {
  return ids.map((id) => ({ id, configs: studySeeds(s).map((seed) => seedConfig(s, id, seed)) }));
}

/** The study's record from the trained runs (`results[i][k]`: run i, seed k). */
export function seedStudy(s: Session, ids: readonly string[], results: readonly (readonly TrainResult[])[]): SeedStudyRecord {
  const seeds = studySeeds(s);
  const runs = ids.map((id, i): SeedRun => {
    const rs = results[i];
    const values = Object.fromEntries(SEED_METRICS.map((m) => [m, rs.map((r) => metric(r, m))])) as Record<SeedMetric, number[]>;
    const stats = Object.fromEntries(SEED_METRICS.map((m) => [m, meanStd(values[m])])) as Record<SeedMetric, { mean: number; std: number }>;
    const { seed: _, checkTrainAccuracy: __, ...common } = seedConfig(s, id, seeds[seeds.length - 1]);
    return {
      id,
      config: { ...common, seed: seeds[0], checkTrainAccuracy: false },
      seeds,
      values,
      mean: Object.fromEntries(SEED_METRICS.map((m) => [m, stats[m].mean])) as Record<SeedMetric, number>,
      std: Object.fromEntries(SEED_METRICS.map((m) => [m, stats[m].std])) as Record<SeedMetric, number>,
    };
  });
  return { runs };
}

const FORMAT: Readonly<Record<SeedMetric, "percent" | "loss" | "int">> = {
  valAccuracy: "percent",
  valLoss: "loss",
  trainAccuracy: "percent",
  trainLoss: "loss",
  steps: "int",
};

/** The study's numbers the report quotes: for each run, `<metric>Mean` and `<metric>Std`, and `seedCount`. */
export function seedNumbers(study: SeedStudyRecord): Recorded[] {
  const out: Recorded[] = [];
  for (const r of study.runs) {
    out.push({ task: r.id, name: "seedCount", value: r.seeds.length, format: "int" });
    for (const m of SEED_METRICS) {
      out.push({ task: r.id, name: `${m}Mean`, value: r.mean[m], format: FORMAT[m] });
      out.push({ task: r.id, name: `${m}Std`, value: r.std[m], format: FORMAT[m] });
    }
  }
  return out;
}

const pm = (mean: string, std: string) => `${mean} ± ${std}`;

/**
 * One row per run: validation accuracy and loss and the steps before stopping, as mean ± std over
 * the seeds. `names` overrides a run's name (e.g. 3c as "64 units (3c)" among the topologies).
 */
export function seedTable(study: SeedStudyRecord, names: Readonly<Record<string, string>> = {}): Table {
  const columns = ["run", "seeds", "validation accuracy", "validation loss", "steps"];
  const rows: string[][] = [],
    values: (number | string | null)[][] = [];
  for (const r of study.runs) {
    rows.push([
      names[r.id] ?? runName(r.id),
      String(r.seeds.length),
      pm(formatPercent(r.mean.valAccuracy), formatPercent(r.std.valAccuracy)),
      pm(formatNumber(r.mean.valLoss, "loss"), formatNumber(r.std.valLoss, "loss")),
      pm(formatNumber(r.mean.steps, "int"), formatNumber(r.std.steps, "int")),
    ]);
    values.push([r.id, r.seeds.length, r.mean.valAccuracy, r.mean.valLoss, r.mean.steps]);
  }
  return { columns, rows, values };
}

/** A run's short label on a chart's category axis: its hidden layers and activation, then its id. */
export function topologyLabel(r: Pick<SeedRun, "id" | "config">): string {
  const h = r.config.hidden;
  // Compact, so that six fit level under a half-width panel: "64", "2×60", "10×64".
  const layers = h.length > 1 && h.every((w) => w === h[0]) ? `${h.length}×${h[0]}` : h.join("+");
  return `${layers}${r.config.activation === "relu" ? "<br>ReLU" : ""}<br>(${r.id})`;
}

/** The figure's points: validation accuracy and steps per run. */
export function seedPoints(study: SeedStudyRecord, m: SeedMetric): SeedPoint[] {
  return study.runs.map((r) => ({ id: r.id, label: topologyLabel(r), values: r.values[m], mean: r.mean[m], std: r.std[m] }));
}
