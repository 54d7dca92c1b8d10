/* fp2.c: Fp2 = Fp[u]/(u^2 + 1).  See fp2.h. */
#include "vr.h"
#include "field/fp2.h"
#include "field/internal.h"

const vr_fp2 vr_fp2_zero = {{{0, 0, 0, 0}}, {{0, 0, 0, 0}}};
const vr_fp2 vr_fp2_one = {{{
    0xd35d438dc58f0d9d, 0x0a78eb28f5c70b3d,
    0x666ea36f7879462c, 0x0e0a77c19a07df2f
}}, {{0, 0, 0, 0}}};

void
vr_fp2_add(vr_fp2 *r, const vr_fp2 *a, const vr_fp2 *b)
{
    fp2_add(r, a, b);
}

void
vr_fp2_sub(vr_fp2 *r, const vr_fp2 *a, const vr_fp2 *b)
{
    fp2_sub(r, a, b);
}

void
vr_fp2_neg(vr_fp2 *r, const vr_fp2 *a)
{
    fp2_neg(r, a);
}

void
vr_fp2_dbl(vr_fp2 *r, const vr_fp2 *a)
{
    fp2_dbl(r, a);
}

/*
 * The product as two sums of products, each reduced once: with
 * a1' = p - a1,
 *   c0 = a0 b0 - a1 b1 = a0 b0 + a1' b1,   c1 = a0 b1 + a1 b0 (mod p),
 * and dual_mont(r, {x, y, bx, by}) = (x bx + y by) 2^-256 mod p by the
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
dual_mont(uint64_t r[4], const uint64_t s[16])
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
dual_mont(uint64_t r[4], const uint64_t s[16])
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

void
vr_fp2_mul(vr_fp2 *r, const vr_fp2 *a, const vr_fp2 *b)
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
    dual_mont(r->c0.l, s0);                     /* a0 b0 + (p - a1) b1 */
    dual_mont(r->c1.l, s1);                     /* a0 b1 + a1 b0 */
    FP_REDUCED_(&r->c0);
    FP_REDUCED_(&r->c1);
}

void
vr_fp2_sqr(vr_fp2 *r, const vr_fp2 *a)
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

void
vr_fp2_mul_fp(vr_fp2 *r, const vr_fp2 *a, const vr_fp *s)
{
    fp2_mul_fp(r, a, s);
}

void
vr_fp2_mul_xi(vr_fp2 *r, const vr_fp2 *a)
{
    fp2_mul_xi(r, a);
}

void
vr_fp2_conj(vr_fp2 *r, const vr_fp2 *a)
{
    fp2_conj(r, a);
}

void
vr_fp2_inv(vr_fp2 *r, const vr_fp2 *a)
{
    vr_fp t0, t1;

    fp_sqr(&t0, &a->c0);
    fp_sqr(&t1, &a->c1);
    fp_add(&t0, &t0, &t1);                  /* norm a0^2 + a1^2 */
    vr_fp_inv(&t0, &t0);
    fp_mul(&r->c0, &a->c0, &t0);
    fp_mul(&t1, &a->c1, &t0);
    fp_neg(&r->c1, &t1);
}

int
vr_fp2_inv_var(vr_fp2 *r, const vr_fp2 *a)
{
    vr_fp t0, t1;

    fp_sqr(&t0, &a->c0);
    fp_sqr(&t1, &a->c1);
    fp_add(&t0, &t0, &t1);
    if (vr_fp_inv_var(&t0, &t0) != VR_OK) {
        *r = vr_fp2_zero;
        return VR_ERANGE;
    }
    fp_mul(&r->c0, &a->c0, &t0);
    fp_mul(&t1, &a->c1, &t0);
    fp_neg(&r->c1, &t1);
    return VR_OK;
}

void
vr_fp2_pow(vr_fp2 *r, const vr_fp2 *a, const uint64_t e[4])
{
    vr_fp2 acc = vr_fp2_one, base = *a;

    // Right-to-left binary: the branch is on the public exponent only.
    for (int i = 0; i < 256; i++) {
        if (vr_limb_bit(e, i))
            vr_fp2_mul(&acc, &acc, &base);
        vr_fp2_sqr(&base, &base);
    }
    *r = acc;
}

/* (p - 3) / 4 */
static const uint64_t P_MINUS_3_DIV_4[4] = {
    0x4f082305b61f3f51, 0x65e05aa45a1c72a3,
    0x6e14116da0605617, 0x0c19139cb84c680a
};
/* (p - 1) / 2 */
static const uint64_t P_MINUS_1_DIV_2[4] = {
    0x9e10460b6c3e7ea3, 0xcbc0b548b438e546,
    0xdc2822db40c0ac2e, 0x183227397098d014
};

int
vr_fp2_sqrt(vr_fp2 *r, const vr_fp2 *a)
{
    vr_fp2 a1, alpha, x0, xu, b, minus_one, chk;

    vr_fp2_pow(&a1, a, P_MINUS_3_DIV_4);    /* a1 = a^((p-3)/4) */
    vr_fp2_mul(&x0, &a1, a);                /* x0 = a^((p+1)/4) */
    vr_fp2_mul(&alpha, &a1, &x0);           /* alpha = a^((p-1)/2) */
    vr_fp2_neg(&minus_one, &vr_fp2_one);
    // alpha == -1: x = u x0.  Otherwise x = (1 + alpha)^((p-1)/2) x0.
    xu.c0 = x0.c1;
    fp_neg(&xu.c0, &xu.c0);
    xu.c1 = x0.c0;                          /* u (c0 + c1 u) = -c1 + c0 u */
    vr_fp2_add(&b, &alpha, &vr_fp2_one);
    vr_fp2_pow(&b, &b, P_MINUS_1_DIV_2);
    vr_fp2_mul(&b, &b, &x0);
    vr_fp2_cmov(&b, &xu, vr_fp2_eq(&alpha, &minus_one));
    vr_fp2_sqr(&chk, &b);
    *r = b;
    return VR_ERANGE * (int)(vr_fp2_eq(&chk, a) ^ 1);
}

bool
vr_fp2_is_zero(const vr_fp2 *a)
{
    return (vr_limb_is_zero(a->c0.l) & vr_limb_is_zero(a->c1.l)) != 0;
}

bool
vr_fp2_eq(const vr_fp2 *a, const vr_fp2 *b)
{
    return (vr_limb_eq(a->c0.l, b->c0.l) & vr_limb_eq(a->c1.l, b->c1.l)) != 0;
}

void
vr_fp2_cmov(vr_fp2 *r, const vr_fp2 *a, int flag)
{
    vr_limb_cmov(r->c0.l, a->c0.l, (uint64_t)(flag != 0));
    vr_limb_cmov(r->c1.l, a->c1.l, (uint64_t)(flag != 0));
}
