#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cblas.h>

#include "nn/gemm.h"
#include "nn/internal.h"

static int nn_threads = 1;
static _Thread_local bool in_parallel;

#define MAXTHREADS 64

/*
 * Parallel regions run on a pool of helper threads, started when first
 * needed and then asleep between regions (a sleeping thread that wakes is
 * scheduled promptly, where a new one waits its turn on a busy machine).
 * Chunks are handed out from a counter that also carries the region's
 * generation, so a helper that wakes late takes nothing from a later
 * region, and the caller never waits for a helper that has not started:
 * it takes the remaining chunks itself.  Which thread runs a chunk
 * changes nothing in its result.
 */
static pthread_mutex_t region_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_work = PTHREAD_COND_INITIALIZER;
static pthread_cond_t pool_idle = PTHREAD_COND_INITIALIZER;
static int pool_size, pool_active;          /* under pool_mu */
static uint32_t pool_gen;                   /* under pool_mu */
static void (*pool_fn)(void *ctx, int k, int n);
static void *pool_ctx;
static int pool_n;
static _Atomic uint64_t pool_next;          /* gen << 32 | next chunk */
static atomic_int pool_done;

/* Next chunk of region gen, if any. */
static bool
grab(uint32_t gen, int n, int *k)
{
    uint64_t v = atomic_load(&pool_next);

    for (;;) {
        if ((uint32_t)(v >> 32) != gen || (int)(uint32_t)v >= n)
            return false;
        if (atomic_compare_exchange_weak(&pool_next, &v, v + 1)) {
            *k = (int)(uint32_t)v;
            return true;
        }
    }
}

static void
work(uint32_t gen, void (*fn)(void *, int, int), void *ctx, int n)
{
    int k;

    while (grab(gen, n, &k)) {
        fn(ctx, k, n);
        if (atomic_fetch_add(&pool_done, 1) + 1 == n) {
            pthread_mutex_lock(&pool_mu);
            pthread_cond_broadcast(&pool_idle);
            pthread_mutex_unlock(&pool_mu);
        }
    }
}

static void *
helper(void *arg)
{
    int id = (int)(intptr_t)arg;
    uint32_t seen = 0;

    in_parallel = true;
    pthread_mutex_lock(&pool_mu);
    for (;;) {
        while (pool_gen == seen)
            pthread_cond_wait(&pool_work, &pool_mu);
        seen = pool_gen;
        void (*fn)(void *, int, int) = pool_fn;
        void *ctx = pool_ctx;
        int n = pool_n;
        bool on = id < pool_active;
        pthread_mutex_unlock(&pool_mu);
        if (on)
            work(seen, fn, ctx, n);
        pthread_mutex_lock(&pool_mu);
    }
    return NULL;
}

void
vr_nn_parallel(int n, void (*fn)(void *ctx, int k, int n), void *ctx)
{
    int want = (n < nn_threads ? n : nn_threads) - 1;
    uint32_t gen;

    if (n <= 1 || want < 1 || in_parallel) {
        for (int k = 0; k < n; k++)
            fn(ctx, k, n);
        return;
    }
    pthread_mutex_lock(&region_mu);     /* one region at a time */
    pthread_mutex_lock(&pool_mu);
    while (pool_size < want) {
        pthread_t tid;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int rc = pthread_create(&tid, &attr, helper,
            (void *)(intptr_t)pool_size);
        pthread_attr_destroy(&attr);
        if (rc != 0)
            break;                      /* fewer helpers: same results */
        pool_size++;
    }
    pool_active = want;
    if (++pool_gen == 0)
        pool_gen = 1;                   /* 0 is "none seen yet" */
    gen = pool_gen;
    pool_fn = fn;
    pool_ctx = ctx;
    pool_n = n;
    atomic_store(&pool_done, 0);
    atomic_store(&pool_next, (uint64_t)gen << 32);
    pthread_cond_broadcast(&pool_work);
    pthread_mutex_unlock(&pool_mu);
    in_parallel = true;
    work(gen, fn, ctx, n);
    in_parallel = false;
    pthread_mutex_lock(&pool_mu);
    while (atomic_load(&pool_done) < n)
        pthread_cond_wait(&pool_idle, &pool_mu);
    pthread_mutex_unlock(&pool_mu);
    pthread_mutex_unlock(&region_mu);
}

