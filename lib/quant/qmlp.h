/*
 * qmlp.h: the integer inference of a quantised MLP -- the one definition
 * of the arithmetic that vr-circuit compiles and vr-prove proves.
 *
 * Nothing here uses floating point except vr_qmlp_quantize_input, which
 * turns the normalised float window into the integer input once, outside
 * the proved arithmetic.  Every other step is exact integer arithmetic:
 *
 *   Fixed point.  A value v with f fractional bits is the integer q with
 *   v = q * 2^-f.  Every tensor has one f (per layer, never per element).
 *
 *   Input.  X = clamp(rhe(x * 2^fin), -(2^(in_bits-1) - 1),
 *   2^(in_bits-1) - 1) where rhe rounds half to even (vr_qmlp_quantize_input).
 *
 *   Rescale by 2^k (k >= 0):  rs(x, 0) = x,
 *       rs(x, k) = floor((x + 2^(k-1)) / 2^k)        (round half up)
 *   with remainder r = x + 2^(k-1) - 2^k rs(x, k), 0 <= r < 2^k; in the
 *   circuit: x + 2^(k-1) = 2^k q + r with r range-checked to k bits.
 *
 *   Layer l (C inputs, OC outputs), input A with fin fractional bits,
 *   weights Wq (OC, C) with fw fractional bits, |Wq| <= 2^(wbits-1) - 1,
 *   bias Bq (OC) at the accumulator scale facc = fin + fw:
 *       Z = Wq A + Bq                      (exact; facc fractional bits)
 *       U = rs(Z, kpre)                    (fu = facc - kpre)
 *   then by the layer's activation:
 *       none:   A' = U                     (fout = fu; the logits)
 *       ReLU:   A' = max(0, U)             (fout = fu)
 *       poly:   P = sum_{k=0..d} Ck U^k 2^((d-k) fu)
 *                                          (fc + d fu fractional bits;
 *                                           Ck = coefficient k with fc
 *                                           fractional bits)
 *               A' = rs(P, kpost)          (fout = fc + d fu - kpost)
 *   and the next layer's fin is this layer's fout.
 *
 *   Class.  argmax of the last layer's A' (the logits); ties go to the
 *   lowest index.
 *
 *   Range.  Z, U, A' must lie in [-2^62, 2^62] and P in [-2^125, 2^125];
 *   an input that drives any value outside is refused with VR_ERANGE
 *   (neither scored nor provable).  Every such value fits the BN254
 *   scalar field with room to spare, so the circuit never wraps.
 */
#ifndef VR_QUANT_QMLP_H
#define VR_QUANT_QMLP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

__extension__ typedef __int128 vr_i128;
__extension__ typedef unsigned __int128 vr_u128;

#define VR_QMLP_MAXL 8          /* layers */
#define VR_QACT_MAXDEG 8        /* polynomial degree */
#define VR_QMLP_VMAX ((int64_t)1 << 62)     /* |Z|, |U|, |A'| bound */
#define VR_QMLP_PBITS 125                   /* |P| <= 2^125 */

enum vr_qact { VR_QACT_NONE, VR_QACT_RELU, VR_QACT_POLY };

/* Stages of a layer whose values are recorded (bounds, traces). */
enum { VR_QST_Z, VR_QST_U, VR_QST_P, VR_QST_A, VR_QST_COUNT };

/*
 * Value bounds of one stage of one layer, over all its neurons.
 *   lo, hi: seen on data (saturated to int64; P may exceed it: see bits)
 *   seen_bits: bits of the largest |value| seen (0 if all zero)
 *   wc_bits: bits of the largest |value| that interval analysis allows
 *   for any input in range (an upper bound; exact while it fits 126
 *   bits, then a bound from bit counting).
 * bits(v) = the least n with |v| < 2^n.
 */
struct vr_qbound {
    int64_t lo, hi;
    int seen_bits, wc_bits;
};

struct vr_qlayer {
    int C, OC;
    int wbits;          /* weight bit-width: |Wq| <= 2^(wbits-1) - 1 */
    int fw;             /* weight fractional bits (may be negative) */
    int fin;            /* input fractional bits */
    int kpre;           /* Z -> U shift, >= 0 */
    int act;            /* enum vr_qact */
    int deg;            /* polynomial degree (act == VR_QACT_POLY) */
    int fc;             /* coefficient fractional bits */
    int64_t coef[VR_QACT_MAXDEG + 1];       /* C0 .. Cdeg */
    int kpost;          /* P -> A' shift, >= 0 (poly only) */
    int32_t *W;         /* (OC, C), owned */
    int64_t *b;         /* (OC), owned */
    struct vr_qbound bound[VR_QST_COUNT];
};

