// Stopping is clean, end to end on the real tslab kernel and Chromium: SIGTERM or SIGINT to
// `npm run notebooks` / `npm run report` mid-execution, SIGKILL of the command itself, and a stop
// while Chromium prints. Within seconds no process of the run is left (nbclient, kernels, workers,
// Chromium: found by a tag in their environment), temporary files and staging folders are gone,
// and the previous outputs are byte for byte as they were. Also: a cell over the cell timeout is
// named. Run by `npm run test:e2e`.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { executeNotebooks } from "../../src/report/execute";
import { ROOT, processesWithEnv, waitUntil } from "../helpers";

const tmp = mkdtempSync(join(tmpdir(), "e2e-signals-"));
const slow = join(ROOT, "test", "fixtures", "notebooks", "slow.ipynb");

interface Run {
  readonly child: ChildProcess;
  readonly tag: string;
  readonly scratch: string;
  readonly log: () => string;
  readonly exited: Promise<number | null>;
}

/** Start a command with a tag in its environment and its own TMPDIR and Jupyter runtime folder. */
function start(command: string, args: string[], name: string): Run {
  const tag = `e2e-${name}-${process.pid}`;
  const scratch = join(tmp, "scratch", name);
  mkdirSync(join(scratch, "runtime"), { recursive: true });
  const child = spawn(command, args, {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, A2_TEST_TAG: tag, TMPDIR: scratch, JUPYTER_RUNTIME_DIR: join(scratch, "runtime") },
  });
  let log = "";
  child.stdout!.on("data", (d) => {
    log += d;
  });
  child.stderr!.on("data", (d) => {
    log += d;
  });
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return { child, tag, scratch, log: () => log, exited };
}

const left = (r: Run) => processesWithEnv("A2_TEST_TAG", r.tag);
const commandOf = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "latin1");
  } catch {
    return "";
  }
};
/** What a stop may leave in the scratch folder: tsx's compile cache (not ours). */
const scratchLeft = (r: Run) => readdirSync(r.scratch).filter((f) => f !== "runtime" && !f.startsWith("tsx-"));

async function assertAllGone(r: Run, what: string, ms = 10000) {
  try {
    assert.ok(
      await waitUntil(() => left(r).length === 0, ms),
      `${what}: left running: ${left(r)
        .map((p) => `${p} ${commandOf(p).split("\0").slice(0, 3).join(" ")}`)
        .join("; ")}\n${r.log()}`,
    );
  } finally {
    for (const pid of left(r)) process.kill(pid, "SIGKILL");
  }
}

/** A folder of outputs as a build left them, and a reader of it. */
function previous(dir: string, names: string[]) {
  mkdirSync(dir, { recursive: true });
  for (const n of names) writeFileSync(join(dir, n), `previous ${n}\n`);
  return () => names.map((n) => readFileSync(join(dir, n), "utf8"));
}

test("a cell that runs over the cell timeout fails the notebook, named", async () => {
  const out = join(tmp, "timeout");
  const [s] = await executeNotebooks({ notebooks: [slow], outDir: out, cellTimeout: 3, log: () => undefined });
  assert.is(s.status, "failed");
  assert.match(s.error!, /^slow\.ipynb: cell 2 \(fig-slow\) timed out after 3 s \(the cell timeout; --cell-timeout SECONDS sets it\)$/);
  assert.equal(readdirSync(out), [], "no executed copy, no staging folder");
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  test(`npm run notebooks, ${signal} to npm while a cell runs: executor and kernel gone, previous copy and runtime folder clean`, async () => {
    const out = join(tmp, `nb-${signal}`);
    const read = previous(out, ["slow.ipynb"]);
    const r = start("npm", ["run", "-s", "notebooks", "--", "--out", out, slow], `nb-${signal}`);
    assert.ok(await waitUntil(() => r.log().includes("[cell] slow.ipynb tbl-quick"), 120000), r.log());
    assert.ok(
      left(r).some((p) => commandOf(p).includes("tslab")),
      "the kernel runs",
    );
    r.child.kill(signal);
    await assertAllGone(r, `after ${signal}`);
    assert.equal(read(), ["previous slow.ipynb\n"]);
    assert.equal(readdirSync(out), ["slow.ipynb"], "no staging folder");
    assert.equal(readdirSync(join(r.scratch, "runtime")), [], "no connection file");
    assert.equal(scratchLeft(r), [], "no temporary file");
    assert.match(r.log(), new RegExp(`stopped \\(${signal}\\)\\n$`));
  });
}

test("SIGKILL of the notebooks command: the executor sees its pipe close and kills the kernel; a dead run's staging folder is cleared", async () => {
  const out = join(tmp, "nb-kill");
  const read = previous(out, ["slow.ipynb"]);
  const r = start(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "notebooks.ts"), "--out", out, slow], "nb-kill");
  assert.ok(await waitUntil(() => r.log().includes("[cell] slow.ipynb tbl-quick"), 120000), r.log());
  r.child.kill("SIGKILL");
  await assertAllGone(r, "after SIGKILL of the command");
  assert.equal(read(), ["previous slow.ipynb\n"]);
  // A command killed between its executor's write and its rename leaves a staging folder behind; the next run removes it.
  mkdirSync(join(out, ".staging-999999999"));
  writeFileSync(join(out, ".staging-999999999", "slow.ipynb"), "half a set");
  const bad = join(tmp, "bad.ipynb");
  writeFileSync(bad, "{ not json");
  const again = start(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "notebooks.ts"), "--out", out, bad], "nb-again");
  assert.is(await again.exited, 1);
  assert.match(again.log(), /bad\.ipynb: not a readable notebook/);
  assert.equal(readdirSync(out), ["slow.ipynb"], "the next run removed the dead run's staging folder");
});

