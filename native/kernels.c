/* The float64 kernels in C, compiled for the machine that runs them (src/mlp/native.ts: -O3
 * -march=native -ffp-contract=off -fno-trapping-math, no -ffast-math): what asm/kernels.ts computes, with vectors as
 * wide as the processor has (eight lanes with AVX-512, against WebAssembly's two). The bits are
 * the same: every output element is summed in the same order from the same start, every
 * multiply and add rounded on its own (never fused, never reassociated), and the activations do
 * the same operations as the WebAssembly's lane by lane. test/mlp/native.test.ts compares the two
 * bit for bit, kernel by kernel and over whole runs.
 *
 * Vectors are GCC's vector extension (v8: eight doubles, lowered to whatever the target has);
 * loops over columns keep a block of an output row in registers while the sum runs. */
#include "kernels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef double v8 __attribute__((vector_size(64), aligned(8)));
#define V(p) (*(v8 *)(p))

/* Columns j … of an output row in blocks held in registers: 64 at a time, then the rest of the
 * whole vectors in one block (one pass over the sum's terms instead of one per vector). */
#define BLOCKS(BLOCK)                                                                              \
  for (; j + 64 <= n; j += 64) BLOCK(8);                                                           \
  switch ((n - j) / 8) {                                                                           \
    case 7: BLOCK(7); j += 56; break;                                                              \
    case 6: BLOCK(6); j += 48; break;                                                              \
    case 5: BLOCK(5); j += 40; break;                                                              \
    case 4: BLOCK(4); j += 32; break;                                                              \
    case 3: BLOCK(3); j += 24; break;                                                              \
    case 2: BLOCK(2); j += 16; break;                                                              \
    case 1: BLOCK(1); j += 8; break;                                                               \
    default: break;                                                                                \
  }

/* ---- dense products ---------------------------------------------------------------------- */

/* Columns j … j + 8·W − 1 of rows a0, a1 (a1 may be a0 when there is one row): c = Σ_p x·bb[p],
 * p in order from 0, bb's rows bs apart; c0 stored into o0 (and c1 into o1 when two). */
#define GEMM_SUMS(W)                                                                               \
  v8 c0[W], c1[W];                                                                                 \
  for (int q = 0; q < W; q++) c0[q] = c1[q] = (v8){0};                                            \
  for (long p = 0; p < k; p++) {                                                                   \
    const double x0 = a0[p * ps], x1 = a1[p * ps];                                                 \
    const double *bp = bb + p * bs;                                                                \
    for (int q = 0; q < W; q++) {                                                                  \
      const v8 bv = V(bp + 8 * q);                                                                 \
      c0[q] = c0[q] + x0 * bv;                                                                     \
      c1[q] = c1[q] + x1 * bv;                                                                     \
    }                                                                                              \
  }

#define GEMM_BLOCK(W)                                                                              \
  do {                                                                                             \
    const double *bb = b + j;                                                                      \
    const long bs = n;                                                                             \
    GEMM_SUMS(W)                                                                                   \
    for (int q = 0; q < W; q++) {                                                                  \
      V(o0 + j + 8 * q) = c0[q];                                                                   \
      if (two) V(o1 + j + 8 * q) = c1[q];                                                          \
    }                                                                                              \
  } while (0)

/* The last n mod 8 columns: b's columns copied into eight-wide rows (the rest zero), the same sums
 * for those columns, only they stored. */
#define GEMM_TAIL()                                                                                \
  do {                                                                                             \
    const double *bb = tail;                                                                       \
    const long bs = 8;                                                                             \
    GEMM_SUMS(1)                                                                                   \
    for (int q = 0; q < n - j; q++) {                                                              \
      o0[j + q] = c0[0][q];                                                                        \
      if (two) o1[j + q] = c1[0][q];                                                               \
    }                                                                                              \
  } while (0)

/* gemm() with list: row by row over only the p where the row is non-zero (ReLU's zeros, about
 * half): the same bits when b is finite (a sum that starts at +0 is never −0, and adding 0·b = ±0
 * changes nothing). One row at a time skips every zero; a pair would skip only their common ones. */
