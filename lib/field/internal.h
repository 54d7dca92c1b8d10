/*
 * internal.h: inline Fp arithmetic for the tower (fp2.c, fp6.c, fp12.c).
 * Only lib/field includes this.  The same operations as fp.h, but visible
 * to the compiler so that Fp2/Fp6/Fp12 code is inlined down to limb.h.
 */
#ifndef VR_FIELD_INTERNAL_H
#define VR_FIELD_INTERNAL_H

#include "vr.h"
#include "field/fp.h"
#include "field/fp2.h"
#include "field/limb.h"

/* p, little-endian limbs (same as vr_fp_modulus, visible for inlining) */
static const uint64_t vr_fp_p_[4] = {
    0x3c208c16d87cfd47, 0x97816a916871ca8d,
    0xb85045b68181585d, 0x30644e72e131a029
};
/* -p^-1 mod 2^64 */
#define VR_FP_N0_ VR_FP_N0

/* make VERIFY=1: every operand and result is fully reduced */
#define FP_REDUCED_(a) VR_VERIFY_CHECK(vr_limb_lt((a)->l, vr_fp_p_))

static inline void
fp_add(vr_fp *r, const vr_fp *a, const vr_fp *b)
{
    FP_REDUCED_(a);
    FP_REDUCED_(b);
    vr_limb_add_mod(r->l, a->l, b->l, vr_fp_p_);
    FP_REDUCED_(r);
}

static inline void
fp_sub(vr_fp *r, const vr_fp *a, const vr_fp *b)
{
    FP_REDUCED_(a);
    FP_REDUCED_(b);
    vr_limb_sub_mod(r->l, a->l, b->l, vr_fp_p_);
    FP_REDUCED_(r);
}

static inline void
fp_dbl(vr_fp *r, const vr_fp *a)
{
    FP_REDUCED_(a);
    vr_limb_add_mod(r->l, a->l, a->l, vr_fp_p_);
    FP_REDUCED_(r);
}

static inline void
fp_neg(vr_fp *r, const vr_fp *a)
{
    FP_REDUCED_(a);
    vr_limb_neg_mod(r->l, a->l, vr_fp_p_);
    FP_REDUCED_(r);
}

static inline void
fp_mul(vr_fp *r, const vr_fp *a, const vr_fp *b)
{
    FP_REDUCED_(a);
    FP_REDUCED_(b);
    vr_limb_mont_mul(r->l, a->l, b->l, vr_fp_p_, VR_FP_N0_);
    FP_REDUCED_(r);
}

static inline void
fp_sqr(vr_fp *r, const vr_fp *a)
{
    FP_REDUCED_(a);
    vr_limb_mont_sqr(r->l, a->l, vr_fp_p_, VR_FP_N0_);
    FP_REDUCED_(r);
}

/* Fp2 arithmetic inlined into the tower (fp2.c exports the same). */

static inline void
fp2_add(vr_fp2 *r, const vr_fp2 *a, const vr_fp2 *b)
{
    fp_add(&r->c0, &a->c0, &b->c0);
    fp_add(&r->c1, &a->c1, &b->c1);
}

static inline void
fp2_sub(vr_fp2 *r, const vr_fp2 *a, const vr_fp2 *b)
{
    fp_sub(&r->c0, &a->c0, &b->c0);
    fp_sub(&r->c1, &a->c1, &b->c1);
}

static inline void
fp2_neg(vr_fp2 *r, const vr_fp2 *a)
{
    fp_neg(&r->c0, &a->c0);
    fp_neg(&r->c1, &a->c1);
}

static inline void
fp2_dbl(vr_fp2 *r, const vr_fp2 *a)
{
    fp_dbl(&r->c0, &a->c0);
    fp_dbl(&r->c1, &a->c1);
}

static inline void
fp2_mul(vr_fp2 *r, const vr_fp2 *a, const vr_fp2 *b)
{
    // Karatsuba; the sums a0 + a1 and b0 + b1 stay unreduced (< 2p): the
    // CIOS product of operands < 2p is < 1.76p before its final
    // subtraction since 4p < 2^256, so its result is still < p.
    vr_fp t0, t1, s0, s1;

    fp_mul(&t0, &a->c0, &b->c0);            /* t0 = a0 b0 */
    fp_mul(&t1, &a->c1, &b->c1);            /* t1 = a1 b1 */
    vr_limb_add_raw(s0.l, a->c0.l, a->c1.l);
    vr_limb_add_raw(s1.l, b->c0.l, b->c1.l);
    vr_limb_mont_mul(s0.l, s0.l, s1.l, vr_fp_p_, VR_FP_N0_);
    fp_sub(&r->c0, &t0, &t1);               /* c0 = a0 b0 - a1 b1 */
    fp_sub(&s0, &s0, &t0);
    fp_sub(&r->c1, &s0, &t1);               /* c1 = a0 b1 + a1 b0 */
}

static inline void
fp2_sqr(vr_fp2 *r, const vr_fp2 *a)
{
    // c0 = (a0 + a1)(a0 - a1) with both factors unreduced (< 2p, as in
    // fp2_mul): a0 - a1 is taken as a0 + (p - a1).
    vr_fp s, d, m;

    vr_limb_add_raw(s.l, a->c0.l, a->c1.l);
    vr_limb_sub_raw(d.l, vr_fp_p_, a->c1.l);
    vr_limb_add_raw(d.l, d.l, a->c0.l);
    fp_mul(&m, &a->c0, &a->c1);             /* a0 a1 */
    vr_limb_mont_mul(r->c0.l, s.l, d.l, vr_fp_p_, VR_FP_N0_);
    fp_dbl(&r->c1, &m);                     /* c1 = 2 a0 a1 */
}

static inline void
fp2_mul_fp(vr_fp2 *r, const vr_fp2 *a, const vr_fp *s)
{
    fp_mul(&r->c0, &a->c0, s);
    fp_mul(&r->c1, &a->c1, s);
}

static inline void
fp2_mul_xi(vr_fp2 *r, const vr_fp2 *a)
{
    // (a0 + a1 u)(9 + u) = (9 a0 - a1) + (a0 + 9 a1) u
    vr_fp t0, t1;

    fp_dbl(&t0, &a->c0);
    fp_dbl(&t0, &t0);
    fp_dbl(&t0, &t0);
    fp_add(&t0, &t0, &a->c0);               /* 9 a0 */
    fp_dbl(&t1, &a->c1);
    fp_dbl(&t1, &t1);
    fp_dbl(&t1, &t1);
    fp_add(&t1, &t1, &a->c1);               /* 9 a1 */
    fp_sub(&t0, &t0, &a->c1);
    fp_add(&r->c1, &t1, &a->c0);
    r->c0 = t0;
}

static inline void
fp2_conj(vr_fp2 *r, const vr_fp2 *a)
{
    r->c0 = a->c0;
    fp_neg(&r->c1, &a->c1);
}

#endif
