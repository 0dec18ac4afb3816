/*
 * saddle's native kernel pack: BLAS matrix products and fused optimizer updates that work in place
 * on the tfjs wasm backend's memory.
 *
 * Why: tfjs-backend-wasm multiplies at ~40 GFLOP/s on its fast path and at ~3 GFLOP/s whenever an
 * operand is transposed (every dense layer's backward pass); OpenBLAS's sgemm runs at ~180 GFLOP/s on
 * the same cores. The wasm backend keeps every tensor in one linear memory (a Float32Array over an
 * ArrayBuffer or SharedArrayBuffer), so the TypeScript side passes that memory plus element offsets
 * and this file reads and writes the tensors where they live: no copies.
 *
 * Every function validates that each range it touches lies inside the heap it was given, so a bad
 * offset becomes a JS exception, never memory corruption. Offsets and sizes are in float elements.
 *
 * Exports (all return undefined unless noted):
 *   info() -> { blas, threads, cores }
 *   setThreads(n)                  threads for sgemm (OpenBLAS) and for the optimizer loops
 *   gemm(heap, offsets: Uint32Array [a0,b0,c0, a1,b1,c1, ...], m, n, k, transA, transB,
 *        biasOffset (-1 = none), relu (0/1))      C[i] = act(op(A[i]) op(B[i]) + bias), row-major
 *   adam(heap, n, p, g, m, v, pOut, mOut, vOut, lr, beta1, beta2, eps, oneMinusAccBeta1,
 *        oneMinusAccBeta2)
 *   momentum(heap, n, p, g, acc, pOut, accOut, lr, momentum, nesterov)
 *   sgd(heap, n, p, g, pOut, lr)
 *   rmsprop(heap, n, p, g, ms, mom, pOut, msOut, momOut, lr, decay, momentum, eps)
 *
 * The optimizer updates follow tf.train.* op by op, in float32, so their results equal tfjs's. They
 * are memory-bound (7 float streams per element for Adam), so large ones are split across threads.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <pthread.h>
#include <unistd.h>

#include <cblas.h>
#include <node_api.h>

#define MAX_ARGS 16

typedef struct {
  napi_env env;
  size_t argc;
  napi_value argv[MAX_ARGS];
  float *heap;
  size_t heap_len;
  int failed;
} Call;

static void fail(Call *c, const char *message) {
  if (!c->failed) {
    napi_throw_error(c->env, "SADDLE_NATIVE", message);
    c->failed = 1;
  }
}

static int begin(Call *c, napi_env env, napi_callback_info info, size_t expected, int has_heap) {
  c->env = env;
  c->argc = MAX_ARGS;
  c->failed = 0;
  c->heap = NULL;
  c->heap_len = 0;
  if (napi_get_cb_info(env, info, &c->argc, c->argv, NULL, NULL) != napi_ok) {
    fail(c, "saddle native: could not read the arguments");
    return 0;
  }
  if (c->argc < expected) {
    char message[128];
    snprintf(message, sizeof message, "saddle native: expected %zu arguments, got %zu", expected, c->argc);
    fail(c, message);
    return 0;
  }
  if (has_heap) {
    napi_typedarray_type type;
    size_t length;
    void *data;
    napi_value buffer;
    size_t byte_offset;
    if (napi_get_typedarray_info(env, c->argv[0], &type, &length, &data, &buffer, &byte_offset) != napi_ok ||
        type != napi_float32_array || data == NULL) {
      fail(c, "saddle native: the first argument must be the wasm heap as a Float32Array");
      return 0;
    }
    c->heap = (float *)data;
    c->heap_len = length;
  }
  return 1;
}

static double num(Call *c, size_t i) {
  double value = 0;
  if (c->failed) return 0;
  if (napi_get_value_double(c->env, c->argv[i], &value) != napi_ok) {
    char message[96];
    snprintf(message, sizeof message, "saddle native: argument %zu must be a number", i);
    fail(c, message);
  }
  return value;
}

/* A float range [offset, offset + count) of the heap, or NULL (and a thrown error) if outside it. */
static float *range(Call *c, double offset, double count, const char *what) {
  if (c->failed) return NULL;
  if (offset < 0 || count < 0 || offset != floor(offset) || offset + count > (double)c->heap_len) {
    char message[160];
    snprintf(message, sizeof message, "saddle native: %s [%.0f, %.0f) lies outside the wasm heap (%zu floats)", what,
             offset, offset + count, c->heap_len);
    fail(c, message);
    return NULL;
  }
  return c->heap + (size_t)offset;
}

static napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

/* ---------------------------------------------------------------------------------------------- */
/* parallel loops                                                                                  */
/* ---------------------------------------------------------------------------------------------- */

