/* fp6.c: Fp6 = Fp2[v]/(v^3 - xi).  See fp6.h. */
#include "vr.h"
#include "field/fp6.h"
#include "field/internal.h"

const vr_fp6 vr_fp6_zero;
const vr_fp6 vr_fp6_one = {{{{
    0xd35d438dc58f0d9d, 0x0a78eb28f5c70b3d,
    0x666ea36f7879462c, 0x0e0a77c19a07df2f
}}, {{0, 0, 0, 0}}}, {{{0}}, {{0}}}, {{{0}}, {{0}}}};

/*
 * Frobenius constants, Montgomery form: gamma_{k,i} = xi^(i (p^k - 1) / 6)
 * (BN254.md section 4, constants.json frobenius_gamma1/2).  On Fp6 the
 * coefficient of v^j is scaled by gamma_{k,2j}.
 */
static const vr_fp2 G1_2 = {
    {{0xb5773b104563ab30, 0x347f91c8a9aa6454,
      0x7a007127242e0991, 0x1956bcd8118214ec}},
    {{0x6e849f1ea0aa4757, 0xaa1c7b6d89f89141,
      0xb6e713cdfae0ca3a, 0x26694fbb4e82ebc3}}};
static const vr_fp2 G1_4 = {
    {{0x7361d77f843abe92, 0xa5bb2bd3273411fb,
      0x9c941f314b3e2399, 0x15df9cddbb9fd3ec}},
    {{0x5dddfd154bd8c949, 0x62cb29a5a4445b60,
      0x37bc870a0c7dd2b9, 0x24830a9d3171f0fd}}};
static const vr_fp G2_2 =
    {{0x3350c88e13e80b9c, 0x7dce557cdb5e56b9,
      0x6001b4b8b615564a, 0x2682e617020217e0}};
static const vr_fp G2_4 =
    {{0x71930c11d782e155, 0xa6bb947cffbe3323,
      0xaa303344d4741444, 0x2c3b3f0d26594943}};
static const vr_fp2 G3_2 = {
    {{0xc9af22f716ad6bad, 0xb311782a4aa662b2,
      0x19eeaf64e248c7f4, 0x20273e77e3439f82}},
    {{0xacc02860f7ce93ac, 0x3933d5817ba76b4c,
      0x69e6188b446c8467, 0x0a46036d4417cc55}}};
static const vr_fp2 G3_4 = {
    {{0x448a93a57b6762df, 0xbfd62df528fdeadf,
      0xd858f5d00e9bd47a, 0x06b03d4d3476ec58}},
    {{0x2b19daf4bcc936d1, 0xa1a54e7a56f4299f,
      0xb533eee05adeaef1, 0x170c812b84dda0b2}}};

void
vr_fp6_add(vr_fp6 *r, const vr_fp6 *a, const vr_fp6 *b)
{
    fp2_add(&r->c0, &a->c0, &b->c0);
    fp2_add(&r->c1, &a->c1, &b->c1);
    fp2_add(&r->c2, &a->c2, &b->c2);
}

void
vr_fp6_sub(vr_fp6 *r, const vr_fp6 *a, const vr_fp6 *b)
{
    fp2_sub(&r->c0, &a->c0, &b->c0);
    fp2_sub(&r->c1, &a->c1, &b->c1);
    fp2_sub(&r->c2, &a->c2, &b->c2);
}

void
vr_fp6_neg(vr_fp6 *r, const vr_fp6 *a)
{
    fp2_neg(&r->c0, &a->c0);
    fp2_neg(&r->c1, &a->c1);
    fp2_neg(&r->c2, &a->c2);
}

