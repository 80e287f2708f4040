// npm run grade -- DIR [--csv out.csv] [--rerun] [--jobs N] [--reference R] [--tolerance T|FILE]
// [--slurm [--partition P] [--time HH:MM:SS] [--cpus N] [--dry-run] [--resume]]: every PDF of a
// folder verified (as npm run verify), here or as a Slurm job array, a CSV with one row per file
// and a markdown summary on stdout. Exit 0 when the folder was read (the statuses are in the
// CSV), 2 when not.

import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { InputError } from "../src/base/errors";
import { checkOutputFile, writeFileAtomic } from "../src/base/io";
import { printable, printableLines } from "../src/base/text";
import { defaultRunCache } from "../src/mlp/runcache";
import { gradeCsv, gradeFolder, gradeSummary, listPdfs } from "../src/grading/grade";
import { loadNumbers } from "../src/grading/numbers";
import type { Outcome } from "../src/grading/outcome";
import { Renderer } from "../src/grading/render";
import { checkTime, gradeOnSlurm, jobScript } from "../src/grading/slurm";
import { toleranceFlag } from "../src/grading/tolerance";
import { integerFlag, numberFlag, parseFlags, runMain } from "./lib/cli";
import { HELP } from "./lib/help";

await runMain(async () => {
  const { values, positionals } = parseFlags({
    allowPositionals: true,
    options: {
      csv: { type: "string" },
      jobs: { type: "string" },
      rerun: { type: "boolean" },
      "no-cache": { type: "boolean" },
      workers: { type: "string" },
      "data-dir": { type: "string" },
      reference: { type: "string" },
      tolerance: { type: "string" },
      slurm: { type: "boolean" },
      partition: { type: "string" },
      time: { type: "string" },
      cpus: { type: "string" },
      "dry-run": { type: "boolean" },
      resume: { type: "boolean" },
      poll: { type: "string" },
    },
  });
  if (positionals.length !== 1) throw new InputError(`usage: ${HELP.grade.usage}`);
  const dir = positionals[0];
  // With --rerun one PDF at a time by default: its runs train on a pool of every core, and the next
  // PDF's identical runs then come from the run cache instead of training again beside them.
  const jobs = integerFlag("jobs", values.jobs, 1) ?? (values.rerun ? 1 : availableParallelism());
  const workers = integerFlag("workers", values.workers, 1);
  const tolerance = toleranceFlag(values.tolerance);
  const reference = values.reference ? await loadNumbers(values.reference) : null;
  const dataDir = values["data-dir"] ? resolve(values["data-dir"]) : undefined;
  const csv = values.csv ?? `${dir.replace(/\/+$/, "")}/grades.csv`;
  const files = listPdfs(dir);
  checkOutputFile(csv, `--csv ${csv}`);
  const t0 = performance.now();
  let outcomes: Outcome[], how: string;
  if (values.slurm) {
    const cpus = integerFlag("cpus", values.cpus, 1) ?? 2;
    const poll = numberFlag("poll", values.poll) ?? 10;
    if (!(poll > 0)) throw new InputError(`--poll ${values.poll}: expected a number of seconds > 0`);
    // What each task's verify is told: paths made absolute, for the nodes.
    const tol = values.tolerance;
    const verifyArgs = [
      ...(values.rerun ? ["--rerun"] : []),
      ...(values["no-cache"] ? ["--no-cache"] : []),
      ...(dataDir ? ["--data-dir", dataDir] : []),
      ...(values.reference ? ["--reference", resolve(values.reference)] : []),
      ...(tol !== undefined ? ["--tolerance", existsSync(tol) ? resolve(tol) : tol] : []),
    ];
    const o = {
      dir: resolve(dir),
      files: files.map((f) => resolve(f)),
      verifyArgs,
      partition: values.partition,
      time: checkTime(values.time ?? "00:30:00"),
      cpus,
    };
    if (values["dry-run"]) {
      process.stdout.write(printableLines(jobScript(o)));
      return 0;
    }
    // Ctrl-C stops the waiting, not the job: what the cluster finishes is gathered by --resume.
    process.once("SIGINT", () => {
      process.stderr.write(`[slurm] stopped waiting; the job keeps running: the same command with --resume gathers it\n`);
      process.exit(130);
    });
    const r = await gradeOnSlurm({ ...o, resume: !!values.resume, poll, log: (l) => process.stderr.write(`${printable(l)}\n`) });
    outcomes = r.outcomes;
    how = `on Slurm, job ${r.jobs.join(", ")}`;
  } else {
    if (values.resume || values["dry-run"]) throw new InputError("--resume and --dry-run go with --slurm");
    const renderer = Renderer.open();
    try {
      outcomes = await gradeFolder(dir, files, {
        renderer,
        jobs,
        reference,
        tolerance,
        rerun: values.rerun ? { cache: values["no-cache"] ? null : defaultRunCache(dataDir), workers, dataDir } : null,
        onOutcome: (o, done, total) =>
          process.stderr.write(`[${o.status}] ${printable(o.file)} (${done}/${total}, ${o.seconds.toFixed(1)} s)\n`),
      });
    } finally {
      await renderer.close();
    }
    how = `${jobs} at a time`;
  }
  const seconds = (performance.now() - t0) / 1000;
  writeFileAtomic(csv, gradeCsv(outcomes));
  process.stdout.write(gradeSummary(dir, outcomes, seconds, how, !!values.rerun));
  process.stderr.write(`[csv] ${printable(csv)}\n`);
  return 0;
}, 2);
