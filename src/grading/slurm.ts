// grade --slurm: a class as one Slurm job array, one task per PDF, each the same `npm run verify`
// command on its PDF writing its outcome as JSON (atomically) into a work folder beside the PDFs;
// submitted with sbatch, watched with squeue (pending, running, done, failed), gathered into the
// outcomes the local grade makes. A task that ends without an outcome becomes an `error` row with
// Slurm's state; --resume submits again only the tasks without one. The project and the class
// must be on a filesystem the nodes share.
//
// May import: base.

import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { InputError } from "../base/errors";
import { writeFileAtomic, writeJsonAtomic } from "../base/io";
import { packageRoot } from "../base/paths";
import { OUTCOME_FORMAT, type Outcome } from "./outcome";

export interface SlurmOptions {
  /** The class folder and its PDFs (absolute paths, as listPdfs gives them). */
  readonly dir: string;
  readonly files: readonly string[];
  /** Arguments every task's verify gets besides its PDF (--rerun, --reference …). */
  readonly verifyArgs: readonly string[];
  readonly partition?: string;
  /** Each task's time limit, e.g. "00:30:00". */
  readonly time: string;
  /** CPUs per task (verify's worker threads). */
  readonly cpus: number;
  readonly resume: boolean;
  /** Seconds between squeue polls. */
  readonly poll: number;
  readonly log: (line: string) => void;
}

/** The folder of the job script, its tasks' outcomes and logs, and what was submitted. */
export function workDir(dir: string): string {
  return join(resolve(dir), ".grade-slurm");
}

const TIME = /^(\d+-)?\d{1,2}(:\d{2}){0,2}$/;

export function checkTime(t: string): string {
  if (!TIME.test(t)) throw new InputError(`--time ${JSON.stringify(t)}: expected HH:MM:SS (or D-HH:MM:SS, MM)`);
  return t;
}

/** A word for bash: as it is when plain, else single-quoted (any byte but the quote kept as it is). */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The job script: one array task per file, each `npm run verify` on its PDF with --json. */
export function jobScript(
  o: Pick<SlurmOptions, "dir" | "files" | "verifyArgs" | "partition" | "time" | "cpus">,
  root = packageRoot(),
): string {
  const work = workDir(o.dir);
  const names = o.files.map((f) => relative(o.dir, f));
  return [
    "#!/bin/bash",
    `# npm run grade -- ${o.dir} --slurm: one task per PDF, each verifying it and writing its outcome.`,
    "#SBATCH --job-name=a2-grade",
    `#SBATCH --array=0-${names.length - 1}`,
    `#SBATCH --cpus-per-task=${o.cpus}`,
    `#SBATCH --time=${o.time}`,
    ...(o.partition ? [`#SBATCH --partition=${o.partition}`] : []),
    `#SBATCH --output=${work}/logs/%A_%a.out`,
    "",
    `files=(${names.map(shellQuote).join(" ")})`,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash array lookup, written into the script as is
    "name=${files[$SLURM_ARRAY_TASK_ID]}",
    `out=${shellQuote(`${work}/results`)}/$SLURM_ARRAY_TASK_ID.json`,
    `cd ${shellQuote(root)}`,
    `node --import tsx scripts/verify.ts ${shellQuote(o.dir)}/"$name" --name "$name" ${[...o.verifyArgs, "--workers", String(o.cpus)].map(shellQuote).join(" ")} --json "$out"`,
    "code=$?",
    "# verify exits 1 (differs, tampered) or 2 (unreadable) with its outcome written: the task did its work.",
    '[ -s "$out" ] && exit 0',
    "exit $code",
    "",
  ].join("\n");
}

function run(cmd: string, args: readonly string[]): Promise<string> {
  return new Promise((res, rej) => {
    execFile(cmd, args, { encoding: "utf8", timeout: 60000 }, (err, stdout, stderr) => {
      if ((err as NodeJS.ErrnoException | null)?.code === "ENOENT")
        rej(new InputError(`${cmd} is missing: grade --slurm runs where Slurm's commands are (or npm run slurm-local -- up)`));
      else if (err) rej(new InputError(`${cmd} failed: ${(stderr || err.message).trim().split("\n").pop()}`));
      else res(stdout);
    });
  });
}

interface State {
  readonly files: readonly string[];
  readonly jobs: readonly string[];
}

