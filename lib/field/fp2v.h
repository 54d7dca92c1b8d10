/*
 * fp2v.h: eight elements of Fp2 = Fp[u]/(u^2 + 1) at once, on fpv.h's
 * IFMA lanes: c0 + c1 u with each coefficient an fpv.  Same domain as
 * fpv.h (coefficients are 2^-260 Montgomery numbers), same conditions
 * (VR_FPV), tested the same way (tests/unit/check_fpv.c against fp2.c).
 */
#ifndef VR_FIELD_FP2V_H
#define VR_FIELD_FP2V_H

#include "field/fpv.h"

#ifdef VR_FPV

#include "field/fp2.h"

typedef struct { vr_fpv c0, c1; } vr_fp2v;

/* Karatsuba: (a0 + a1 u)(b0 + b1 u) = a0 b0 - a1 b1
 * + ((a0 + a1)(b0 + b1) - a0 b0 - a1 b1) u.  r may alias a or b. */
static inline void
vr_fp2v_mul(vr_fp2v *r, const vr_fp2v *a, const vr_fp2v *b)
{
    vr_fpv t0, t1, s0, s1, t2;

    vr_fpv_mul(&t0, &a->c0, &b->c0);
    vr_fpv_mul(&t1, &a->c1, &b->c1);
    vr_fpv_add(&s0, &a->c0, &a->c1);
    vr_fpv_add(&s1, &b->c0, &b->c1);
    vr_fpv_mul(&t2, &s0, &s1);
    vr_fpv_sub(&r->c0, &t0, &t1);
    vr_fpv_sub(&t2, &t2, &t0);
    vr_fpv_sub(&r->c1, &t2, &t1);
}

static inline void
vr_fp2v_sub(vr_fp2v *r, const vr_fp2v *a, const vr_fp2v *b)
{
    vr_fpv_sub(&r->c0, &a->c0, &b->c0);
    vr_fpv_sub(&r->c1, &a->c1, &b->c1);
}

/* r = the 8 consecutive elements a[0..8). */
static inline void
vr_fp2v_load(vr_fp2v *r, const vr_fp2 a[8])
{
    const void *rec[8];

    for (int i = 0; i < 8; i++)
        rec[i] = &a[i];
    vr_fpv_load_pairs(&r->c0, &r->c1, rec);
}

/* a[0..8) = the 8 lanes of v. */
static inline void
vr_fp2v_store(vr_fp2 a[8], const vr_fp2v *v)
{
    void *rec[8];

    for (int i = 0; i < 8; i++)
        rec[i] = &a[i];
    vr_fpv_store_pairs(rec, 8, &v->c0, &v->c1);
}

#endif
#endif
