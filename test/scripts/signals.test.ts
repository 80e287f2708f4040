// Stopping a command through npm, as a user does: SIGTERM or SIGINT to npm, or npm killed outright,
// mid-training. package.json execs node in place of npm's shell, so the signal reaches it; node
// notices npm's death. Within seconds no process of the run is left and the previous output is
// untouched. (The report and notebooks, with kernels and Chromium: test/e2e/signals.test.ts.)
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, processesWithEnv, tinySet, waitUntil, writeDatasetDir } from "../helpers";

const data = writeDatasetDir(tinySet(6400, 1), tinySet(100, 2));

for (const signal of ["SIGTERM", "SIGINT", "SIGKILL"] as const) {
  test(`npm run train, ${signal} to npm mid-training: every process of the run gone within seconds, the previous --json untouched`, async () => {
    const tag = `signals-${signal}-${process.pid}`;
    const dir = mkdtempSync(join(tmpdir(), "signals-"));
    const out = join(dir, "runs.json");
    writeFileSync(out, "previous results\n");
    const npm = spawn(
      "npm",
      [
        "run",
        "-s",
        "train",
        "--",
        "--data-dir",
        data,
        "--run",
        "3a,3c",
        "--train-size",
        "6400",
        "--val-size",
        "100",
        "--epochs",
        "1000",
        "--json",
        out,
      ],
      { cwd: ROOT, env: { ...process.env, A2_TEST_TAG: tag }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let err = "";
    npm.stderr.on("data", (d) => {
      err += d;
    });
    npm.stdout.resume();
    try {
      assert.ok(await waitUntil(() => /\[train\] 3[ac] epoch/.test(err), 60000), `training started: ${err}`);
      assert.ok(processesWithEnv("A2_TEST_TAG", tag).length >= 2, "npm and node run");
      const t0 = Date.now();
      npm.kill(signal);
      assert.ok(
        await waitUntil(() => processesWithEnv("A2_TEST_TAG", tag).length === 0, 5000),
        `no process of the run is left after ${signal}: ${processesWithEnv("A2_TEST_TAG", tag).join(" ")}`,
      );
      assert.ok(Date.now() - t0 < 5000);
      assert.is(readFileSync(out, "utf8"), "previous results\n");
      assert.equal(readdirSync(dir), ["runs.json"], "no temporary file");
    } finally {
      for (const pid of processesWithEnv("A2_TEST_TAG", tag)) process.kill(pid, "SIGKILL");
    }
  });
}

test.run();