#define SKIP_BLOCK(W)                                                                              \
  do {                                                                                             \
    v8 c[W];                                                                                       \
    for (int q = 0; q < W; q++) c[q] = (v8){0};                                                   \
    for (const int32_t *lp = list; lp < end; lp++) {                                               \
      const long p = *lp;                                                                          \
      const double x = a0[p * ps];                                                                 \
      const double *bp = b + p * n + j;                                                            \
      for (int q = 0; q < W; q++) c[q] = c[q] + x * V(bp + 8 * q);                                 \
    }                                                                                              \
    for (int q = 0; q < W; q++) V(o0 + j + 8 * q) = c[q];                                          \
  } while (0)

static void gemmSkipZeros(const double *a, long rs, long ps, const double *b, double *out, int m, int k, int n, int32_t *list) {
  for (int i = 0; i < m; i++) {
    const double *a0 = a + i * rs;
    double *o0 = out + (long)i * n;
    int32_t *end = list;
    for (int p = 0; p < k; p++) {
      *end = p;
      end += a0[p * ps] != 0;
    }
    int j = 0;
    BLOCKS(SKIP_BLOCK)
    for (; j < n; j++) {
      double s = 0;
      for (const int32_t *lp = list; lp < end; lp++) s += a0[*lp * ps] * b[*lp * n + j];
      o0[j] = s;
    }
  }
}

/* out[i, j] = Σ_p a[i·rs + p·ps]·b[p, j], p in order from +0.  b: (k, n) -> out: (m, n)
 * Two rows at a time share each loaded vector of b. */
static void gemm(const double *a, long rs, long ps, const double *b, double *out, int m, int k, int n) {
  const int full = n & ~7, rest = n - full;
  /* The tail's copy of b: on the stack while it is small (64 KB), else summed column by column. */
  const int padded = rest > 0 && k > 0 && k <= 1024;
  double tail[padded ? (long)k * 8 : 1];
  if (padded)
    for (long p = 0; p < k; p++)
      for (int q = 0; q < 8; q++) tail[p * 8 + q] = q < rest ? b[p * n + full + q] : 0.0;
  for (int i = 0; i < m; i += 2) {
    const int two = i + 1 < m;
    const double *a0 = a + i * rs, *a1 = two ? a0 + rs : a0;
    double *o0 = out + (long)i * n, *o1 = o0 + n;
    int j = 0;
    BLOCKS(GEMM_BLOCK)
    if (padded) {
      GEMM_TAIL();
      continue;
    }
    for (; j < n; j++) {
      double s0 = 0, s1 = 0;
      for (long p = 0; p < k; p++) {
        const double bv = b[p * n + j];
        s0 += a0[p * ps] * bv;
        s1 += a1[p * ps] * bv;
      }
      o0[j] = s0;
      if (two) o1[j] = s1;
    }
  }
}

/* True when every x: (n) is finite (exponent bits not all ones); an order-free test, unlike a sum. */
static int allFinite(const double *x, long n) {
  uint64_t bad = 0;
  for (long i = 0; i < n; i++) {
    uint64_t u;
    memcpy(&u, x + i, 8);
    bad |= (~u & 0x7ff0000000000000ull) == 0;
  }
  return !bad;
}

void k_matmul(const double *a, const double *b, double *out, int m, int k, int n, int32_t *list) {
  if (list && allFinite(b, (long)k * n)) gemmSkipZeros(a, k, 1, b, out, m, k, n, list);
  else gemm(a, k, 1, b, out, m, k, n);
}

void k_matmulAtB(const double *a, const double *b, double *out, int k, int m, int n, int32_t *list) {
  if (list && allFinite(b, (long)k * n)) gemmSkipZeros(a, 1, m, b, out, m, k, n, list);
  else gemm(a, 1, m, b, out, m, k, n);
}

void k_matmulABt(const double *a, const double *b, double *out, int m, int k, int n, double *scratch, int32_t *list) {
  for (int j = 0; j < n; j++)
    for (int p = 0; p < k; p++) scratch[(long)p * n + j] = b[(long)j * k + p];
  k_matmul(a, scratch, out, m, k, n, list);
}

void k_addOuter(const double *base, const double *d, const double *w, double *out, int m, int n) {
  for (int i = 0; i < m; i++) {
    const double di = d[i];
    const double *bi = base + (long)i * n;
    double *oi = out + (long)i * n;
    for (int j = 0; j < n; j++) oi[j] = bi[j] + di * w[j];
  }
}

