// WebAssembly SIMD kernels (AssemblyScript), the fast path of src/kernels.ts. Arguments are byte
// addresses in the shared linear memory; shapes as in src/kernels.ts. Every output element sums
// its products in the same order as the JavaScript reference, two columns at a time with f64x2
// (a multiply, then an add: never fused), so both paths give the same bits on any machine.
// native/kernels.c is their C twin (the same operations, wider vectors): change both together;
// test/mlp/native.test.ts compares them.

// @ts-nocheck: AssemblyScript, compiled by asc (npm run build:wasm), not by tsc.

/**
 * out[i, j] = Σ_p a[i·rs + p·ps]·b[p, j], p in order.  b: (k, n) -> out: (m, n)
 * Blocks of 2 rows × 8 columns stay in registers while p runs; tails take 2 columns, then 1.
 */
function gemm(a: usize, rs: i32, ps: i32, b: usize, out: usize, m: i32, k: i32, n: i32): void {
  const rowBytes = <usize>n * 8, pStep = <usize>ps * 8;
  let i = 0;
  for (; i + 2 <= m; i += 2) {
    const a0 = a + <usize>(i * rs) * 8, a1 = a + <usize>((i + 1) * rs) * 8;
    const o0 = out + <usize>(i * n) * 8, o1 = o0 + rowBytes;
    let j = 0;
    for (; j + 8 <= n; j += 8) {
      let c00 = f64x2.splat(0), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
      let bp = b + <usize>j * 8, x0p = a0, x1p = a1;
      for (let p = 0; p < k; p++) {
        const b0 = v128.load(bp), b1 = v128.load(bp, 16), b2 = v128.load(bp, 32), b3 = v128.load(bp, 48);
        const x0 = v128.load64_splat(x0p), x1 = v128.load64_splat(x1p);
        c00 = f64x2.add(c00, f64x2.mul(x0, b0)); c01 = f64x2.add(c01, f64x2.mul(x0, b1));
        c02 = f64x2.add(c02, f64x2.mul(x0, b2)); c03 = f64x2.add(c03, f64x2.mul(x0, b3));
        c10 = f64x2.add(c10, f64x2.mul(x1, b0)); c11 = f64x2.add(c11, f64x2.mul(x1, b1));
        c12 = f64x2.add(c12, f64x2.mul(x1, b2)); c13 = f64x2.add(c13, f64x2.mul(x1, b3));
        bp += rowBytes; x0p += pStep; x1p += pStep;
      }
      const q0 = o0 + <usize>j * 8, q1 = o1 + <usize>j * 8;
      v128.store(q0, c00); v128.store(q0, c01, 16); v128.store(q0, c02, 32); v128.store(q0, c03, 48);
      v128.store(q1, c10); v128.store(q1, c11, 16); v128.store(q1, c12, 32); v128.store(q1, c13, 48);
    }
    for (; j + 2 <= n; j += 2) {
      let c0 = f64x2.splat(0), c1 = c0;
      for (let p = 0; p < k; p++) {
        const bv = v128.load(b + <usize>(p * n + j) * 8);
        c0 = f64x2.add(c0, f64x2.mul(v128.load64_splat(a0 + <usize>p * pStep), bv));
        c1 = f64x2.add(c1, f64x2.mul(v128.load64_splat(a1 + <usize>p * pStep), bv));
      }
      v128.store(o0 + <usize>j * 8, c0);
      v128.store(o1 + <usize>j * 8, c1);
    }
    if (j < n) {
      let s0 = 0.0, s1 = 0.0;
      for (let p = 0; p < k; p++) {
        const bv = load<f64>(b + <usize>(p * n + j) * 8);
        s0 += load<f64>(a0 + <usize>p * pStep) * bv;
        s1 += load<f64>(a1 + <usize>p * pStep) * bv;
      }
      store<f64>(o0 + <usize>j * 8, s0);
      store<f64>(o1 + <usize>j * 8, s1);
    }
  }
  if (i < m) {
    const a0 = a + <usize>(i * rs) * 8, o0 = out + <usize>(i * n) * 8;
    let j = 0;
    for (; j + 2 <= n; j += 2) {
      let c0 = f64x2.splat(0);
      for (let p = 0; p < k; p++) {
        c0 = f64x2.add(c0, f64x2.mul(v128.load64_splat(a0 + <usize>p * pStep), v128.load(b + <usize>(p * n + j) * 8)));
      }
      v128.store(o0 + <usize>j * 8, c0);
    }
    if (j < n) {
      let s0 = 0.0;
      for (let p = 0; p < k; p++) s0 += load<f64>(a0 + <usize>p * pStep) * load<f64>(b + <usize>(p * n + j) * 8);
      store<f64>(o0 + <usize>j * 8, s0);
    }
  }
}

/**
 * gemm() over only the p where a row pair (or the last odd row) has a non-zero a: ReLU's zeros.
 * The same bits as gemm() when b is finite: a sum that starts at +0 is never −0, and adding a
 * term 0·b = ±0 to it changes nothing. list: (2k) i32 scratch, the byte offsets of the p kept
 * in b and in a's rows.
 */