void
vr_fp6_mul(vr_fp6 *r, const vr_fp6 *a, const vr_fp6 *b)
{
    // Karatsuba for cubic extensions (Devegili et al., "Multiplication and
    // squaring on pairing-friendly fields", 2006, section 4):
    //   c0 = ((a1 + a2)(b1 + b2) - t1 - t2) xi + t0
    //   c1 = (a0 + a1)(b0 + b1) - t0 - t1 + xi t2
    //   c2 = (a0 + a2)(b0 + b2) - t0 - t2 + t1
    vr_fp2 t0, t1, t2, s, u, c0, c1, c2;

    fp2_mul(&t0, &a->c0, &b->c0);
    fp2_mul(&t1, &a->c1, &b->c1);
    fp2_mul(&t2, &a->c2, &b->c2);

    fp2_add(&s, &a->c1, &a->c2);
    fp2_add(&u, &b->c1, &b->c2);
    fp2_mul(&c0, &s, &u);
    fp2_sub(&c0, &c0, &t1);
    fp2_sub(&c0, &c0, &t2);
    fp2_mul_xi(&c0, &c0);
    fp2_add(&c0, &c0, &t0);

    fp2_add(&s, &a->c0, &a->c1);
    fp2_add(&u, &b->c0, &b->c1);
    fp2_mul(&c1, &s, &u);
    fp2_sub(&c1, &c1, &t0);
    fp2_sub(&c1, &c1, &t1);
    fp2_mul_xi(&s, &t2);
    fp2_add(&c1, &c1, &s);

    fp2_add(&s, &a->c0, &a->c2);
    fp2_add(&u, &b->c0, &b->c2);
    fp2_mul(&c2, &s, &u);
    fp2_sub(&c2, &c2, &t0);
    fp2_sub(&c2, &c2, &t2);
    fp2_add(&c2, &c2, &t1);

    r->c0 = c0;
    r->c1 = c1;
    r->c2 = c2;
}

void
vr_fp6_sqr(vr_fp6 *r, const vr_fp6 *a)
{
    // CH-SQR2 (Chung and Hasan, "Asymmetric squaring formulae", 2007):
    //   s0 = a0^2, s1 = 2 a0 a1, s2 = (a0 - a1 + a2)^2, s3 = 2 a1 a2, s4 = a2^2
    //   c0 = xi s3 + s0, c1 = xi s4 + s1, c2 = s1 + s2 + s3 - s0 - s4
    vr_fp2 s0, s1, s2, s3, s4, t;

    fp2_sqr(&s0, &a->c0);
    fp2_mul(&s1, &a->c0, &a->c1);
    fp2_dbl(&s1, &s1);
    fp2_sub(&t, &a->c0, &a->c1);
    fp2_add(&t, &t, &a->c2);
    fp2_sqr(&s2, &t);
    fp2_mul(&s3, &a->c1, &a->c2);
    fp2_dbl(&s3, &s3);
    fp2_sqr(&s4, &a->c2);

    fp2_mul_xi(&t, &s3);
    fp2_add(&r->c0, &t, &s0);
    fp2_add(&s2, &s2, &s1);
    fp2_add(&s2, &s2, &s3);
    fp2_sub(&s2, &s2, &s0);
    fp2_sub(&r->c2, &s2, &s4);
    fp2_mul_xi(&t, &s4);
    fp2_add(&r->c1, &t, &s1);
}

void
vr_fp6_mul_v(vr_fp6 *r, const vr_fp6 *a)
{
    vr_fp2 t;

    fp2_mul_xi(&t, &a->c2);
    r->c2 = a->c1;
    r->c1 = a->c0;
    r->c0 = t;
}

void
vr_fp6_mul_fp2(vr_fp6 *r, const vr_fp6 *a, const vr_fp2 *s)
{
    fp2_mul(&r->c0, &a->c0, s);
    fp2_mul(&r->c1, &a->c1, s);
    fp2_mul(&r->c2, &a->c2, s);
}