struct vr_qmlp {
    int L;
    int in_bits;        /* input clamp: |X| <= 2^(in_bits-1) - 1 */
    struct vr_qlayer lay[VR_QMLP_MAXL];
};

/* Fractional bits of layer l's accumulator, U, and output. */
int vr_qlayer_facc(const struct vr_qlayer *q);
int vr_qlayer_fu(const struct vr_qlayer *q);
int vr_qlayer_fout(const struct vr_qlayer *q);

/*
 * Allocate the weight and bias arrays of every layer for dims[0..L]
 * (dims[l] inputs, dims[l+1] outputs); everything else zeroed.
 * VR_ENOMEM, or VR_ESHAPE if L is outside 1..VR_QMLP_MAXL.
 */
int vr_qmlp_init(struct vr_qmlp *m, const int *dims, int L);
void vr_qmlp_free(struct vr_qmlp *m);
/*
 * Check that m is a well-formed model: shapes chain, shifts >= 0, scales
 * within [-64, 126], |Wq| within its width, degree and coefficients in
 * range, every step's power of two within the 127-bit arithmetic.
 * VR_EFORMAT otherwise (untrusted models are checked with this).
 */
int vr_qmlp_check(const struct vr_qmlp *m);

/*
 * The float step: X[i] = clamp(rhe(x[i] * 2^fin)) as described above, for
 * n = lay[0].C inputs.  x must be finite (VR_ERANGE otherwise).
 */
int vr_qmlp_quantize_input(const struct vr_qmlp *m, int64_t *X,
    const float *x);

/* rs(x, k) and its remainder, as defined above.  0 <= k <= 126. */
vr_i128 vr_qmlp_rescale(vr_i128 *rem, vr_i128 x, int k);

/*
 * Every intermediate of one inference, for witnesses and bounds.  For
 * layer l with OC outputs, each array holds OC values:
 *   z, u, a         int64       Z, U, A'
 *   rpre            int64       remainder of Z -> U (0 if kpre == 0)
 *   p, rpost        vr_i128     P and the remainder of P -> A' (poly)
 */
struct vr_qtrace {
    int64_t *z[VR_QMLP_MAXL], *u[VR_QMLP_MAXL], *a[VR_QMLP_MAXL];
    int64_t *rpre[VR_QMLP_MAXL];
    vr_i128 *p[VR_QMLP_MAXL], *rpost[VR_QMLP_MAXL];
    int64_t *x;         /* the integer input (lay[0].C) */
    int cls;            /* argmax */
};
/* Allocate a trace sized for m.  VR_ENOMEM. */
int vr_qtrace_init(struct vr_qtrace *t, const struct vr_qmlp *m);
void vr_qtrace_free(struct vr_qtrace *t);

/*
 * Integer inference of one input X (lay[0].C integers, within the input
 * clamp): the class (0 .. OC-1 of the last layer) or VR_ERANGE if a value
 * leaves its range (see above) or X is outside the clamp.  If tr is not
 * NULL every intermediate is stored there (tr->x too); logits, if not
 * NULL, receives the last layer's A' (OC values).
 */
int vr_qmlp_infer(const struct vr_qmlp *m, struct vr_qtrace *tr,
    int64_t *logits, const int64_t *X);

/*
 * Reset the seen bounds (lo > hi, bits 0) and fold one trace into them
 * (a poly stage's P saturates into lo/hi; its bits are exact).
 */
void vr_qmlp_bounds_reset(struct vr_qmlp *m);
void vr_qmlp_bounds_add(struct vr_qmlp *m, const struct vr_qtrace *tr);
/*
 * Interval analysis: for every input with |X| <= 2^(in_bits-1) - 1, set
 * each stage's wc_bits to a bound on bits(|value|).  Per neuron, the
 * bound of Z is |Bq| + sum_c |Wq[o][c]| max|A_c| (exact integers while
 * they fit), rescales and ReLU map intervals monotonically, and P is
 * bounded by sum_k |Ck| M^k 2^((d-k) fu) with M = max|U|.
 */
void vr_qmlp_bounds_worst(struct vr_qmlp *m);

/* bits(|v|): the least n with |v| < 2^n. */
int vr_qmlp_bits(vr_i128 v);

#endif
