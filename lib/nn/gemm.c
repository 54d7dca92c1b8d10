#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

#include <cblas.h>

#include "nn/gemm.h"
#include "nn/internal.h"

static int nn_threads = 1;
static _Thread_local bool in_parallel;

#define MAXTHREADS 64

/*
 * A parallel region: chunks handed out one at a time from a counter, so
 * a thread the scheduler runs late (on a busy machine) takes fewer of
 * them and the caller never waits for it to start.  Which thread runs a
 * chunk changes nothing in its result.  Helpers are detached; the last
 * of the caller and the helpers to let go frees the region, so a helper
 * that starts after the work is done touches only the region.
 */
struct region {
    void (*fn)(void *ctx, int k, int n);
    void *ctx;
    int nchunks;
    atomic_int next, done, refs;
    pthread_mutex_t mu;
    pthread_cond_t cv;
};

static void
region_release(struct region *g)
{
    if (atomic_fetch_sub(&g->refs, 1) == 1) {
        pthread_mutex_destroy(&g->mu);
        pthread_cond_destroy(&g->cv);
        free(g);
    }
}

static void
region_work(struct region *g)
{
    int k;

    while ((k = atomic_fetch_add(&g->next, 1)) < g->nchunks) {
        g->fn(g->ctx, k, g->nchunks);
        if (atomic_fetch_add(&g->done, 1) + 1 == g->nchunks) {
            pthread_mutex_lock(&g->mu);
            pthread_cond_broadcast(&g->cv);
            pthread_mutex_unlock(&g->mu);
        }
    }
}

static void *
region_helper(void *arg)
{
    in_parallel = true;
    region_work(arg);
    region_release(arg);
    return NULL;
}

void
vr_nn_parallel(int n, void (*fn)(void *ctx, int k, int n), void *ctx)
{
    struct region *g;
    pthread_attr_t attr;
    int helpers = (n < nn_threads ? n : nn_threads) - 1;

    if (n <= 1 || helpers < 1 || in_parallel ||
        (g = malloc(sizeof(*g))) == NULL) {
        for (int k = 0; k < n; k++)
            fn(ctx, k, n);
        return;
    }
    g->fn = fn;
    g->ctx = ctx;
    g->nchunks = n;
    atomic_init(&g->next, 0);
    atomic_init(&g->done, 0);
    atomic_init(&g->refs, 1);
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->cv, NULL);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    for (int k = 0; k < helpers; k++) {
        pthread_t tid;
        atomic_fetch_add(&g->refs, 1);
        if (pthread_create(&tid, &attr, region_helper, g) != 0)
            atomic_fetch_sub(&g->refs, 1);   /* the caller does its part */
    }
    pthread_attr_destroy(&attr);
    in_parallel = true;
    region_work(g);
    in_parallel = false;
    pthread_mutex_lock(&g->mu);
    while (atomic_load(&g->done) < n)
        pthread_cond_wait(&g->cv, &g->mu);
    pthread_mutex_unlock(&g->mu);
    region_release(g);
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
