/*
 * poly.h: polynomial activations made to order, for circuits that pay
 * per multiplication: least-squares and Chebyshev fits of ReLU, swish
 * (x sigmoid(x)) and tanh on an interval [lo, hi], the Taylor form of
 * the smooth ReLU (x + sqrt(x^2 + eps)) / 2, an activation "spec" parser
 * for the tools, and the gradient of a polynomial with respect to its
 * own coefficients (learnable activations).
 *
 * Every fit returns monomial coefficients c[0..deg] in x (c[k] multiplies
 * x^k), which is what struct vr_act stores and what the circuit
 * evaluates by Horner.
 *
 * Symmetry, worth knowing before choosing a degree: ReLU = x/2 + |x|/2
 * and swish = x/2 + (an even function), so on an interval symmetric
 * about 0 every fit of either has c1 = 1/2 and no odd term above x: a
 * "degree-3" fit is a quadratic.  tanh is odd, so its fits have no even
 * term.  The fits below keep these zeros exact (computed to ~1e-16 and
 * snapped to 0).
 */
#ifndef VR_NN_POLY_H
#define VR_NN_POLY_H

#include <stddef.h>

#include "nn/act.h"

enum vr_poly_fn { VR_POLY_RELU, VR_POLY_SWISH, VR_POLY_TANH, VR_POLY_NFN };
extern const char *const vr_poly_fn_names[VR_POLY_NFN];   /* relu swish tanh */

/* The function fitted: ReLU, x sigmoid(x) or tanh at x, in double. */
double vr_poly_fn_eval(int fn, double x);

/* A function to fit, for the general calls: f(x, ctx). */
typedef double vr_poly_f(double x, void *ctx);

/*
 * Chebyshev fit: the degree-deg truncation of f's Chebyshev series on
 * [lo, hi] (the best fit in the Chebyshev-weighted L2 norm, within a
 * factor of the minimax one), coefficients a_k = 2/N sum_j f(x_j)
 * T_k(t_j) from N = 512 Chebyshev-Gauss nodes, then expanded into
 * monomials of x through t = (2x - lo - hi) / (hi - lo).  Exact (to
 * rounding) when f is itself a polynomial of degree <= deg.
 *   c (deg + 1) out   0 <= deg <= VR_ACT_MAXDEG   lo < hi, finite
 * VR_ERANGE on bad arguments or a non-finite value of f.
 */
int vr_poly_cheb_fit(double *c, int deg, vr_poly_f *f, void *ctx, double lo,
    double hi);
/*
 * Least-squares fit on npts equally spaced points of [lo, hi] (numpy's
 * polyfit: the reference's relu3/swish3 use npts = 10001 on [-4, 4]),
 * solved in the scaled variable t by Householder QR, then expanded into
 * monomials of x.  npts > deg.  VR_ERANGE on bad arguments, VR_ENOMEM.
 */
int vr_poly_lsq_fit(double *c, int deg, vr_poly_f *f, void *ctx, double lo,
    double hi, int npts);
/* Expand a Chebyshev series sum_k a_k T_k(t), t = (2x - lo - hi) /
 * (hi - lo), into monomials c[0..deg] of x. */
void vr_poly_cheb_to_mono(double *c, const double *a, int deg, double lo,
    double hi);
/*
 * Degree-3 Taylor form at 0 of the smooth ReLU (x + sqrt(x^2 + eps)) / 2:
 *   sqrt(eps)/2 + x/2 + x^2 / (4 sqrt(eps)) + 0 x^3
 * (the function is x/2 plus an even one, so the cubic term is 0).
 * c (4) out.  VR_ERANGE unless eps > 0.
 */
int vr_poly_taylor_srelu(double *c, double eps);

/*
 * An activation from a spec:
 *   NAME                    a vr_act_lookup name (relu, sq, cubic, ...)
 *   srelu3:EPS              the Taylor smooth ReLU with that eps
 *   cheb:FN:DEG[:LO:HI]     Chebyshev fit of FN (relu, swish, tanh)
 *   lsq:FN:DEG[:LO:HI]      least-squares fit, 10001 points
 * LO:HI default to *lo, *hi as given; the interval used is returned in
 * *lo, *hi (unchanged for NAME).  The activation's name is compact, e.g.
 * "cheb_swish4" or "lsq_relu3" (at most VR_ACT_NAMEMAX - 1 bytes).
 * VR_ERANGE on anything malformed.
 */
int vr_poly_parse(struct vr_act *a, double *lo, double *hi, const char *spec);

/*
 * Gradient of a polynomial activation with respect to its coefficients:
 *   dc[k] += sum_i dout_i x_i^k,  k = 0..deg, sums in double
 *   dout (n) = d loss / d f(x)   x (n) the forward's input
 */
void vr_poly_coef_backward(double *dc, const float *dout, const float *x,
    size_t n, int deg);

#endif