function gemmSkipZeros(a: usize, rs: i32, ps: i32, b: usize, out: usize, m: i32, k: i32, n: i32, list: usize): void {
  const rowBytes = <usize>n * 8, pStep = <usize>ps * 8;
  let i = 0;
  for (; i < m; i += 2) {
    const two = i + 1 < m;
    const a0 = a + <usize>(i * rs) * 8, a1 = two ? a + <usize>((i + 1) * rs) * 8 : a0;
    const o0 = out + <usize>(i * n) * 8, o1 = o0 + rowBytes;
    // The kept p, branch-free: each p is written, the end moves on when it is kept.
    let end = list;
    for (let p = 0; p < k; p++) {
      const ao = <usize>p * pStep;
      store<i32>(end, <i32>(<usize>p * rowBytes));
      store<i32>(end, <i32>ao, 4);
      const keep = <i32>(load<f64>(a0 + ao) != 0) | <i32>(load<f64>(a1 + ao) != 0);
      end += <usize>keep << 3;
    }
    let j = 0;
    for (; j + 8 <= n; j += 8) {
      let c00 = f64x2.splat(0), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
      const bj = b + <usize>j * 8;
      for (let lp = list; lp < end; lp += 8) {
        const bp = bj + <usize>load<i32>(lp), ao = <usize>load<i32>(lp, 4);
        const b0 = v128.load(bp), b1 = v128.load(bp, 16), b2 = v128.load(bp, 32), b3 = v128.load(bp, 48);
        const x0 = v128.load64_splat(a0 + ao), x1 = v128.load64_splat(a1 + ao);
        c00 = f64x2.add(c00, f64x2.mul(x0, b0)); c01 = f64x2.add(c01, f64x2.mul(x0, b1));
        c02 = f64x2.add(c02, f64x2.mul(x0, b2)); c03 = f64x2.add(c03, f64x2.mul(x0, b3));
        c10 = f64x2.add(c10, f64x2.mul(x1, b0)); c11 = f64x2.add(c11, f64x2.mul(x1, b1));
        c12 = f64x2.add(c12, f64x2.mul(x1, b2)); c13 = f64x2.add(c13, f64x2.mul(x1, b3));
      }
      const q0 = o0 + <usize>j * 8, q1 = o1 + <usize>j * 8;
      v128.store(q0, c00); v128.store(q0, c01, 16); v128.store(q0, c02, 32); v128.store(q0, c03, 48);
      if (two) { v128.store(q1, c10); v128.store(q1, c11, 16); v128.store(q1, c12, 32); v128.store(q1, c13, 48); }
    }
    for (; j + 2 <= n; j += 2) {
      let c0 = f64x2.splat(0), c1 = c0;
      const bj = b + <usize>j * 8;
      for (let lp = list; lp < end; lp += 8) {
        const bv = v128.load(bj + <usize>load<i32>(lp)), ao = <usize>load<i32>(lp, 4);
        c0 = f64x2.add(c0, f64x2.mul(v128.load64_splat(a0 + ao), bv));
        c1 = f64x2.add(c1, f64x2.mul(v128.load64_splat(a1 + ao), bv));
      }
      v128.store(o0 + <usize>j * 8, c0);
      if (two) v128.store(o1 + <usize>j * 8, c1);
    }
    if (j < n) {
      let s0 = 0.0, s1 = 0.0;
      const bj = b + <usize>j * 8;
      for (let lp = list; lp < end; lp += 8) {
        const bv = load<f64>(bj + <usize>load<i32>(lp)), ao = <usize>load<i32>(lp, 4);
        s0 += load<f64>(a0 + ao) * bv;
        s1 += load<f64>(a1 + ao) * bv;
      }
      store<f64>(o0 + <usize>j * 8, s0);
      if (two) store<f64>(o1 + <usize>j * 8, s1);
    }
  }
}

/** True when every x: (n) is finite: x − x is 0 for finite x, NaN for ±Infinity and NaN. */
function allFinite(x: usize, n: i32): bool {
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const v = v128.load(x + <usize>i * 8);
    acc = f64x2.add(acc, f64x2.sub(v, v));
  }
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  if (i < n) {
    const v = load<f64>(x + <usize>i * 8);
    s += v - v;
  }
  return s == 0;
}

/**
 * out = a·b.  a: (m, k), b: (k, n) -> out: (m, n)
 * list: 0, or (2k) i32 scratch: skip the p where a's rows are 0 (when b is finite; same bits).
 */
export function matmul(a: usize, b: usize, out: usize, m: i32, k: i32, n: i32, list: usize): void {
  if (list && allFinite(b, k * n)) gemmSkipZeros(a, k, 1, b, out, m, k, n, list);
  else gemm(a, k, 1, b, out, m, k, n);
}

/**
 * out = aᵀ·b.  a: (k, m), b: (k, n) -> out: (m, n)
 * list: 0, or (2k) i32 scratch: skip the p where a's columns are 0 (when b is finite; same bits).
 */
export function matmulAtB(a: usize, b: usize, out: usize, k: i32, m: i32, n: i32, list: usize): void {
  if (list && allFinite(b, k * n)) gemmSkipZeros(a, 1, m, b, out, m, k, n, list);
  else gemm(a, 1, m, b, out, m, k, n);
}

/**
 * out = a·bᵀ.  a: (m, k), b: (n, k) -> out: (m, n); scratch: (k, n); list as matmul's.
 * b is transposed into scratch (2 × 2 blocks through registers), then multiplied as a·scratch:
 * each dot product in index order.
 */
export function matmulABt(a: usize, b: usize, out: usize, m: i32, k: i32, n: i32, scratch: usize, list: usize): void {
  const sRow = <usize>n * 8;
  let j = 0;
  for (; j + 2 <= n; j += 2) {
    const b0 = b + <usize>(j * k) * 8, b1 = b0 + <usize>k * 8;
    let q = scratch + <usize>j * 8;
    let p = 0;
    for (; p + 2 <= k; p += 2) {
      const v0 = v128.load(b0 + <usize>p * 8), v1 = v128.load(b1 + <usize>p * 8);
      v128.store(q, v128.shuffle<f64>(v0, v1, 0, 2));
      v128.store(q + sRow, v128.shuffle<f64>(v0, v1, 1, 3));
      q += 2 * sRow;
    }
    if (p < k) {
      store<f64>(q, load<f64>(b0 + <usize>p * 8));
      store<f64>(q, load<f64>(b1 + <usize>p * 8), 8);
    }
  }
  if (j < n) {
    const bj = b + <usize>(j * k) * 8;
    for (let p = 0; p < k; p++) store<f64>(scratch + <usize>(p * n + j) * 8, load<f64>(bj + <usize>p * 8));
  }
  matmul(a, scratch, out, m, k, n, list);
}

