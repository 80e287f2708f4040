/* The Node-API face of kernels.c: the functions of src/mlp/wasm.ts's WasmKernels interface with
 * the same arguments (byte addresses in the arena, 0 for "none"), after attach(buffer) has told
 * this thread where its arena's memory is. Each worker thread loads its own instance (its own
 * instance data: its own arena). Every argument is checked before the C runs: a number, an
 * int32 where the C takes one, an address that starts inside the arena (WebAssembly would trap
 * on one outside; C would write anywhere). The arrays' extents and the indices stored in them
 * are not checked: src/mlp/kernels.ts sizes and fills them. */
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"

typedef struct {
  char *base;
  size_t length;
} Arena;

static void freeArena(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free(data);
}

static napi_value attach(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value v[1];
  void *data = NULL;
  size_t length = 0;
  if (napi_get_cb_info(env, info, &argc, v, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_arraybuffer_info(env, v[0], &data, &length) != napi_ok) {
    napi_throw_type_error(env, NULL, "attach: expected the arena's ArrayBuffer");
    return NULL;
  }
  Arena *arena = malloc(sizeof *arena);
  if (!arena) {
    napi_throw_error(env, NULL, "attach: out of memory");
    return NULL;
  }
  arena->base = data;
  arena->length = length;
  if (napi_set_instance_data(env, arena, freeArena, NULL) != napi_ok) {
    free(arena);
    napi_throw_error(env, NULL, "attach: napi_set_instance_data failed");
    return NULL;
  }
  return NULL;
}

/* The arguments of a call as `sig` says: P a byte address in the arena (0: none), I an int32, D a
 * float64. 0 (an exception pending) when one is missing or not what sig says. */
static int readArgs(napi_env env, napi_callback_info info, const char *sig, double *num, Arena **arena) {
  napi_value v[16];
  const size_t count = strlen(sig);
  size_t argc = 16;
  void *data = NULL;
  if (napi_get_cb_info(env, info, &argc, v, NULL, NULL) != napi_ok || argc < count) {
    napi_throw_type_error(env, NULL, "kernel: too few arguments");
    return 0;
  }
  if (napi_get_instance_data(env, &data) != napi_ok || !data) {
    napi_throw_error(env, NULL, "kernel: attach() the arena first");
    return 0;
  }
  *arena = data;
  for (size_t i = 0; i < count; i++) {
    if (napi_get_value_double(env, v[i], &num[i]) != napi_ok) {
      napi_throw_type_error(env, NULL, "kernel: an argument is not a number");
      return 0;
    }
    const double x = num[i];
    if (sig[i] != 'D' && !(x >= -2147483648.0 && x <= 2147483647.0 && x == (double)(int32_t)x)) {
      napi_throw_range_error(env, NULL, "kernel: an integer argument is not an int32");
      return 0;
    }
    if (sig[i] == 'P' && !(x >= 0 && x < (double)(*arena)->length)) {
      napi_throw_range_error(env, NULL, "kernel: a byte address outside the arena");
      return 0;
    }
  }
  return 1;
}

#define P(i) (num[i] != 0 ? (void *)(arena->base + (size_t)num[i]) : NULL)
#define I(i) ((int32_t)num[i])
#define D(i) (num[i])

/* A kernel's wrapper: its arguments read and checked as sig says, the C called. */
#define KERNEL(name, sig, call)                                                                    \
  static napi_value name(napi_env env, napi_callback_info info) {                                  \
    double num[16];                                                                                \
    Arena *arena = NULL;                                                                           \
    if (readArgs(env, info, sig, num, &arena)) call;                                               \
    return NULL;                                                                                   \
  }

KERNEL(matmul, "PPPIIIP", k_matmul(P(0), P(1), P(2), I(3), I(4), I(5), P(6)))
KERNEL(matmulAtB, "PPPIIIP", k_matmulAtB(P(0), P(1), P(2), I(3), I(4), I(5), P(6)))
KERNEL(matmulABt, "PPPIIIPP", k_matmulABt(P(0), P(1), P(2), I(3), I(4), I(5), P(6), P(7)))
KERNEL(addOuter, "PPPPII", k_addOuter(P(0), P(1), P(2), P(3), I(4), I(5)))
KERNEL(sgd, "PPID", k_sgd(P(0), P(1), I(2), D(3)))
KERNEL(sgdMomentum, "PPPIDD", k_sgdMomentum(P(0), P(1), P(2), I(3), D(4), D(5)))
KERNEL(baseTimes, "PIPIP", k_baseTimes(P(0), I(1), P(2), I(3), P(4)))
KERNEL(sparseMatmul, "PPPPIPIIPIPPI", k_sparseMatmul(P(0), P(1), P(2), P(3), I(4), P(5), I(6), I(7), P(8), I(9), P(10), P(11), I(12)))
KERNEL(quantizedFirstLayer, "PPPIIPIIPPP", k_quantizedFirstLayer(P(0), P(1), P(2), I(3), I(4), P(5), I(6), I(7), P(8), P(9), P(10)))
KERNEL(sparseMatmulAtB, "PPPPIPIIPIPP", k_sparseMatmulAtB(P(0), P(1), P(2), P(3), I(4), P(5), I(6), I(7), P(8), I(9), P(10), P(11)))
KERNEL(softmaxParts, "PIIPP", k_softmaxParts(P(0), I(1), I(2), P(3), P(4)))
KERNEL(sigmoid, "PPI", k_sigmoid(P(0), P(1), I(2)))
KERNEL(lecun, "PPPI", k_lecun(P(0), P(1), P(2), I(3)))
KERNEL(relu, "PPI", k_relu(P(0), P(1), I(2)))
KERNEL(sigmoidSlope, "PPI", k_sigmoidSlope(P(0), P(1), I(2)))
KERNEL(lecunSlope, "PPI", k_lecunSlope(P(0), P(1), I(2)))
KERNEL(reluSlope, "PPI", k_reluSlope(P(0), P(1), I(2)))
KERNEL(sparseColumns, "PPPIPIIIPPP", k_sparseColumns(P(0), P(1), P(2), I(3), P(4), I(5), I(6), I(7), P(8), P(9), P(10)))
KERNEL(sparseGradientStep, "PIIPPPIPIPPPDD", k_sparseGradientStep(P(0), I(1), I(2), P(3), P(4), P(5), I(6), P(7), I(8), P(9), P(10), P(11), D(12), D(13)))

#define EXPORT(name)                                                                               \
  do {                                                                                             \
    napi_value f;                                                                                  \
    if (napi_create_function(env, #name, NAPI_AUTO_LENGTH, name, NULL, &f) != napi_ok ||           \
        napi_set_named_property(env, exports, #name, f) != napi_ok)                                \
      return NULL;                                                                                 \
  } while (0)

NAPI_MODULE_INIT() {
  EXPORT(attach);
  EXPORT(matmul);
  EXPORT(matmulAtB);
  EXPORT(matmulABt);
  EXPORT(addOuter);
  EXPORT(sgd);
  EXPORT(sgdMomentum);
  EXPORT(baseTimes);
  EXPORT(sparseMatmul);
  EXPORT(quantizedFirstLayer);
  EXPORT(sparseMatmulAtB);
  EXPORT(softmaxParts);
  EXPORT(sigmoid);
  EXPORT(lecun);
  EXPORT(relu);
  EXPORT(sigmoidSlope);
  EXPORT(lecunSlope);
  EXPORT(reluSlope);
  EXPORT(sparseColumns);
  EXPORT(sparseGradientStep);
  return exports;
}