void k_sgd(double *w, const double *g, int n, double lr) {
  for (int i = 0; i < n; i++) w[i] = w[i] - lr * g[i];
}

void k_sgdMomentum(double *w, const double *g, double *v, int n, double lr, double gamma) {
  for (int i = 0; i < n; i++) {
    const double vi = g[i] + gamma * v[i];
    v[i] = vi;
    w[i] = w[i] - lr * vi;
  }
}

/* ---- the sparse first layer ---------------------------------------------------------------- */

static inline int rowOf(const int32_t *idx, int from, int r) { return idx ? idx[from + r] : from + r; }

void k_baseTimes(const double *base, int k, const double *w, int n, double *cw) {
  for (int j = 0; j < n; j++) cw[j] = 0;
  /* cw[j] += base[p]·w[p, j] for p in order: each cw[j] a sum from +0 in p order. */
  for (long p = 0; p < k; p++) {
    const double s = base[p];
    const double *wp = w + p * n;
    for (int j = 0; j < n; j++) cw[j] = cw[j] + s * wp[j];
  }
}

/* Columns j … j + 8·W − 1 of an output row: c = cw + Σ_e val[e]·w[col[e]], entries in order. */
#define SPARSE_BLOCK(W)                                                                            \
  do {                                                                                             \
    v8 c[W];                                                                                       \
    for (int q = 0; q < W; q++) c[q] = V(cw + j + 8 * q);                                          \
    for (int e = e0; e < e1; e++) {                                                                \
      const double s = val[e];                                                                     \
      const double *wp = w + (long)col[e] * n + j;                                                 \
      for (int q = 0; q < W; q++) c[q] = c[q] + s * V(wp + 8 * q);                                 \
    }                                                                                              \
    for (int q = 0; q < W; q++) V(o + j + 8 * q) = c[q];                                           \
  } while (0)

void k_sparseMatmul(const double *base, const int32_t *start, const int32_t *col, const double *val, int k,
                    const int32_t *idx, int from, int count, const double *w, int n, double *cw, double *out, int haveCw) {
  if (!haveCw) k_baseTimes(base, k, w, n, cw);
  for (int r = 0; r < count; r++) {
    const int row = rowOf(idx, from, r);
    double *o = out + (long)r * n;
    const int e0 = start[row], e1 = start[row + 1];
    int j = 0;
    BLOCKS(SPARSE_BLOCK)
    for (; j < n; j++) {
      double s = cw[j];
      for (int e = e0; e < e1; e++) s += val[e] * w[(long)col[e] * n + j];
      o[j] = s;
    }
  }
}

/* The screen's first layer: out[r, j] = cw[j] + t[j]·Q[r, j], Q an exact integer sum of p·q over
 * the row's pixel pairs (asm/kernels.ts's layout of wq and pk). Integer sums in any order are the
 * same; they wrap as WebAssembly's i32 lanes do (screen.ts proves they never need to). With
 * AVX-512 or AVX2 one madd multiplies two pixels into sixteen or eight columns. */
#if defined(__AVX512BW__)
#include <immintrin.h>
typedef __m512i qv;
#define Q_COLS 16
#define Q_ZERO() _mm512_setzero_si512()
#define Q_SPLAT(x) _mm512_set1_epi32(x)
#define Q_MADD_ADD(acc, wp, b) _mm512_add_epi32(acc, _mm512_madd_epi16(_mm512_loadu_si512((const void *)(wp)), b))
#define Q_STORE(p, acc) _mm512_storeu_si512((void *)(p), acc)
#elif defined(__AVX2__)
#include <immintrin.h>
typedef __m256i qv;
#define Q_COLS 8
#define Q_ZERO() _mm256_setzero_si256()
#define Q_SPLAT(x) _mm256_set1_epi32(x)
#define Q_MADD_ADD(acc, wp, b) _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)(wp)), b))
#define Q_STORE(p, acc) _mm256_storeu_si256((__m256i *)(p), acc)
#endif

#ifdef Q_COLS
/* Columns j … j + Q_COLS·W − 1 of a row's integer sums into acc. */
#define Q_BLOCK(W)                                                                                 \
  do {                                                                                             \
    qv c[W];                                                                                       \
    for (int q = 0; q < W; q++) c[q] = Q_ZERO();                                                   \
    for (int e = e0; e < e1; e++) {                                                                \
      const qv b = Q_SPLAT(pk[e]);                                                                 \
      const int16_t *wp = wq + (long)slot[e] * groups * 8 + 2 * j;                                 \
      for (int q = 0; q < W; q++) c[q] = Q_MADD_ADD(c[q], wp + 2 * Q_COLS * q, b);                 \
    }                                                                                              \
    for (int q = 0; q < W; q++) Q_STORE(acc + j + Q_COLS * q, c[q]);                               \
  } while (0)
