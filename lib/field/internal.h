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

/*
 * The product as two sums of products, each reduced once: with
 * a1' = p - a1,
 *   c0 = a0 b0 - a1 b1 = a0 b0 + a1' b1,   c1 = a0 b1 + a1 b0 (mod p),
 * and fp_dual_mont(r, {x, y, bx, by}) = (x bx + y by) 2^-256 mod p by the
 * word-by-word (CIOS) Montgomery product of limb.h with both products
 * accumulated into one window before each reduction step (lazy
 * reduction: Aranha, Karabina, Longa, Gebotys, Lopez, "Faster explicit
 * formulas for computing pairings over ordinary curves", 2011, section
 * 3.2).  Two reductions for the four products instead of Karatsuba's
 * three products with a reduction each, all in registers, no negative
 * intermediate, and c0 and c1 independent.
 *
 * Bounds, for x, y <= p and bx, by < p (p < 2^254): after step i the
 * window t = (x BX_i + y BY_i + p Q_i) / 2^(64 i) < x + y + p < 3p, so
 * four words; during a step t + x bx_i + y by_i < 3p + 2p 2^64 needs a
 * fifth word A < 2^63.  The result (x bx + y by + p Q) / 2^256 <
 * 2p^2 / 2^256 + p < 2p, less p once.
 *
 * s[16] = x[4], y[4], bx[4], by[4] (little-endian limbs).
 */
#ifdef VR_LIMB_ASM
/*
 * One step: t += x bx[i] (low halves on the OF chain, high halves on the
 * CF chain, top word into A), t += y by[i] (likewise, into A), then
 * limb.h's VR_ADX_REDUCE: q = t0 n0, t = (t + q p) / 2^64.
 */
#define DUAL_STEP(OFF)                                                    \
    "movq 64+" #OFF "(%[s]), %%rdx\n\t"                                 \
    "xorl %%eax, %%eax\n\t"                                             \
    "mulxq 0(%[s]), %%rax, %[hi]\n\t"                                   \
    "adoxq %%rax, %[t0]\n\t"                                            \
    "adcxq %[hi], %[t1]\n\t"                                            \
    "mulxq 8(%[s]), %%rax, %[hi]\n\t"                                   \
    "adoxq %%rax, %[t1]\n\t"                                            \
    "adcxq %[hi], %[t2]\n\t"                                            \
    "mulxq 16(%[s]), %%rax, %[hi]\n\t"                                  \
    "adoxq %%rax, %[t2]\n\t"                                            \
    "adcxq %[hi], %[t3]\n\t"                                            \
    "mulxq 24(%[s]), %%rax, %[A]\n\t"                                   \
    "adoxq %%rax, %[t3]\n\t"                                            \
    "movl $0, %%eax\n\t"                                                \
    "adcxq %%rax, %[A]\n\t"                                             \
    "adoxq %%rax, %[A]\n\t"                                             \
    "movq 96+" #OFF "(%[s]), %%rdx\n\t"                                 \
    "xorl %%eax, %%eax\n\t"                                             \
    "mulxq 32(%[s]), %%rax, %[hi]\n\t"                                  \
    "adoxq %%rax, %[t0]\n\t"                                            \
    "adcxq %[hi], %[t1]\n\t"                                            \
    "mulxq 40(%[s]), %%rax, %[hi]\n\t"                                  \
    "adoxq %%rax, %[t1]\n\t"                                            \
    "adcxq %[hi], %[t2]\n\t"                                            \
    "mulxq 48(%[s]), %%rax, %[hi]\n\t"                                  \
    "adoxq %%rax, %[t2]\n\t"                                            \
    "adcxq %[hi], %[t3]\n\t"                                            \
    "mulxq 56(%[s]), %%rax, %[hi]\n\t"                                  \
    "adoxq %%rax, %[t3]\n\t"                                            \
    "adcxq %[hi], %[A]\n\t"                                             \
    "movl $0, %%eax\n\t"                                                \
    "adoxq %%rax, %[A]\n\t"                                             \
    VR_ADX_REDUCE

