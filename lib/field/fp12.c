/* fp12.c: Fp12 = Fp6[w]/(w^2 - v).  See fp12.h. */
#include "vr.h"
#include "field/fp12.h"
#include "field/internal.h"

const vr_fp12 vr_fp12_one = {{{{{
    0xd35d438dc58f0d9d, 0x0a78eb28f5c70b3d,
    0x666ea36f7879462c, 0x0e0a77c19a07df2f
}}, {{0}}}, {{{0}}, {{0}}}, {{{0}}, {{0}}}}, {{{{0}}, {{0}}}, {{{0}}, {{0}}},
    {{{0}}, {{0}}}}};

/* gamma_{k,1} = xi^((p^k - 1) / 6), Montgomery form: the Frobenius scale
 * of w (c1 = g1 w + g3 w^3 + g5 w^5 gets gamma_{k,1} on top of Fp6's). */
static const vr_fp2 G1_1 = {
    {{0xaf9ba69633144907, 0xca6b1d7387afb78a,
      0x11bded5ef08a2087, 0x02f34d751a1f3a7c}},
    {{0xa222ae234c492d72, 0xd00f02a4565de15b,
      0xdc2ff3a253dfc926, 0x10a75716b3899551}}};
static const vr_fp G2_1 =
    {{0xca8d800500fa1bf2, 0xf0c5d61468b39769,
      0x0e201271ad0d4418, 0x04290f65bad856e6}};
static const vr_fp2 G3_1 = {
    {{0x365316184e46d97d, 0x0af7129ed4c96d9f,
      0x659da72fca1009b5, 0x08116d8983a20d23}},
    {{0xb1df4af7c39c1939, 0x3d9f02878a73bf7f,
      0x9b2220928caf0ae0, 0x26684515eff054a6}}};

void
vr_fp12_add(vr_fp12 *r, const vr_fp12 *a, const vr_fp12 *b)
{
    vr_fp6_add(&r->c0, &a->c0, &b->c0);
    vr_fp6_add(&r->c1, &a->c1, &b->c1);
}

void
vr_fp12_sub(vr_fp12 *r, const vr_fp12 *a, const vr_fp12 *b)
{
    vr_fp6_sub(&r->c0, &a->c0, &b->c0);
    vr_fp6_sub(&r->c1, &a->c1, &b->c1);
}

void
vr_fp12_mul(vr_fp12 *r, const vr_fp12 *a, const vr_fp12 *b)
{
    // c0 = a0 b0 + v a1 b1,  c1 = (a0 + a1)(b0 + b1) - a0 b0 - a1 b1
    vr_fp6 t0, t1, s, u;

    vr_fp6_mul(&t0, &a->c0, &b->c0);
    vr_fp6_mul(&t1, &a->c1, &b->c1);
    vr_fp6_add(&s, &a->c0, &a->c1);
    vr_fp6_add(&u, &b->c0, &b->c1);
    vr_fp6_mul(&s, &s, &u);
    vr_fp6_sub(&s, &s, &t0);
    vr_fp6_sub(&r->c1, &s, &t1);
    vr_fp6_mul_v(&t1, &t1);
    vr_fp6_add(&r->c0, &t0, &t1);
}

void
vr_fp12_sqr(vr_fp12 *r, const vr_fp12 *a)
{
    // complex squaring: m = a0 a1,
    //   c0 = (a0 + a1)(a0 + v a1) - m - v m,  c1 = 2 m
    vr_fp6 m, s, t, vm;

    vr_fp6_mul(&m, &a->c0, &a->c1);
    vr_fp6_add(&s, &a->c0, &a->c1);
    vr_fp6_mul_v(&t, &a->c1);
    vr_fp6_add(&t, &t, &a->c0);
    vr_fp6_mul(&s, &s, &t);
    vr_fp6_mul_v(&vm, &m);
    vr_fp6_sub(&s, &s, &m);
    vr_fp6_sub(&r->c0, &s, &vm);
    vr_fp6_add(&r->c1, &m, &m);
}

