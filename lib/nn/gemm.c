#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include <cblas.h>

#include "nn/gemm.h"
#include "nn/internal.h"

static int nn_threads = 1;
static _Thread_local bool in_parallel;

#define MAXTHREADS 64

struct job {
    void (*fn)(void *ctx, int k, int n);
    void *ctx;
    int k, n;
};

static void *
job_run(void *arg)
{
    struct job *j = arg;
    in_parallel = true;
    j->fn(j->ctx, j->k, j->n);
    return NULL;
}

void
vr_nn_parallel(int n, void (*fn)(void *ctx, int k, int n), void *ctx)
{
    struct job jobs[MAXTHREADS];
    pthread_t tid[MAXTHREADS];
    bool started[MAXTHREADS] = {false};
    bool outer = in_parallel;

    if (n > MAXTHREADS)
        n = MAXTHREADS;
    if (n <= 1 || outer) {
        for (int k = 0; k < n; k++)
            fn(ctx, k, n);
        return;
    }
    for (int k = 0; k < n; k++)
        jobs[k] = (struct job){fn, ctx, k, n};
    for (int k = 1; k < n; k++)
        started[k] = pthread_create(&tid[k], NULL, job_run, &jobs[k]) == 0;
    in_parallel = true;
    fn(ctx, 0, n);
    for (int k = 1; k < n; k++) {
        if (started[k])
            pthread_join(tid[k], NULL);
        else
            fn(ctx, k, n);      /* no thread: the same work, here */
    }
    in_parallel = false;
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
    // large products: bands of rows on lib/nn's threads, BLAS in each
    // single-threaded (below 8 MFLOP a thread costs more than it gives)
    if (nn_threads > 1 && !in_parallel && M >= 32 * nn_threads &&
        2.0 * M * N * K >= 8e6) {
        struct band b = {C, A, B, ldc, lda, ldb, M, N, K, ta, tb, alpha,
            beta};
        vr_nn_parallel(nn_threads, band_run, &b);
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
