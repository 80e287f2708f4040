// Shared test helpers: fixtures from test/fixtures, relative comparisons, running scripts.

import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { gzipSync } from "node:zlib";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join, relative, sep } from "node:path";
import * as assert from "uvu/assert";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Copy report/'s sources (markdown, meta.yaml) to `dest`, without its outputs (out, out-quick and their staging folders). */
export function copyReportSources(dest: string): void {
  const report = join(ROOT, "report");
  cpSync(report, dest, { recursive: true, filter: (s) => !/^(out(-quick)?|\.out(-quick)?\..*)$/.test(relative(report, s).split(sep)[0]) });
}

export function fixture(name: string): any {
  return JSON.parse(readFileSync(join(ROOT, "test", "fixtures", name), "utf8"));
}

/** |a − b| ≤ rel·max(|a|, |b|) (equal values always pass). */
export function assertClose(a: number, b: number, rel: number, what: string): void {
  if (a === b) return;
  const err = Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
  if (!(err <= rel)) assert.unreachable(`${what}: ${a} vs ${b} (relative error ${err.toExponential(2)} > ${rel})`);
}

/**
 * Each number's 64 bits in hex: arrays equal this way are equal bit for bit (−0 ≠ +0), except
 * that every NaN is alike (its sign and payload depend on the path through the CPU).
 */
export function bits(x: ArrayLike<number>): string[] {
  const f = Float64Array.from(x),
    u = new BigUint64Array(f.buffer);
  return Array.from(u, (v, i) => (Number.isNaN(f[i]) ? "NaN" : v.toString(16)));
}

/** Fails at the first element whose bits (as bits() sees them) differ: short messages for long arrays. */
export function assertSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  if (actual.length !== expected.length) assert.unreachable(`${what}: ${actual.length} values, expected ${expected.length}`);
  const a = bits(actual),
    b = bits(expected);
  const i = a.findIndex((v, k) => v !== b[k]);
  if (i >= 0) assert.unreachable(`${what}: element ${i} is ${actual[i]} (${a[i]}), expected ${expected[i]} (${b[i]})`);
}

export interface ScriptRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run scripts/<name>.ts through tsx with arguments. */
export function runScript(name: string, args: string[], env: Record<string, string> = {}): ScriptRun {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts", `${name}.ts`), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** IDX bytes: images (count, rows, cols) when dims has 3 entries, labels when 1. */
export function idxBytes(magic: number, dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic, false);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

export interface TinySet {
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
}

/** Reproducible uniform numbers in [0, 1) from a 32-bit linear congruential generator. */
export function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

/**
 * A learnable toy dataset of 4×4 images: the label's pixel (index = label) is bright, a few others
 * are noise. A network that sees X and Y aligned reaches 100 % quickly.
 */
export function tinySet(count: number, seed: number): TinySet {
  const images = new Uint8Array(count * 16),
    labels = new Uint8Array(count);
  const next = lcg(seed);
  for (let i = 0; i < count; i++) {
    const label = Math.floor(next() * 10);
    labels[i] = label;
    images[i * 16 + label] = 200 + Math.floor(next() * 55);
    images[i * 16 + 10 + Math.floor(next() * 6)] = Math.floor(next() * 60);
  }
  return { images, labels };
}

/** Write a dataset folder with the four IDX files (gzipped when asked); returns the folder. */
export function writeDatasetDir(train: TinySet, test: TinySet, opts: { gzip?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "mnist-"));
  const put = (name: string, bytes: Uint8Array) =>
    writeFileSync(join(dir, opts.gzip ? name + ".gz" : name), opts.gzip ? gzipSync(bytes) : bytes);
  put("train-images-idx3-ubyte", idxBytes(0x803, [train.labels.length, 4, 4], train.images));
  put("train-labels-idx1-ubyte", idxBytes(0x801, [train.labels.length], train.labels));
  put("t10k-images-idx3-ubyte", idxBytes(0x803, [test.labels.length, 4, 4], test.images));
  put("t10k-labels-idx1-ubyte", idxBytes(0x801, [test.labels.length], test.labels));
  return dir;
}

/** Pids of the processes whose environment holds `KEY=value` (a tag a test gives a command it starts). */
export function processesWithEnv(key: string, value: string): number[] {
  const entry = `${key}=${value}`;
  const pids: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${d}/environ`, "latin1").split("\0").includes(entry)) pids.push(Number(d));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

/** Wait until `cond()` holds, polling every 100 ms; false when `ms` passed first. */
export async function waitUntil(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (cond()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Inputs of the activations where the SIMD kernels clamp: dense sweeps over where the results
 * become exactly 0, 1 or ±1 and where exp flushes or overflows (each range's ends included),
 * then the extremes, zeros, NaN and the subnormals.
 */
export function clampSweep(ranges: readonly (readonly [number, number])[], steps: number): number[] {
  const zs: number[] = [];
  for (const [lo, hi] of ranges) for (let i = 0; i <= steps; i++) zs.push(lo + ((hi - lo) * i) / steps);
  zs.push(1e300, -1e300, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 0, -0, 5e-324, -5e-324);
  return zs;
}