void
vr_fp12_mul_034(vr_fp12 *r, const vr_fp12 *a, const vr_fp2 *d0,
    const vr_fp2 *d3, const vr_fp2 *d4)
{
    // b = B0 + B1 w with B0 = d0, B1 = d3 + d4 v:
    //   x = a0 B0, y = a1 B1, c1 = (a0 + a1)(B0 + B1) - x - y, c0 = x + v y
    vr_fp6 x, y, s;
    vr_fp2 e;

    vr_fp6_mul_fp2(&x, &a->c0, d0);
    vr_fp6_mul_01(&y, &a->c1, d3, d4);
    vr_fp6_add(&s, &a->c0, &a->c1);
    fp2_add(&e, d0, d3);
    vr_fp6_mul_01(&s, &s, &e, d4);
    vr_fp6_sub(&s, &s, &x);
    vr_fp6_sub(&r->c1, &s, &y);
    vr_fp6_mul_v(&y, &y);
    vr_fp6_add(&r->c0, &x, &y);
}

void
vr_fp12_inv(vr_fp12 *r, const vr_fp12 *a)
{
    // 1/(a0 + a1 w) = (a0 - a1 w) / (a0^2 - v a1^2)
    vr_fp6 t0, t1;

    vr_fp6_sqr(&t0, &a->c0);
    vr_fp6_sqr(&t1, &a->c1);
    vr_fp6_mul_v(&t1, &t1);
    vr_fp6_sub(&t0, &t0, &t1);
    vr_fp6_inv(&t0, &t0);
    vr_fp6_mul(&r->c0, &a->c0, &t0);
    vr_fp6_mul(&t1, &a->c1, &t0);
    vr_fp6_neg(&r->c1, &t1);
}

void
vr_fp12_conj(vr_fp12 *r, const vr_fp12 *a)
{
    r->c0 = a->c0;
    vr_fp6_neg(&r->c1, &a->c1);
}

void
vr_fp12_frobenius(vr_fp12 *r, const vr_fp12 *a, int k)
{
    VR_ASSERT(k >= 1 && k <= 3);
    vr_fp6_frobenius(&r->c0, &a->c0, k);
    vr_fp6_frobenius(&r->c1, &a->c1, k);
    if (k == 2) {
        fp2_mul_fp(&r->c1.c0, &r->c1.c0, &G2_1);
        fp2_mul_fp(&r->c1.c1, &r->c1.c1, &G2_1);
        fp2_mul_fp(&r->c1.c2, &r->c1.c2, &G2_1);
    } else {
        vr_fp6_mul_fp2(&r->c1, &r->c1, k == 1 ? &G1_1 : &G3_1);
    }
}

