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

void
vr_fp2_mul(vr_fp2 *r, const vr_fp2 *a, const vr_fp2 *b)
{
    fp2_mul(r, a, b);
}

void
vr_fp2_sqr(vr_fp2 *r, const vr_fp2 *a)
{
    fp2_sqr(r, a);
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
