// The command lines: bad input gives one line on stderr, a non-zero exit and no stack trace.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { mkdirSync, readFileSync, rmSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { idxBytes, runScript, tinySet, writeDatasetDir } from "../helpers";
import { integerFlag } from "../../scripts/lib/cli";

function assertOneLineError(args: string[], re: RegExp, script = "train") {
  const r = runScript(script, args);
  assert.is.not(r.status, 0, `exit code for ${args.join(" ")}`);
  const lines = r.stderr.trim().split("\n");
  assert.is(lines.length, 1, `stderr should be one line:\n${r.stderr}`);
  assert.match(lines[0], re);
  assert.not.match(r.stderr, /\n\s+at /);
}

const good = () => writeDatasetDir(tinySet(200, 1), tinySet(50, 2));
const small = ["--train-size", "100", "--val-size", "20", "--epochs", "1"];

test("missing data folder", () =>
  assertOneLineError(["--data-dir", "/nonexistent/mnist"], /^error: data folder \/nonexistent\/mnist: no such folder$/));

test("IDX file with a wrong magic number", () => {
  const dir = good();
  writeFileSync(join(dir, "train-images-idx3-ubyte"), idxBytes(0x802, [200, 4, 4], tinySet(200, 1).images));
  assertOneLineError(["--data-dir", dir, ...small], /train-images-idx3-ubyte: magic number 0x00000802, expected 0x00000803/);
});

test("truncated IDX data", () => {
  const dir = good();
  const p = join(dir, "t10k-images-idx3-ubyte");
  writeFileSync(p, readFileSync(p).subarray(0, 500));
  assertOneLineError(["--data-dir", dir, ...small], /t10k-images-idx3-ubyte: 484 data bytes, expected 800 from the header/);
});

test("image and label counts that disagree", () => {
  const dir = good();
  writeFileSync(join(dir, "train-labels-idx1-ubyte"), idxBytes(0x801, [150], new Uint8Array(150)));
  assertOneLineError(["--data-dir", dir, ...small], /has 200 images but .* has 150 labels/);
});

test("--train-size larger than the data", () =>
  assertOneLineError(["--data-dir", good(), "--train-size", "500"], /train size 500: expected an integer from 1 to 200/));

test("unknown flags, activations and run ids", () => {
  assertOneLineError(["--learning-rate", "0.1"], /Unknown option '--learning-rate'/);
  assertOneLineError(["--activation", "tanh"], /activation "tanh": expected one of sigmoid, improved-sigmoid, relu/);
  assertOneLineError(["--run", "9z"], /run id "9z": expected one of 2c, 3a, 3b, 3c/);
  assertOneLineError(["stray"], /unexpected argument "stray"/);
});

test("non-positive learning rate, batch size or widths; non-numbers", () => {
  assertOneLineError(["--lr", "0"], /learning rate 0: expected a positive number/);
  assertOneLineError(["--lr=-1"], /learning rate -1: expected a positive number/);
  assertOneLineError(["--lr", "-1"], /'--lr' argument is ambiguous.* use '--lr=-XYZ'/);
  assertOneLineError(["--batch-size", "0"], /batch size 0: expected an integer ≥ 1/);
  assertOneLineError(["--hidden", "64,-2"], /hidden width -2: expected an integer ≥ 1/);
  assertOneLineError(["--hidden", "64,,3"], /--hidden "64,,3": expected comma-separated numbers/);
  assertOneLineError(["--lr", "fast"], /--lr "fast": expected a number/);
});

test("a run with --json writes the whole result", () => {
  const out = join(mkdtempSync(join(tmpdir(), "cli-")), "r.json");
  const r = runScript("train", [
    "--data-dir",
    good(),
    "--train-size",
    "192",
    "--val-size",
    "50",
    "--epochs",
    "2",
    "--hidden",
    "8",
    "--json",
    out,
  ]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /custom: 12 steps, 2 epochs\n/);
  assert.match(r.stdout, /\n[\d.]+ s\n/);
  assert.match(r.stdout, /train loss \d\.\d{4} {2}val loss \d\.\d{4} {2}train acc \d+\.\d{3} % {2}val acc \d+\.\d{3} %/);
  assert.match(r.stderr, /\[train\] custom epoch 2: step 12, train loss/, "one line per epoch when not a terminal");
  const j = JSON.parse(readFileSync(out, "utf8"));
  assert.equal(Object.keys(j), [
    "config",
    "final",
    "steps",
    "epochs",
    "stepsPerEpoch",
    "checkEvery",
    "stoppedEarly",
    "history",
    "weightSums",
    "timing",
    "stats",
    "wallSeconds",
  ]);
  assert.equal(j.config.hidden, [8]);
  assert.is(j.history.trainLoss.length, 12);
  assert.is(j.stoppedEarly, false);
});