void
vr_fp12_cyclotomic_sqr(vr_fp12 *r, const vr_fp12 *a)
{
    // Granger-Scott, with x = (x0..x5) = (c0.c0, c0.c1, c0.c2, c1.c0,
    // c1.c1, c1.c2) (the layout of gnark-crypto's E12.CyclotomicSquare):
    //   c0.c0 = 3 (x4^2 xi + x0^2) - 2 x0     c1.c0 = 3 (2 x1 x5 xi) + 2 x3
    //   c0.c1 = 3 (x2^2 xi + x3^2) - 2 x1     c1.c1 = 3 (2 x0 x4) + 2 x4
    //   c0.c2 = 3 (x5^2 xi + x1^2) - 2 x2     c1.c2 = 3 (2 x2 x3) + 2 x5
    const vr_fp2 *x0 = &a->c0.c0, *x1 = &a->c0.c1, *x2 = &a->c0.c2;
    const vr_fp2 *x3 = &a->c1.c0, *x4 = &a->c1.c1, *x5 = &a->c1.c2;
    vr_fp2 t0, t1, t2, t3, t4, t5, t6, t7, t8;
    vr_fp12 z;

    fp2_sqr(&t0, x4);
    fp2_sqr(&t1, x0);
    fp2_add(&t6, x4, x0);
    fp2_sqr(&t6, &t6);
    fp2_sub(&t6, &t6, &t0);
    fp2_sub(&t6, &t6, &t1);              /* 2 x0 x4 */
    fp2_sqr(&t2, x2);
    fp2_sqr(&t3, x3);
    fp2_add(&t7, x2, x3);
    fp2_sqr(&t7, &t7);
    fp2_sub(&t7, &t7, &t2);
    fp2_sub(&t7, &t7, &t3);              /* 2 x2 x3 */
    fp2_sqr(&t4, x5);
    fp2_sqr(&t5, x1);
    fp2_add(&t8, x5, x1);
    fp2_sqr(&t8, &t8);
    fp2_sub(&t8, &t8, &t4);
    fp2_sub(&t8, &t8, &t5);
    fp2_mul_xi(&t8, &t8);                /* 2 x1 x5 xi */

    fp2_mul_xi(&t0, &t0);
    fp2_add(&t0, &t0, &t1);              /* x4^2 xi + x0^2 */
    fp2_mul_xi(&t2, &t2);
    fp2_add(&t2, &t2, &t3);              /* x2^2 xi + x3^2 */
    fp2_mul_xi(&t4, &t4);
    fp2_add(&t4, &t4, &t5);              /* x5^2 xi + x1^2 */

    fp2_sub(&z.c0.c0, &t0, x0);
    fp2_dbl(&z.c0.c0, &z.c0.c0);
    fp2_add(&z.c0.c0, &z.c0.c0, &t0);
    fp2_sub(&z.c0.c1, &t2, x1);
    fp2_dbl(&z.c0.c1, &z.c0.c1);
    fp2_add(&z.c0.c1, &z.c0.c1, &t2);
    fp2_sub(&z.c0.c2, &t4, x2);
    fp2_dbl(&z.c0.c2, &z.c0.c2);
    fp2_add(&z.c0.c2, &z.c0.c2, &t4);

    fp2_add(&z.c1.c0, &t8, x3);
    fp2_dbl(&z.c1.c0, &z.c1.c0);
    fp2_add(&z.c1.c0, &z.c1.c0, &t8);
    fp2_add(&z.c1.c1, &t6, x4);
    fp2_dbl(&z.c1.c1, &z.c1.c1);
    fp2_add(&z.c1.c1, &z.c1.c1, &t6);
    fp2_add(&z.c1.c2, &t7, x5);
    fp2_dbl(&z.c1.c2, &z.c1.c2);
    fp2_add(&z.c1.c2, &z.c1.c2, &t7);
    *r = z;
}

void
vr_fp12_pow(vr_fp12 *r, const vr_fp12 *a, const uint64_t e[4])
{
    vr_fp12 acc = vr_fp12_one;
    int top = 255;

    while (top >= 0 && !vr_limb_bit(e, top))
        top--;
    // Left-to-right binary: branches on the public exponent only.
    for (int i = top; i >= 0; i--) {
        vr_fp12_sqr(&acc, &acc);
        if (vr_limb_bit(e, i))
            vr_fp12_mul(&acc, &acc, a);
    }
    *r = acc;
}

bool
vr_fp12_is_one(const vr_fp12 *a)
{
    return vr_fp12_eq(a, &vr_fp12_one);
}

bool
vr_fp12_eq(const vr_fp12 *a, const vr_fp12 *b)
{
    return (int)vr_fp6_eq(&a->c0, &b->c0) & vr_fp6_eq(&a->c1, &b->c1);
}

void
vr_fp12_cmov(vr_fp12 *r, const vr_fp12 *a, int flag)
{
    vr_fp6_cmov(&r->c0, &a->c0, flag);
    vr_fp6_cmov(&r->c1, &a->c1, flag);
}

void
vr_fp12_to_fps(vr_fp out[12], const vr_fp12 *a)
{
    const vr_fp6 *h[2] = {&a->c0, &a->c1};

    for (int i = 0; i < 2; i++) {
        const vr_fp2 *q[3] = {&h[i]->c0, &h[i]->c1, &h[i]->c2};
        for (int j = 0; j < 3; j++) {
            out[6 * i + 2 * j] = q[j]->c0;
            out[6 * i + 2 * j + 1] = q[j]->c1;
        }
    }
}

void
vr_fp12_from_fps(vr_fp12 *r, const vr_fp in[12])
{
    vr_fp6 *h[2] = {&r->c0, &r->c1};

    for (int i = 0; i < 2; i++) {
        vr_fp2 *q[3] = {&h[i]->c0, &h[i]->c1, &h[i]->c2};
        for (int j = 0; j < 3; j++) {
            q[j]->c0 = in[6 * i + 2 * j];
            q[j]->c1 = in[6 * i + 2 * j + 1];
        }
    }
}