/* Threads for the elementwise optimizer loops (memory-bound: one thread cannot saturate memory). */
static int g_threads = 1;
/* Below this many elements a loop runs on the calling thread: spawning costs more than it saves. */
#define PARALLEL_MIN 131072

typedef void (*RangeFn)(const void *ctx, size_t begin, size_t end);

typedef struct {
  RangeFn fn;
  const void *ctx;
  size_t begin, end;
} Chunk;

static void *run_chunk(void *arg) {
  const Chunk *chunk = (const Chunk *)arg;
  chunk->fn(chunk->ctx, chunk->begin, chunk->end);
  return NULL;
}

/* fn over [0, n) split into contiguous chunks, one per thread; the caller runs the last chunk. */
static void parallel_for(size_t n, RangeFn fn, const void *ctx) {
  size_t threads = (size_t)g_threads;
  if (threads > 16) threads = 16;
  if (threads > n / (PARALLEL_MIN / 2)) threads = n / (PARALLEL_MIN / 2);
  if (threads <= 1 || n < PARALLEL_MIN) {
    fn(ctx, 0, n);
    return;
  }
  pthread_t ids[16];
  Chunk chunks[16];
  int started[16] = {0};
  const size_t step = (n + threads - 1) / threads;
  for (size_t t = 0; t < threads; t++) {
    chunks[t].fn = fn;
    chunks[t].ctx = ctx;
    chunks[t].begin = t * step < n ? t * step : n;
    chunks[t].end = (t + 1) * step < n ? (t + 1) * step : n;
  }
  for (size_t t = 0; t + 1 < threads; t++) started[t] = pthread_create(&ids[t], NULL, run_chunk, &chunks[t]) == 0;
  run_chunk(&chunks[threads - 1]);
  for (size_t t = 0; t + 1 < threads; t++) {
    if (started[t]) pthread_join(ids[t], NULL);
    else run_chunk(&chunks[t]); /* could not spawn: do it here */
  }
}

/* ---------------------------------------------------------------------------------------------- */
/* info and threads                                                                                */
/* ---------------------------------------------------------------------------------------------- */

static napi_value set_prop_string(napi_env env, napi_value obj, const char *key, const char *value) {
  napi_value v;
  napi_create_string_utf8(env, value, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, obj, key, v);
  return obj;
}

static napi_value set_prop_int(napi_env env, napi_value obj, const char *key, int value) {
  napi_value v;
  napi_create_int32(env, value, &v);
  napi_set_named_property(env, obj, key, v);
  return obj;
}

static napi_value Info(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value obj;
  napi_create_object(env, &obj);
#ifdef SADDLE_OPENBLAS
  set_prop_string(env, obj, "blas", openblas_get_config());
  set_prop_int(env, obj, "threads", openblas_get_num_threads());
  set_prop_int(env, obj, "cores", openblas_get_num_procs());
#else
  set_prop_string(env, obj, "blas", "cblas");
  set_prop_int(env, obj, "threads", 0);
  set_prop_int(env, obj, "cores", 0);
#endif
  return obj;
}

static napi_value SetThreads(napi_env env, napi_callback_info info) {
  Call c;
  if (!begin(&c, env, info, 1, 0)) return NULL;
  int n = (int)num(&c, 0);
  if (c.failed) return NULL;
  if (n > 0) g_threads = n;
#ifdef SADDLE_OPENBLAS
  if (n > 0) openblas_set_num_threads(n);
#endif
  return undefined(env);
}

/* ---------------------------------------------------------------------------------------------- */
/* gemm                                                                                            */
/* ---------------------------------------------------------------------------------------------- */