#endif

#if defined(__AVX512BW__)
/* The last columns, fewer than 8·16, in one pass: every vector of the block loaded through a mask
 * (the last one partial: no read past a slot's weights), the sums stored through masks. */
#define Q_TAIL(W)                                                                                  \
  do {                                                                                             \
    __m512i c[W];                                                                                  \
    __mmask32 lm[W];                                                                               \
    __mmask16 sm[W];                                                                               \
    for (int q = 0; q < W; q++) {                                                                  \
      const int v = cols - j - 16 * q < 16 ? cols - j - 16 * q : 16;                               \
      lm[q] = v == 16 ? 0xffffffffu : (1u << (2 * v)) - 1;                                         \
      sm[q] = (__mmask16)((1u << v) - 1);                                                          \
      c[q] = _mm512_setzero_si512();                                                               \
    }                                                                                              \
    for (int e = e0; e < e1; e++) {                                                                \
      const __m512i b = _mm512_set1_epi32(pk[e]);                                                  \
      const int16_t *wp = wq + (long)slot[e] * groups * 8 + 2 * j;                                 \
      for (int q = 0; q < W; q++)                                                                  \
        c[q] = _mm512_add_epi32(c[q], _mm512_madd_epi16(_mm512_maskz_loadu_epi16(lm[q], wp + 32 * q), b)); \
    }                                                                                              \
    for (int q = 0; q < W; q++) _mm512_mask_storeu_epi32(acc + j + 16 * q, sm[q], c[q]);           \
    j = cols;                                                                                      \
  } while (0)
#endif

void k_quantizedFirstLayer(const int32_t *start, const int32_t *slot, const int32_t *pk, int from, int count,
                           const int16_t *wq, int groups, int n, const double *cw, const double *t, double *out) {
  const int cols = groups * 4;
  /* The row's integer sums: on the stack up to 4096 columns (16 KB), else on the heap. */
  int32_t small[4096];
  int32_t *acc = cols <= 4096 ? small : malloc((size_t)cols * sizeof *acc);
  if (!acc) abort();
  for (int r = 0; r < count; r++) {
    const int row = from + r;
    const int e0 = start[row], e1 = start[row + 1];
    int j = 0;
#if defined(__AVX512BW__)
    for (; j + 128 <= cols; j += 128) Q_BLOCK(8);
    switch ((cols - j + 15) / 16) {
      case 8: Q_TAIL(8); break;
      case 7: Q_TAIL(7); break;
      case 6: Q_TAIL(6); break;
      case 5: Q_TAIL(5); break;
      case 4: Q_TAIL(4); break;
      case 3: Q_TAIL(3); break;
      case 2: Q_TAIL(2); break;
      case 1: Q_TAIL(1); break;
      default: break;
    }
#elif defined(Q_COLS)
    for (; j + 8 * Q_COLS <= cols; j += 8 * Q_COLS) Q_BLOCK(8);
    for (; j + 4 * Q_COLS <= cols; j += 4 * Q_COLS) Q_BLOCK(4);
    for (; j + Q_COLS <= cols; j += Q_COLS) Q_BLOCK(1);
#endif
    for (; j < cols; j++) {
      uint32_t s = 0;
      for (int e = e0; e < e1; e++) {
        const uint32_t both = (uint32_t)pk[e];
        const int16_t *wp = wq + (long)slot[e] * groups * 8 + 2 * j;
        s += (uint32_t)((int32_t)wp[0] * (int16_t)(both & 0xffff)) + (uint32_t)((int32_t)wp[1] * (int16_t)(both >> 16));
      }
      acc[j] = (int32_t)s;
    }
    double *o = out + (long)r * n;
    for (int i = 0; i < n; i++) o[i] = cw[i] + t[i] * (double)acc[i];
  }
  if (acc != small) free(acc);
}

