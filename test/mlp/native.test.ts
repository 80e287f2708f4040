// The C kernels (native/, built by npm run build) against the WebAssembly kernels, bit for bit:
// every kernel family (src/mlp/nativecheck.ts: every tail of the vector loops, guards after every
// output) through the C compiled for this processor and for narrower ones the processor can run
// (AVX2, SSE2 only: other vector widths, other code paths); whole runs trained under each build
// (MLP_KERNELS); what the loader refuses. The other kernel tests check the build that runs (the C
// here) against the JavaScript reference.

import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { InputError } from "../../src/base/errors";
import { packageRoot } from "../../src/base/paths";
import {
  cCompiler,
  cCompilerVersion,
  compileNative,
  fileHash,
  type NativeBuild,
  nativeBuildPath,
  nativePath,
  nativeProblem,
  nativeSources,
  nativeSourcesHash,
  processorIsa,
  thisProcessor,
} from "../../src/mlp/native";
import { KERNEL_FAMILIES, kernelDifference } from "../../src/mlp/nativecheck";
import { f64, kernelBackend, nativeKernelsOnArena, requestedBackend, type WasmKernels, wasmKernelsOnArena } from "../../src/mlp/wasm";

const wasm = wasmKernelsOnArena();
const compiler = cCompilerVersion(cCompiler());
const problem = nativeProblem();
const tmp = mkdtempSync(join(tmpdir(), "a2-native-"));
const isa = processorIsa();

/** -march levels besides native, and the cpuinfo flags each needs to run. */
const NARROWER: [string, string[]][] = [
  ["x86-64-v3", ["avx2", "fma", "bmi1", "bmi2", "f16c", "movbe", "abm"]],
  ["x86-64", []],
];

/** The C builds to compare: this processor's (npm run build's), and the narrower ones it can run. */
const builds: [string, WasmKernels][] = [];
if (compiler !== null && problem === null) {
  builds.push(["native", nativeKernelsOnArena(nativePath())]);
  for (const [march, needs] of process.arch === "x64" ? NARROWER : []) {
    if (!needs.every((f) => isa.includes(f))) continue;
    const out = join(tmp, `kernels-${march}.node`);
    const failed = compileNative(cCompiler(), march, out);
    if (failed !== null) throw new Error(`compiling the C kernels for ${march}: ${failed}`);
    builds.push([march, nativeKernelsOnArena(out)]);
  }
}

test("with a C compiler here, the C kernels are built, may run and run by default", () => {
  if (compiler === null) {
    console.log("  (no C compiler: only the WebAssembly kernels are here, nothing to compare)");
    return;
  }
  assert.is(problem, null);
  assert.ok(builds.length >= (process.arch === "x64" ? 2 : 1), `C builds compared: ${builds.map(([n]) => n).join(", ")}`);
  assert.is(kernelBackend(), requestedBackend() ?? "native");
});

test("MLP_KERNELS takes native or wasm; anything else is a one-line input error", () => {
  assert.is(requestedBackend({}), null);
  assert.is(requestedBackend({ MLP_KERNELS: "wasm" }), "wasm");
  assert.is(requestedBackend({ MLP_KERNELS: "native" }), "native");
  assert.throws(
    () => requestedBackend({ MLP_KERNELS: "avx" }),
    (e: unknown) => e instanceof InputError && /expected native or wasm/.test(String(e)),
  );
});

for (const family of Object.keys(KERNEL_FAMILIES) as (keyof typeof KERNEL_FAMILIES)[]) {
  test(`${family}: every case gives the WebAssembly's bits in every C build`, () => {
    for (const [name, kernels] of builds) {
      const difference = kernelDifference(wasm, kernels, true, [family]);
      assert.is(difference, null, `C for ${name}: ${difference}`);
    }
  });
}

test("the comparison finds a changed element and a store past an output's end", () => {
  const buffer = f64(1).buffer;
  const pastEnd: WasmKernels = {
    ...wasm,
    matmul: (a, b, o, m, k, n, l) => {
      wasm.matmul(a, b, o, m, k, n, l);
      new Float64Array(buffer, o, m * n + 1)[m * n] = 1;
    },
  };
  assert.match(String(kernelDifference(wasm, pastEnd, false, ["products"])), /^matmul .*: array 2, guard 0 after the end/);
  const changed: WasmKernels = {
    ...wasm,
    relu: (z, a, n) => {
      wasm.relu(z, a, n);
      new Float64Array(buffer, a, n)[0] = 12345;
    },
  };
  assert.match(String(kernelDifference(wasm, changed, false, ["activations"])), /^relu \d+: array 1, element 0: 12345 against /);
});

