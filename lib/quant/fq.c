/* fq.c: fake quantisation (see fq.h). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "vr.h"
#include "quant/fq.h"

double
vr_fq_rhe(double v)
{
    double fl = floor(v), fr = v - fl;      /* exact */

    if (fr > 0.5)
        return fl + 1.0;
    if (fr < 0.5)
        return fl;
    // a tie: to the even neighbour (parity by integer below 2^62)
    if (fabs(fl) < 0x1p62)
        return ((int64_t)fl & 1) ? fl + 1.0 : fl;
    return fmod(fl, 2.0) == 0.0 ? fl : fl + 1.0;
}

float
vr_fq_scale_maxabs(const float *x, size_t n, int bits)
{
    float mx = 0.0f;

    for (size_t i = 0; i < n; i++)
        if (fabsf(x[i]) > mx)
            mx = fabsf(x[i]);
    return mx / (float)((1L << (bits - 1)) - 1);
}

void
vr_fq_forward(float *out, const float *in, size_t n, int bits, float s)
{
    float qmax = (float)((1L << (bits - 1)) - 1);

    if (s == 0.0f) {
        memmove(out, in, n * sizeof(float));
        return;
    }
    for (size_t i = 0; i < n; i++) {
        float r = (float)vr_fq_rhe((double)(in[i] / s));   /* float32 div */
        r = r < -qmax ? -qmax : r > qmax ? qmax : r;
        out[i] = r * s;
    }
}

double
vr_fq_pow2(int32_t *q, float *out, const float *x, size_t n, int bits,
    int f)
{
    double qmax = (double)((1L << (bits - 1)) - 1), err = 0.0;
    // powers of two: products by them are exact for float32 inputs and
    // |f| <= 126 (no overflow or underflow of a double)
    double up = ldexp(1.0, f), down = ldexp(1.0, -f);

    VR_ASSERT(f >= -126 && f <= 126);
    for (size_t i = 0; i < n; i++) {
        double r = vr_fq_rhe((double)x[i] * up);           /* exact */
        r = r < -qmax ? -qmax : r > qmax ? qmax : r;
        double v = r * down, d = v - (double)x[i];
        if (q)
            q[i] = (int32_t)r;
        if (out)
            out[i] = (float)v;
        err += d * d;
    }
    return err;
}

int
vr_fq_frac_bits(const float *x, size_t n, int bits, int fmin, int fmax)
{
    double qmax = (double)((1L << (bits - 1)) - 1), mx = 0.0;
    double best = INFINITY;
    int f0, fbest;

    VR_ASSERT(fmin <= fmax);
    for (size_t i = 0; i < n; i++)
        if (fabs((double)x[i]) > mx)
            mx = fabs((double)x[i]);
    if (mx == 0.0)
        return fmax;
    // largest f with mx 2^f <= qmax
    f0 = (int)floor(log2(qmax / mx));
    while (ldexp(mx, f0) > qmax)
        f0--;
    while (ldexp(mx, f0 + 1) <= qmax)
        f0++;
    fbest = f0 < fmin ? fmin : f0 > fmax ? fmax : f0;
    for (int f = f0; f <= f0 + 3; f++) {
        if (f < fmin || f > fmax)
            continue;
        double e = vr_fq_pow2(NULL, NULL, x, n, bits, f);
        if (e < best) {
            best = e;
            fbest = f;
        }
    }
    return fbest;
}

void
vr_fq_backward(float *din, const float *dout, size_t n)
{
    for (size_t i = 0; i < n; i++)
        din[i] += dout[i];
}