/** out[i, j] = base[i, j] + d[i]·w[j] (a product, then a sum).  base, out: (m, n), d: (m), w: (n) */
export function addOuter(base: usize, d: usize, w: usize, out: usize, m: i32, n: i32): void {
  for (let i = 0; i < m; i++) {
    const row = <usize>(i * n) * 8, di = load<f64>(d + <usize>i * 8), dv = f64x2.splat(di);
    const bi = base + row, oi = out + row;
    let j = 0;
    for (; j + 2 <= n; j += 2) {
      const o = <usize>j * 8;
      v128.store(oi + o, f64x2.add(v128.load(bi + o), f64x2.mul(dv, v128.load(w + o))));
    }
    if (j < n) store<f64>(oi + <usize>j * 8, load<f64>(bi + <usize>j * 8) + di * load<f64>(w + <usize>j * 8));
  }
}

/** w ← w − lr·g.  w, g: (n) */
export function sgd(w: usize, g: usize, n: i32, lr: f64): void {
  const l = f64x2.splat(lr);
  const n2 = n & ~1;
  let i = 0;
  for (; i < n2; i += 2) {
    const q = w + <usize>i * 8;
    v128.store(q, f64x2.sub(v128.load(q), f64x2.mul(l, v128.load(g + <usize>i * 8))));
  }
  if (i < n) store<f64>(w + <usize>i * 8, load<f64>(w + <usize>i * 8) - lr * load<f64>(g + <usize>i * 8));
}

/** v ← g + γ·v; w ← w − lr·v.  w, g, v: (n) */
export function sgdMomentum(w: usize, g: usize, v: usize, n: i32, lr: f64, gamma: f64): void {
  const l = f64x2.splat(lr), c = f64x2.splat(gamma);
  const n2 = n & ~1;
  let i = 0;
  for (; i < n2; i += 2) {
    const o = <usize>i * 8;
    const vi = f64x2.add(v128.load(g + o), f64x2.mul(c, v128.load(v + o)));
    v128.store(v + o, vi);
    v128.store(w + o, f64x2.sub(v128.load(w + o), f64x2.mul(l, vi)));
  }
  if (i < n) {
    const o = <usize>i * 8;
    const vi = load<f64>(g + o) + gamma * load<f64>(v + o);
    store<f64>(v + o, vi);
    store<f64>(w + o, load<f64>(w + o) - lr * vi);
  }
}

/** Row r of a selection: idx[from + r] (idx an Int32 array) or from + r when idx is 0. */
@inline function rowOf(idx: usize, from: i32, r: i32): i32 {
  return idx ? load<i32>(idx + <usize>(from + r) * 4) : from + r;
}

/**
 * cw = baseᵀ·w, each cw[j] summed over p in order from 0.  base: (k), w: (k, n) -> cw: (n)
 * 16 columns at a time in registers, then 2, then 1.
 */
