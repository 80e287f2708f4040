// npm run bench [-- --only epoch,validation,workload,preview] [--json out.json]: training speed beside
// the NumPy starter code (bench/numpy_mlp.py, OpenBLAS on one thread) when a python3 with NumPy is
// found. Float64, batch 32: seconds per epoch of 60 000 images, per validation check
// (20 000 + 10 000 images), and for the whole report workload (the eleven runs) on 1 worker and on
// all cores, with the peak memory. `--only preview`: the live preview's save-to-repaint
// (bench/preview.ts).

import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { normalizeRun, PRESETS } from "../src/mlp/config";
import { InputError } from "../src/base/errors";
import { writeJsonAtomic } from "../src/base/io";
import { createModel, createWorkspace, evaluate } from "../src/mlp/model";
import { packageRoot } from "../src/base/paths";
import { runPool } from "../src/mlp/pool";
import { createRng } from "../src/mlp/rng";
import { prepareData, train } from "../src/mlp/train";
import { loadDataset } from "../src/mlp/data";
import { parseFlags, runMain } from "./lib/cli";
import { benchPreview, median } from "../bench/preview";

interface Line {
  readonly name: string;
  readonly ours: number;
  numpy: number | null;
}

const UNIT_LISTS: Record<string, number[]> = { "[64]": [64], "[128]": [128], "10×64": Array<number>(10).fill(64) };

interface WorkloadReport {
  readonly oneWorker: number;
  readonly allWorkers: number;
  readonly cores: number;
  readonly identical: boolean;
  /** MiB, the workload process's peak resident memory (all its worker threads). */
  readonly peakMB: number;
  readonly runs: Record<string, { steps: number; final: unknown }>;
}

/** The eleven runs on 1 worker and on all cores; JSON on stdout. */
async function workloadChild(): Promise<void> {
  const ids = Object.keys(PRESETS);
  const configs = ids.map((id) => normalizeRun({ preset: id }));
  const cores = availableParallelism();
  const timed = async (workers: number) => {
    const t = performance.now();
    const results = await runPool(configs, { workers, onDone: (i, r) => console.error(`[done] ${ids[i]} (${workers} worker${workers > 1 ? "s" : ""}): ${r.steps} steps`) });
    return { seconds: (performance.now() - t) / 1000, results };
  };
  const one = await timed(1);
  const all = await timed(cores);
  const report: WorkloadReport = {
    oneWorker: one.seconds, allWorkers: all.seconds, cores,
    identical: JSON.stringify(one.results) === JSON.stringify(all.results),
    peakMB: process.resourceUsage().maxRSS / 1024,
    runs: Object.fromEntries(one.results.map((r, i) => [ids[i], { steps: r.steps, final: r.final }])),
  };
  process.stdout.write(JSON.stringify(report) + "\n");
}

