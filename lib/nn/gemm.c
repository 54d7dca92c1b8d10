#include <stddef.h>

#include <cblas.h>

#include "nn/gemm.h"

void
vr_gemm(float *C, int ldc, const float *A, int lda, const float *B, int ldb,
    bool ta, bool tb, float alpha, float beta, int M, int N, int K)
{
    if (M == 0 || N == 0)
        return;
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
        tb ? CblasTrans : CblasNoTrans, M, N, K, alpha, A, lda, B, ldb, beta,
        C, ldc);
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
    int old = openblas_get_num_threads();
    openblas_set_num_threads(n < 1 ? 1 : n);
    return old;
}

const char *
vr_gemm_corename(void)
{
    return openblas_get_corename();
}