/** Each task's Slurm state ("PENDING", "RUNNING", "COMPLETED", "FAILED", "TIMEOUT", …) across the jobs. */
export async function taskStates(jobs: readonly string[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (jobs.length === 0) return out;
  const text = await run("squeue", ["--noheader", "--array", `--jobs=${jobs.join(",")}`, "--states=all", "--format=%F|%K|%T"]);
  // A later job (a resubmission) speaks for the task.
  const order = new Map(jobs.map((j, i) => [j, i] as const));
  const seen = new Map<number, number>();
  for (const line of text.split("\n")) {
    const [job, task, state] = line.trim().split("|");
    const i = Number(task),
      rank = order.get(job) ?? -1;
    if (!state || !Number.isInteger(i) || rank < (seen.get(i) ?? -1)) continue;
    out.set(i, state);
    seen.set(i, rank);
  }
  return out;
}

/** Each task's final state from Slurm's accounting (sacct), or null where accounting is off. */
async function accountedStates(jobs: readonly string[]): Promise<Map<number, string> | null> {
  try {
    const text = await run("sacct", ["--noheader", "--parsable2", `--jobs=${jobs.join(",")}`, "--format=JobID,State"]);
    const out = new Map<number, string>();
    for (const line of text.split("\n")) {
      const m = /^(\d+)_(\d+)\|(\S+)/.exec(line.trim());
      if (m) out.set(Number(m[2]), m[3]);
    }
    return out;
  } catch {
    return null;
  }
}

const ACTIVE = /^(PENDING|CONFIGURING|RUNNING|COMPLETING|SUSPENDED|REQUEUED|RESIZING|SIGNALING|STAGE_OUT)/;
const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

function readOutcome(path: string): Outcome | null {
  try {
    const o = JSON.parse(readFileSync(path, "utf8")) as Outcome;
    return o && o.format === OUTCOME_FORMAT && typeof o.status === "string" ? o : null;
  } catch {
    return null;
  }
}

/** Submit (or resubmit) the array, wait for every task, gather the outcomes in file order. */
export async function gradeOnSlurm(o: SlurmOptions): Promise<{ outcomes: Outcome[]; jobs: string[] }> {
  const work = workDir(o.dir);
  const results = join(work, "results"),
    statePath = join(work, "state.json");
  const names = o.files.map((f) => relative(o.dir, f));
  let state: State | null = null;
  if (existsSync(statePath)) {
    try {
      state = JSON.parse(readFileSync(statePath, "utf8")) as State;
    } catch {
      state = null;
    }
  }
  const earlier = state ? await taskStates(state.jobs) : new Map<number, string>();
  const active = [...earlier.entries()].filter(([, s]) => ACTIVE.test(s));
  if (!o.resume && active.length) {
    throw new InputError(
      `job ${state!.jobs[state!.jobs.length - 1]} of an earlier grade of this folder still has ${active.length} tasks queued or running: ` +
        `wait and add --resume, or scancel it`,
    );
  }
  if (o.resume && (!state || JSON.stringify(state.files) !== JSON.stringify(names))) {
    throw new InputError(
      state
        ? `${o.dir}: the PDFs changed since the job was submitted; grade again without --resume`
        : `${o.dir}: nothing to resume (no earlier --slurm grade)`,
    );
  }
  if (!o.resume) rmSync(work, { recursive: true, force: true });
  for (const d of [work, results, join(work, "logs")]) mkdirSync(d, { recursive: true });
  const script = join(work, "job.sh");
  writeFileAtomic(script, jobScript(o));
  const done = (i: number) => existsSync(join(results, `${i}.json`));
  const jobs = [...(o.resume ? state!.jobs : [])];
  const todo = names.map((_, i) => i).filter((i) => !done(i) && !(o.resume && ACTIVE.test(earlier.get(i) ?? "")));
  if (todo.length) {
    const args = ["--parsable", ...(o.resume ? [`--array=${todo.join(",")}`] : []), script];
    const id = (await run("sbatch", args)).trim().split(";")[0];
    if (!/^\d+$/.test(id)) throw new InputError(`sbatch answered ${JSON.stringify(id)}, not a job id`);
    jobs.push(id);
    o.log(`[slurm] job ${id}: ${todo.length} task${todo.length === 1 ? "" : "s"} submitted (${relative(process.cwd(), script) || script})`);
  } else o.log(`[slurm] every task has its outcome or is still queued; nothing submitted`);
  writeJsonAtomic(statePath, { files: names, jobs } satisfies State);

  // Watch until no task is queued or running. A task that COMPLETED gets a while for its outcome
  // to show on a shared filesystem that is slow to show other nodes' files.
  let last = "",
    states = new Map<number, string>(),
    grace = 0;
  const seen = new Map<number, string>();
  for (;;) {
    states = await taskStates(jobs);
    for (const [i, s] of states) seen.set(i, s);
    const count = { pending: 0, running: 0, done: 0, failed: 0 };
    names.forEach((_, i) => {
      const s = states.get(i) ?? "";
      if (done(i)) count.done++;
      else if (/^(PENDING|CONFIGURING|REQUEUED)/.test(s)) count.pending++;
      else if (ACTIVE.test(s)) count.running++;
      else count.failed++;
    });
    const line = `[slurm] ${count.pending} pending, ${count.running} running, ${count.done} done, ${count.failed} failed (of ${names.length})`;
    if (line !== last) o.log(line);
    last = line;
    const active = names.some((_, i) => !done(i) && ACTIVE.test(states.get(i) ?? ""));
    const unseen = names.some((_, i) => !done(i) && states.get(i) === "COMPLETED");
    if (!active && !(unseen && grace < 30)) break;
    if (!active) grace += o.poll;
    await sleep(o.poll);
  }
  const missing = names.some((_, i) => !done(i) && !states.has(i));
  const accounted = missing ? await accountedStates(jobs) : null;
  const outcomes = names.map((name, i): Outcome => {
    const got = readOutcome(join(results, `${i}.json`));
    if (got) return got;
    // squeue forgets some tasks at once (one cancelled while pending); accounting remembers, where it is on.
    const s = states.get(i) ?? accounted?.get(i) ?? (seen.has(i) ? `(no longer listed by squeue; last ${seen.get(i)})` : "UNKNOWN");
    const logs = readdirSync(join(work, "logs"))
      .filter((f) => f.endsWith(`_${i}.out`))
      .sort();
    return {
      format: OUTCOME_FORMAT,
      file: name,
      status: "error",
      mode: "",
      checked: 0,
      rerun: false,
      findings: [],
      error: `slurm task ${i} ended ${s} without an outcome${logs.length ? ` (log: ${relative(o.dir, join(work, "logs", logs[logs.length - 1]))})` : ""}`,
      seconds: 0,
    };
  });
  return { outcomes, jobs };
}