/* colsum = 1ᵀd, each column summed over the rows in order.  d: (count, n) -> colsum: (n) */
static void columnSums(const double *d, int count, int n, double *colsum) {
  for (int j = 0; j < n; j++) colsum[j] = 0;
  for (int r = 0; r < count; r++) {
    const double *dr = d + (long)r * n;
    for (int j = 0; j < n; j++) colsum[j] = colsum[j] + dr[j];
  }
}

void k_sparseMatmulAtB(const double *base, const int32_t *start, const int32_t *col, const double *val, int k,
                       const int32_t *idx, int from, int count, const double *d, int n, double *colsum, double *out) {
  columnSums(d, count, n, colsum);
  for (long p = 0; p < k; p++) {
    const double s = base[p];
    double *op = out + p * n;
    for (int j = 0; j < n; j++) op[j] = s * colsum[j];
  }
  for (int r = 0; r < count; r++) {
    const int row = rowOf(idx, from, r);
    const double *dr = d + (long)r * n;
    for (int e = start[row]; e < start[row + 1]; e++) {
      const double s = val[e];
      double *op = out + (long)col[e] * n;
      for (int j = 0; j < n; j++) op[j] = op[j] + s * dr[j];
    }
  }
}

void k_sparseColumns(const int32_t *start, const int32_t *col, const double *val, int k, const int32_t *idx, int from,
                     int count, int cap, int32_t *cnt, int32_t *rows, double *vals) {
  memset(cnt, 0, (size_t)k * 4);
  for (int r = 0; r < count; r++) {
    const int row = rowOf(idx, from, r);
    for (int e = start[row]; e < start[row + 1]; e++) {
      const int c = col[e];
      const long at = (long)c * cap + cnt[c]++;
      rows[at] = r;
      vals[at] = val[e];
    }
  }
}

/* Columns j … j + 8·W − 1 of row p of the first layer's gradient, summed as sparseMatmulAtB sums
 * it (the base term, then the rows in order), then the update of w (and v). */
#define STEP_BLOCK(W)                                                                              \
  do {                                                                                             \
    v8 g[W];                                                                                       \
    for (int q = 0; q < W; q++) g[q] = bp * V(colsum + j + 8 * q);                                 \
    for (int e = 0; e < m; e++) {                                                                  \
      const double s = pv[e];                                                                      \
      const double *dq = d + (long)pr[e] * n + j;                                                  \
      for (int q = 0; q < W; q++) g[q] = g[q] + s * V(dq + 8 * q);                                 \
    }                                                                                              \
    double *wq = w + p * n + j;                                                                    \
    if (v) {                                                                                       \
      double *vq = v + p * n + j;                                                                  \
      for (int q = 0; q < W; q++) {                                                                \
        const v8 vi = g[q] + gamma * V(vq + 8 * q);                                                \
        V(vq + 8 * q) = vi;                                                                        \
        V(wq + 8 * q) = V(wq + 8 * q) - lr * vi;                                                   \
      }                                                                                            \
    } else {                                                                                       \
      for (int q = 0; q < W; q++) V(wq + 8 * q) = V(wq + 8 * q) - lr * g[q];                       \
    }                                                                                              \
  } while (0)

void k_sparseGradientStep(const double *base, int k, int cap, const int32_t *cnt, const int32_t *rows, const double *vals,
                          int count, const double *d, int n, double *colsum, double *w, double *v, double lr, double gamma) {
  columnSums(d, count, n, colsum);
  for (long p = 0; p < k; p++) {
    const double bp = base[p];
    const int32_t *pr = rows + p * cap;
    const double *pv = vals + p * cap;
    const int m = cnt[p];
    int j = 0;
    BLOCKS(STEP_BLOCK)
    for (; j < n; j++) {
      double g = bp * colsum[j];
      for (int e = 0; e < m; e++) g += pv[e] * d[(long)pr[e] * n + j];
      double *wq = w + p * n + j;
      if (v) {
        double *vq = v + p * n + j;
        const double vi = g + gamma * *vq;
        *vq = vi;
        *wq = *wq - lr * vi;
      } else {
        *wq = *wq - lr * g;
      }
    }
  }
}

/* ---- activations: asm/kernels.ts's exp and its callers, the same operations lane by lane -------- */