export function baseTimes(base: usize, k: i32, w: usize, n: i32, cw: usize): void {
  const rowBytes = <usize>n * 8;
  let j = 0;
  for (; j + 16 <= n; j += 16) {
    let c0 = f64x2.splat(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
    let wp = w + <usize>j * 8, bp = base;
    for (let p = 0; p < k; p++) {
      const s = v128.load64_splat(bp);
      c0 = f64x2.add(c0, f64x2.mul(s, v128.load(wp))); c1 = f64x2.add(c1, f64x2.mul(s, v128.load(wp, 16)));
      c2 = f64x2.add(c2, f64x2.mul(s, v128.load(wp, 32))); c3 = f64x2.add(c3, f64x2.mul(s, v128.load(wp, 48)));
      c4 = f64x2.add(c4, f64x2.mul(s, v128.load(wp, 64))); c5 = f64x2.add(c5, f64x2.mul(s, v128.load(wp, 80)));
      c6 = f64x2.add(c6, f64x2.mul(s, v128.load(wp, 96))); c7 = f64x2.add(c7, f64x2.mul(s, v128.load(wp, 112)));
      wp += rowBytes; bp += 8;
    }
    const q = cw + <usize>j * 8;
    v128.store(q, c0); v128.store(q, c1, 16); v128.store(q, c2, 32); v128.store(q, c3, 48);
    v128.store(q, c4, 64); v128.store(q, c5, 80); v128.store(q, c6, 96); v128.store(q, c7, 112);
  }
  for (; j + 2 <= n; j += 2) {
    let c0 = f64x2.splat(0);
    let wp = w + <usize>j * 8, bp = base;
    for (let p = 0; p < k; p++) {
      c0 = f64x2.add(c0, f64x2.mul(v128.load64_splat(bp), v128.load(wp)));
      wp += rowBytes; bp += 8;
    }
    v128.store(cw + <usize>j * 8, c0);
  }
  if (j < n) {
    let s0 = 0.0;
    for (let p = 0; p < k; p++) s0 += load<f64>(base + <usize>p * 8) * load<f64>(w + (<usize>p * rowBytes) + <usize>j * 8);
    store<f64>(cw + <usize>j * 8, s0);
  }
}

/**
 * out = X_sel·W = 1·(baseᵀW) + S_sel·W.  X: (·, k) sparse, w: (k, n) -> out: (count, n)
 * cw: (n) = baseᵀW, computed here unless `haveCw` (the caller computed it for these weights).
 * Each 12-column chunk of an output row stays in registers over the row's entries (then chunks
 * of 4, 2 and 1 column): six accumulators, the splat and six loaded weights fit the fifteen
 * registers V8 gives SIMD code, where sixteen columns spilled an accumulator to the stack.
 */
export function sparseMatmul(
  base: usize, start: usize, col: usize, val: usize, k: i32,
  idx: usize, from: i32, count: i32, w: usize, n: i32, cw: usize, out: usize, haveCw: bool,
): void {
  if (!haveCw) baseTimes(base, k, w, n, cw);
  const rowBytes = <usize>n * 8;
  for (let r = 0; r < count; r++) {
    const row = rowOf(idx, from, r);
    const o = out + <usize>r * rowBytes;
    const e0 = load<i32>(start + <usize>row * 4), e1 = load<i32>(start + <usize>(row + 1) * 4);
    const c0p = col + <usize>e0 * 4, c1p = col + <usize>e1 * 4, v0p = val + <usize>e0 * 8;
    let j = 0;
    for (; j + 12 <= n; j += 12) {
      const cj = cw + <usize>j * 8, wj = w + <usize>j * 8;
      let c0 = v128.load(cj), c1 = v128.load(cj, 16), c2 = v128.load(cj, 32);
      let c3 = v128.load(cj, 48), c4 = v128.load(cj, 64), c5 = v128.load(cj, 80);
      let vp = v0p;
      for (let cp = c0p; cp < c1p; cp += 4) {
        const s = v128.load64_splat(vp);
        const wp = wj + <usize>load<i32>(cp) * rowBytes;
        c0 = f64x2.add(c0, f64x2.mul(s, v128.load(wp))); c1 = f64x2.add(c1, f64x2.mul(s, v128.load(wp, 16)));
        c2 = f64x2.add(c2, f64x2.mul(s, v128.load(wp, 32))); c3 = f64x2.add(c3, f64x2.mul(s, v128.load(wp, 48)));
        c4 = f64x2.add(c4, f64x2.mul(s, v128.load(wp, 64))); c5 = f64x2.add(c5, f64x2.mul(s, v128.load(wp, 80)));
        vp += 8;
      }
      const q = o + <usize>j * 8;
      v128.store(q, c0); v128.store(q, c1, 16); v128.store(q, c2, 32);
      v128.store(q, c3, 48); v128.store(q, c4, 64); v128.store(q, c5, 80);
    }
    for (; j + 4 <= n; j += 4) {
      const cj = cw + <usize>j * 8, wj = w + <usize>j * 8;
      let c0 = v128.load(cj), c1 = v128.load(cj, 16);
      let vp = v0p;
      for (let cp = c0p; cp < c1p; cp += 4) {
        const s = v128.load64_splat(vp);
        const wp = wj + <usize>load<i32>(cp) * rowBytes;
        c0 = f64x2.add(c0, f64x2.mul(s, v128.load(wp))); c1 = f64x2.add(c1, f64x2.mul(s, v128.load(wp, 16)));
        vp += 8;
      }
      const q = o + <usize>j * 8;
      v128.store(q, c0); v128.store(q, c1, 16);
    }
    for (; j + 2 <= n; j += 2) {
      const wj = w + <usize>j * 8;
      let c0 = v128.load(cw + <usize>j * 8);
      let vp = v0p;
      for (let cp = c0p; cp < c1p; cp += 4) {
        c0 = f64x2.add(c0, f64x2.mul(v128.load64_splat(vp), v128.load(wj + <usize>load<i32>(cp) * rowBytes)));
        vp += 8;
      }
      v128.store(o + <usize>j * 8, c0);
    }
    if (j < n) {
      const wj = w + <usize>j * 8;
      let s0 = load<f64>(cw + <usize>j * 8);
      let vp = v0p;
      for (let cp = c0p; cp < c1p; cp += 4) {
        s0 += load<f64>(vp) * load<f64>(wj + <usize>load<i32>(cp) * rowBytes);
        vp += 8;
      }
      store<f64>(o + <usize>j * 8, s0);
    }
  }
}

/**
 * The screen's first layer (src/mlp/screen.ts): out[r, j] = cw[j] + t[j]·Q[r, j] in float64, where
 * Q[r, j] = Σ p·q[pixel, j] over row r's pixels is an exact integer sum. A row's entries are pair
 * slots e in start[row] … start[row + 1] − 1: slot[e] = pixel ÷ 2 and pk[e] = p(even pixel) |
 * p(odd pixel) << 16, so that one i32x4.dot_i16x8_s multiplies two pixels into four columns.
 * wq: (slots, groups, 8) i16, for slot s and columns 4g … 4g + 3: q[2s, 4g], q[2s + 1, 4g],
 * q[2s, 4g + 1], …; cw, t: (4·groups), padded -> out: (count, n), groups = ⌈n / 4⌉. Chunks of 8
 * groups (32 columns) stay in registers over a row's slots, then one group at a time.
 */
export function quantizedFirstLayer(
  start: usize, slot: usize, pk: usize, from: i32, count: i32, wq: usize, groups: i32, n: i32, cw: usize, t: usize, out: usize,
): void {
  const slotBytes = <usize>groups * 16;
  for (let r = 0; r < count; r++) {
    const row = from + r;
    const e0 = load<i32>(start + <usize>row * 4), e1 = load<i32>(start + <usize>(row + 1) * 4);
    const o = out + <usize>(r * n) * 8;
    let g = 0;
    for (; g + 8 <= groups; g += 8) {
      let c0 = i32x4.splat(0), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
      const wg = wq + <usize>g * 16;
      for (let e = e0; e < e1; e++) {
        const b = i32x4.splat(load<i32>(pk + <usize>e * 4));
        const wp = wg + <usize>load<i32>(slot + <usize>e * 4) * slotBytes;
        c0 = i32x4.add(c0, i32x4.dot_i16x8_s(v128.load(wp), b)); c1 = i32x4.add(c1, i32x4.dot_i16x8_s(v128.load(wp, 16), b));
        c2 = i32x4.add(c2, i32x4.dot_i16x8_s(v128.load(wp, 32), b)); c3 = i32x4.add(c3, i32x4.dot_i16x8_s(v128.load(wp, 48), b));
        c4 = i32x4.add(c4, i32x4.dot_i16x8_s(v128.load(wp, 64), b)); c5 = i32x4.add(c5, i32x4.dot_i16x8_s(v128.load(wp, 80), b));
        c6 = i32x4.add(c6, i32x4.dot_i16x8_s(v128.load(wp, 96), b)); c7 = i32x4.add(c7, i32x4.dot_i16x8_s(v128.load(wp, 112), b));
      }
      const j = g * 4;
      scaleGroup(c0, j, n, cw, t, o); scaleGroup(c1, j + 4, n, cw, t, o);
      scaleGroup(c2, j + 8, n, cw, t, o); scaleGroup(c3, j + 12, n, cw, t, o);
      scaleGroup(c4, j + 16, n, cw, t, o); scaleGroup(c5, j + 20, n, cw, t, o);
      scaleGroup(c6, j + 24, n, cw, t, o); scaleGroup(c7, j + 28, n, cw, t, o);
    }
    for (; g < groups; g++) {
      let c0 = i32x4.splat(0);
      const wg = wq + <usize>g * 16;
      for (let e = e0; e < e1; e++) {
        const b = i32x4.splat(load<i32>(pk + <usize>e * 4));
        c0 = i32x4.add(c0, i32x4.dot_i16x8_s(v128.load(wg + <usize>load<i32>(slot + <usize>e * 4) * slotBytes), b));
      }
      scaleGroup(c0, g * 4, n, cw, t, o);
    }
  }
}

/** out[j … j + 3] = cw + t·Q for the four integer sums in q (the columns below n). */
@inline function scaleGroup(q: v128, j: i32, n: i32, cw: usize, t: usize, out: usize): void {
  const c = cw + <usize>j * 8, s = t + <usize>j * 8, o = out + <usize>j * 8;
  const lo = f64x2.add(v128.load(c), f64x2.mul(v128.load(s), f64x2.convert_low_i32x4_s(q)));
  const hi = f64x2.add(v128.load(c, 16), f64x2.mul(v128.load(s, 16), f64x2.convert_low_i32x4_s(i32x4.shuffle(q, q, 2, 3, 0, 1))));
  if (j + 4 <= n) {
    v128.store(o, lo);
    v128.store(o, hi, 16);
  } else {
    store<f64>(o, f64x2.extract_lane(lo, 0));
    if (j + 1 < n) store<f64>(o, f64x2.extract_lane(lo, 1), 8);
    if (j + 2 < n) store<f64>(o, f64x2.extract_lane(hi, 0), 16);
  }
}

/** colsum = 1ᵀd, each column summed over the rows in order.  d: (count, n) -> colsum: (n) */
@inline function columnSums(d: usize, count: i32, n: i32, colsum: usize): void {
  const n2 = n & ~1;
  const rowBytes = <usize>n * 8;
  memory.fill(colsum, 0, rowBytes);
  for (let r = 0; r < count; r++) {
    const dr = d + <usize>r * rowBytes;
    let j = 0;
    for (; j < n2; j += 2) {
      const q = colsum + <usize>j * 8;
      v128.store(q, f64x2.add(v128.load(q), v128.load(dr + <usize>j * 8)));
    }
    if (j < n) {
      const q = colsum + <usize>j * 8;
      store<f64>(q, load<f64>(q) + load<f64>(dr + <usize>j * 8));
    }
  }
}

/** out = X_selᵀ·d = base ⊗ (1ᵀd) + S_selᵀ·d.  d: (count, n) -> out: (k, n) */
export function sparseMatmulAtB(
  base: usize, start: usize, col: usize, val: usize, k: i32,
  idx: usize, from: i32, count: i32, d: usize, n: i32, colsum: usize, out: usize,
): void {
  const n2 = n & ~1;
  columnSums(d, count, n, colsum);
  for (let p = 0; p < k; p++) {
    const sv = load<f64>(base + <usize>p * 8);
    const s = f64x2.splat(sv);
    const op = out + <usize>(p * n) * 8;
    let j = 0;
    for (; j < n2; j += 2) v128.store(op + <usize>j * 8, f64x2.mul(s, v128.load(colsum + <usize>j * 8)));
    if (j < n) store<f64>(op + <usize>j * 8, sv * load<f64>(colsum + <usize>j * 8));
  }
  for (let r = 0; r < count; r++) {
    const row = rowOf(idx, from, r);
    const dr = d + <usize>(r * n) * 8;
    const e1 = load<i32>(start + <usize>(row + 1) * 4);
    for (let e = load<i32>(start + <usize>row * 4); e < e1; e++) {
      const sv = load<f64>(val + <usize>e * 8);
      const s = f64x2.splat(sv);
      const op = out + <usize>(load<i32>(col + <usize>e * 4) * n) * 8;
      let j = 0;
      for (; j < n2; j += 2) {
        const q = op + <usize>j * 8;
        v128.store(q, f64x2.add(v128.load(q), f64x2.mul(s, v128.load(dr + <usize>j * 8))));
      }
      if (j < n) {
        const q = op + <usize>j * 8;
        store<f64>(q, load<f64>(q) + sv * load<f64>(dr + <usize>j * 8));
      }
    }
  }
}

// ---- activations: exp after fdlibm (reduction by ln 2, Remez polynomial, exact 2^k), the same
// operations as src/activations.ts's JavaScript, two lanes at a time. Where the JavaScript's exp
// would flush to 0 (below −708.40) or overflow (above 709.78), the sigmoid and the tanh clamp
// their argument at a point beyond which their result is already exact (1, or ±1): the same
// numbers with fewer operations (test/activations.test.ts sweeps those ends).

const LN2_HI = 6.93147180369123816490e-01;
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.44269504088896338700e+00;
const P1 = 1.66666666666666019037e-01;
const P2 = -2.77777777770155933842e-03;
const P3 = 6.61375632143793436117e-05;
const P4 = -1.65339022054652515390e-06;
const P5 = 4.13813679705723846039e-08;
const EXP_MAX = 709.782712893383973096;
/** 2^52 + 1023: adding an integer k puts 1023 + k in the low mantissa bits. */
const BIAS = 4503599627371519.0;

/**
 * exp of two lanes for x ≥ −708 (or NaN): the callers clamp x where their result no longer
 * changes, so the flush to 0 below the normal range is never needed. `small`: 0 ≤ x ≤ 709 too,
 * so the rounding's sign and the overflow to +Infinity fall away.
 */
@inline function expv(x: v128, small: bool): v128 {
  // k = trunc(x/ln2 ± 0.5); hi − lo = x − k·ln2 with k·ln2_hi exact.
  const half = small ? f64x2.splat(0.5) : v128.or(f64x2.splat(0.5), v128.and(x, f64x2.splat(-0.0)));
  const k = f64x2.trunc(f64x2.add(f64x2.mul(x, f64x2.splat(INV_LN2)), half));
  const hi = f64x2.sub(x, f64x2.mul(k, f64x2.splat(LN2_HI)));
  const lo = f64x2.mul(k, f64x2.splat(LN2_LO));
  const r = f64x2.sub(hi, lo);
  const t = f64x2.mul(r, r);
  let p = f64x2.add(f64x2.splat(P4), f64x2.mul(t, f64x2.splat(P5)));
  p = f64x2.add(f64x2.splat(P3), f64x2.mul(t, p));
  p = f64x2.add(f64x2.splat(P2), f64x2.mul(t, p));
  p = f64x2.add(f64x2.splat(P1), f64x2.mul(t, p));
  const c = f64x2.sub(r, f64x2.mul(t, p));
  const q = f64x2.div(f64x2.mul(r, c), f64x2.sub(f64x2.splat(2.0), c));
  const y = f64x2.sub(f64x2.splat(1.0), f64x2.sub(f64x2.sub(lo, q), hi));
  const scale = i64x2.shl(f64x2.add(k, f64x2.splat(BIAS)), 52);
  const e = f64x2.mul(y, scale);
  return small ? e : v128.bitselect(f64x2.splat(Infinity), e, f64x2.gt(x, f64x2.splat(EXP_MAX)));
}

/** Below this the JavaScript's exp flushes to 0 (activations.ts). */
const EXP_MIN = -708.39641853226410622;

/**
 * exp(x) for x ≤ 0 (or NaN) as activations.ts's exp computes it, the flush to 0 below EXP_MIN
 * included: x is clamped there for the polynomial, and the lanes below it are set to 0.
 */
@inline function expNonPositive(x: v128): v128 {
  const floor = f64x2.splat(EXP_MIN);
  return v128.andnot(expv(f64x2.pmax(x, floor), false), f64x2.lt(x, floor));
}

/**
 * Per row of logits: m, its largest (the first of equals), e = exp(z − m) with the project's exp,
 * and s = Σ e in column order from 0: what crossEntropyOfLogits needs besides one logarithm.
 * z, e: (rows, c) -> sm: (rows, 2) = (s, m)
 */
export function softmaxParts(z: usize, rows: i32, c: i32, e: usize, sm: usize): void {
  for (let r = 0; r < rows; r++) {
    const zr = z + <usize>(r * c) * 8, er = e + <usize>(r * c) * 8;
    let m = load<f64>(zr);
    for (let k = 1; k < c; k++) {
      const v = load<f64>(zr + <usize>k * 8);
      if (v > m) m = v;
    }
    const mv = f64x2.splat(m);
    let s = 0.0;
    let k = 0;
    for (; k + 2 <= c; k += 2) {
      const ex = expNonPositive(f64x2.sub(v128.load(zr + <usize>k * 8), mv));
      v128.store(er + <usize>k * 8, ex);
      s += f64x2.extract_lane(ex, 0);
      s += f64x2.extract_lane(ex, 1);
    }
    if (k < c) {
      const v = f64x2.extract_lane(expNonPositive(f64x2.splat(load<f64>(zr + <usize>k * 8) - m)), 0);
      store<f64>(er + <usize>k * 8, v);
      s += v;
    }
    store<f64>(sm + <usize>r * 16, s);
    store<f64>(sm + <usize>r * 16, m, 8);
  }
}

/**
 * 1/(1 + exp(x)) for x = −z: the sigmoid. Below x = −708 it is exactly 1 (exp(x) < 2⁻⁵³ is lost
 * in 1 + exp(x)), so x is clamped there and exp needs no flush to 0: the same numbers as the
 * unclamped formula (activations.ts's) for every x.
 */
@inline function sigmoidOfNeg(x: v128): v128 {
  const one = f64x2.splat(1.0);
  return f64x2.div(one, f64x2.add(one, expv(f64x2.pmax(x, f64x2.splat(-708.0)), false)));
}

/**
 * 1 − 2/(exp(x) + 1) for x = 2|u| ≥ 0 (or NaN): the magnitude of tanh(u). Above x = 40 it is
 * exactly 1 (2/(e⁴⁰ + 1) < 2⁻⁵⁵ rounds away), so x is clamped there and exp needs no range
 * checks: the same numbers as the unclamped formula (activations.ts's tanh) for every x.
 */
@inline function tanhMagnitude(x: v128): v128 {
  const one = f64x2.splat(1.0);
  return f64x2.sub(one, f64x2.div(f64x2.splat(2.0), f64x2.add(expv(f64x2.pmin(x, f64x2.splat(40.0)), true), one)));
}

/**
 * a = 1 / (1 + exp(−z)).  z, a: (n)
 * Four independent pairs per iteration: one pair's exp is a long chain of dependent operations,
 * and with four in flight the processor overlaps them (about 1.4 times as fast as one).
 */
export function sigmoid(z: usize, a: usize, n: i32): void {
  const neg = f64x2.splat(-0.0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i * 8;
    // all four results before any store: stored one by one, the pairs no longer overlap
    const s0 = sigmoidOfNeg(v128.xor(v128.load(z + o), neg)), s1 = sigmoidOfNeg(v128.xor(v128.load(z + o, 16), neg));
    const s2 = sigmoidOfNeg(v128.xor(v128.load(z + o, 32), neg)), s3 = sigmoidOfNeg(v128.xor(v128.load(z + o, 48), neg));
    v128.store(a + o, s0); v128.store(a + o, s1, 16); v128.store(a + o, s2, 32); v128.store(a + o, s3, 48);
  }
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i * 8;
    v128.store(a + o, sigmoidOfNeg(v128.xor(v128.load(z + o), neg)));
  }
  if (i < n) {
    const o = <usize>i * 8;
    store<f64>(a + o, f64x2.extract_lane(sigmoidOfNeg(f64x2.splat(-load<f64>(z + o))), 0));
  }
}

