/*
 * internal.h: helpers shared inside lib/nn only.
 *
 * Vector math on 16 floats with GCC vector extensions: plain C that the
 * compiler maps to one AVX-512 register (or two AVX2, or four SSE ones),
 * without -ffast-math and without libmvec, so the results are the same
 * bits on every build.  Tails shorter than 16 go through the same code on
 * a padded copy, so scalar and vector paths never differ.
 */
#ifndef VR_NN_INTERNAL_H
#define VR_NN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <math.h>
#if defined(__AVX__)
#include <immintrin.h>
#endif

/*
 * Let GCC vectorise one function's plain loops as at -O3.  no-math-errno
 * only stops sqrtf from setting errno on negative input (never the case
 * where it is used); the arithmetic stays IEEE, nothing is reassociated.
 */
#if defined(__GNUC__) && !defined(__clang__)
#define VR_VECTORIZE __attribute__((optimize("tree-vectorize", \
    "vect-cost-model=dynamic", "no-math-errno")))
#else
#define VR_VECTORIZE
#endif

/*
 * Without AVX-512 GCC notes that passing these 64-byte vectors by value
 * would change the ABI (-Wpsabi).  Every function that does is static
 * inline in this header, so no call crosses a translation unit.
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

typedef float vr_v16f __attribute__((vector_size(64), aligned(4)));
typedef int32_t vr_v16i __attribute__((vector_size(64), aligned(4)));
#define VR_VW 16

static inline vr_v16f
vr_v16_load(const float *p)
{
    vr_v16f v;
    memcpy(&v, p, sizeof(v));
    return v;
}

static inline void
vr_v16_store(float *p, vr_v16f v)
{
    memcpy(p, &v, sizeof(v));
}

/* Square root, correctly rounded in every lane (IEEE), so the same bits
 * on every path. */
static inline vr_v16f
vr_v16_sqrt(vr_v16f x)
{
#if defined(__AVX512F__)
    __m512 v;
    memcpy(&v, &x, sizeof(v));
    v = _mm512_sqrt_ps(v);
    memcpy(&x, &v, sizeof(v));
#elif defined(__AVX__)
    __m256 v[2];
    memcpy(v, &x, sizeof(v));
    v[0] = _mm256_sqrt_ps(v[0]);
    v[1] = _mm256_sqrt_ps(v[1]);
    memcpy(&x, v, sizeof(v));
#else
    for (int i = 0; i < VR_VW; i++)
        x[i] = sqrtf(x[i]);
#endif
    return x;
}

/* mask ? a : b, mask lanes all-ones or zero (from a vector compare). */
static inline vr_v16f
vr_v16_select(vr_v16i mask, vr_v16f a, vr_v16f b)
{
    return (vr_v16f)(((vr_v16i)a & mask) | ((vr_v16i)b & ~mask));
}

/*
 * e^x, relative error about 2 ulp (Cephes expf): x = n ln2 + r with
 * |r| <= ln2/2, e^r by a degree-7 polynomial, 2^n by the exponent bits.
 * x is clamped to [-87, 88], so the result is finite and normal.
 */
static inline vr_v16f
vr_v16_exp(vr_v16f x)
{
    const float big = 12582912.0f;      /* 1.5 * 2^23: adding rounds to int */
    x = vr_v16_select(x < -87.0f, x - x - 87.0f, x);
    x = vr_v16_select(x > 88.0f, x - x + 88.0f, x);
    vr_v16f t = x * 1.44269504088896341f + big;
    vr_v16f n = t - big;                                /* round(x / ln2) */
    vr_v16f r = x - n * 0.693359375f;                   /* ln2 = C1 + C2 */
    r = r - n * -2.12194440e-4f;
    vr_v16f p = r * 1.9875691500e-4f + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    vr_v16f y = p * (r * r) + r + 1.0f;
    vr_v16i e = (__builtin_convertvector(n, vr_v16i) + 127) << 23;
    return y * (vr_v16f)e;
}

/* 1 / (1 + e^-x). */
static inline vr_v16f
vr_v16_sigmoid(vr_v16f x)
{
    return 1.0f / (1.0f + vr_v16_exp(-x));
}

/*
 * tanh x: 1 - 2 / (1 + e^2x), and for |x| < 0.625, where that cancels,
 * Cephes tanhf's odd polynomial.
 */
static inline vr_v16f
vr_v16_tanh(vr_v16f x)
{
    vr_v16f z = x * x;
    vr_v16f p = z * -5.70498872745e-3f + 2.06390887954e-2f;
    p = p * z - 5.37397155531e-2f;
    p = p * z + 1.33314422036e-1f;
    p = p * z - 3.33332819422e-1f;
    vr_v16f small = p * z * x + x;
    vr_v16f large = 1.0f - 2.0f / (1.0f + vr_v16_exp(x + x));
    vr_v16f ax = vr_v16_select(x < 0.0f, -x, x);
    return vr_v16_select(ax < 0.625f, small, large);
}

/*
 * Run fn(ctx, k, n) for the n chunks k = 0..n-1 on up to
 * vr_gemm_threads() threads (the caller's included), and return when all
 * are done.  Chunks go to whichever thread asks first, so fn's result for
 * a chunk must not depend on the thread; inside, vr_gemm stays on its
 * thread.  Nested calls run serially, as does everything when a thread
 * cannot be created.
 */
void vr_nn_parallel(int n, void (*fn)(void *ctx, int k, int n), void *ctx);

struct vr_dataset;
/* The samples of a split that carry a label: *idx (owned by the caller)
 * and *n.  VR_ENOMEM. */
int vr_nn_labelled(const struct vr_dataset *d, int split, size_t **idx,
    size_t *n);

struct vr_model;
struct vr_train_opts;
/*
 * The start vr_train and vr_distill share: the labelled train and val
 * samples (*tr, *va, which the caller frees, on error too), the batches
 * per epoch (the train split in batches of o->batch, at most
 * o->max_steps when set) and a fresh per-epoch log in m.  VR_ERANGE
 * without labelled training samples; VR_ENOMEM.
 */
int vr_nn_run_begin(struct vr_model *m, const struct vr_dataset *d,
    const struct vr_train_opts *o, size_t **tr, size_t *ntr, size_t **va,
    size_t *nva, long *steps);

#endif
