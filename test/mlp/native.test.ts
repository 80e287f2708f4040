// The C kernels (native/, built by npm run build) against the WebAssembly kernels, bit for bit:
// every kernel on the same arena arrays through both, at shapes with every tail of the vector
// loops; the C compiled for this processor and for narrower ones (AVX2, SSE2 only: other vector
// widths, other code paths); whole runs trained under each (MLP_KERNELS). The other kernel tests
// check the build that runs (the C here) against the JavaScript reference.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { InputError } from "../../src/base/errors";
import { packageRoot } from "../../src/base/paths";
import { createSparseColumns, sparseColumns, sparseFromDense, type SparseRows } from "../../src/mlp/kernels";
import { cCompiler, cCompilerVersion, compileNative, nativePath, nativeProblem } from "../../src/mlp/native";
import {
  f64,
  i16,
  i32,
  kernelBackend,
  mark,
  nativeKernelsOnArena,
  release,
  requestedBackend,
  type WasmKernels,
  wasmKernelsOnArena,
} from "../../src/mlp/wasm";
import { assertSameBits, clampSweep } from "../helpers";

const wasm = wasmKernelsOnArena();
const compiler = cCompilerVersion(cCompiler());
const problem = nativeProblem();
const tmp = mkdtempSync(join(tmpdir(), "a2-native-"));

/** The C builds to compare: this processor's (npm run build's), and two narrower ones compiled here. */
const builds: [string, WasmKernels][] = [];
if (compiler !== null && problem === null) {
  builds.push(["native", nativeKernelsOnArena(nativePath())]);
  for (const march of ["x86-64-v3", "x86-64"]) {
    if (process.arch !== "x64") break;
    const out = join(tmp, `kernels-${march}.node`);
    const failed = compileNative(cCompiler(), march, out);
    if (failed !== null) throw new Error(`compiling the C kernels for ${march}: ${failed}`);
    builds.push([march, nativeKernelsOnArena(out)]);
  }
}

/** Deterministic values in (−2, 2), with zeros where zeroEvery divides the index (ReLU's). */
function values(n: number, seed: number, zeroEvery = 0): Float64Array {
  const x = f64(n);
  for (let i = 0; i < n; i++) x[i] = zeroEvery && (i * 7 + seed) % zeroEvery === 0 ? 0 : Math.sin(seed * 977 + i * 12.9898) * 2;
  return x;
}
const copy = (x: Float64Array) => {
  const y = f64(x.length);
  y.set(x);
  return y;
};
/** Run a kernel through the WebAssembly and each C build on fresh copies of its in/out arrays; compare them all. */
function same(what: string, inout: Float64Array[], call: (k: WasmKernels, a: Float64Array[]) => void): void {
  const m = mark();
  const a = inout.map(copy);
  call(wasm, a);
  for (const [name, kernels] of builds) {
    const b = inout.map(copy);
    call(kernels, b);
    a.forEach((x, i) => assertSameBits(b[i], x, `${what}, array ${i}, C for ${name}`));
  }
  release(m);
}

