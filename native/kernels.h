/* The float64 kernels in C (kernels.c), the same operations as asm/kernels.ts's WebAssembly:
 * pointers into the arena instead of byte addresses; 0/NULL where those take 0 for "none". */
#ifndef MLP_KERNELS_H
#define MLP_KERNELS_H
#include <stdint.h>

void k_matmul(const double *a, const double *b, double *out, int m, int k, int n, int32_t *list);
void k_matmulAtB(const double *a, const double *b, double *out, int k, int m, int n, int32_t *list);
void k_matmulABt(const double *a, const double *b, double *out, int m, int k, int n, double *scratch, int32_t *list);
void k_addOuter(const double *base, const double *d, const double *w, double *out, int m, int n);
void k_sgd(double *w, const double *g, int n, double lr);
void k_sgdMomentum(double *w, const double *g, double *v, int n, double lr, double gamma);
void k_baseTimes(const double *base, int k, const double *w, int n, double *cw);
void k_sparseMatmul(const double *base, const int32_t *start, const int32_t *col, const double *val, int k,
                    const int32_t *idx, int from, int count, const double *w, int n, double *cw, double *out, int haveCw);
void k_quantizedFirstLayer(const int32_t *start, const int32_t *slot, const int32_t *pk, int from, int count,
                           const int16_t *wq, int groups, int n, const double *cw, const double *t, double *out);
void k_sparseMatmulAtB(const double *base, const int32_t *start, const int32_t *col, const double *val, int k,
                       const int32_t *idx, int from, int count, const double *d, int n, double *colsum, double *out);
void k_softmaxParts(const double *z, int rows, int c, double *e, double *sm);
void k_sigmoid(const double *z, double *a, int n);
void k_lecun(const double *z, double *a, double *t, int n);
void k_relu(const double *z, double *a, int n);
void k_sigmoidSlope(const double *a, double *d, int n);
void k_lecunSlope(const double *t, double *d, int n);
void k_reluSlope(const double *z, double *d, int n);
void k_sparseColumns(const int32_t *start, const int32_t *col, const double *val, int k, const int32_t *idx, int from,
                     int count, int cap, int32_t *cnt, int32_t *rows, double *vals);
void k_sparseGradientStep(const double *base, int k, int cap, const int32_t *cnt, const int32_t *rows, const double *vals,
                          int count, const double *d, int n, double *colsum, double *w, double *v, double lr, double gamma);
#endif