void
vr_fp6_mul_01(vr_fp6 *r, const vr_fp6 *a, const vr_fp2 *b0, const vr_fp2 *b1)
{
    // vr_fp6_mul with b2 = 0:
    //   c0 = ((a1 + a2) b1 - t1) xi + t0
    //   c1 = (a0 + a1)(b0 + b1) - t0 - t1
    //   c2 = (a0 + a2) b0 - t0 + t1
    vr_fp2 t0, t1, s, u, c0, c1, c2;

    fp2_mul(&t0, &a->c0, b0);
    fp2_mul(&t1, &a->c1, b1);

    fp2_add(&s, &a->c1, &a->c2);
    fp2_mul(&c0, &s, b1);
    fp2_sub(&c0, &c0, &t1);
    fp2_mul_xi(&c0, &c0);
    fp2_add(&c0, &c0, &t0);

    fp2_add(&s, &a->c0, &a->c1);
    fp2_add(&u, b0, b1);
    fp2_mul(&c1, &s, &u);
    fp2_sub(&c1, &c1, &t0);
    fp2_sub(&c1, &c1, &t1);

    fp2_add(&s, &a->c0, &a->c2);
    fp2_mul(&c2, &s, b0);
    fp2_sub(&c2, &c2, &t0);
    fp2_add(&c2, &c2, &t1);

    r->c0 = c0;
    r->c1 = c1;
    r->c2 = c2;
}

void
vr_fp6_inv(vr_fp6 *r, const vr_fp6 *a)
{
    // 1/a = (A + B v + C v^2) / N with
    //   A = a0^2 - xi a1 a2, B = xi a2^2 - a0 a1, C = a1^2 - a0 a2,
    //   N = a0 A + xi (a2 B + a1 C)  (in Fp2)
    vr_fp2 A, B, C, t, n;

    fp2_sqr(&A, &a->c0);
    fp2_mul(&t, &a->c1, &a->c2);
    fp2_mul_xi(&t, &t);
    fp2_sub(&A, &A, &t);
    fp2_sqr(&B, &a->c2);
    fp2_mul_xi(&B, &B);
    fp2_mul(&t, &a->c0, &a->c1);
    fp2_sub(&B, &B, &t);
    fp2_sqr(&C, &a->c1);
    fp2_mul(&t, &a->c0, &a->c2);
    fp2_sub(&C, &C, &t);

    fp2_mul(&n, &a->c2, &B);
    fp2_mul(&t, &a->c1, &C);
    fp2_add(&n, &n, &t);
    fp2_mul_xi(&n, &n);
    fp2_mul(&t, &a->c0, &A);
    fp2_add(&n, &n, &t);
    vr_fp2_inv(&n, &n);

    fp2_mul(&r->c0, &A, &n);
    fp2_mul(&r->c1, &B, &n);
    fp2_mul(&r->c2, &C, &n);
}

void
vr_fp6_frobenius(vr_fp6 *r, const vr_fp6 *a, int k)
{
    VR_ASSERT(k >= 1 && k <= 3);
    if (k == 2) {
        r->c0 = a->c0;
        fp2_mul_fp(&r->c1, &a->c1, &G2_2);
        fp2_mul_fp(&r->c2, &a->c2, &G2_4);
        return;
    }
    // odd k: conjugate each Fp2 coefficient, then scale
    fp2_conj(&r->c0, &a->c0);
    fp2_conj(&r->c1, &a->c1);
    fp2_conj(&r->c2, &a->c2);
    fp2_mul(&r->c1, &r->c1, k == 1 ? &G1_2 : &G3_2);
    fp2_mul(&r->c2, &r->c2, k == 1 ? &G1_4 : &G3_4);
}

bool
vr_fp6_is_zero(const vr_fp6 *a)
{
    return (int)vr_fp2_is_zero(&a->c0) & vr_fp2_is_zero(&a->c1) &
        vr_fp2_is_zero(&a->c2);
}

bool
vr_fp6_eq(const vr_fp6 *a, const vr_fp6 *b)
{
    return (int)vr_fp2_eq(&a->c0, &b->c0) & vr_fp2_eq(&a->c1, &b->c1) &
        vr_fp2_eq(&a->c2, &b->c2);
}

void
vr_fp6_cmov(vr_fp6 *r, const vr_fp6 *a, int flag)
{
    vr_fp2_cmov(&r->c0, &a->c0, flag);
    vr_fp2_cmov(&r->c1, &a->c1, flag);
    vr_fp2_cmov(&r->c2, &a->c2, flag);
}
