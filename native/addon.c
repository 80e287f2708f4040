/* The Node-API face of kernels.c: the functions of src/mlp/wasm.ts's Kernels interface with the
 * same arguments (byte addresses in the arena, 0 for "none"), after attach(buffer) has told this
 * thread where its arena's memory is. Each worker thread loads its own instance (its own arena). */
#define NAPI_VERSION 8
#include <node_api.h>

#include "kernels.h"

static char *arenaOf(napi_env env) {
  void *base = NULL;
  napi_get_instance_data(env, &base);
  return (char *)base;
}

/* Up to 14 arguments: byte addresses (P), int32 (I), float64 (D). */
#define ARGS(count)                                                                                \
  size_t argc = count;                                                                             \
  napi_value v[count];                                                                             \
  if (napi_get_cb_info(env, info, &argc, v, NULL, NULL) != napi_ok || argc < count) {              \
    napi_throw_type_error(env, NULL, "kernel: expected " #count " arguments");                     \
    return NULL;                                                                                   \
  }                                                                                                \
  char *const arena = arenaOf(env);                                                                \
  if (!arena) {                                                                                    \
    napi_throw_error(env, NULL, "kernel: attach() the arena first");                              \
    return NULL;                                                                                   \
  }

static int32_t int32Of(napi_env env, napi_value x) {
  int32_t i = 0;
  napi_get_value_int32(env, x, &i);
  return i;
}
static double doubleOf(napi_env env, napi_value x) {
  double d = 0;
  napi_get_value_double(env, x, &d);
  return d;
}
static void *pointerOf(napi_env env, char *arena, napi_value x) {
  const int32_t at = int32Of(env, x);
  return at ? arena + at : NULL;
}
#define P(i) pointerOf(env, arena, v[i])
#define I(i) int32Of(env, v[i])
#define D(i) doubleOf(env, v[i])

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
  napi_set_instance_data(env, data, NULL, NULL);
  return NULL;
}

static napi_value matmul(napi_env env, napi_callback_info info) {
  ARGS(7);
  k_matmul(P(0), P(1), P(2), I(3), I(4), I(5), P(6));
  return NULL;
}
static napi_value matmulAtB(napi_env env, napi_callback_info info) {
  ARGS(7);
  k_matmulAtB(P(0), P(1), P(2), I(3), I(4), I(5), P(6));
  return NULL;
}
static napi_value matmulABt(napi_env env, napi_callback_info info) {
  ARGS(8);
  k_matmulABt(P(0), P(1), P(2), I(3), I(4), I(5), P(6), P(7));
  return NULL;
}
static napi_value addOuter(napi_env env, napi_callback_info info) {
  ARGS(6);
  k_addOuter(P(0), P(1), P(2), P(3), I(4), I(5));
  return NULL;
}
static napi_value sgd(napi_env env, napi_callback_info info) {
  ARGS(4);
  k_sgd(P(0), P(1), I(2), D(3));
  return NULL;
}
static napi_value sgdMomentum(napi_env env, napi_callback_info info) {
  ARGS(6);
  k_sgdMomentum(P(0), P(1), P(2), I(3), D(4), D(5));
  return NULL;
}
static napi_value baseTimes(napi_env env, napi_callback_info info) {
  ARGS(5);
  k_baseTimes(P(0), I(1), P(2), I(3), P(4));
  return NULL;
}
static napi_value sparseMatmul(napi_env env, napi_callback_info info) {
  ARGS(13);
  k_sparseMatmul(P(0), P(1), P(2), P(3), I(4), P(5), I(6), I(7), P(8), I(9), P(10), P(11), I(12));
  return NULL;
}
static napi_value quantizedFirstLayer(napi_env env, napi_callback_info info) {
  ARGS(11);
  k_quantizedFirstLayer(P(0), P(1), P(2), I(3), I(4), P(5), I(6), I(7), P(8), P(9), P(10));
  return NULL;
}
static napi_value sparseMatmulAtB(napi_env env, napi_callback_info info) {
  ARGS(12);
  k_sparseMatmulAtB(P(0), P(1), P(2), P(3), I(4), P(5), I(6), I(7), P(8), I(9), P(10), P(11));
  return NULL;
}
static napi_value softmaxParts(napi_env env, napi_callback_info info) {
  ARGS(5);
  k_softmaxParts(P(0), I(1), I(2), P(3), P(4));
  return NULL;
}
static napi_value sigmoid(napi_env env, napi_callback_info info) {
  ARGS(3);
  k_sigmoid(P(0), P(1), I(2));
  return NULL;
}
static napi_value lecun(napi_env env, napi_callback_info info) {
  ARGS(4);
  k_lecun(P(0), P(1), P(2), I(3));
  return NULL;
}
static napi_value relu(napi_env env, napi_callback_info info) {
  ARGS(3);
  k_relu(P(0), P(1), I(2));
  return NULL;
}
static napi_value sigmoidSlope(napi_env env, napi_callback_info info) {
  ARGS(3);
  k_sigmoidSlope(P(0), P(1), I(2));
  return NULL;
}
static napi_value lecunSlope(napi_env env, napi_callback_info info) {
  ARGS(3);
  k_lecunSlope(P(0), P(1), I(2));
  return NULL;
}
static napi_value reluSlope(napi_env env, napi_callback_info info) {
  ARGS(3);
  k_reluSlope(P(0), P(1), I(2));
  return NULL;
}
static napi_value sparseColumns(napi_env env, napi_callback_info info) {
  ARGS(11);
  k_sparseColumns(P(0), P(1), P(2), I(3), P(4), I(5), I(6), I(7), P(8), P(9), P(10));
  return NULL;
}
static napi_value sparseGradientStep(napi_env env, napi_callback_info info) {
  ARGS(14);
  k_sparseGradientStep(P(0), I(1), I(2), P(3), P(4), P(5), I(6), P(7), I(8), P(9), P(10), P(11), D(12), D(13));
  return NULL;
}

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