test("several runs go to the worker pool; --json then holds every run", () => {
  const out = join(mkdtempSync(join(tmpdir(), "cli-")), "runs.json");
  const r = runScript("train", [
    "--data-dir",
    good(),
    "--run",
    "3a,3c",
    "--train-size",
    "192",
    "--val-size",
    "50",
    "--epochs",
    "1",
    "--json",
    out,
  ]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /3a: 6 steps, 1 epochs\n.*\n3c: 6 steps, 1 epochs/);
  assert.match(r.stderr, /\[done\] 3a/);
  const j = JSON.parse(readFileSync(out, "utf8"));
  assert.equal(
    j.runs.map((x: { config: { id: string } }) => x.config.id),
    ["3a", "3c"],
  );
});

test("gradcheck exits non-zero above the tolerance and 0 below", () => {
  const fail = runScript("gradcheck", ["--hidden", "8", "--activation", "relu", "--images", "20"]);
  assert.is(fail.status, 1);
  assert.match(fail.stdout, /layer \d: max \|approx − analytic\| = [\d.]+e-\d+ FAIL/);
  const pass = runScript("gradcheck", ["--hidden", "8", "--images", "20"]);
  assert.is(pass.status, 0, pass.stdout + pass.stderr);
  assert.match(pass.stdout, /passed \(every difference ≤ 0.000001\)/);
  assertOneLineError(["--epsilon", "2"], /epsilon 2: expected a number in \(0, 1\)/, "gradcheck");
  assert.is(runScript("gradcheck", ["--epsilon", "2"]).stdout, "", "nothing is checked with a bad ε");
});

test("report: bad run settings and flags are named before anything runs", () => {
  assertOneLineError(
    ["--set", "2c.learningRate"],
    /^error: --set "2c\.learningRate": expected RUN\.SETTING=VALUE, e\.g\. 2c\.learningRate=0\.05$/,
    "report",
  );
  assertOneLineError(["--set", "2c.learningRate=-1"], /^error: learning rate -1: expected a positive number$/, "report");
  assertOneLineError(["--set", "9z.epochs=2"], /^error: runs: unknown run id "9z"/, "report");
  assertOneLineError(["--set", "2c.lr=0.1"], /^error: unknown run setting "lr"/, "report");
  assertOneLineError(["--quik"], /^error: Unknown option '--quik'/, "report");
});

test("absurd widths and epochs are refused by their cost, before anything is allocated", () => {
  assertOneLineError(
    ["--hidden", "1e9"],
    /^error: hidden 1000000000, batch size 32, train size 20000: the run needs about \d+ GiB of memory, more than the limit of 4\.0 GiB for one run$/,
  );
  assertOneLineError(["--hidden", "1e6"], /needs about 34 GiB of memory/);
  assertOneLineError(
    ["--epochs", "1e9"],
    /^error: epochs 1000000000: the run would take up to 625 000 000 000 steps \(625 an epoch\), more than the limit of 10 000 000$/,
  );
  assertOneLineError(["--run", "3a,3c", "--epochs", "1e9"], /^error: epochs 1000000000: run 3a would take/);
});

