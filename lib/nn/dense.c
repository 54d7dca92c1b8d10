#include <stddef.h>
#include <string.h>

#include "nn/dense.h"
#include "nn/gemm.h"
#include "nn/internal.h"

/* db[o] += sum_n dout[n][o], in double, row by row (contiguous, so it
 * vectorises); dout (B, OC). */
VR_VECTORIZE static void
colsum_add(float *db, const float *dout, int B, int OC)
{
    double acc[256];

    for (int o0 = 0; o0 < OC; o0 += 256) {
        int no = OC - o0 < 256 ? OC - o0 : 256;
        for (int o = 0; o < no; o++)
            acc[o] = 0;
        for (int n = 0; n < B; n++) {
            const float *d_n = dout + (size_t)n * OC + o0;
            for (int o = 0; o < no; o++)
                acc[o] += d_n[o];
        }
        for (int o = 0; o < no; o++)
            db[o0 + o] += (float)acc[o];
    }
}

void
vr_dense_forward(float *out, const float *in, int ldin, const float *W,
    const float *b, int B, int C, int OC)
{
    // out[n][o] = b[o] + sum_c in[n][c] W[o][c]
    for (int n = 0; n < B; n++)
        memcpy(out + (size_t)n * OC, b, (size_t)OC * sizeof(float));
    vr_gemm(out, OC, in, ldin, W, C, false, true, 1.0f, 1.0f, B, OC, C);
}

void
vr_dense_backward(float *din, int lddin, float *dW, float *db,
    const float *dout, const float *in, int ldin, const float *W, int B,
    int C, int OC)
{
    // din (B, C) += dout (B, OC) W (OC, C)
    if (din != NULL)
        vr_gemm(din, lddin, dout, OC, W, C, false, false, 1.0f, 1.0f, B, C,
            OC);
    // dW (OC, C) += dout^T (OC, B) in (B, C)
    vr_gemm(dW, C, dout, OC, in, ldin, true, false, 1.0f, 1.0f, OC, C, B);
    // db[o] += sum_n dout[n][o]
    colsum_add(db, dout, B, OC);
}