/** tanh(u) for u = (2/3)·z, lane by lane: its sign put back on tanhMagnitude(2|u|). */
@inline function tanhOfLecun(z: v128): v128 {
  const u = f64x2.mul(f64x2.splat(2.0 / 3.0), z);
  const m = tanhMagnitude(f64x2.mul(f64x2.splat(2.0), f64x2.abs(u)));
  return v128.or(m, v128.and(u, f64x2.splat(-0.0)));
}

/**
 * t = tanh(u) = sign(u)·(1 − 2/(exp(2|u|) + 1)) for u = (2/3)·z; a = 1.7159·t.  z, a, t: (n); t may be 0.
 * Four pairs per iteration, all computed before any store, as sigmoid() (about twice as fast as one).
 */
export function lecun(z: usize, a: usize, t: usize, n: i32): void {
  const amp = f64x2.splat(1.7159);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i * 8;
    const t0 = tanhOfLecun(v128.load(z + o)), t1 = tanhOfLecun(v128.load(z + o, 16));
    const t2 = tanhOfLecun(v128.load(z + o, 32)), t3 = tanhOfLecun(v128.load(z + o, 48));
    if (t) { v128.store(t + o, t0); v128.store(t + o, t1, 16); v128.store(t + o, t2, 32); v128.store(t + o, t3, 48); }
    v128.store(a + o, f64x2.mul(amp, t0)); v128.store(a + o, f64x2.mul(amp, t1), 16);
    v128.store(a + o, f64x2.mul(amp, t2), 32); v128.store(a + o, f64x2.mul(amp, t3), 48);
  }
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i * 8;
    const ti = tanhOfLecun(v128.load(z + o));
    if (t) v128.store(t + o, ti);
    v128.store(a + o, f64x2.mul(amp, ti));
  }
  if (i < n) {
    const o = <usize>i * 8;
    const ti = tanhOfLecun(f64x2.splat(load<f64>(z + o)));
    if (t) store<f64>(t + o, f64x2.extract_lane(ti, 0));
    store<f64>(a + o, f64x2.extract_lane(f64x2.mul(amp, ti), 0));
  }
}