static inline void
fp_dual_mont(uint64_t r[4], const uint64_t s[16])
{
    uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, hi, A;

    __asm__ (
        DUAL_STEP(0) DUAL_STEP(8) DUAL_STEP(16) DUAL_STEP(24)
        : [t0] "+&r" (t0), [t1] "+&r" (t1), [t2] "+&r" (t2),
          [t3] "+&r" (t3), [hi] "=&r" (hi), [A] "=&r" (A)
        : [s] "r" (s), [m] "r" (vr_fp_p_), [n0] "r" (VR_FP_N0_),
          "m" (*(const uint64_t (*)[16])s)      /* what it reads */
        : "rax", "rdx", "cc");
    uint64_t t[4] = {t0, t1, t2, t3};
    vr_limb_reduce_once(r, t, vr_fp_p_);
}
#undef DUAL_STEP
#else
static inline void
fp_dual_mont(uint64_t r[4], const uint64_t s[16])
{
    uint64_t t[4] = {0, 0, 0, 0};

    for (int i = 0; i < 4; i++) {
        uint64_t A = 0, c, q;
        vr_u128 w;
        for (int k = 0; k < 2; k++) {           /* x bx[i], then y by[i] */
            const uint64_t *x = s + 4 * k, bi = s[8 + 4 * k + i];
            c = 0;
            for (int j = 0; j < 4; j++) {
                w = (vr_u128)x[j] * bi + t[j] + c;
                t[j] = (uint64_t)w;
                c = (uint64_t)(w >> 64);
            }
            A += c;
        }
        q = t[0] * VR_FP_N0_;
        w = (vr_u128)q * vr_fp_p_[0] + t[0];
        c = (uint64_t)(w >> 64);
        for (int j = 1; j < 4; j++) {
            w = (vr_u128)q * vr_fp_p_[j] + t[j] + c;
            t[j - 1] = (uint64_t)w;
            c = (uint64_t)(w >> 64);
        }
        t[3] = A + c;
    }
    vr_limb_reduce_once(r, t, vr_fp_p_);
}
#endif

static inline void
fp2_mul(vr_fp2 *r, const vr_fp2 *a, const vr_fp2 *b)
{
    uint64_t s0[16], s1[16];

    FP_REDUCED_(&a->c0);
    FP_REDUCED_(&a->c1);
    FP_REDUCED_(&b->c0);
    FP_REDUCED_(&b->c1);
    for (int i = 0; i < 4; i++) {
        s0[i] = s1[i] = a->c0.l[i];             /* x = a0 */
        s1[4 + i] = a->c1.l[i];                 /* c1: y = a1 */
        s0[8 + i] = s1[12 + i] = b->c0.l[i];
        s0[12 + i] = s1[8 + i] = b->c1.l[i];
    }
    vr_limb_sub_raw(s0 + 4, vr_fp_p_, a->c1.l); /* c0: y = p - a1 */
    fp_dual_mont(r->c0.l, s0);                  /* a0 b0 + (p - a1) b1 */
    fp_dual_mont(r->c1.l, s1);                  /* a0 b1 + a1 b0 */
    FP_REDUCED_(&r->c0);
    FP_REDUCED_(&r->c1);
}

static inline void
fp2_sqr(vr_fp2 *r, const vr_fp2 *a)
{
    // c0 = (a0 + a1)(a0 + p - a1), c1 = (2 a0) a1: Montgomery products
    // of factors < 2p, which limb.h's CIOS takes (< 4p^2 / 2^256 + p
    // < 2p before its final subtraction).
    uint64_t s[4], d[4], a2[4];

    FP_REDUCED_(&a->c0);
    FP_REDUCED_(&a->c1);
    vr_limb_add_raw(s, a->c0.l, a->c1.l);
    vr_limb_sub_raw(d, vr_fp_p_, a->c1.l);
    vr_limb_add_raw(d, d, a->c0.l);
    vr_limb_add_raw(a2, a->c0.l, a->c0.l);
    vr_limb_mont_mul(r->c1.l, a2, a->c1.l, vr_fp_p_, VR_FP_N0_);
    vr_limb_mont_mul(r->c0.l, s, d, vr_fp_p_, VR_FP_N0_);
    FP_REDUCED_(&r->c0);
    FP_REDUCED_(&r->c1);
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