static napi_value Gemm(napi_env env, napi_callback_info info) {
  Call c;
  if (!begin(&c, env, info, 9, 1)) return NULL;
  napi_typedarray_type type;
  size_t count;
  void *data;
  napi_value buffer;
  size_t byte_offset;
  if (napi_get_typedarray_info(env, c.argv[1], &type, &count, &data, &buffer, &byte_offset) != napi_ok ||
      type != napi_uint32_array || count % 3 != 0) {
    fail(&c, "saddle native: gemm offsets must be a Uint32Array of (a, b, c) triples");
    return NULL;
  }
  const uint32_t *offsets = (const uint32_t *)data;
  const double m = num(&c, 2), n = num(&c, 3), k = num(&c, 4);
  const int trans_a = num(&c, 5) != 0, trans_b = num(&c, 6) != 0;
  const double bias_offset = num(&c, 7);
  const int relu = num(&c, 8) != 0;
  if (c.failed) return NULL;
  if (m < 1 || n < 1 || k < 1 || m > 2147483647.0 || n > 2147483647.0 || k > 2147483647.0) {
    fail(&c, "saddle native: gemm dimensions must be positive 32-bit integers");
    return NULL;
  }
  const float *bias = bias_offset >= 0 ? range(&c, bias_offset, n, "gemm bias") : NULL;
  const int M = (int)m, N = (int)n, K = (int)k;
  for (size_t i = 0; i < count / 3 && !c.failed; i++) {
    const float *a = range(&c, offsets[3 * i], m * k, "gemm A");
    const float *b = range(&c, offsets[3 * i + 1], k * n, "gemm B");
    float *out = range(&c, offsets[3 * i + 2], m * n, "gemm C");
    if (c.failed) return NULL;
    float beta = 0.0f;
    if (bias != NULL) {
      for (int r = 0; r < M; r++) memcpy(out + (size_t)r * N, bias, sizeof(float) * (size_t)N);
      beta = 1.0f;
    }
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, M, N, K,
                1.0f, a, trans_a ? M : K, b, trans_b ? K : N, beta, out, N);
    if (relu) {
      const size_t total = (size_t)M * N;
      for (size_t j = 0; j < total; j++) out[j] = out[j] > 0.0f ? out[j] : 0.0f;
    }
  }
  return undefined(env);
}

/* ---------------------------------------------------------------------------------------------- */
/* optimizer updates                                                                               */
/* ---------------------------------------------------------------------------------------------- */

typedef struct {
  const float *p, *g, *m, *v;
  float *p_out, *m_out, *v_out;
  float neg_lr, beta1, beta2, eps, one_minus_beta1, one_minus_beta2, one_minus_acc_beta1, one_minus_acc_beta2;
} AdamArgs;

static void adam_range(const void *ctx, size_t begin, size_t end) {
  const AdamArgs *a = (const AdamArgs *)ctx;
  for (size_t i = begin; i < end; i++) {
    const float gi = a->g[i];
    const float m1 = a->m[i] * a->beta1 + gi * a->one_minus_beta1;
    const float v1 = a->v[i] * a->beta2 + (gi * gi) * a->one_minus_beta2;
    const float m_hat = m1 / a->one_minus_acc_beta1;
    const float v_hat = v1 / a->one_minus_acc_beta2;
    a->p_out[i] = (m_hat / (sqrtf(v_hat) + a->eps)) * a->neg_lr + a->p[i];
    a->m_out[i] = m1;
    a->v_out[i] = v1;
  }
}

static napi_value Adam(napi_env env, napi_callback_info info) {
  Call c;
  if (!begin(&c, env, info, 15, 1)) return NULL;
  const double n = num(&c, 1);
  AdamArgs a;
  a.p = range(&c, num(&c, 2), n, "adam value");
  a.g = range(&c, num(&c, 3), n, "adam gradient");
  a.m = range(&c, num(&c, 4), n, "adam first moment");
  a.v = range(&c, num(&c, 5), n, "adam second moment");
  a.p_out = range(&c, num(&c, 6), n, "adam new value");
  a.m_out = range(&c, num(&c, 7), n, "adam new first moment");
  a.v_out = range(&c, num(&c, 8), n, "adam new second moment");
  a.neg_lr = (float)-num(&c, 9);
  a.beta1 = (float)num(&c, 10);
  a.beta2 = (float)num(&c, 11);
  a.eps = (float)num(&c, 12);
  a.one_minus_acc_beta1 = (float)num(&c, 13);
  a.one_minus_acc_beta2 = (float)num(&c, 14);
  if (c.failed) return NULL;
  /* tfjs computes 1 - beta in double, then stores it as a float32 scalar. */
  a.one_minus_beta1 = (float)(1.0 - (double)a.beta1);
  a.one_minus_beta2 = (float)(1.0 - (double)a.beta2);
  parallel_for((size_t)n, adam_range, &a);
  return undefined(env);
}

typedef struct {
  const float *p, *g, *acc;
  float *p_out, *acc_out;
  float neg_lr, momentum;
  int nesterov;
} MomentumArgs;

static void momentum_range(const void *ctx, size_t begin, size_t end) {
  const MomentumArgs *a = (const MomentumArgs *)ctx;
  for (size_t i = begin; i < end; i++) {
    const float a1 = a->momentum * a->acc[i] + a->g[i];
    a->p_out[i] = a->nesterov ? a->neg_lr * (a->g[i] + a1 * a->momentum) + a->p[i] : a->neg_lr * a1 + a->p[i];
    a->acc_out[i] = a1;
  }
}