/** a = z > 0 ? z : +0 (NaN gives 0).  z, a: (n) */
export function relu(z: usize, a: usize, n: i32): void {
  const zero = f64x2.splat(0);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i * 8;
    const zi = v128.load(z + o);
    v128.store(a + o, v128.and(zi, f64x2.gt(zi, zero)));
  }
  if (i < n) {
    const zi = load<f64>(z + <usize>i * 8);
    store<f64>(a + <usize>i * 8, zi > 0 ? zi : 0);
  }
}

// ---- slopes: d ← d·f′(z), from what the forward pass kept (a, t = tanh(2z/3), or z).

/** d ← d·(a·(1 − a)), the sigmoid's slope.  a, d: (n) */
export function sigmoidSlope(a: usize, d: usize, n: i32): void {
  const one = f64x2.splat(1.0);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i * 8;
    const ai = v128.load(a + o);
    v128.store(d + o, f64x2.mul(v128.load(d + o), f64x2.mul(ai, f64x2.sub(one, ai))));
  }
  if (i < n) {
    const o = <usize>i * 8;
    const ai = load<f64>(a + o);
    store<f64>(d + o, load<f64>(d + o) * (ai * (1 - ai)));
  }
}

/** d ← d·((1.7159·(2/3))·(1 − t²)), the improved sigmoid's slope.  t, d: (n) */
export function lecunSlope(t: usize, d: usize, n: i32): void {
  const ab: f64 = 1.7159 * (2.0 / 3.0);
  const one = f64x2.splat(1.0), c = f64x2.splat(ab);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i * 8;
    const ti = v128.load(t + o);
    v128.store(d + o, f64x2.mul(v128.load(d + o), f64x2.mul(c, f64x2.sub(one, f64x2.mul(ti, ti)))));
  }
  if (i < n) {
    const o = <usize>i * 8;
    const ti = load<f64>(t + o);
    store<f64>(d + o, load<f64>(d + o) * (ab * (1 - ti * ti)));
  }
}