/** A checkout with the C's sources and a build record: what the loader decides about it. */
function loaderSees(record: (b: NativeBuild) => unknown, here = thisProcessor(), binary = "a binary"): string | null {
  const root = mkdtempSync(join(tmp, "root-"));
  mkdirSync(join(root, "native", "build"), { recursive: true });
  for (const f of nativeSources()) copyFileSync(f, join(root, "native", f.slice(f.lastIndexOf("/") + 1)));
  writeFileSync(nativePath(root), binary);
  const build: NativeBuild = { binary: fileHash(nativePath(root)), sources: nativeSourcesHash(root), isa: here.isa, model: here.model };
  writeFileSync(nativeBuildPath(root), JSON.stringify(record(build)));
  return nativeProblem(root, here);
}

test("the loader takes a build of these sources for this processor and refuses every other", () => {
  const here = { isa: ["avx", "avx2", "sse2"], model: "Some CPU" };
  assert.is(
    loaderSees((b) => b, here),
    null,
  );
  assert.match(String(loaderSees(() => ({}), here)), /is not a record of a build/);
  assert.match(String(loaderSees((b) => ({ ...b, binary: "0" }), here)), /is not the binary .* describes/);
  assert.match(String(loaderSees((b) => ({ ...b, sources: "0" }), here)), /compiled from other sources/);
  assert.match(String(loaderSees((b) => ({ ...b, isa: [...b.isa, "avx512f"] }), here)), /with avx512f, which this one lacks/);
  assert.is(
    loaderSees((b) => ({ ...b, isa: ["sse2"] }), here),
    null,
    "a build for fewer features runs",
  );
  assert.match(String(loaderSees((b) => ({ ...b, isa: [], model: "unknown" }), { isa: [], model: "unknown" })), /cannot be told/);
  assert.is(
    loaderSees((b) => ({ ...b, isa: [] }), { isa: [], model: "Some CPU" }),
    null,
    "no features listed: the same model runs",
  );
  const root = mkdtempSync(join(tmp, "empty-"));
  assert.match(String(nativeProblem(root, here)), /is not built/);
});

test("processorIsa reads x86's flags and Arm's Features; nothing where there is no cpuinfo", () => {
  const x86 = join(tmp, "cpuinfo-x86"),
    arm = join(tmp, "cpuinfo-arm");
  writeFileSync(x86, "processor\t: 0\nmodel name\t: X\nflags\t\t: sse2 avx2 fma avx2\nbugs\t\t: none\n\nprocessor\t: 1\nflags\t\t: sse2\n");
  writeFileSync(arm, "processor\t: 0\nFeatures\t: fp asimd sve\nCPU implementer\t: 0x41\n");
  assert.equal(processorIsa(x86), ["avx2", "fma", "sse2"]);
  assert.equal(processorIsa(arm), ["asimd", "fp", "sve"]);
  assert.equal(processorIsa(join(tmp, "none")), []);
});

test("a C kernel refuses what WebAssembly would trap on or read differently: an address outside the arena, a non-number, a fraction, too few arguments", () => {
  const any = (k: WasmKernels) => k as unknown as Record<string, (...a: unknown[]) => void>;
  for (const [name, k] of builds) {
    assert.throws(() => k.relu(2 ** 30 + 64, 64, 1), /outside the arena/, name);
    assert.throws(() => k.relu(-64, 64, 1), /outside the arena/, name);
    assert.throws(() => any(k).relu("64", 64, 1), /not a number/, name);
    assert.throws(() => any(k).relu(64, 64, true), /not a number/, name);
    assert.throws(() => k.sigmoid(64, 128, 1.5), /not an int32/, name);
    assert.throws(() => any(k).relu(64, 64), /too few arguments/, name);
  }
});

/** scripts/train.ts's results file for a run under one build of the kernels, timing left out. */
function trainUnder(backend: string, args: string[], dir: string): unknown {
  const out = join(dir, `${backend}.json`);
  const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/train.ts", ...args, "--workers", "1", "--json", out], {
    cwd: packageRoot(),
    encoding: "utf8",
    env: { ...process.env, MLP_KERNELS: backend },
  });
  if (r.status !== 0) assert.unreachable(`train under ${backend}: ${r.stderr}`);
  const { timing: _t, wallSeconds: _w, ...rest } = JSON.parse(readFileSync(out, "utf8"));
  return rest;
}

test("whole runs are the same under both builds: sigmoid with the screen, ten improved-sigmoid layers, ReLU", () => {
  const sizes = "--train-size 2000 --val-size 1000 --epochs 2";
  for (const run of [
    "--hidden 64 --activation sigmoid",
    "--hidden 64,64,64,64,64,64,64,64,64,64 --activation improved-sigmoid --momentum 0.9 --lr 0.02",
    "--hidden 60,60 --activation relu --init fan-in --lr 0.02",
  ]) {
    const args = `${run} ${sizes}`.split(" ");
    assert.equal(trainUnder("native", args, tmp), trainUnder("wasm", args, tmp), run);
  }
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));

test.run();