static napi_value Momentum(napi_env env, napi_callback_info info) {
  Call c;
  if (!begin(&c, env, info, 10, 1)) return NULL;
  const double n = num(&c, 1);
  MomentumArgs a;
  a.p = range(&c, num(&c, 2), n, "momentum value");
  a.g = range(&c, num(&c, 3), n, "momentum gradient");
  a.acc = range(&c, num(&c, 4), n, "momentum accumulation");
  a.p_out = range(&c, num(&c, 5), n, "momentum new value");
  a.acc_out = range(&c, num(&c, 6), n, "momentum new accumulation");
  a.neg_lr = (float)-num(&c, 7);
  a.momentum = (float)num(&c, 8);
  a.nesterov = num(&c, 9) != 0;
  if (c.failed) return NULL;
  parallel_for((size_t)n, momentum_range, &a);
  return undefined(env);
}

typedef struct {
  const float *p, *g;
  float *p_out;
  float neg_lr;
} SgdArgs;

static void sgd_range(const void *ctx, size_t begin, size_t end) {
  const SgdArgs *a = (const SgdArgs *)ctx;
  for (size_t i = begin; i < end; i++) a->p_out[i] = a->neg_lr * a->g[i] + a->p[i];
}

static napi_value Sgd(napi_env env, napi_callback_info info) {
  Call c;
  if (!begin(&c, env, info, 6, 1)) return NULL;
  const double n = num(&c, 1);
  SgdArgs a;
  a.p = range(&c, num(&c, 2), n, "sgd value");
  a.g = range(&c, num(&c, 3), n, "sgd gradient");
  a.p_out = range(&c, num(&c, 4), n, "sgd new value");
  a.neg_lr = (float)-num(&c, 5);
  if (c.failed) return NULL;
  parallel_for((size_t)n, sgd_range, &a);
  return undefined(env);
}

typedef struct {
  const float *p, *g, *ms, *mom;
  float *p_out, *ms_out, *mom_out;
  float lr, decay, momentum, eps, one_minus_decay;
} RmspropArgs;

static void rmsprop_range(const void *ctx, size_t begin, size_t end) {
  const RmspropArgs *a = (const RmspropArgs *)ctx;
  for (size_t i = begin; i < end; i++) {
    const float gi = a->g[i];
    const float ms1 = a->ms[i] * a->decay + (gi * gi) * a->one_minus_decay;
    const float mom1 = a->mom[i] * a->momentum + (gi * a->lr) / sqrtf(ms1 + a->eps);
    a->p_out[i] = a->p[i] - mom1;
    a->ms_out[i] = ms1;
    a->mom_out[i] = mom1;
  }
}

static napi_value Rmsprop(napi_env env, napi_callback_info info) {
  Call c;
  if (!begin(&c, env, info, 13, 1)) return NULL;
  const double n = num(&c, 1);
  RmspropArgs a;
  a.p = range(&c, num(&c, 2), n, "rmsprop value");
  a.g = range(&c, num(&c, 3), n, "rmsprop gradient");
  a.ms = range(&c, num(&c, 4), n, "rmsprop mean square");
  a.mom = range(&c, num(&c, 5), n, "rmsprop moment");
  a.p_out = range(&c, num(&c, 6), n, "rmsprop new value");
  a.ms_out = range(&c, num(&c, 7), n, "rmsprop new mean square");
  a.mom_out = range(&c, num(&c, 8), n, "rmsprop new moment");
  a.lr = (float)num(&c, 9);
  a.decay = (float)num(&c, 10);
  a.momentum = (float)num(&c, 11);
  a.eps = (float)num(&c, 12);
  if (c.failed) return NULL;
  a.one_minus_decay = (float)(1.0 - (double)a.decay);
  parallel_for((size_t)n, rmsprop_range, &a);
  return undefined(env);
}

/* ---------------------------------------------------------------------------------------------- */
/* module                                                                                          */
/* ---------------------------------------------------------------------------------------------- */

static napi_value Init(napi_env env, napi_value exports) {
  const long cores = sysconf(_SC_NPROCESSORS_ONLN);
  g_threads = cores > 0 ? (int)cores : 1;
  napi_property_descriptor props[] = {
      {"info", NULL, Info, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setThreads", NULL, SetThreads, NULL, NULL, NULL, napi_enumerable, NULL},
      {"gemm", NULL, Gemm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"adam", NULL, Adam, NULL, NULL, NULL, napi_enumerable, NULL},
      {"momentum", NULL, Momentum, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sgd", NULL, Sgd, NULL, NULL, NULL, napi_enumerable, NULL},
      {"rmsprop", NULL, Rmsprop, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