/** d ← z > 0 ? d : +0, ReLU's slope.  z, d: (n) */
export function reluSlope(z: usize, d: usize, n: i32): void {
  const zero = f64x2.splat(0);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i * 8;
    v128.store(d + o, v128.and(v128.load(d + o), f64x2.gt(v128.load(z + o), zero)));
  }
  if (i < n) {
    const o = <usize>i * 8;
    if (!(load<f64>(z + o) > 0)) store<f64>(d + o, 0);
  }
}

// ---- the first layer's gradient step, column by column

/**
 * The selected rows of X grouped by column, rows in order (a counting sort): column c has cnt[c]
 * entries, their rows (0 … count−1) at rows[c·cap …] and values at vals[c·cap …].
 * X: (·, k) sparse -> cnt: (k) i32, rows: (k·cap) i32, vals: (k·cap) f64; cap ≥ count
 */
export function sparseColumns(
  start: usize, col: usize, val: usize, k: i32, idx: usize, from: i32, count: i32,
  cap: i32, cnt: usize, rows: usize, vals: usize,
): void {
  memory.fill(cnt, 0, <usize>k * 4);
  for (let r = 0; r < count; r++) {
    const row = rowOf(idx, from, r);
    const e0 = load<i32>(start + <usize>row * 4), e1 = load<i32>(start + <usize>(row + 1) * 4);
    let vp = val + <usize>e0 * 8;
    const c1p = col + <usize>e1 * 4;
    for (let cp = col + <usize>e0 * 4; cp < c1p; cp += 4) {
      const c = load<i32>(cp);
      const q = cnt + <usize>c * 4;
      const i = load<i32>(q);
      store<i32>(q, i + 1);
      const at = <usize>(c * cap + i);
      store<i32>(rows + at * 4, r);
      store<f64>(vals + at * 8, load<f64>(vp));
      vp += 8;
    }
  }
}