test("a kernel whose executor is SIGKILLed exits by itself (scripts/kernel_guard.cjs)", async () => {
  const out = join(tmp, "nb-guard");
  const r = start(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "notebooks.ts"), "--out", out, slow], "nb-guard");
  try {
    assert.ok(await waitUntil(() => r.log().includes("[cell] slow.ipynb tbl-quick"), 120000), r.log());
    const executor = left(r).find((p) => commandOf(p).includes("execute_notebook.py"));
    assert.ok(executor && left(r).some((p) => commandOf(p).includes("tslab")), "executor and kernel run");
    process.kill(executor!, "SIGKILL");
    assert.ok(await waitUntil(() => !left(r).some((p) => commandOf(p).includes("tslab")), 5000), "the kernel exits");
    assert.is(
      await Promise.race([r.exited, new Promise((res) => setTimeout(() => res("still running"), 20000))]),
      1,
      "the command reports the failed notebook",
    );
    assert.match(r.log(), /slow\.ipynb: the executor failed/);
  } finally {
    await assertAllGone(r, "after SIGKILL of the executor", 5000);
  }
});

const OUTPUTS = ["report.pdf", "report.html", "results.json"];

test("npm run report, SIGTERM to npm while the notebooks execute: everything stops, the previous report is untouched", async () => {
  const out = join(tmp, "report-term");
  const read = previous(out, OUTPUTS);
  const before = read();
  const r = start("npm", ["run", "-s", "report", "--", "--quick", "--force", "--out", out], "report-term");
  assert.ok(
    await waitUntil(() => /\[run\] task\d\.ipynb/.test(r.log()) && left(r).some((p) => commandOf(p).includes("tslab")), 240000),
    r.log(),
  );
  r.child.kill("SIGTERM");
  await assertAllGone(r, "after SIGTERM");
  assert.equal(read(), before);
  assert.equal(readdirSync(out).sort(), [...OUTPUTS].sort());
  assert.equal(scratchLeft(r), [], "no temporary file or folder");
  assert.equal(
    readdirSync(join(ROOT, "build", "notebooks-quick")).filter((f) => f.startsWith(".staging-")),
    [],
    "no staging folder",
  );
});

test("a stop while Chromium prints: SIGINT stops it and removes its files; SIGKILL of the command takes Chromium down too", async () => {
  const out = join(tmp, "report-print");
  // A complete quick report first (its notebooks are then cached, so the next build goes straight to printing).
  const first = start(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "report.ts"), "--quick", "--out", out], "report-first");
  assert.is(await first.exited, 0, first.log());
  const read = () => OUTPUTS.map((n) => readFileSync(join(out, n)).toString("base64"));
  const before = read();
  for (const signal of ["SIGINT", "SIGKILL"] as const) {
    const r = start(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "report.ts"), "--quick", "--out", out], `report-${signal}`);
    assert.ok(await waitUntil(() => r.log().includes("[render]") && left(r).some((p) => commandOf(p).includes("chrom")), 240000), r.log());
    r.child.kill(signal);
    await assertAllGone(r, `after ${signal} while printing`);
    assert.equal(read(), before, "the previous report is byte for byte as it was");
    if (signal === "SIGINT") assert.equal(scratchLeft(r), [], "Chromium's profile and the print's temporary folder are gone");
  }
});

test.run();