test("with a C compiler here, the C kernels are built, may run and run by default", () => {
  if (compiler === null) {
    console.log("  (no C compiler: only the WebAssembly kernels are here, nothing to compare)");
    return;
  }
  assert.is(problem, null);
  assert.is(builds.length, process.arch === "x64" ? 3 : 1);
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

const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [3, 5, 7],
  [5, 64, 10],
  [32, 64, 64],
  [33, 60, 60],
  [7, 130, 129],
  [2, 3, 65],
  [4, 17, 40],
  [2, 5, 16],
  [3, 6, 24],
  [1, 3, 32],
  [2, 4, 48],
  [3, 9, 200],
  [3, 1100, 9], // a tail summed column by column (its padded copy would be too large for the stack)
];

test("the three products, with and without skipping zeros (and with a non-finite b, which does not skip)", () => {
  for (const [m, k, n] of SHAPES) {
    for (const zeros of [0, 2, 3]) {
      const mk = mark();
      const list = i32(2 * Math.max(k, n));
      const a = values(m * k, m + k, zeros);
      // −0 (skipped like +0), NaN and Infinity (kept) among ReLU's zeros
      if (zeros && a.length > 3) a.set([-0, Number.NaN, Number.POSITIVE_INFINITY], a.length - 3);
      const b = values(k * n, n),
        at = values(k * m, m, zeros),
        bt = values(n * k, k + 1),
        scratch = f64(k * n);
      const lists = zeros ? [0, list.byteOffset] : [0];
      for (const l of lists) {
        const tag = `(${m}, ${k}, ${n}) zeros ${zeros} list ${l !== 0}`;
        same(`matmul ${tag}`, [a, b, f64(m * n)], (kk, [x, y, o]) => kk.matmul(x.byteOffset, y.byteOffset, o.byteOffset, m, k, n, l));
        same(`matmulAtB ${tag}`, [at, b, f64(m * n)], (kk, [x, y, o]) =>
          kk.matmulAtB(x.byteOffset, y.byteOffset, o.byteOffset, k, m, n, l),
        );
        same(`matmulABt ${tag}`, [a, bt, f64(m * n)], (kk, [x, y, o]) =>
          kk.matmulABt(x.byteOffset, y.byteOffset, o.byteOffset, m, k, n, scratch.byteOffset, l),
        );
        const bad = copy(b);
        bad[bad.length - 1] = Number.POSITIVE_INFINITY;
        same(`matmul, Infinity in b, ${tag}`, [a, bad, f64(m * n)], (kk, [x, y, o]) =>
          kk.matmul(x.byteOffset, y.byteOffset, o.byteOffset, m, k, n, l),
        );
      }
      release(mk);
    }
  }
});

test("addOuter, sgd, sgd with momentum, baseTimes", () => {
  for (const [m, , n] of SHAPES) {
    same(`addOuter (${m}, ${n})`, [values(m * n, 1), values(m, 2), values(n, 3), f64(m * n)], (k, [b, d, w, o]) =>
      k.addOuter(b.byteOffset, d.byteOffset, w.byteOffset, o.byteOffset, m, n),
    );
    same(`sgd ${m * n}`, [values(m * n, 4), values(m * n, 5)], (k, [w, g]) => k.sgd(w.byteOffset, g.byteOffset, m * n, 0.1));
    same(`sgdMomentum ${m * n}`, [values(m * n, 6), values(m * n, 7), values(m * n, 8)], (k, [w, g, v]) =>
      k.sgdMomentum(w.byteOffset, g.byteOffset, v.byteOffset, m * n, 0.02, 0.9),
    );
    same(`baseTimes (${m}, ${n})`, [values(m, 9), values(m * n, 10), f64(n)], (k, [b, w, cw]) =>
      k.baseTimes(b.byteOffset, m, w.byteOffset, n, cw.byteOffset),
    );
  }
});

/** A sparse matrix of `rows` rows over `cols` columns, about a third of each row off its base. */
function sparse(rows: number, cols: number, seed: number): SparseRows {
  const base = values(cols, seed),
    x = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) x[r * cols + c] = (r * 5 + c * 3 + seed) % 3 === 0 ? Math.cos(r * 31 + c) * 3 : base[c];
  return sparseFromDense(x, rows, cols, base);
}

test("the sparse first layer: forward, gradient, the gradient step by columns (with an index and without)", () => {
  for (const n of [1, 7, 10, 16, 24, 32, 40, 48, 60, 64, 65, 128, 180]) {
    const mk = mark();
    const k = 37,
      rows = 23,
      count = 9,
      from = 3;
    const sp = sparse(rows, k, n);
    const idx = i32(rows);
    for (let r = 0; r < rows; r++) idx[r] = (r * 7) % rows;
    for (const index of [null, idx]) {
      const ix = index ? index.byteOffset : 0;
      const args = [sp.base.byteOffset, sp.start.byteOffset, sp.col.byteOffset, sp.val.byteOffset, k, ix] as const;
      for (const haveCw of [0, 1]) {
        same(`sparseMatmul n ${n} index ${!!index} cw ${haveCw}`, [values(k * n, 1), values(n, 2), f64(count * n)], (kk, [w, cw, o]) =>
          kk.sparseMatmul(...args, from, count, w.byteOffset, n, cw.byteOffset, o.byteOffset, haveCw),
        );
      }
      same(`sparseMatmulAtB n ${n} index ${!!index}`, [values(count * n, 3), f64(n), f64(k * n)], (kk, [d, cs, o]) =>
        kk.sparseMatmulAtB(...args, from, count, d.byteOffset, n, cs.byteOffset, o.byteOffset),
      );
      const cols = createSparseColumns(k, count);
      sparseColumns(sp, index, from, count, cols);
      for (const momentum of [false, true]) {
        same(
          `sparseGradientStep n ${n} momentum ${momentum}`,
          [values(count * n, 4), f64(n), values(k * n, 5), values(k * n, 6)],
          (kk, [d, cs, w, v]) =>
            kk.sparseGradientStep(
              sp.base.byteOffset,
              k,
              count,
              cols.count.byteOffset,
              cols.rows.byteOffset,
              cols.vals.byteOffset,
              count,
              d.byteOffset,
              n,
              cs.byteOffset,
              w.byteOffset,
              momentum ? v.byteOffset : 0,
              0.05,
              0.9,
            ),
        );
      }
    }
    // sparseColumns itself: the same counts, rows and values.
    const a = createSparseColumns(k, count);
    for (const [name, kernels] of [["wasm", wasm] as const, ...builds]) {
      const b = name === "wasm" ? a : createSparseColumns(k, count);
      kernels.sparseColumns(
        sp.start.byteOffset,
        sp.col.byteOffset,
        sp.val.byteOffset,
        k,
        idx.byteOffset,
        from,
        count,
        count,
        b.count.byteOffset,
        b.rows.byteOffset,
        b.vals.byteOffset,
      );
      if (b === a) continue;
      assert.equal(Array.from(b.count), Array.from(a.count), `sparseColumns counts, C for ${name}`);
      assert.equal(Array.from(b.rows), Array.from(a.rows), `sparseColumns rows, C for ${name}`);
      assertSameBits(b.vals, a.vals, `sparseColumns values, C for ${name}`);
    }
    release(mk);
  }
});

