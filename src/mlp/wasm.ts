// The linear memory shared with the kernels: an arena per thread from which the arrays the
// kernels touch are allocated, so the kernels work in place with no copying. A run marks the arena
// and releases it when done. When the arena is full, arrays come from the JavaScript heap and
// kernels take their JavaScript path (same bits, slower).
//
// Two builds of the kernels work on the arena, with the same arguments and the same bits: the
// WebAssembly (asm/kernels.ts → wasm/kernels.wasm, always there) and, where `npm run build` could
// compile it for this machine, the C (native/*.c → native/build/kernels.node, a Node-API addon
// with the processor's full vector width; native.ts). The C is used when it may run here;
// MLP_KERNELS=wasm asks for the WebAssembly, MLP_KERNELS=native insists on the C.

import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { InputError } from "../base/errors";
import { packageRoot } from "../base/paths";
import { nativePath, nativeProblem, nativeSources } from "./native";

// lib ES2022 (what tslab compiles against) has no WebAssembly types: the little used here.
declare const WebAssembly: {
  Memory: new (d: { initial: number }) => { readonly buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { readonly exports: object };
};

/** The kernels; pointers are byte addresses in the arena (0: none). */
export interface WasmKernels {
  matmul(a: number, b: number, out: number, m: number, k: number, n: number, list: number): void;
  matmulAtB(a: number, b: number, out: number, k: number, m: number, n: number, list: number): void;
  matmulABt(a: number, b: number, out: number, m: number, k: number, n: number, scratch: number, list: number): void;
  addOuter(base: number, d: number, w: number, out: number, m: number, n: number): void;
  sgd(w: number, g: number, n: number, lr: number): void;
  sigmoid(z: number, a: number, n: number): void;
  softmaxParts(z: number, rows: number, c: number, e: number, sm: number): void;
  lecun(z: number, a: number, t: number, n: number): void;
  relu(z: number, a: number, n: number): void;
  sigmoidSlope(a: number, d: number, n: number): void;
  lecunSlope(t: number, d: number, n: number): void;
  reluSlope(z: number, d: number, n: number): void;
  sgdMomentum(w: number, g: number, v: number, n: number, lr: number, gamma: number): void;
  baseTimes(base: number, k: number, w: number, n: number, cw: number): void;
  quantizedFirstLayer(
    start: number,
    slot: number,
    pk: number,
    from: number,
    count: number,
    wq: number,
    groups: number,
    n: number,
    cw: number,
    t: number,
    out: number,
  ): void;
  sparseMatmul(
    base: number,
    start: number,
    col: number,
    val: number,
    k: number,
    idx: number,
    from: number,
    count: number,
    w: number,
    n: number,
    cw: number,
    out: number,
    haveCw: number,
  ): void;
  sparseColumns(
    start: number,
    col: number,
    val: number,
    k: number,
    idx: number,
    from: number,
    count: number,
    cap: number,
    cnt: number,
    rows: number,
    vals: number,
  ): void;
  sparseGradientStep(
    base: number,
    k: number,
    cap: number,
    cnt: number,
    rows: number,
    vals: number,
    count: number,
    d: number,
    n: number,
    colsum: number,
    w: number,
    v: number,
    lr: number,
    gamma: number,
  ): void;
  sparseMatmulAtB(
    base: number,
    start: number,
    col: number,
    val: number,
    k: number,
    idx: number,
    from: number,
    count: number,
    d: number,
    n: number,
    colsum: number,
    out: number,
  ): void;
}

/** Which build of the kernels runs. */
export type KernelBackend = "native" | "wasm";

interface Arena {
  readonly memory: { readonly buffer: ArrayBuffer };
  readonly buffer: ArrayBuffer;
  readonly kernels: WasmKernels;
  readonly backend: KernelBackend;
  top: number;
}

const PAGE = 65536;
/** Reserved address space; pages cost memory only once written. */
const ARENA_BYTES = 1024 * 1024 * 1024;
const ALIGN = 64;

export function wasmPath(root = packageRoot()): string {
  return join(root, "wasm", "kernels.wasm");
}

/**
 * What the kernels' numbers depend on, for fingerprints: the WebAssembly and the C's sources (not
 * whether the C is built, nor its binary: both builds give the same bits).
 */
export function kernelFiles(root = packageRoot()): string[] {
  return [wasmPath(root), ...nativeSources(root)];
}

/** What MLP_KERNELS asks for: a backend, or null for the C when it may run here, else the WebAssembly. */
export function requestedBackend(env: NodeJS.ProcessEnv = process.env): KernelBackend | null {
  const v = env.MLP_KERNELS;
  if (v === undefined || v === "") return null;
  if (v === "native" || v === "wasm") return v;
  throw new InputError(`MLP_KERNELS=${v}: expected native or wasm`);
}

type NativeKernels = WasmKernels & { attach(buffer: ArrayBuffer): void };

/** The C kernels of the binary at `path`, attached to an arena's memory. */
function loadNative(path: string, buffer: ArrayBuffer): WasmKernels {
  const module = { exports: {} as NativeKernels };
  process.dlopen(module, path);
  module.exports.attach(buffer);
  return module.exports;
}

/**
 * Which build of the kernels the threads run, and why (for logs too): the C unless MLP_KERNELS=wasm,
 * when it may run here (nativeProblem) and loads, else the WebAssembly; with MLP_KERNELS=native
 * anything but the C is an error.
 */
export function kernelChoice(): { readonly backend: KernelBackend; readonly why: string } {
  const want = requestedBackend();
  if (want === "wasm") return { backend: "wasm", why: "MLP_KERNELS=wasm" };
  let problem = nativeProblem();
  if (problem === null) {
    try {
      process.dlopen({ exports: {} }, nativePath());
      return { backend: "native", why: relative(packageRoot(), nativePath()) };
    } catch (e) {
      problem = `${nativePath()} does not load: ${(e as Error).message}`;
    }
  }
  if (want === "native") throw new InputError(`MLP_KERNELS=native: ${problem}`);
  return { backend: "wasm", why: problem };
}

let arena: Arena | null = null;

function wasmKernels(memory: object): WasmKernels {
  const path = wasmPath();
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm run build:wasm (npm ci does it)`);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path)), {
    env: {
      memory,
      abort: () => {
        throw new Error("wasm kernel abort");
      },
    },
  });
  return instance.exports as unknown as WasmKernels;
}

function getArena(): Arena {
  if (arena) return arena;
  const memory = new WebAssembly.Memory({ initial: ARENA_BYTES / PAGE });
  const native = kernelChoice().backend === "native" ? loadNative(nativePath(), memory.buffer) : null;
  // Address 0 stays unused: the kernels read a 0 index pointer as "no index".
  arena = {
    memory,
    buffer: memory.buffer,
    kernels: native ?? wasmKernels(memory),
    backend: native ? "native" : "wasm",
    top: ALIGN,
  };
  return arena;
}

/** The build of the kernels this thread runs. */
export function kernelBackend(): KernelBackend {
  return getArena().backend;
}

let otherWasm: WasmKernels | null = null;

/** The WebAssembly kernels on this thread's arena, whichever build runs (for tests that compare). */
export function wasmKernelsOnArena(): WasmKernels {
  const a = getArena();
  if (a.backend === "wasm") return a.kernels;
  otherWasm ??= wasmKernels(a.memory);
  return otherWasm;
}

/** The C kernels of the binary at `path` on this thread's arena (for tests that compare builds). */
export function nativeKernelsOnArena(path = nativePath()): WasmKernels {
  return loadNative(path, getArena().buffer);
}

function take(bytes: number): number | null {
  const a = getArena();
  const at = a.top;
  const end = at + Math.ceil(bytes / ALIGN) * ALIGN;
  if (end > a.buffer.byteLength) return null;
  a.top = end;
  return at;
}

type TypedArrayOf<T> = { new (n: number): T; new (b: ArrayBuffer, at: number, n: number): T; BYTES_PER_ELEMENT: number };

/** A zeroed array in the arena (or on the heap when the arena is full). */
function alloc<T extends Float64Array | Int32Array | Int16Array>(Ctor: TypedArrayOf<T>, n: number): T {
  const at = take(n * Ctor.BYTES_PER_ELEMENT);
  if (at === null) return new Ctor(n);
  const v = new Ctor(getArena().buffer, at, n);
  v.fill(0);
  return v;
}

export const f64 = (n: number): Float64Array => alloc(Float64Array, n);
export const i32 = (n: number): Int32Array => alloc(Int32Array, n);
export const i16 = (n: number): Int16Array => alloc(Int16Array, n);

/** The kernels when every array lives in the arena, else null (use the JavaScript path). */
export function kernelsFor(...arrays: (ArrayBufferView | null)[]): WasmKernels | null {
  const a = getArena();
  for (const x of arrays) if (x !== null && x.buffer !== a.buffer) return null;
  return a.kernels;
}

/** The arena's current top; release(mark) frees everything allocated after it. */
export function mark(): number {
  return getArena().top;
}

export function release(m: number): void {
  const a = getArena();
  if (m < ALIGN || m > a.top) throw new Error(`release(${m}): not a mark of this arena`);
  a.top = m;
}

/** A copy on the JavaScript heap (for results that outlive a released arena region). */
export function toHeap(x: Float64Array): Float64Array {
  return new Float64Array(x);
}