/** One f64x2 of the update: w ← w − l·g, or with momentum v ← g + c·v; w ← w − l·v. */
@inline function update2(wq: usize, vq: usize, g: v128, l: v128, c: v128): void {
  if (vq) {
    const vi = f64x2.add(g, f64x2.mul(c, v128.load(vq)));
    v128.store(vq, vi);
    v128.store(wq, f64x2.sub(v128.load(wq), f64x2.mul(l, vi)));
  } else {
    v128.store(wq, f64x2.sub(v128.load(wq), f64x2.mul(l, g)));
  }
}

/**
 * The first layer's update without storing its gradient. G = X_selᵀ·d = base ⊗ (1ᵀd) + S_selᵀ·d,
 * each G[p, j] summed as sparseMatmulAtB sums it (the base term, then the rows in order), then
 * w ← w − lr·G (v = 0: plain SGD) or v ← G + γ·v; w ← w − lr·v, as sgd/sgdMomentum do.
 * X_sel by column (sparseColumns), d: (count, n), w, v: (k, n); colsum: (n) scratch
 */
export function sparseGradientStep(
  base: usize, k: i32, cap: i32, cnt: usize, rows: usize, vals: usize, count: i32,
  d: usize, n: i32, colsum: usize, w: usize, v: usize, lr: f64, gamma: f64,
): void {
  const rowBytes = <usize>n * 8;
  columnSums(d, count, n, colsum);
  const l = f64x2.splat(lr), c = f64x2.splat(gamma);
  let j = 0;
  for (; j + 16 <= n; j += 16) {
    const cs = colsum + <usize>j * 8, dj = d + <usize>j * 8;
    for (let p = 0; p < k; p++) {
      const b = v128.load64_splat(base + <usize>p * 8);
      let g0 = f64x2.mul(b, v128.load(cs)), g1 = f64x2.mul(b, v128.load(cs, 16));
      let g2 = f64x2.mul(b, v128.load(cs, 32)), g3 = f64x2.mul(b, v128.load(cs, 48));
      let g4 = f64x2.mul(b, v128.load(cs, 64)), g5 = f64x2.mul(b, v128.load(cs, 80));
      let g6 = f64x2.mul(b, v128.load(cs, 96)), g7 = f64x2.mul(b, v128.load(cs, 112));
      const at = <usize>(p * cap);
      let rp = rows + at * 4, vp = vals + at * 8;
      const rEnd = rp + <usize>load<i32>(cnt + <usize>p * 4) * 4;
      for (; rp < rEnd; rp += 4) {
        const s = v128.load64_splat(vp);
        const q = dj + <usize>load<i32>(rp) * rowBytes;
        g0 = f64x2.add(g0, f64x2.mul(s, v128.load(q))); g1 = f64x2.add(g1, f64x2.mul(s, v128.load(q, 16)));
        g2 = f64x2.add(g2, f64x2.mul(s, v128.load(q, 32))); g3 = f64x2.add(g3, f64x2.mul(s, v128.load(q, 48)));
        g4 = f64x2.add(g4, f64x2.mul(s, v128.load(q, 64))); g5 = f64x2.add(g5, f64x2.mul(s, v128.load(q, 80)));
        g6 = f64x2.add(g6, f64x2.mul(s, v128.load(q, 96))); g7 = f64x2.add(g7, f64x2.mul(s, v128.load(q, 112)));
        vp += 8;
      }
      const off = <usize>p * rowBytes + <usize>j * 8;
      const wq = w + off, vq = v ? v + off : 0;
      update2(wq, vq, g0, l, c); update2(wq + 16, vq ? vq + 16 : 0, g1, l, c);
      update2(wq + 32, vq ? vq + 32 : 0, g2, l, c); update2(wq + 48, vq ? vq + 48 : 0, g3, l, c);
      update2(wq + 64, vq ? vq + 64 : 0, g4, l, c); update2(wq + 80, vq ? vq + 80 : 0, g5, l, c);
      update2(wq + 96, vq ? vq + 96 : 0, g6, l, c); update2(wq + 112, vq ? vq + 112 : 0, g7, l, c);
    }
  }
  for (; j + 2 <= n; j += 2) {
    const cs = colsum + <usize>j * 8, dj = d + <usize>j * 8;
    for (let p = 0; p < k; p++) {
      let g0 = f64x2.mul(v128.load64_splat(base + <usize>p * 8), v128.load(cs));
      const at = <usize>(p * cap);
      let rp = rows + at * 4, vp = vals + at * 8;
      const rEnd = rp + <usize>load<i32>(cnt + <usize>p * 4) * 4;
      for (; rp < rEnd; rp += 4) {
        g0 = f64x2.add(g0, f64x2.mul(v128.load64_splat(vp), v128.load(dj + <usize>load<i32>(rp) * rowBytes)));
        vp += 8;
      }
      const off = <usize>p * rowBytes + <usize>j * 8;
      update2(w + off, v ? v + off : 0, g0, l, c);
    }
  }
  if (j < n) {
    const dj = d + <usize>j * 8;
    const cs = load<f64>(colsum + <usize>j * 8);
    for (let p = 0; p < k; p++) {
      let g = load<f64>(base + <usize>p * 8) * cs;
      const at = <usize>(p * cap);
      let rp = rows + at * 4, vp = vals + at * 8;
      const rEnd = rp + <usize>load<i32>(cnt + <usize>p * 4) * 4;
      for (; rp < rEnd; rp += 4) {
        g += load<f64>(vp) * load<f64>(dj + <usize>load<i32>(rp) * rowBytes);
        vp += 8;
      }
      const wq = w + <usize>p * rowBytes + <usize>j * 8;
      if (v) {
        const vq = v + <usize>p * rowBytes + <usize>j * 8;
        const vi = g + gamma * load<f64>(vq);
        store<f64>(vq, vi);
        store<f64>(wq, load<f64>(wq) - lr * vi);
      } else {
        store<f64>(wq, load<f64>(wq) - lr * g);
      }
    }
  }
}
