// The linear memory shared with the WebAssembly kernels (asm/kernels.ts → wasm/kernels.wasm): an
// arena per thread from which the arrays the kernels touch are allocated, so the kernels work in
// place with no copying. A run marks the arena and releases it when done. When the arena is full,
// arrays come from the JavaScript heap and kernels take their JavaScript path (same bits, slower).

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../base/paths";

// lib ES2022 (what tslab compiles against) has no WebAssembly types: the little used here.
declare const WebAssembly: {
  Memory: new (d: { initial: number }) => { readonly buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { readonly exports: object };
};

/** The exported kernels; pointers are byte addresses in the arena. */
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

interface Arena {
  readonly buffer: ArrayBuffer;
  readonly kernels: WasmKernels;
  top: number;
}

const PAGE = 65536;
/** Reserved address space; pages cost memory only once written. */
const ARENA_BYTES = 1024 * 1024 * 1024;
const ALIGN = 64;

export function wasmPath(): string {
  return join(packageRoot(), "wasm", "kernels.wasm");
}

let arena: Arena | null = null;

function getArena(): Arena {
  if (arena) return arena;
  const path = wasmPath();
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm run build:wasm (npm ci does it)`);
  const memory = new WebAssembly.Memory({ initial: ARENA_BYTES / PAGE });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path)), {
    env: {
      memory,
      abort: () => {
        throw new Error("wasm kernel abort");
      },
    },
  });
  // Address 0 stays unused: the kernels read a 0 index pointer as "no index".
  arena = { buffer: memory.buffer, kernels: instance.exports as unknown as WasmKernels, top: ALIGN };
  return arena;
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