test("the screen's 16-bit first layer", () => {
  for (const n of [1, 10, 20, 32, 60, 64, 65, 100, 128, 200]) {
    const mk = mark();
    const groups = Math.ceil(n / 4),
      slots = 11,
      rows = 6,
      perRow = 5;
    const start = i32(rows + 1),
      slot = i32(rows * perRow),
      pk = i32(rows * perRow),
      wq = i16(slots * groups * 8);
    for (let r = 0; r <= rows; r++) start[r] = r * perRow;
    for (let e = 0; e < rows * perRow; e++) {
      slot[e] = (e * 5) % slots;
      // both halves over all of int16 (−32768 too): sums that wrap, as WebAssembly's i32 lanes wrap
      pk[e] = e === 0 ? -0x7fff8000 : Math.imul(e + 1, 2654435761);
    }
    for (let i = 0; i < wq.length; i++) wq[i] = i % 7 === 0 ? -32768 : Math.imul(i + 3, 40503) & 0xffff;
    same(`quantizedFirstLayer n ${n}`, [values(4 * groups, 1), values(4 * groups, 2), f64(4 * n)], (kk, [cw, t, o]) =>
      kk.quantizedFirstLayer(
        start.byteOffset,
        slot.byteOffset,
        pk.byteOffset,
        1,
        4,
        wq.byteOffset,
        groups,
        n,
        cw.byteOffset,
        t.byteOffset,
        o.byteOffset,
      ),
    );
    release(mk);
  }
});

test("activations, slopes and softmax: sweeps over exp's ends and tanh's saturation, zeros, NaN and ±Infinity", () => {
  const zs = clampSweep(
    [
      [-760, -700],
      [700, 760],
      [-32, -26],
      [26, 32],
      [-40, 40],
      [-1e-3, 1e-3],
    ],
    3001,
  );
  zs.unshift(...zs.slice(-9)); // the special values at both ends
  const n = zs.length;
  const z = f64(n);
  z.set(zs);
  const d = values(n, 3);
  const s = f64(n);
  s.set(Array.from(zs, (v) => (Number.isFinite(v) ? Math.tanh(v / 100) : v)));
  // Eight lengths: every remainder of the vector loops' tails.
  for (let len = n - 7; len <= n; len++) {
    same(`sigmoid ${len}`, [z, f64(n)], (k, [x, a]) => k.sigmoid(x.byteOffset, a.byteOffset, len));
    same(`lecun with t ${len}`, [z, f64(n), f64(n)], (k, [x, a, t]) => k.lecun(x.byteOffset, a.byteOffset, t.byteOffset, len));
    same(`lecun without t ${len}`, [z, f64(n)], (k, [x, a]) => k.lecun(x.byteOffset, a.byteOffset, 0, len));
    same(`relu ${len}`, [z, f64(n)], (k, [x, a]) => k.relu(x.byteOffset, a.byteOffset, len));
    same(`sigmoidSlope ${len}`, [s, d], (k, [a, dd]) => k.sigmoidSlope(a.byteOffset, dd.byteOffset, len));
    same(`lecunSlope ${len}`, [s, d], (k, [t, dd]) => k.lecunSlope(t.byteOffset, dd.byteOffset, len));
    same(`reluSlope ${len}`, [z, d], (k, [x, dd]) => k.reluSlope(x.byteOffset, dd.byteOffset, len));
  }
  for (const c of [1, 3, 10]) {
    const rows = Math.floor(n / c);
    same(`softmaxParts c ${c}`, [z, f64(rows * c), f64(2 * rows)], (k, [x, e, sm]) =>
      k.softmaxParts(x.byteOffset, rows, c, e.byteOffset, sm.byteOffset),
    );
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
