/*
 * dense.h: the fully connected layer, out = in W^T + b (PyTorch Linear).
 */
#ifndef VR_NN_DENSE_H
#define VR_NN_DENSE_H

/*
 * out = in W^T + b.
 *   out (B, OC)   in (B, C) with row stride ldin (>= C)   W (OC, C)
 *   b (OC)
 * out must not alias in.
 */
void vr_dense_forward(float *out, const float *in, int ldin, const float *W,
    const float *b, int B, int C, int OC);
/*
 * Backward of vr_dense_forward.  Accumulates:
 *   din += dout W      dW += dout^T in      db += column sums of dout
 *   dout (B, OC)   in (B, C) stride ldin   W (OC, C)   din (B, C) stride
 *   lddin
 * din may be NULL (input gradient not wanted).  Column sums in double.
 */
void vr_dense_backward(float *din, int lddin, float *dW, float *db,
    const float *dout, const float *in, int ldin, const float *W, int B,
    int C, int OC);

#endif
