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
 * Lazy reduction (Aranha, Karabina, Longa, Gebotys, Lopez, "Faster
 * explicit formulas for computing pairings over ordinary curves", 2011,
 * section 3; blst's mul_mont_384x): vr_fp2_mul forms the three Karatsuba
 * products as full 512-bit integers, combines them unreduced, and
 * Montgomery-reduces only the two results.  3 products and 2 reductions
 * instead of 3 products each with its reduction.
 *
 * wide_mul: t = a b, 4 x 4 limbs -> 8.
 * wide_redc: r = t 2^-256 mod p for t < p 2^256, fully reduced.  The
 * low half is divided out by the word-by-word Montgomery steps
 * u = (t_lo + q p) / 2^256 <= p, then r = u + t_hi < 2p, less p once.
 */
#ifdef VR_LIMB_ASM
/*
 * One row of the schoolbook product: window (W0..W3, W4) = t[i..i+4]
 * += a b[i], W4 fresh; low halves on the OF chain (adox), high halves
 * on the CF chain (adcx), as limb.h's VR_ADX_ROUND; then t[i] = W0 is
 * final and is stored.
 */
#define WIDE_ROW(OFF, W0, W1, W2, W3, W4)                                 \
    "movq " #OFF "(%[b]), %%rdx\n\t"                                    \
    "xorl %%eax, %%eax\n\t"                                             \
    "mulxq 0(%[a]), %%rax, %[hi]\n\t"                                   \
    "adoxq %%rax, %[" #W0 "]\n\t"                                       \
    "adcxq %[hi], %[" #W1 "]\n\t"                                       \
    "mulxq 8(%[a]), %%rax, %[hi]\n\t"                                   \
    "adoxq %%rax, %[" #W1 "]\n\t"                                       \
    "adcxq %[hi], %[" #W2 "]\n\t"                                       \
    "mulxq 16(%[a]), %%rax, %[hi]\n\t"                                  \
    "adoxq %%rax, %[" #W2 "]\n\t"                                       \
    "adcxq %[hi], %[" #W3 "]\n\t"                                       \
    "mulxq 24(%[a]), %%rax, %[" #W4 "]\n\t"                             \
    "adoxq %%rax, %[" #W3 "]\n\t"                                       \
    "movl $0, %%eax\n\t"                                                \
    "adcxq %%rax, %[" #W4 "]\n\t"                                       \
    "adoxq %%rax, %[" #W4 "]\n\t"                                       \
    "movq %[" #W0 "], " #OFF "(%[t])\n\t"

static inline void
wide_mul(uint64_t t[8], const uint64_t a[4], const uint64_t b[4])
{
    uint64_t w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4, hi;

    __asm__ (
        WIDE_ROW(0, w0, w1, w2, w3, w4)
        WIDE_ROW(8, w1, w2, w3, w4, w0)
        WIDE_ROW(16, w2, w3, w4, w0, w1)
        WIDE_ROW(24, w3, w4, w0, w1, w2)
        "movq %[w4], 32(%[t])\n\t"
        "movq %[w0], 40(%[t])\n\t"
        "movq %[w1], 48(%[t])\n\t"
        "movq %[w2], 56(%[t])\n\t"
        : [w0] "+&r" (w0), [w1] "+&r" (w1), [w2] "+&r" (w2),
          [w3] "+&r" (w3), [w4] "=&r" (w4), [hi] "=&r" (hi),
          "=m" (*(uint64_t (*)[8])t)    /* the real output */
        : [a] "r" (a), [b] "r" (b), [t] "r" (t)
        : "rax", "rdx", "cc", "memory");
}
#undef WIDE_ROW

/* One Montgomery step on the window t0..t3: (t + q p) / 2^64 with
 * q = t0 n0, as the second half of limb.h's VR_ADX_ROUND (no fifth
 * word here). */
#define REDC_STEP                                                         \
    "movq %[n0], %%rdx\n\t"                                             \
    "imulq %[t0], %%rdx\n\t"                                            \
    "xorl %%eax, %%eax\n\t"                                             \
    "mulxq 0(%[m]), %%rax, %[hi]\n\t"                                   \
    "adcxq %[t0], %%rax\n\t"                                            \
    "movq %[hi], %[t0]\n\t"                                             \
    "adcxq %[t1], %[t0]\n\t"                                            \
    "mulxq 8(%[m]), %%rax, %[t1]\n\t"                                   \
    "adoxq %%rax, %[t0]\n\t"                                            \
    "adcxq %[t2], %[t1]\n\t"                                            \
    "mulxq 16(%[m]), %%rax, %[t2]\n\t"                                  \
    "adoxq %%rax, %[t1]\n\t"                                            \
    "adcxq %[t3], %[t2]\n\t"                                            \
    "mulxq 24(%[m]), %%rax, %[t3]\n\t"                                  \
    "adoxq %%rax, %[t2]\n\t"                                            \
    "movl $0, %%eax\n\t"                                                \
    "adcxq %%rax, %[t3]\n\t"                                            \
    "adoxq %%rax, %[t3]\n\t"

static inline void
wide_redc(uint64_t r[4], const uint64_t t[8])
{
    uint64_t t0 = t[0], t1 = t[1], t2 = t[2], t3 = t[3], hi;

    __asm__ (
        REDC_STEP REDC_STEP REDC_STEP REDC_STEP
        : [t0] "+&r" (t0), [t1] "+&r" (t1), [t2] "+&r" (t2),
          [t3] "+&r" (t3), [hi] "=&r" (hi)
        : [m] "r" (vr_fp_p_), [n0] "r" (VR_FP_N0_)
        : "rax", "rdx", "cc", "memory");
    uint64_t u[4] = {t0, t1, t2, t3};
    vr_limb_add_raw(u, u, t + 4);
    vr_limb_reduce_once(r, u, vr_fp_p_);
}
#undef REDC_STEP
#else
static inline void
wide_mul(uint64_t t[8], const uint64_t a[4], const uint64_t b[4])
{
    uint64_t w[8] = {0};

    for (int i = 0; i < 4; i++) {
        uint64_t c = 0;
        for (int j = 0; j < 4; j++) {
            vr_u128 p = (vr_u128)a[j] * b[i] + w[i + j] + c;
            w[i + j] = (uint64_t)p;
            c = (uint64_t)(p >> 64);
        }
        w[i + 4] = c;
    }
    for (int i = 0; i < 8; i++)
        t[i] = w[i];
}

static inline void
wide_redc(uint64_t r[4], const uint64_t t[8])
{
    uint64_t u[5] = {t[0], t[1], t[2], t[3], 0};

    for (int i = 0; i < 4; i++) {
        uint64_t q = u[0] * VR_FP_N0_, c;
        vr_u128 p = (vr_u128)q * vr_fp_p_[0] + u[0];
        c = (uint64_t)(p >> 64);
        for (int j = 1; j < 4; j++) {
            p = (vr_u128)q * vr_fp_p_[j] + u[j] + c;
            u[j - 1] = (uint64_t)p;
            c = (uint64_t)(p >> 64);
        }
        u[3] = c;
    }
    vr_limb_add_raw(u, u, t + 4);
    vr_limb_reduce_once(r, u, vr_fp_p_);
}
#endif

/* t = t - s over 512 bits; returns the borrow. */
static inline uint64_t
wide_sub(uint64_t t[8], const uint64_t s[8])
{
    uint64_t c = 0;

    for (int i = 0; i < 8; i++)
        c = vr_limb_subb(&t[i], t[i], s[i], c);
    return c;
}

void
vr_fp2_mul(vr_fp2 *r, const vr_fp2 *a, const vr_fp2 *b)
{
    // a0 b0, a1 b1 < p^2 and (a0 + a1)(b0 + b1) < 4p^2 < 2^510.
    //   c0 = a0 b0 - a1 b1, plus p 2^256 if negative: in [0, p 2^256)
    //   c1 = (a0 + a1)(b0 + b1) - a0 b0 - a1 b1 = a0 b1 + a1 b0 < 2p^2
    // and 2p^2 < p 2^256, so both are valid wide_redc inputs.
    uint64_t t0[8], t1[8], t2[8], sa[4], sb[4], pm[4], mask;

    FP_REDUCED_(&a->c0);
    FP_REDUCED_(&a->c1);
    FP_REDUCED_(&b->c0);
    FP_REDUCED_(&b->c1);
    vr_limb_add_raw(sa, a->c0.l, a->c1.l);
    vr_limb_add_raw(sb, b->c0.l, b->c1.l);
    wide_mul(t0, a->c0.l, b->c0.l);
    wide_mul(t1, a->c1.l, b->c1.l);
    wide_mul(t2, sa, sb);
    wide_sub(t2, t0);
    wide_sub(t2, t1);
    mask = vr_limb_mask(wide_sub(t0, t1));
    for (int i = 0; i < 4; i++)
        pm[i] = vr_fp_p_[i] & mask;
    vr_limb_add_raw(t0 + 4, t0 + 4, pm);    /* carry out: back in range */
    wide_redc(r->c0.l, t0);
    wide_redc(r->c1.l, t2);
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