test("outputs are checked before training: --json to a folder or an unwritable place", () => {
  const dir = mkdtempSync(join(tmpdir(), "cli-"));
  const t0 = Date.now();
  assertOneLineError(
    ["--data-dir", good(), ...small, "--json", dir],
    new RegExp(`^error: --json ${dir}: a folder, expected a file to write$`),
  );
  assertOneLineError(
    ["--data-dir", good(), ...small, "--json", "/proc/a2/r.json"],
    /^error: --json \/proc\/a2\/r\.json: cannot write there \(/,
  );
  const file = join(dir, "file");
  writeFileSync(file, "x");
  assertOneLineError(
    ["--data-dir", good(), ...small, "--json", join(file, "r.json")],
    /cannot write there \(a part of the path is a file, not a folder\)$/,
  );
  const r = runScript("train", ["--data-dir", good(), ...small, "--json", dir]);
  assert.is(r.stdout, "", "nothing trained");
  assert.ok(Date.now() - t0 < 60000);
});

test("a data file that is a folder is named", () => {
  const folder = good();
  const labels = join(folder, "train-labels-idx1-ubyte");
  rmSync(labels);
  mkdirSync(labels);
  assertOneLineError(["--data-dir", folder, ...small], new RegExp(`^error: ${labels}: a folder, expected an IDX file$`));
});

test("divergence (--lr 1e6): non-zero exit and one error line with the step, no result", () => {
  const out = join(mkdtempSync(join(tmpdir(), "cli-")), "r.json");
  const r = runScript("train", [
    "--data-dir",
    good(),
    "--train-size",
    "192",
    "--val-size",
    "50",
    "--epochs",
    "20",
    "--lr",
    "1e6",
    "--json",
    out,
  ]);
  assert.is(r.status, 1);
  const errors = r.stderr.split("\n").filter((l) => l.startsWith("error"));
  assert.equal(errors.length, 1, r.stderr);
  assert.match(
    errors[0],
    /^error: training diverged at step \d+: the batch loss \S+ is more than 100 times the first step's \([\d.]+\); try a smaller learning rate$/,
  );
  assert.not.match(r.stderr, /\n\s+at /);
  assert.not.match(r.stdout, /NaN/);
});

test("report, notebooks, figure: bad outputs, notebooks and labels get one line before any work", () => {
  const dir = mkdtempSync(join(tmpdir(), "cli-"));
  const file = join(dir, "a-file");
  writeFileSync(file, "x");
  assertOneLineError(
    ["--out", file],
    new RegExp(`^error: ${file}: a file, expected a folder for report\\.pdf, report\\.html, results\\.json$`),
    "report",
  );
  assertOneLineError(["--cell-timeout", "0"], /^error: cell timeout 0: expected a whole number of seconds ≥ 1$/, "report");
  const bad = join(dir, "bad.ipynb");
  writeFileSync(bad, "{ not json");
  assertOneLineError(["--out", join(dir, "nb"), bad], new RegExp(`^error: ${bad}: not a readable notebook \\(.*\\)$`), "notebooks");
  const nb = join(dir, "fig.ipynb");
  writeFileSync(nb, JSON.stringify({ cells: [{ cell_type: "code", source: "//| label: fig-a\n1", outputs: [] }] }));
  assertOneLineError([nb, "(", join(dir, "x.png")], new RegExp(`^error: ${nb}: no cell labelled \\($`), "figure");
  assertOneLineError([nb, "fig-a", dir], new RegExp(`^error: ${dir}: a folder, expected a file to write$`), "figure");
  assertOneLineError([bad, "fig-a", join(dir, "x.png")], /not a readable notebook/, "figure");
});

test("integer flags: a whole number in range, or one line naming the flag and the range", () => {
  assert.is(integerFlag("jobs", undefined, 1), undefined);
  assert.is(integerFlag("jobs", "3", 1), 3);
  assert.is(integerFlag("port", "0", 0, 65535), 0);
  assert.is(integerFlag("port", "65535", 0, 65535), 65535);
  assert.throws(() => integerFlag("jobs", "0", 1), /^--jobs 0: expected an integer ≥ 1$/);
  assert.throws(() => integerFlag("jobs", "2.5", 1), /^--jobs 2\.5: expected an integer ≥ 1$/);
  assert.throws(() => integerFlag("port", "65536", 0, 65535), /^--port 65536: expected an integer from 0 to 65535$/);
  assert.throws(() => integerFlag("port", "x", 0, 65535), /^--port "x": expected a number$/);
  assertOneLineError(["--port", "70000"], /^error: --port 70000: expected an integer from 0 to 65535$/, "preview");
  assertOneLineError(["x.pdf", "--workers", "0"], /^error: --workers 0: expected an integer ≥ 1$/, "verify");
});

test.run();