static void
blas_gemm(float *C, int ldc, const float *A, int lda, const float *B,
    int ldb, bool ta, bool tb, float alpha, float beta, int M, int N, int K)
{
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
        tb ? CblasTrans : CblasNoTrans, M, N, K, alpha, A, lda, B, ldb, beta,
        C, ldc);
}

struct band {
    float *C;
    const float *A, *B;
    int ldc, lda, ldb, M, N, K;
    bool ta, tb;
    float alpha, beta;
};

/* Rows [M k / n, M (k+1) / n) of the product, rounded to 16 rows. */
static void
band_run(void *arg, int k, int n)
{
    const struct band *b = arg;
    int m0 = (int)((long)b->M * k / n) & ~15, m1 = k + 1 == n ? b->M :
        (int)((long)b->M * (k + 1) / n) & ~15;
    if (m1 <= m0)
        return;
    blas_gemm(b->C + (size_t)m0 * b->ldc, b->ldc,
        b->ta ? b->A + m0 : b->A + (size_t)m0 * b->lda, b->lda, b->B, b->ldb,
        b->ta, b->tb, b->alpha, b->beta, m1 - m0, b->N, b->K);
}

void
vr_gemm(float *C, int ldc, const float *A, int lda, const float *B, int ldb,
    bool ta, bool tb, float alpha, float beta, int M, int N, int K)
{
    if (M == 0 || N == 0)
        return;
    // large products: bands of rows (four a thread, at least 64 rows
    // each) on lib/nn's threads, BLAS in each single-threaded; below
    // 16 MFLOP a thread costs more than it gives
    if (nn_threads > 1 && !in_parallel && M >= 128 &&
        2.0 * M * N * K >= 16e6) {
        struct band b = {C, A, B, ldc, lda, ldb, M, N, K, ta, tb, alpha,
            beta};
        int n = 4 * nn_threads;
        if (n > M / 64)
            n = M / 64;
        vr_nn_parallel(n, band_run, &b);
        return;
    }
    if (M == 1) {
        // one row: c (N) = alpha op(B)^T a + beta c, a GEMV (OpenBLAS's
        // sgemm has no fast path for it)
        if (beta == 0) {
            for (int n = 0; n < N; n++)
                C[n] = 0;
            beta = 1;
        }
        if (tb)
            cblas_sgemv(CblasRowMajor, CblasNoTrans, N, K, alpha, B, ldb, A,
                ta ? lda : 1, beta, C, 1);
        else
            cblas_sgemv(CblasRowMajor, CblasTrans, K, N, alpha, B, ldb, A,
                ta ? lda : 1, beta, C, 1);
        return;
    }
    blas_gemm(C, ldc, A, lda, B, ldb, ta, tb, alpha, beta, M, N, K);
}

void
vr_gemm_naive(float *C, int ldc, const float *A, int lda, const float *B,
    int ldb, bool ta, bool tb, float alpha, float beta, int M, int N, int K)
{
    // C[m][n] = alpha * sum_k op(A)[m][k] op(B)[k][n] + beta * C[m][n]
    for (int m = 0; m < M; m++)
        for (int n = 0; n < N; n++) {
            double acc = 0;
            for (int k = 0; k < K; k++) {
                float a = ta ? A[(size_t)k * lda + m] : A[(size_t)m * lda + k];
                float b = tb ? B[(size_t)n * ldb + k] : B[(size_t)k * ldb + n];
                acc += (double)a * b;
            }
            float *c = &C[(size_t)m * ldc + n];
            *c = (float)(alpha * acc + (beta == 0 ? 0.0 : (double)beta * *c));
        }
}

int
vr_gemm_set_threads(int n)
{
    int old = nn_threads;
    nn_threads = n < 1 ? 1 : n > MAXTHREADS ? MAXTHREADS : n;
    openblas_set_num_threads(1);
    return old;
}

int
vr_gemm_threads(void)
{
    return nn_threads;
}

const char *
vr_gemm_corename(void)
{
    return openblas_get_corename();
}
