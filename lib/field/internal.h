/*
 * internal.h: inline Fp arithmetic for the tower (fp2.c, fp6.c, fp12.c).
 * Only lib/field includes this.  The same operations as fp.h, but visible
 * to the compiler so that Fp2/Fp6/Fp12 code is inlined down to limb.h.
 */
#ifndef VR_FIELD_INTERNAL_H
#define VR_FIELD_INTERNAL_H

#include "field/fp.h"
#include "field/limb.h"

/* p, little-endian limbs (same as vr_fp_modulus, visible for inlining) */
static const uint64_t vr_fp_p_[4] = {
    0x3c208c16d87cfd47, 0x97816a916871ca8d,
    0xb85045b68181585d, 0x30644e72e131a029
};
/* -p^-1 mod 2^64 */
#define VR_FP_N0_ 0x87d20782e4866389ULL

static inline void
fp_add(vr_fp *r, const vr_fp *a, const vr_fp *b)
{
    vr_limb_add_mod(r->l, a->l, b->l, vr_fp_p_);
}

static inline void
fp_sub(vr_fp *r, const vr_fp *a, const vr_fp *b)
{
    vr_limb_sub_mod(r->l, a->l, b->l, vr_fp_p_);
}

static inline void
fp_dbl(vr_fp *r, const vr_fp *a)
{
    vr_limb_add_mod(r->l, a->l, a->l, vr_fp_p_);
}

static inline void
fp_neg(vr_fp *r, const vr_fp *a)
{
    vr_limb_neg_mod(r->l, a->l, vr_fp_p_);
}

static inline void
fp_mul(vr_fp *r, const vr_fp *a, const vr_fp *b)
{
    vr_limb_mont_mul(r->l, a->l, b->l, vr_fp_p_, VR_FP_N0_);
}

static inline void
fp_sqr(vr_fp *r, const vr_fp *a)
{
    vr_limb_mont_sqr(r->l, a->l, vr_fp_p_, VR_FP_N0_);
}

#endif
