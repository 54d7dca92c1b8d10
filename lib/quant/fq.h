/*
 * fq.h: fake quantisation (float) and its straight-through backward.
 *
 * Symmetric, per tensor: with qmax = 2^(bits-1) - 1 and a scale s,
 *   Q(x) = clamp(rhe(x / s), -qmax, qmax) * s
 * where rhe rounds half to even.  Two choices of s:
 *   - max-abs (the PyTorch reference): s = max|x| / qmax in float32;
 *   - power of two (the integer semantics of quant/qmlp.h): s = 2^-f,
 *     so Q(x) = Wq * 2^-f exactly, Wq the integer that the circuit uses.
 * The backward is the straight-through estimator: dQ/dx = 1 (as the
 * reference's W + (Q(W) - W).detach()).
 */
#ifndef VR_QUANT_FQ_H
#define VR_QUANT_FQ_H

#include <stddef.h>
#include <stdint.h>

/* Round half to even, independent of the FPU rounding mode. */
double vr_fq_rhe(double v);

/* max|x| / qmax in float32 (0 if x is all zero). */
float vr_fq_scale_maxabs(const float *x, size_t n, int bits);
/* out = Q(in) with scale s, float32 arithmetic as the reference (out may
 * alias in).  s == 0 copies. */
void vr_fq_forward(float *out, const float *in, size_t n, int bits, float s);

/*
 * Power-of-two scale: the fractional bits f in [fmin, fmax] that
 * minimise sum (Q(x) - x)^2 (clipping included), starting from the
 * largest f that does not clip, f0 = floor(log2(qmax / max|x|)), and
 * trying f0 .. f0 + 3 (more bits clip the outliers and refine the rest).
 * If x is all zero, fmax.
 */
int vr_fq_frac_bits(const float *x, size_t n, int bits, int fmin, int fmax);
/* Integers q = clamp(rhe(x 2^f), -qmax, qmax), and (if out != NULL) the
 * fake-quantised floats q 2^-f.  Returns sum (q 2^-f - x)^2 in double. */
double vr_fq_pow2(int32_t *q, float *out, const float *x, size_t n,
    int bits, int f);

/* Straight-through estimator: din += dout. */
void vr_fq_backward(float *din, const float *dout, size_t n);

#endif
