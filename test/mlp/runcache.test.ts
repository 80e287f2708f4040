import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { normalizeRun } from "../../src/mlp/config";
import { type RunCache, readCachedRun, runKey, trainCached, trainingCodeFingerprint } from "../../src/mlp/runcache";
import { ROOT, tinySet, writeDatasetDir } from "../helpers";

const data = writeDatasetDir(tinySet(320, 31), tinySet(100, 32));
const cfg = normalizeRun({ trainSize: 320, valSize: 100, epochs: 2, hidden: [8] });
const other = normalizeRun({ trainSize: 320, valSize: 100, epochs: 2, hidden: [8], seed: 2 });
const cacheIn = (dir: string, code = "code-v1", dataDir = data): RunCache => ({ dir, lib: join(ROOT, "src"), code, dataDir });

test("a second request is answered from the cache with the same bytes, and is not trained", async () => {
  const cache = cacheIn(mkdtempSync(join(tmpdir(), "a2-runs-")));
  const trained: number[] = [],
    cached: number[] = [];
  const first = await trainCached([cfg, other], cache, { workers: 2, dataDir: data, onDone: (i) => trained.push(i) });
  assert.equal(trained.sort(), [0, 1]);
  const again = await trainCached([other, cfg], cache, { dataDir: data, onDone: (i) => trained.push(i), onCached: (i) => cached.push(i) });
  assert.equal(trained.length, 2, "nothing trained the second time");
  assert.equal(cached.sort(), [0, 1]);
  assert.is(JSON.stringify(again), JSON.stringify([first[1], first[0]]));
});

test("equal configs asked together are trained once", async () => {
  const dir = mkdtempSync(join(tmpdir(), "a2-runs-"));
  let done = 0;
  const [a, b] = await trainCached([cfg, cfg], cacheIn(dir), { dataDir: data, onDone: () => done++ });
  assert.is(JSON.stringify(a), JSON.stringify(b));
  assert.is(readdirSync(dir).filter((f) => f.endsWith(".json")).length, 1);
  assert.is(done, 2, "both requests are answered");
});

test("the key changes with the config, the code and the data's contents, not with the data's folder", () => {
  const dir = mkdtempSync(join(tmpdir(), "a2-runs-"));
  const k = runKey(cacheIn(dir), cfg);
  assert.is.not(runKey(cacheIn(dir), other), k, "config");
  assert.is.not(runKey(cacheIn(dir, "code-v2"), cfg), k, "code");
  assert.is.not(runKey(cacheIn(dir, "code-v1", writeDatasetDir(tinySet(320, 99), tinySet(100, 32))), cfg), k, "data");
  assert.is(runKey(cacheIn(dir, "code-v1", writeDatasetDir(tinySet(320, 31), tinySet(100, 32))), cfg), k, "same data elsewhere");
});

test("an unreadable or foreign entry is a miss", async () => {
  const dir = mkdtempSync(join(tmpdir(), "a2-runs-"));
  const cache = cacheIn(dir);
  await trainCached([cfg], cache, { dataDir: data });
  assert.ok(readCachedRun(cache, cfg));
  writeFileSync(join(dir, `${runKey(cache, cfg)}.json`), "{ truncated");
  assert.is(readCachedRun(cache, cfg), null);
  writeFileSync(join(dir, `${runKey(cache, cfg)}.json`), JSON.stringify({ config: other }));
  assert.is(readCachedRun(cache, cfg), null);
});

test("the training code's fingerprint covers the worker's modules in their folders", () => {
  const src = trainingCodeFingerprint(join(ROOT, "src"));
  assert.match(src, /^[0-9a-f]{64}$/);
  assert.is(trainingCodeFingerprint(join(ROOT, "src")), src);
  assert.is.not(trainingCodeFingerprint(join(ROOT, "dist")), src, "the build is other code");
});

test.run();