await runMain(async () => {
  if (process.argv.includes("--workload-child")) return workloadChild();
  const { values } = parseFlags({
    options: { only: { type: "string" }, json: { type: "string" }, repeat: { type: "string" } },
  });
  const parts = (values.only ?? "epoch,validation,workload").split(",");
  for (const p of parts) {
    if (!["epoch", "validation", "workload", "preview"].includes(p)) throw new InputError(`--only ${p}: expected epoch, validation, workload or preview`);
  }
  const repeat = Number(values.repeat ?? 3);
  const python = findNumpy();
  console.log(`[bench] node ${process.version}, ${availableParallelism()} cores; NumPy peer: ${python ?? "none (no python3 with NumPy)"}`);
  const dataDir = loadDataset("mnist").dir;
  const peer = (args: string[]) => (python ? numpyPeer(python, dataDir, args) : null);
  const lines: Line[] = [];
  const show = (l: Line) => {
    lines.push(l);
    const ratio = l.numpy ? (l.ours / l.numpy).toFixed(2) : "–";
    console.log(`${l.name.padEnd(40)} ${fmt(l.ours).padStart(9)} ${(l.numpy === null ? "–" : fmt(l.numpy)).padStart(9)} ${ratio.padStart(6)}`);
  };
  console.log(`${"float64, batch 32".padEnd(40)} ${"ours".padStart(9)} ${"numpy".padStart(9)} ${"ratio".padStart(6)}`);

  if (parts.includes("epoch")) {
    for (const [label, hidden] of Object.entries(UNIT_LISTS)) {
      const cfg = normalizeRun({ hidden, trainSize: 60000, valSize: 1, epochs: 1, checksPerEpoch: 0 });
      const data = prepareData(cfg);
      const times: number[] = [];
      for (let r = 0; r < repeat; r++) {
        // From the end of the first step to the end of the last, scaled to the whole epoch.
        let first = 0, last = 0, steps = 0;
        train(cfg, data, { onProgress: (p) => { if (p.step === 0) first = performance.now(); last = performance.now(); steps = p.stepsPerEpoch; } });
        times.push(((last - first) * steps) / (steps - 1) / 1000);
      }
      show({ name: `epoch of 60 000 images, ${label}`, ours: Math.min(...times), numpy: peer(["epoch", "--hidden", hidden.join(","), "--repeat", String(repeat)])?.seconds ?? null });
    }
  }
  if (parts.includes("validation")) {
    const cfg = normalizeRun({});
    const data = prepareData(cfg);
    const model = createModel({ inputs: 785, hidden: [64], outputs: 10, activation: "sigmoid" }, "uniform", createRng(1));
    const ws = createWorkspace(model.sizes, 1000, false);
    const times: number[] = [];
    for (let r = 0; r < repeat; r++) {
      const t = performance.now();
      evaluate(model, ws, data.val);
      evaluate(model, ws, data.train);
      times.push((performance.now() - t) / 1000);
    }
    show({ name: "validation check (20 000 + 10 000), [64]", ours: Math.min(...times), numpy: peer(["validation", "--hidden", "64", "--repeat", String(repeat)])?.seconds ?? null });
  }
  let workload: Record<string, unknown> | null = null;
  if (parts.includes("workload")) {
    // In a process of its own, so that its peak memory is the workload's alone.
    const child = spawnSync(process.execPath, ["--import", "tsx", join(packageRoot(), "scripts", "bench.ts"), "--workload-child"], {
      encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 26,
    });
    if (child.status !== 0) throw new Error(`the workload process failed (exit ${child.status})`);
    const w = JSON.parse(child.stdout) as WorkloadReport;
    const np = peer(["workload", "--runs", Object.keys(PRESETS).join(",")]);
    show({ name: "report workload (11 runs), 1 worker", ours: w.oneWorker, numpy: np?.seconds ?? null });
    show({ name: `report workload (11 runs), ${w.cores} workers`, ours: w.allWorkers, numpy: np?.seconds ?? null });
    console.log(`${"peak memory of the workload".padEnd(40)} ${`${w.peakMB.toFixed(0)} MB`.padStart(9)} ${np ? `${(np.peakRssMB as number).toFixed(0)} MB`.padStart(9) : ""}`);
    console.log(`results identical on 1 and ${w.cores} workers: ${w.identical ? "yes" : "NO"}`);
    workload = {
      ...w,
      runs: Object.fromEntries(Object.entries(w.runs).map(([id, r]) => [id, { ...r, numpy: (np?.runs as Record<string, unknown>)?.[id] ?? null }])),
    };
  }
  let preview: Awaited<ReturnType<typeof benchPreview>> | null = null;
  if (parts.includes("preview")) {
    preview = await benchPreview();
    const n = preview.samples.length;
    show({ name: `preview save-to-repaint, median of ${n}`, ours: preview.median, numpy: null });
    show({ name: `preview save-to-repaint, worst of ${n}`, ours: preview.worst, numpy: null });
    console.log(`(edits of ${preview.file}, its largest section; update in the page after a median ${fmt(median(preview.server))})`);
  }
  if (values.json) writeJsonAtomic(values.json, { node: process.version, numpy: python, lines, workload, preview });
});

function fmt(s: number): string {
  return s < 10 ? `${s.toFixed(3)} s` : `${s.toFixed(1)} s`;
}

/** /usr/bin/python3 or python3 on PATH, whichever imports NumPy. */
function findNumpy(): string | null {
  for (const py of ["/usr/bin/python3", "python3"]) {
    const r = spawnSync(py, ["-c", "import numpy"], { stdio: "ignore" });
    if (r.status === 0) return py;
  }
  return null;
}

function numpyPeer(python: string, dataDir: string, args: string[]): Record<string, unknown> & { seconds: number } {
  const script = join(packageRoot(), "bench", "numpy_mlp.py");
  const r = spawnSync(python, [script, "--data", dataDir, ...args], {
    encoding: "utf8",
    env: { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`NumPy peer failed (${args.join(" ")}): exit ${r.status}`);
  return JSON.parse(r.stdout);
}
