// grade --rerun --slurm on a real one-node Slurm cluster (npm run slurm-local; CI starts it and
// sets SLURM_CONF, else this test starts it and stops it again): three quick-mode PDFs (one clean,
// one consistent forgery, one relabelled) as a job array; the CSV marks the forgeries and equals
// the local grade's; a cancelled task is an error row with Slurm's state, and --resume submits
// only it. Run by `npm run test:e2e` (CI does).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clusterDown, clusterUp, localClusterConf } from "../../src/grading/slurmlocal";
import { workDir } from "../../src/grading/slurm";
import { ROOT, runScript } from "../helpers";
import { type Classroom, classroom, forge2c, relabel } from "./classroom";

const tmp = mkdtempSync(join(tmpdir(), "slurm-"));
const three = join(tmp, "three");
mkdirSync(three);
let c: Classroom;
let conf = process.env.SLURM_CONF ?? "";
let startedHere = false;

test.before(async () => {
  if (!conf) {
    const up = await clusterUp();
    conf = up.conf;
    startedHere = up.started.length > 0;
  }
});
test.after(async () => {
  await c?.renderer.close();
  if (startedHere) await clusterDown();
});

/** Rows without the timing column, by file. */
const rows = (csv: string) =>
  readFileSync(csv, "utf8")
    .trim()
    .split("\n")
    .map((l) => l.replace(/,[\d.]+$/, ""));
const env = () => ({ SLURM_CONF: conf });

test("slurm-local: up is idempotent; a second cluster on the same ports fails at once, naming the reason, and leaves nothing running", () => {
  if (conf !== localClusterConf()) return; // graded on another cluster: leave this machine's ports alone
  const again = runScript("slurm-local", ["up"]);
  assert.is(again.status, 0, again.stderr);
  assert.match(again.stdout, /the local cluster (was already up|takes jobs)\nexport SLURM_CONF=/);
  const other = join(tmp, "other-cluster");
  const t0 = performance.now();
  const r = runScript("slurm-local", ["up", "--dir", other]);
  assert.is(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /^error: slurm(ctld|d) stopped after starting: .*Address already in use\n$/);
  assert.ok(performance.now() - t0 < 25000, "it does not wait for the node to time out");
  const down = runScript("slurm-local", ["down", "--dir", other]);
  assert.match(down.stdout, /not running|stopped/);
});

test("three quick-mode PDFs graded --rerun --slurm: the forgeries are marked, and the CSV is the local grade's", async () => {
  c = await classroom(tmp);
  writeFileSync(join(three, "clean.pdf"), await c.student(1));
  writeFileSync(join(three, "forgery.pdf"), await c.student(2, forge2c(c.results, true)));
  writeFileSync(join(three, "relabelled.pdf"), await c.student(3, relabel(c.results)));
  const t0 = performance.now();
  const s = runScript(
    "grade",
    [three, "--rerun", "--slurm", "--cpus", "1", "--time", "00:20:00", "--poll", "1", "--csv", join(tmp, "slurm.csv")],
    env(),
  );
  const seconds = (performance.now() - t0) / 1000;
  assert.is(s.status, 0, s.stdout + s.stderr);
  assert.match(s.stderr, /^\[slurm\] job \d+: 3 tasks submitted/m);
  assert.match(s.stderr, /^\[slurm\] 0 pending, 0 running, 3 done, 0 failed \(of 3\)$/m);
  assert.match(s.stdout, /3 PDFs, runs re-executed, in [\d.]+ s \([\d.]+ s per PDF, on Slurm, job \d+\)/);
  const slurm = rows(join(tmp, "slurm.csv"));
  assert.match(slurm[1], /^clean\.pdf,ok,quick,/);
  assert.match(
    slurm[2],
    /^forgery\.pdf,tampered,quick,\d+,1,2c\.valAccuracy,"2c\.valAccuracy: the PDF reports 99\.100 %, re-executing run 2c gives/,
  );
  assert.match(slurm[3], /^relabelled\.pdf,tampered,quick,\d+,2,,"runs 2c, 3a/);
  const l = runScript("grade", [three, "--rerun", "--jobs", "2", "--csv", join(tmp, "local.csv")]);
  assert.is(l.status, 0, l.stderr);
  assert.equal(slurm, rows(join(tmp, "local.csv")), "local and cluster grading agree but for the timing column");
  console.log(`  grade --rerun --slurm: 3 PDFs in ${seconds.toFixed(0)} s on the local cluster`);
});

test("--dry-run prints the job script and submits nothing", () => {
  const state = join(workDir(three), "state.json");
  const before = readFileSync(state, "utf8");
  const d = runScript(
    "grade",
    [three, "--rerun", "--slurm", "--dry-run", "--partition", "gpu", "--time", "01:00:00", "--cpus", "4"],
    env(),
  );
  assert.is(d.status, 0, d.stderr);
  assert.match(d.stdout, /^#!\/bin\/bash\n/);
  for (const line of [
    "#SBATCH --array=0-2",
    "#SBATCH --cpus-per-task=4",
    "#SBATCH --time=01:00:00",
    "#SBATCH --partition=gpu",
    "files=(clean.pdf forgery.pdf relabelled.pdf)",
  ]) {
    assert.ok(d.stdout.includes(line), line);
  }
  assert.match(d.stdout, /node --import tsx scripts\/verify\.ts .*--name "\$name" --rerun --workers 4 --json "\$out"/);
  assert.is(readFileSync(state, "utf8"), before, "nothing submitted");
});

test("a cancelled task is an error row with Slurm's state; --resume submits only it and completes the CSV", async () => {
  const csv = join(tmp, "cancel.csv"),
    state = join(workDir(three), "state.json");
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(ROOT, "scripts", "grade.ts"), three, "--rerun", "--slurm", "--cpus", "1", "--poll", "1", "--csv", csv],
    { cwd: ROOT, env: { ...process.env, ...env() }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let err = "";
  child.stderr.on("data", (b: Buffer) => {
    err += b.toString();
  });
  const exited = new Promise<number | null>((res) => child.on("close", res));
  // Cancel task 1 once it runs (a task cancelled while pending leaves squeue at once).
  let job = "",
    running = false;
  for (let i = 0; i < 1200 && !running; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const m = /\[slurm\] job (\d+): 3 tasks submitted/.exec(err);
    if (m && existsSync(state)) job = m[1];
    if (job && i % 5 === 0) {
      const q = spawnSync("squeue", ["--noheader", "--array", `--jobs=${job}`, "--format=%K|%T"], {
        env: { ...process.env, ...env() },
        encoding: "utf8",
      });
      running = /^1\|RUNNING$/m.test(q.stdout);
    }
  }
  assert.ok(running, err);
  const sc = spawnSync("scancel", [`${job}_1`], { env: { ...process.env, ...env() }, encoding: "utf8" });
  assert.is(sc.status, 0, sc.stderr);
  assert.is(await exited, 0, err);
  const cancelled = rows(csv);
  assert.match(cancelled[2], /^forgery\.pdf,error,,0,0,,slurm task 1 ended CANCELLED/);
  assert.match(cancelled[1], /^clean\.pdf,ok,/);
  const r = runScript("grade", [three, "--rerun", "--slurm", "--resume", "--cpus", "1", "--poll", "1", "--csv", csv], env());
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /^\[slurm\] job \d+: 1 task submitted/m);
  assert.equal(rows(csv), rows(join(tmp, "local.csv")));
});

test.run();
