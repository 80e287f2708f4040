// npm run grade -- DIR [--csv out.csv] [--rerun] [--jobs N] [--reference R] [--tolerance T|FILE]:
// every PDF of a folder verified (as npm run verify), a CSV with one row per file and a markdown
// summary on stdout. Exit 0 when the folder was read (the statuses are in the CSV), 2 when not.

import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { InputError } from "../src/base/errors";
import { writeFileAtomic } from "../src/base/io";
import { printable } from "../src/base/text";
import { defaultRunCache } from "../src/mlp/runcache";
import { gradeCsv, gradeFolder, gradeSummary, listPdfs } from "../src/grading/grade";
import { loadNumbers } from "../src/grading/numbers";
import { Renderer } from "../src/grading/render";
import { toleranceFlag } from "../src/grading/tolerance";
import { numberFlag, parseFlags, runMain } from "./lib/cli";

const USAGE = `usage: npm run grade -- DIR [options]
  --csv FILE          write the CSV there (default: DIR/grades.csv)
  --jobs N            PDFs verified at a time (default: one per core)
  --rerun             re-execute every PDF's runs (the run cache keeps what was trained once)
  --no-cache          with --rerun: train every run again
  --workers N         with --rerun: worker threads per rerun
  --data-dir DIR      the dataset for --rerun
  --reference R       compare every PDF's numbers with a reference build (results.json or report PDF)
  --tolerance T|FILE  a relative tolerance, or per-number rules and bands (grading/tolerances.json)
exit 0: the folder was read (statuses in the CSV); 2: it could not be`;

await runMain(async () => {
  const { values, positionals } = parseFlags({
    allowPositionals: true,
    options: {
      csv: { type: "string" }, jobs: { type: "string" }, rerun: { type: "boolean" }, "no-cache": { type: "boolean" },
      workers: { type: "string" }, "data-dir": { type: "string" }, reference: { type: "string" }, tolerance: { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new InputError(USAGE.split("\n")[0]);
  const dir = positionals[0];
  const jobs = numberFlag("jobs", values.jobs) ?? availableParallelism();
  if (!(Number.isInteger(jobs) && jobs >= 1)) throw new InputError(`--jobs ${values.jobs}: expected an integer ≥ 1`);
  const workers = numberFlag("workers", values.workers);
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1)) throw new InputError(`--workers ${values.workers}: expected an integer ≥ 1`);
  const tolerance = toleranceFlag(values.tolerance);
  const reference = values.reference ? await loadNumbers(values.reference) : null;
  const dataDir = values["data-dir"] ? resolve(values["data-dir"]) : undefined;
  const csv = values.csv ?? `${dir.replace(/\/+$/, "")}/grades.csv`;
  listPdfs(dir);
  const t0 = performance.now();
  const renderer = Renderer.open();
  let outcomes;
  try {
    outcomes = await gradeFolder(dir, {
      renderer, jobs, reference, tolerance,
      rerun: values.rerun ? { cache: values["no-cache"] ? null : defaultRunCache(dataDir), workers, dataDir } : null,
      onOutcome: (o, done, total) => process.stderr.write(`[${o.status}] ${printable(o.file)} (${done}/${total}, ${o.seconds.toFixed(1)} s)\n`),
    });
  } finally {
    await renderer.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  writeFileAtomic(csv, gradeCsv(outcomes));
  process.stdout.write(gradeSummary(dir, outcomes, seconds, jobs, !!values.rerun));
  process.stderr.write(`[csv] ${printable(csv)}\n`);
  return 0;
}, 2);
