/*
 * gemm.h: the one door to BLAS for lib/nn, and its naive reference.
 *
 * Every matrix product in lib/nn goes through vr_gemm, so a kernel can be
 * checked against vr_gemm_naive (llm.c's matmul_forward_naive) and the
 * BLAS library changed in one place.  Row-major throughout.
 */
#ifndef VR_NN_GEMM_H
#define VR_NN_GEMM_H

#include <stdbool.h>

/*
 * C = alpha * op(A) op(B) + beta * C, op(X) = X or X^T (ta, tb).
 *   op(A) (M, K) with row stride lda   op(B) (K, N) stride ldb
 *   C (M, N) stride ldc
 * With beta == 0, C need not be initialised (NaN in C is not propagated).
 * C must not alias A or B.
 */
void vr_gemm(float *C, int ldc, const float *A, int lda, const float *B,
    int ldb, bool ta, bool tb, float alpha, float beta, int M, int N, int K);
/* The same product as three loops with a double accumulator: the test
 * reference.  Slow. */
void vr_gemm_naive(float *C, int ldc, const float *A, int lda,
    const float *B, int ldb, bool ta, bool tb, float alpha, float beta,
    int M, int N, int K);

/*
 * Threads lib/nn uses (n >= 1), returning the previous setting.  Once
 * this is called, BLAS itself runs single-threaded and lib/nn splits the
 * work: a large vr_gemm into bands of rows, the LSTM recurrence into
 * slices of the batch, one thread each, with no thread left spinning
 * between calls.  Results depend on n and on nothing else that varies.
 * Until it is called, lib/nn uses one thread and BLAS its own default.
 */
int vr_gemm_set_threads(int n);
/* The current setting (1 until set). */
int vr_gemm_threads(void);
/* Name of the BLAS core in use ("SkylakeX", "Haswell", ...). */
const char *vr_gemm_corename(void);

#endif
