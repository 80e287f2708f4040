import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { normalizeRun } from "../../src/mlp/config";
import { type RunCache, claimLive, readCachedRun, runKey, trainCached, trainingCodeFingerprint } from "../../src/mlp/runcache";
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

test("a cache folder that does not exist yet is made (a fresh clone has no build/runs/)", async () => {
  const dir = join(mkdtempSync(join(tmpdir(), "a2-runs-")), "build", "runs");
  const [r] = await trainCached([cfg], cacheIn(dir), { dataDir: data });
  assert.is(JSON.stringify(readCachedRun(cacheIn(dir), cfg)), JSON.stringify(r));
});

test("equal configs asked together are trained once", async () => {
  const dir = mkdtempSync(join(tmpdir(), "a2-runs-"));
  let done = 0;
  const [a, b] = await trainCached([cfg, cfg], cacheIn(dir), { dataDir: data, onDone: () => done++ });
  assert.is(JSON.stringify(a), JSON.stringify(b));
  assert.is(readdirSync(dir).filter((f) => f.endsWith(".json")).length, 1);
  assert.is(done, 2, "both requests are answered");
});

test("a run another trainer is training is waited for, not trained again; no claim is left", async () => {
  const dir = mkdtempSync(join(tmpdir(), "a2-runs-"));
  const cache = cacheIn(dir);
  const a = { done: [] as number[] },
    b = { done: [] as number[], waiting: [] as number[], cached: [] as number[] };
  const first = trainCached([cfg], cache, { dataDir: data, onDone: (i) => a.done.push(i) });
  assert.ok(existsSync(join(dir, `${runKey(cache, cfg)}.claim`)), "claimed before the first await");
  const second = trainCached([other, cfg], cache, {
    dataDir: data,
    onDone: (i) => b.done.push(i),
    onWaiting: (i) => b.waiting.push(i),
    onCached: (i) => b.cached.push(i),
  });
  const [ra, rb] = await Promise.all([first, second]);
  assert.equal([a.done, b.done, b.waiting, b.cached], [[0], [0], [1], [1]]);
  assert.is(JSON.stringify(rb[1]), JSON.stringify(ra[0]));
  assert.equal(
    readdirSync(dir).filter((f) => f.endsWith(".claim")),
    [],
  );
});

test("a claim whose trainer is gone is taken over (a dead process here, no touch for a minute); a live one is waited for until it goes", async () => {
  const claim = (cache: RunCache, owner: object, ageSeconds = 0) => {
    const path = join(cache.dir, `${runKey(cache, cfg)}.claim`);
    writeFileSync(path, JSON.stringify(owner));
    const t = new Date(Date.now() - ageSeconds * 1000);
    utimesSync(path, t, t);
    return path;
  };
  const dead = spawnSync(process.execPath, ["-e", ""]).pid;
  for (const [owner, age] of [
    [{ pid: dead, host: hostname() }, 0],
    [{ pid: process.pid, host: hostname() }, 120], // a live pid here (reused, or a container's) but not touched for two minutes
    [{ pid: 1, host: "elsewhere" }, 120],
  ] as const) {
    const cache = cacheIn(mkdtempSync(join(tmpdir(), "a2-runs-")));
    const path = claim(cache, owner, age);
    assert.not.ok(claimLive(path), JSON.stringify(owner));
    let done = 0;
    await trainCached([cfg], cache, { dataDir: data, onDone: () => done++ });
    assert.is(done, 1, `trained over ${JSON.stringify(owner)}`);
    assert.not.ok(existsSync(path));
  }
  // Alive elsewhere (touched now): waited for; its trainer stops without an entry, so it is trained here.
  const cache = cacheIn(mkdtempSync(join(tmpdir(), "a2-runs-")));
  const path = claim(cache, { pid: 1, host: "elsewhere" });
  assert.ok(claimLive(path));
  const events: string[] = [];
  const training = trainCached([cfg], cache, {
    dataDir: data,
    onWaiting: () => events.push("waiting"),
    onDone: () => events.push("trained"),
  });
  await new Promise((r) => setTimeout(r, 600));
  assert.equal(events, ["waiting"]);
  rmSync(path);
  await training;
  assert.equal(events, ["waiting", "trained"]);
  // A claim being written (not yet JSON) is live while fresh, stale when old.
  writeFileSync(path, "");
  assert.ok(claimLive(path));
  utimesSync(path, new Date(0), new Date(0));
  assert.not.ok(claimLive(path));
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