static const double LN2_HI = 6.93147180369123816490e-01;
static const double LN2_LO = 1.90821492927058770002e-10;
static const double INV_LN2 = 1.44269504088896338700e+00;
static const double P1 = 1.66666666666666019037e-01;
static const double P2 = -2.77777777770155933842e-03;
static const double P3 = 6.61375632143793436117e-05;
static const double P4 = -1.65339022054652515390e-06;
static const double P5 = 4.13813679705723846039e-08;
static const double EXP_MAX = 709.782712893383973096;
static const double EXP_MIN = -708.39641853226410622;
static const double BIAS = 4503599627371519.0;

static inline uint64_t bitsOf(double x) {
  uint64_t u;
  memcpy(&u, &x, 8);
  return u;
}
static inline double ofBits(uint64_t u) {
  double x;
  memcpy(&x, &u, 8);
  return x;
}
static const uint64_t SIGN = 0x8000000000000000ull;

/* WebAssembly's pmax(x, y) and pmin(x, y): y < x ? x : y and y < x ? y : x (NaN x stays x). */
static inline double pmax(double x, double y) { return x < y ? y : x; }
static inline double pmin(double x, double y) { return y < x ? y : x; }

/* expv of asm/kernels.ts for x ≥ −708 (or NaN); small: 0 ≤ x ≤ 709 too. */
static inline double expv(double x, int small) {
  const double half = small ? 0.5 : ofBits(bitsOf(0.5) | (bitsOf(x) & SIGN));
  const double k = trunc(x * INV_LN2 + half);
  const double hi = x - k * LN2_HI;
  const double lo = k * LN2_LO;
  const double r = hi - lo;
  const double t = r * r;
  double p = P4 + t * P5;
  p = P3 + t * p;
  p = P2 + t * p;
  p = P1 + t * p;
  const double c = r - t * p;
  const double q = (r * c) / (2.0 - c);
  const double y = 1.0 - ((lo - q) - hi);
  const double scale = ofBits(bitsOf(k + BIAS) << 52);
  const double e = y * scale;
  return small ? e : (x > EXP_MAX ? INFINITY : e);
}

static inline double expNonPositive(double x) {
  const double e = expv(pmax(x, EXP_MIN), 0);
  return x < EXP_MIN ? 0.0 : e;
}

void k_softmaxParts(const double *z, int rows, int c, double *e, double *sm) {
  for (int r = 0; r < rows; r++) {
    const double *zr = z + (long)r * c;
    double *er = e + (long)r * c;
    double m = zr[0];
    for (int k = 1; k < c; k++)
      if (zr[k] > m) m = zr[k];
    for (int k = 0; k < c; k++) er[k] = expNonPositive(zr[k] - m);
    double s = 0;
    for (int k = 0; k < c; k++) s += er[k];
    sm[2 * r] = s;
    sm[2 * r + 1] = m;
  }
}

void k_sigmoid(const double *z, double *a, int n) {
  for (int i = 0; i < n; i++) a[i] = 1.0 / (1.0 + expv(pmax(-z[i], -708.0), 0));
}

static inline double tanhOfLecun(double z) {
  const double u = (2.0 / 3.0) * z;
  const double m = 1.0 - 2.0 / (expv(pmin(2.0 * fabs(u), 40.0), 1) + 1.0);
  return ofBits(bitsOf(m) | (bitsOf(u) & SIGN));
}

void k_lecun(const double *z, double *a, double *t, int n) {
  if (t) {
    for (int i = 0; i < n; i++) {
      const double ti = tanhOfLecun(z[i]);
      t[i] = ti;
      a[i] = 1.7159 * ti;
    }
  } else {
    for (int i = 0; i < n; i++) a[i] = 1.7159 * tanhOfLecun(z[i]);
  }
}

void k_relu(const double *z, double *a, int n) {
  for (int i = 0; i < n; i++) a[i] = z[i] > 0 ? z[i] : 0.0;
}

void k_sigmoidSlope(const double *a, double *d, int n) {
  for (int i = 0; i < n; i++) d[i] = d[i] * (a[i] * (1.0 - a[i]));
}

void k_lecunSlope(const double *t, double *d, int n) {
  const double ab = 1.7159 * (2.0 / 3.0);
  for (int i = 0; i < n; i++) d[i] = d[i] * (ab * (1.0 - t[i] * t[i]));
}

void k_reluSlope(const double *z, double *d, int n) {
  for (int i = 0; i < n; i++) d[i] = z[i] > 0 ? d[i] : 0.0;
}
