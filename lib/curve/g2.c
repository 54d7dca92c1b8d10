/*
 * g2.c: G2 arithmetic in Jacobian coordinates on y^2 = x^3 + b' (a = 0)
 * over Fp2, b' = 3 / (9 + u) (the D-type twist).
 * Formulas from the Explicit-Formulas Database,
 * https://hyperelliptic.org/EFD/g1p/auto-shortw-jacobian-0.html
 * (dbl-2009-l, add-2007-bl, madd-2007-bl).  Generated from g1.c by
 * replacing Fp with Fp2 (sed), plus the G2-only part at the end: the
 * endomorphism psi, the subgroup check and the two byte orders.
 */
#include <string.h>

#include "vr.h"
#include "curve/g2.h"
#include "base/mem.h"
#include "field/limb.h"

/* b' = 3 / (9 + u), Montgomery form */
static const vr_fp2 B = {
    {{0x3bf938e377b802a8, 0x020b1b273633535d,
      0x26b7edf049755260, 0x2514c6324384a86d}},
    {{0x38e7ecccd1dcff67, 0x65f0b37d93ce0d3e,
      0xd749d0dd22ac00aa, 0x0141b9ce4a688d4d}}};
#define ONE {{{0xd35d438dc58f0d9d, 0x0a78eb28f5c70b3d, \
    0x666ea36f7879462c, 0x0e0a77c19a07df2f}}, {{0, 0, 0, 0}}}
/* the generator of EIP-197 (BN254.md section 3), Montgomery form */
#define GX {{{0x8e83b5d102bc2026, 0xdceb1935497b0172, 0xfbb8264797811adf, \
    0x19573841af96503b}}, {{0xafb4737da84c6140, 0x6043dd5a5802d8c4, \
    0x09e950fc52a02f86, 0x14fef0833aea7b6b}}}
#define GY {{{0x619dfa9d886be9f6, 0xfe7fd297f59e9b78, 0xff9e1a62231b7dfe, \
    0x28fd7eebae9e4206}}, {{0x64095b56c71856ee, 0xdc57f922327d3cbb, \
    0x55f935be33351076, 0x0da4a0e693fd6482}}}

const vr_g2 vr_g2_generator = {GX, GY, ONE};
const vr_g2_affine vr_g2_generator_affine = {GX, GY};
const vr_g2 vr_g2_infinity = {ONE, ONE, {{{0, 0, 0, 0}}, {{0, 0, 0, 0}}}};

void
vr_g2_dbl(vr_g2 *r, const vr_g2 *p)
{
    // dbl-2009-l: 2M + 5S
    vr_fp2 A, Bq, C, D, E, F, t;

    vr_fp2_sqr(&A, &p->x);                   /* A = X1^2 */
    vr_fp2_sqr(&Bq, &p->y);                  /* B = Y1^2 */
    vr_fp2_sqr(&C, &Bq);                     /* C = B^2 */
    vr_fp2_add(&D, &p->x, &Bq);
    vr_fp2_sqr(&D, &D);
    vr_fp2_sub(&D, &D, &A);
    vr_fp2_sub(&D, &D, &C);
    vr_fp2_dbl(&D, &D);                      /* D = 2((X1 + B)^2 - A - C) */
    vr_fp2_dbl(&E, &A);
    vr_fp2_add(&E, &E, &A);                  /* E = 3A */
    vr_fp2_sqr(&F, &E);                      /* F = E^2 */
    vr_fp2_mul(&t, &p->y, &p->z);
    vr_fp2_dbl(&r->z, &t);                   /* Z3 = 2 Y1 Z1 */
    vr_fp2_dbl(&t, &D);
    vr_fp2_sub(&r->x, &F, &t);               /* X3 = F - 2D */
    vr_fp2_sub(&t, &D, &r->x);
    vr_fp2_mul(&t, &E, &t);
    vr_fp2_dbl(&C, &C);
    vr_fp2_dbl(&C, &C);
    vr_fp2_dbl(&C, &C);
    vr_fp2_sub(&r->y, &t, &C);               /* Y3 = E(D - X3) - 8C */
}

/*
 * add-2007-bl without special cases.  Sets *h_zero and *r_zero to whether
 * H = U2 - U1 and r = 2(S2 - S1) vanished: both zero means p == q (the
 * caller must double instead), only H zero means p == -q (and Z3 = 0
 * already gives O).  Valid for finite p, q.
 */
static void
add_generic(vr_g2 *r, const vr_g2 *p, const vr_g2 *q, int *h_zero,
    int *r_zero)
{
    vr_fp2 z1z1, z2z2, u1, u2, s1, s2, h, i, j, rr, v, t;

    vr_fp2_sqr(&z1z1, &p->z);
    vr_fp2_sqr(&z2z2, &q->z);
    vr_fp2_mul(&u1, &p->x, &z2z2);           /* U1 = X1 Z2Z2 */
    vr_fp2_mul(&u2, &q->x, &z1z1);           /* U2 = X2 Z1Z1 */
    vr_fp2_mul(&s1, &p->y, &q->z);
    vr_fp2_mul(&s1, &s1, &z2z2);             /* S1 = Y1 Z2 Z2Z2 */
    vr_fp2_mul(&s2, &q->y, &p->z);
    vr_fp2_mul(&s2, &s2, &z1z1);             /* S2 = Y2 Z1 Z1Z1 */
    vr_fp2_sub(&h, &u2, &u1);                /* H = U2 - U1 */
    vr_fp2_sub(&rr, &s2, &s1);
    vr_fp2_dbl(&rr, &rr);                    /* r = 2(S2 - S1) */
    *h_zero = vr_fp2_is_zero(&h);
    *r_zero = vr_fp2_is_zero(&rr);
    vr_fp2_dbl(&i, &h);
    vr_fp2_sqr(&i, &i);                      /* I = (2H)^2 */
    vr_fp2_mul(&j, &h, &i);                  /* J = H I */
    vr_fp2_mul(&v, &u1, &i);                 /* V = U1 I */
    vr_fp2_add(&t, &p->z, &q->z);
    vr_fp2_sqr(&t, &t);
    vr_fp2_sub(&t, &t, &z1z1);
    vr_fp2_sub(&t, &t, &z2z2);
    vr_fp2_mul(&r->z, &t, &h);               /* Z3 = ((Z1+Z2)^2-Z1Z1-Z2Z2) H */
    vr_fp2_sqr(&t, &rr);
    vr_fp2_sub(&t, &t, &j);
    vr_fp2_sub(&t, &t, &v);
    vr_fp2_sub(&r->x, &t, &v);               /* X3 = r^2 - J - 2V */
    vr_fp2_sub(&t, &v, &r->x);
    vr_fp2_mul(&t, &t, &rr);
    vr_fp2_mul(&s1, &s1, &j);
    vr_fp2_dbl(&s1, &s1);
    vr_fp2_sub(&r->y, &t, &s1);              /* Y3 = r(V - X3) - 2 S1 J */
}

/* madd-2007-bl (Z2 = 1), same flags as add_generic.  Finite p, q. */
static void
add_affine_generic(vr_g2 *r, const vr_g2 *p, const vr_g2_affine *q,
    int *h_zero, int *r_zero)
{
    vr_fp2 z1z1, u2, s2, h, hh, i, j, rr, v, t, y1 = p->y;

    vr_fp2_sqr(&z1z1, &p->z);
    vr_fp2_mul(&u2, &q->x, &z1z1);           /* U2 = X2 Z1Z1 */
    vr_fp2_mul(&s2, &q->y, &p->z);
    vr_fp2_mul(&s2, &s2, &z1z1);             /* S2 = Y2 Z1 Z1Z1 */
    vr_fp2_sub(&h, &u2, &p->x);              /* H = U2 - X1 */
    vr_fp2_sub(&rr, &s2, &p->y);
    vr_fp2_dbl(&rr, &rr);                    /* r = 2(S2 - Y1) */
    *h_zero = vr_fp2_is_zero(&h);
    *r_zero = vr_fp2_is_zero(&rr);
    vr_fp2_sqr(&hh, &h);                     /* HH = H^2 */
    vr_fp2_dbl(&i, &hh);
    vr_fp2_dbl(&i, &i);                      /* I = 4 HH */
    vr_fp2_mul(&j, &h, &i);                  /* J = H I */
    vr_fp2_mul(&v, &p->x, &i);               /* V = X1 I */
    vr_fp2_add(&t, &p->z, &h);
    vr_fp2_sqr(&t, &t);
    vr_fp2_sub(&t, &t, &z1z1);
    vr_fp2_sub(&r->z, &t, &hh);              /* Z3 = (Z1 + H)^2 - Z1Z1 - HH */
    vr_fp2_sqr(&t, &rr);
    vr_fp2_sub(&t, &t, &j);
    vr_fp2_sub(&t, &t, &v);
    vr_fp2_sub(&r->x, &t, &v);               /* X3 = r^2 - J - 2V */
    vr_fp2_sub(&t, &v, &r->x);
    vr_fp2_mul(&t, &t, &rr);
    vr_fp2_mul(&y1, &y1, &j);
    vr_fp2_dbl(&y1, &y1);
    vr_fp2_sub(&r->y, &t, &y1);              /* Y3 = r(V - X3) - 2 Y1 J */
}

void
vr_g2_add(vr_g2 *r, const vr_g2 *p, const vr_g2 *q)
{
    vr_g2 s, d;
    int hz, rz, pinf = vr_g2_is_inf(p), qinf = vr_g2_is_inf(q);

    add_generic(&s, p, q, &hz, &rz);
    vr_g2_dbl(&d, p);
    vr_g2_cmov(&s, &d, hz & rz);
    vr_g2_cmov(&s, q, pinf);
    vr_g2_cmov(&s, p, qinf);
    *r = s;
}

void
vr_g2_add_var(vr_g2 *r, const vr_g2 *p, const vr_g2 *q)
{
    vr_g2 s;
    int hz, rz;

    if (vr_g2_is_inf(p)) {
        *r = *q;
        return;
    }
    if (vr_g2_is_inf(q)) {
        *r = *p;
        return;
    }
    add_generic(&s, p, q, &hz, &rz);
    if (hz && rz)
        vr_g2_dbl(&s, p);
    *r = s;
}

void
vr_g2_add_affine(vr_g2 *r, const vr_g2 *p, const vr_g2_affine *q)
{
    vr_g2 s, d, qj;
    int hz, rz, pinf = vr_g2_is_inf(p), qinf = vr_g2_affine_is_inf(q);

    add_affine_generic(&s, p, q, &hz, &rz);
    vr_g2_dbl(&d, p);
    vr_g2_from_affine(&qj, q);
    vr_g2_cmov(&s, &d, hz & rz);
    vr_g2_cmov(&s, &qj, pinf);
    vr_g2_cmov(&s, p, qinf);
    *r = s;
}

void
vr_g2_add_affine_var(vr_g2 *r, const vr_g2 *p, const vr_g2_affine *q)
{
    vr_g2 s;
    int hz, rz;

    if (vr_g2_affine_is_inf(q)) {
        *r = *p;
        return;
    }
    if (vr_g2_is_inf(p)) {
        vr_g2_from_affine(r, q);
        return;
    }
    add_affine_generic(&s, p, q, &hz, &rz);
    if (hz && rz)
        vr_g2_dbl(&s, p);
    *r = s;
}

void
vr_g2_neg(vr_g2 *r, const vr_g2 *p)
{
    r->x = p->x;
    vr_fp2_neg(&r->y, &p->y);
    r->z = p->z;
}

bool
vr_g2_is_inf(const vr_g2 *p)
{
    return vr_fp2_is_zero(&p->z);
}

bool
vr_g2_eq(const vr_g2 *p, const vr_g2 *q)
{
    // X1 Z2^2 == X2 Z1^2 and Y1 Z2^3 == Y2 Z1^3, or both O
    vr_fp2 z1z1, z2z2, a, b, c, d;
    int pinf = vr_g2_is_inf(p), qinf = vr_g2_is_inf(q), same;

    vr_fp2_sqr(&z1z1, &p->z);
    vr_fp2_sqr(&z2z2, &q->z);
    vr_fp2_mul(&a, &p->x, &z2z2);
    vr_fp2_mul(&b, &q->x, &z1z1);
    vr_fp2_mul(&c, &p->y, &z2z2);
    vr_fp2_mul(&c, &c, &q->z);
    vr_fp2_mul(&d, &q->y, &z1z1);
    vr_fp2_mul(&d, &d, &p->z);
    same = (int)vr_fp2_eq(&a, &b) & vr_fp2_eq(&c, &d);
    return (pinf & qinf) | (!pinf & !qinf & same);
}

void
vr_g2_cmov(vr_g2 *r, const vr_g2 *a, int flag)
{
    vr_fp2_cmov(&r->x, &a->x, flag);
    vr_fp2_cmov(&r->y, &a->y, flag);
    vr_fp2_cmov(&r->z, &a->z, flag);
}

bool
vr_g2_is_on_curve(const vr_g2 *p)
{
    // Y^2 = X^3 + b Z^6
    vr_fp2 y2, x3, z6;

    vr_fp2_sqr(&y2, &p->y);
    vr_fp2_sqr(&x3, &p->x);
    vr_fp2_mul(&x3, &x3, &p->x);
    vr_fp2_sqr(&z6, &p->z);
    vr_fp2_mul(&z6, &z6, &p->z);
    vr_fp2_sqr(&z6, &z6);
    vr_fp2_mul(&z6, &z6, &B);
    vr_fp2_add(&x3, &x3, &z6);
    return (int)vr_g2_is_inf(p) | vr_fp2_eq(&y2, &x3);
}

void
vr_g2_from_affine(vr_g2 *r, const vr_g2_affine *a)
{
    int inf = vr_g2_affine_is_inf(a);

    r->x = a->x;
    r->y = a->y;
    r->z = vr_fp2_one;
    vr_g2_cmov(r, &vr_g2_infinity, inf);
}

void
vr_g2_to_affine(vr_g2_affine *r, const vr_g2 *p)
{
    vr_fp2 zi, zi2, zi3;

    vr_fp2_inv(&zi, &p->z);                  /* 1/0 = 0 gives (0, 0) for O */
    vr_fp2_sqr(&zi2, &zi);
    vr_fp2_mul(&zi3, &zi2, &zi);
    vr_fp2_mul(&r->x, &p->x, &zi2);
    vr_fp2_mul(&r->y, &p->y, &zi3);
}

void
vr_g2_to_affine_batch(vr_g2_affine *out, const vr_g2 *in, size_t n)
{
    // Montgomery's trick over the Z's: out[i].x holds the product of the
    // nonzero Z_j, j < i, until the way down replaces it.
    vr_fp2 acc = vr_fp2_one, zi, zi2, zi3;

    for (size_t i = 0; i < n; i++) {
        out[i].x = acc;
        if (!vr_g2_is_inf(&in[i]))
            vr_fp2_mul(&acc, &acc, &in[i].z);
    }
    vr_fp2_inv_var(&acc, &acc);
    for (size_t i = n; i-- > 0;) {
        if (vr_g2_is_inf(&in[i])) {
            out[i].x = vr_fp2_zero;
            out[i].y = vr_fp2_zero;
            continue;
        }
        vr_fp2_mul(&zi, &acc, &out[i].x);    /* 1/Z_i */
        vr_fp2_mul(&acc, &acc, &in[i].z);
        vr_fp2_sqr(&zi2, &zi);
        vr_fp2_mul(&zi3, &zi2, &zi);
        vr_fp2_mul(&out[i].x, &in[i].x, &zi2);
        vr_fp2_mul(&out[i].y, &in[i].y, &zi3);
    }
}

bool
vr_g2_affine_is_inf(const vr_g2_affine *a)
{
    return (int)vr_fp2_is_zero(&a->x) & vr_fp2_is_zero(&a->y);
}

bool
vr_g2_affine_is_on_curve(const vr_g2_affine *a)
{
    vr_fp2 y2, x3;

    vr_fp2_sqr(&y2, &a->y);
    vr_fp2_sqr(&x3, &a->x);
    vr_fp2_mul(&x3, &x3, &a->x);
    vr_fp2_add(&x3, &x3, &B);
    return (int)vr_g2_affine_is_inf(a) | vr_fp2_eq(&y2, &x3);
}

bool
vr_g2_affine_eq(const vr_g2_affine *a, const vr_g2_affine *b)
{
    return (int)vr_fp2_eq(&a->x, &b->x) & vr_fp2_eq(&a->y, &b->y);
}

void
vr_g2_affine_neg(vr_g2_affine *r, const vr_g2_affine *a)
{
    r->x = a->x;
    vr_fp2_neg(&r->y, &a->y);                /* (0, 0) stays (0, 0) */
}

/*
 * Width-w NAF of a 256-bit k: digits d_i in {0, +-1, +-3, ..., +-(2^(w-1)-1)}
 * with k = sum d_i 2^i and no two nonzero digits within w places.
 * Returns the number of digits (<= 257).
 */
static int
wnaf(int8_t *naf, const uint64_t k[4], int w)
{
    uint64_t t[5] = {k[0], k[1], k[2], k[3], 0};
    int n = 0;
    const int64_t half = 1 << (w - 1), full = 1 << w;

    while ((t[0] | t[1] | t[2] | t[3] | t[4]) != 0) {
        int64_t d = 0;
        if (t[0] & 1) {
            d = (int64_t)(t[0] & (uint64_t)(full - 1));
            if (d >= half)
                d -= full;
            // t -= d (d odd, |d| < 2^(w-1))
            uint64_t borrow, carry;
            if (d > 0) {
                borrow = (uint64_t)d;
                for (int i = 0; i < 5 && borrow; i++) {
                    uint64_t old = t[i];
                    t[i] -= borrow;
                    borrow = t[i] > old;
                }
            } else {
                carry = (uint64_t)(-d);
                for (int i = 0; i < 5 && carry; i++) {
                    t[i] += carry;
                    carry = t[i] < carry;
                }
            }
        }
        naf[n++] = (int8_t)d;
        for (int i = 0; i < 4; i++)
            t[i] = (t[i] >> 1) | (t[i + 1] << 63);
        t[4] >>= 1;
    }
    return n;
}

void
vr_g2_mul_u256_var(vr_g2 *r, const vr_g2 *p, const uint64_t k[4])
{
    enum { W = 5 };
    vr_g2 table[1 << (W - 2)], p2, acc = vr_g2_infinity, t;
    int8_t naf[260];
    int n = wnaf(naf, k, W);

    // table[j] = (2j + 1) p
    table[0] = *p;
    vr_g2_dbl(&p2, p);
    for (int j = 1; j < (1 << (W - 2)); j++)
        vr_g2_add_var(&table[j], &table[j - 1], &p2);
    for (int i = n - 1; i >= 0; i--) {
        vr_g2_dbl(&acc, &acc);
        if (naf[i] > 0) {
            vr_g2_add_var(&acc, &acc, &table[(naf[i] - 1) / 2]);
        } else if (naf[i] < 0) {
            vr_g2_neg(&t, &table[(-naf[i] - 1) / 2]);
            vr_g2_add_var(&acc, &acc, &t);
        }
    }
    *r = acc;
}

void
vr_g2_mul_var(vr_g2 *r, const vr_g2 *p, const vr_fr *k)
{
    // GLS (Galbraith, Lin and Scott, 2009): on G2, psi acts as [lambda]
    // with lambda = p mod r = 6x^2 (127 bits), and r / lambda < 2^127, so
    // plain division k = k1 lambda + k0 gives k0, k1 < 2^127 and
    //   k p = [k0] p + [k1] psi(p)
    // by a joint width-5 wNAF.  Valid for p in G2 only.
    enum { W = 5, T = 1 << (W - 2) };
    static const vr_u128 LAMBDA = ((vr_u128)0x6f4d8248eeb859fbULL << 64) |
        0xf83e9682e87cfd46ULL;
    uint64_t kc[4], k0[4] = {0}, k1[4] = {0};
    vr_g2 t0[T], t1[T], p2, acc = vr_g2_infinity, q;
    int8_t naf0[260], naf1[260];
    int n0, n1, n;
    vr_u128 rem = 0;

    vr_fr_to_canonical(kc, k);
    // schoolbook binary division; rem < lambda < 2^127 so 2 rem + 1 fits
    for (int i = 255; i >= 0; i--) {
        rem = (rem << 1) | vr_limb_bit(kc, i);
        if (rem >= LAMBDA) {
            rem -= LAMBDA;
            k1[i >> 6] |= 1ULL << (i & 63);
        }
    }
    k0[0] = (uint64_t)rem;
    k0[1] = (uint64_t)(rem >> 64);
    n0 = wnaf(naf0, k0, W);
    n1 = wnaf(naf1, k1, W);
    n = n0 > n1 ? n0 : n1;
    for (int i = n0; i < n; i++)
        naf0[i] = 0;
    for (int i = n1; i < n; i++)
        naf1[i] = 0;

    t0[0] = *p;
    vr_g2_dbl(&p2, p);
    for (int j = 1; j < T; j++)
        vr_g2_add_var(&t0[j], &t0[j - 1], &p2);
    for (int j = 0; j < T; j++)
        vr_g2_psi(&t1[j], &t0[j]);
    for (int i = n - 1; i >= 0; i--) {
        vr_g2_dbl(&acc, &acc);
        if (naf0[i] > 0)
            vr_g2_add_var(&acc, &acc, &t0[(naf0[i] - 1) / 2]);
        else if (naf0[i] < 0) {
            vr_g2_neg(&q, &t0[(-naf0[i] - 1) / 2]);
            vr_g2_add_var(&acc, &acc, &q);
        }
        if (naf1[i] > 0)
            vr_g2_add_var(&acc, &acc, &t1[(naf1[i] - 1) / 2]);
        else if (naf1[i] < 0) {
            vr_g2_neg(&q, &t1[(-naf1[i] - 1) / 2]);
            vr_g2_add_var(&acc, &acc, &q);
        }
    }
    *r = acc;
}

/* psi = untwist-Frobenius-twist: (x, y) -> (conj(x) g12, conj(y) g13) with
 * g1k = xi^(k (p - 1) / 6), Montgomery form */
static const vr_fp2 PSI_X = {
    {{0xb5773b104563ab30, 0x347f91c8a9aa6454,
      0x7a007127242e0991, 0x1956bcd8118214ec}},
    {{0x6e849f1ea0aa4757, 0xaa1c7b6d89f89141,
      0xb6e713cdfae0ca3a, 0x26694fbb4e82ebc3}}};
static const vr_fp2 PSI_Y = {
    {{0xe4bbdd0c2936b629, 0xbb30f162e133bacb,
      0x31a9d1b6f9645366, 0x253570bea500f8dd}},
    {{0xa1d77ce45ffe77c7, 0x07affd117826d1db,
      0x6d16bd27bb7edc6b, 0x2c87200285defecc}}};

void
vr_g2_psi(vr_g2 *r, const vr_g2 *p)
{
    // conj is a field automorphism, so on Jacobian (X, Y, Z) it maps to
    // (conj(X) g12, conj(Y) g13, conj(Z)).
    vr_fp2_conj(&r->x, &p->x);
    vr_fp2_mul(&r->x, &r->x, &PSI_X);
    vr_fp2_conj(&r->y, &p->y);
    vr_fp2_mul(&r->y, &r->y, &PSI_Y);
    vr_fp2_conj(&r->z, &p->z);
}

bool
vr_g2_is_in_subgroup(const vr_g2 *p)
{
    // El Housni, Guillevic and Piellard, "Co-factor clearing and subgroup
    // membership testing on pairing-friendly curves" (Africacrypt 2022,
    // eprint 2022/352), section 5.1, for BN254:
    //   P in G2  <=>  [x+1]P + psi([x]P) + psi^2([x]P) == psi^3([2x]P)
    // one 63-bit multiplication [x]P instead of [r]P or [6x^2]P.
    static const uint64_t X[4] = {0x44e992b44a6909f1ULL, 0, 0, 0};
    vr_g2 xp, lhs, t, rhs;

    if (!vr_g2_is_on_curve(p))
        return false;
    vr_g2_mul_u256_var(&xp, p, X);          /* [x]P */
    vr_g2_add_var(&lhs, &xp, p);            /* [x+1]P */
    vr_g2_psi(&t, &xp);
    vr_g2_add_var(&lhs, &lhs, &t);          /* + psi([x]P) */
    vr_g2_psi(&t, &t);
    vr_g2_add_var(&lhs, &lhs, &t);          /* + psi^2([x]P) */
    vr_g2_psi(&rhs, &t);
    vr_g2_dbl(&rhs, &rhs);                  /* psi^3([2x]P) */
    return vr_g2_eq(&lhs, &rhs);
}

bool
vr_g2_affine_is_in_subgroup(const vr_g2_affine *a)
{
    vr_g2 p;

    if (!vr_g2_affine_is_on_curve(a))
        return false;
    vr_g2_from_affine(&p, a);
    return vr_g2_is_in_subgroup(&p);
}

/* Parse four 32-byte big-endian Fp words in the given order into a, then
 * check the point: canonical, on E', in G2; 128 zero bytes are O. */
static int
from_words(vr_g2_affine *r, const unsigned char in[128], int evm)
{
    vr_g2_affine a;
    static const unsigned char zero[128];
    vr_fp *w[4];

    if (memcmp(in, zero, 128) == 0) {
        *r = (vr_g2_affine){{{{0}}, {{0}}}, {{{0}}, {{0}}}};
        return VR_OK;
    }
    if (evm) {          /* x.c1, x.c0, y.c1, y.c0 */
        w[0] = &a.x.c1; w[1] = &a.x.c0; w[2] = &a.y.c1; w[3] = &a.y.c0;
    } else {            /* x.c0, x.c1, y.c0, y.c1 */
        w[0] = &a.x.c0; w[1] = &a.x.c1; w[2] = &a.y.c0; w[3] = &a.y.c1;
    }
    for (int i = 0; i < 4; i++)
        if (vr_fp_from_bytes_be(w[i], in + 32 * i) != VR_OK)
            return VR_EFORMAT;
    if (!vr_g2_affine_is_on_curve(&a))
        return VR_EFORMAT;
    if (!vr_g2_affine_is_in_subgroup(&a))
        return VR_ERANGE;
    *r = a;
    return VR_OK;
}

static void
to_words(unsigned char out[128], const vr_g2_affine *a, int evm)
{
    const vr_fp *w[4];

    if (evm) {
        w[0] = &a->x.c1; w[1] = &a->x.c0; w[2] = &a->y.c1; w[3] = &a->y.c0;
    } else {
        w[0] = &a->x.c0; w[1] = &a->x.c1; w[2] = &a->y.c0; w[3] = &a->y.c1;
    }
    for (int i = 0; i < 4; i++)
        vr_fp_to_bytes_be(out + 32 * i, w[i]);
}

int
vr_g2_affine_from_bytes_evm(vr_g2_affine *r, const unsigned char in[128])
{
    return from_words(r, in, 1);
}

void
vr_g2_affine_to_bytes_evm(unsigned char out[128], const vr_g2_affine *a)
{
    to_words(out, a, 1);
}

int
vr_g2_affine_from_bytes_snarkjs(vr_g2_affine *r, const unsigned char in[128])
{
    return from_words(r, in, 0);
}

void
vr_g2_affine_to_bytes_snarkjs(unsigned char out[128], const vr_g2_affine *a)
{
    to_words(out, a, 0);
}

/*
 * Constant-time scalar multiplication.
 *
 * Homogeneous projective coordinates (X : Y : Z), x = X/Z, y = Y/Z, O =
 * (0 : 1 : 0), with the complete formulas of Renes, Costello and Batina,
 * "Complete addition formulas for prime order elliptic curves"
 * (EUROCRYPT 2016, algorithms 7 and 9 for a = 0), here over Fp2 on the
 * twist: their exceptional pairs need a point of order 2, and
 * #E'(Fp2) = r (2p - r) is odd, so the loop needs no special case and no
 * branch.
 */
typedef struct { vr_fp2 x, y, z; } g2_proj;

/* 3b' = 9 / (9 + u), Montgomery form */
static const vr_fp2 B3 = {
    {{0x3baa927cb62e0d6a, 0xd71e7c52d1b664fd,
      0x03873e63d95d4664, 0x0e75b5b1082ab8f4}},
    {{0xaab7c6667596fe35, 0x31d21a78bb6a27ba,
      0x85dd7297680401ff, 0x03c52d6adf39a7e9}}};

static void
proj_add(g2_proj *r, const g2_proj *p, const g2_proj *q)
{
    // RCB algorithm 7: 12M + 2 m_3b + 19a
    vr_fp2 t0, t1, t2, t3, t4, x3, y3, z3;

    vr_fp2_mul(&t0, &p->x, &q->x);
    vr_fp2_mul(&t1, &p->y, &q->y);
    vr_fp2_mul(&t2, &p->z, &q->z);
    vr_fp2_add(&t3, &p->x, &p->y);
    vr_fp2_add(&t4, &q->x, &q->y);
    vr_fp2_mul(&t3, &t3, &t4);
    vr_fp2_add(&t4, &t0, &t1);
    vr_fp2_sub(&t3, &t3, &t4);
    vr_fp2_add(&t4, &p->y, &p->z);
    vr_fp2_add(&x3, &q->y, &q->z);
    vr_fp2_mul(&t4, &t4, &x3);
    vr_fp2_add(&x3, &t1, &t2);
    vr_fp2_sub(&t4, &t4, &x3);
    vr_fp2_add(&x3, &p->x, &p->z);
    vr_fp2_add(&y3, &q->x, &q->z);
    vr_fp2_mul(&x3, &x3, &y3);
    vr_fp2_add(&y3, &t0, &t2);
    vr_fp2_sub(&y3, &x3, &y3);
    vr_fp2_add(&x3, &t0, &t0);
    vr_fp2_add(&t0, &x3, &t0);
    vr_fp2_mul(&t2, &t2, &B3);
    vr_fp2_add(&z3, &t1, &t2);
    vr_fp2_sub(&t1, &t1, &t2);
    vr_fp2_mul(&y3, &y3, &B3);
    vr_fp2_mul(&x3, &t4, &y3);
    vr_fp2_mul(&t2, &t3, &t1);
    vr_fp2_sub(&x3, &t2, &x3);
    vr_fp2_mul(&y3, &y3, &t0);
    vr_fp2_mul(&t1, &t1, &z3);
    vr_fp2_add(&y3, &t1, &y3);
    vr_fp2_mul(&t0, &t0, &t3);
    vr_fp2_mul(&z3, &z3, &t4);
    vr_fp2_add(&z3, &z3, &t0);
    r->x = x3;
    r->y = y3;
    r->z = z3;
}

static void
proj_dbl(g2_proj *r, const g2_proj *p)
{
    // RCB algorithm 9: 6M + 2S + 1 m_3b + 9a
    vr_fp2 t0, t1, t2, x3, y3, z3;

    vr_fp2_sqr(&t0, &p->y);
    vr_fp2_add(&z3, &t0, &t0);
    vr_fp2_add(&z3, &z3, &z3);
    vr_fp2_add(&z3, &z3, &z3);
    vr_fp2_mul(&t1, &p->y, &p->z);
    vr_fp2_sqr(&t2, &p->z);
    vr_fp2_mul(&t2, &t2, &B3);
    vr_fp2_mul(&x3, &t2, &z3);
    vr_fp2_add(&y3, &t0, &t2);
    vr_fp2_mul(&z3, &t1, &z3);
    vr_fp2_add(&t1, &t2, &t2);
    vr_fp2_add(&t2, &t1, &t2);
    vr_fp2_sub(&t0, &t0, &t2);
    vr_fp2_mul(&y3, &t0, &y3);
    vr_fp2_add(&y3, &x3, &y3);
    vr_fp2_mul(&t1, &p->x, &p->y);
    vr_fp2_mul(&x3, &t0, &t1);
    vr_fp2_add(&x3, &x3, &x3);
    r->x = x3;
    r->y = y3;
    r->z = z3;
}

static void
proj_cmov(g2_proj *r, const g2_proj *a, int flag)
{
    vr_fp2_cmov(&r->x, &a->x, flag);
    vr_fp2_cmov(&r->y, &a->y, flag);
    vr_fp2_cmov(&r->z, &a->z, flag);
}

/* r = table[|d|] negated if d < 0 (or if flip), by masked scans. */
static void
proj_select(g2_proj *r, const g2_proj table[9], int64_t d, uint64_t flip)
{
    // |d| without a branch: (d ^ s) - s with s the sign mask
    uint64_t neg = ((uint64_t)d >> 63) ^ flip;
    uint64_t s = vr_limb_mask((uint64_t)d >> 63);
    uint64_t mag = ((uint64_t)d ^ s) - s;
    vr_fp2 ny;
    *r = table[0];
    for (uint64_t j = 1; j < 9; j++)
        proj_cmov(r, &table[j], (int)vr_limb_is_zero_word(j ^ mag));
    vr_fp2_neg(&ny, &r->y);
    vr_fp2_cmov(&r->y, &ny, (int)neg);
}

enum { CT_WINDOWS = 34 };   /* 4-bit signed windows: 136 bits >= |ki| */

/* Signed 4-bit digits d_i in [-8, 7] of k < 2^135, k = sum d_i 16^i;
 * branch-free. */
static void
recode4(int8_t d[CT_WINDOWS], const uint64_t k[4])
{
    uint64_t carry = 0;

    for (int i = 0; i < CT_WINDOWS; i++) {
        uint64_t nib = ((k[(4 * i) >> 6] >> ((4 * i) & 63)) & 15) + carry;
        carry = (nib + 8) >> 4;
        d[i] = (int8_t)((int64_t)nib - (int64_t)(carry << 4));
    }
}

void
vr_g2_mul(vr_g2 *r, const vr_g2 *p, const vr_fr *k)
{
    // For p in G2: the GLS split k = k0 + k1 lambda of vr_g2_mul_var,
    // here by a branch-free binary division, then signed 4-bit windows
    // over both halves on tables of 0..8 times p and psi(p).  For p on E'
    // but outside G2 the result is [k0] p + [k1] psi(p), not k p.
    static const vr_u128 LAMBDA = ((vr_u128)0x6f4d8248eeb859fbULL << 64) |
        0xf83e9682e87cfd46ULL;
    uint64_t kc[4], k0[4] = {0}, k1[4] = {0};
    g2_proj t1[9], t2[9], acc, q, pp;
    int8_t d0[CT_WINDOWS], d1[CT_WINDOWS];
    vr_fp2 zz;
    vr_u128 rem = 0;

    vr_fr_to_canonical(kc, k);
    for (int i = 255; i >= 0; i--) {
        rem = (rem << 1) | vr_limb_bit(kc, i);
        vr_u128 d = rem - LAMBDA;               /* top bit set iff rem < L */
        uint64_t ge = 1 ^ (uint64_t)(d >> 127);
        vr_u128 m = (vr_u128)0 - ge;
        rem = (d & m) | (rem & ~m);
        k1[i >> 6] |= ge << (i & 63);
    }
    k0[0] = (uint64_t)rem;
    k0[1] = (uint64_t)(rem >> 64);
    recode4(d0, k0);
    recode4(d1, k1);

    // p in projective form: (X Z : Y : Z^3), O as (0 : 1 : 0)
    vr_fp2_mul(&pp.x, &p->x, &p->z);
    pp.y = p->y;
    vr_fp2_sqr(&zz, &p->z);
    vr_fp2_mul(&pp.z, &zz, &p->z);
    proj_cmov(&pp, &(g2_proj){vr_fp2_zero, vr_fp2_one, vr_fp2_zero},
        vr_g2_is_inf(p));
    t1[0] = (g2_proj){vr_fp2_zero, vr_fp2_one, vr_fp2_zero};
    t1[1] = pp;
    for (int j = 2; j < 9; j++)
        proj_add(&t1[j], &t1[j - 1], &pp);
    for (int j = 0; j < 9; j++) {
        // psi on projective coordinates: same map as on Jacobian ones
        vr_fp2_conj(&t2[j].x, &t1[j].x);
        vr_fp2_mul(&t2[j].x, &t2[j].x, &PSI_X);
        vr_fp2_conj(&t2[j].y, &t1[j].y);
        vr_fp2_mul(&t2[j].y, &t2[j].y, &PSI_Y);
        vr_fp2_conj(&t2[j].z, &t1[j].z);
    }
    acc = t1[0];
    for (int w = CT_WINDOWS - 1; w >= 0; w--) {
        for (int i = 0; i < 4; i++)
            proj_dbl(&acc, &acc);
        proj_select(&q, t1, d0[w], 0);
        proj_add(&acc, &acc, &q);
        proj_select(&q, t2, d1[w], 0);
        proj_add(&acc, &acc, &q);
    }
    // back to Jacobian: (X Z, Y Z^2, Z)
    vr_fp2_mul(&r->x, &acc.x, &acc.z);
    vr_fp2_sqr(&zz, &acc.z);
    vr_fp2_mul(&r->y, &acc.y, &zz);
    r->z = acc.z;

    vr_memzero_explicit(kc, sizeof(kc));
    vr_memzero_explicit(k0, sizeof(k0));
    vr_memzero_explicit(k1, sizeof(k1));
    vr_memzero_explicit(&rem, sizeof(rem));
    vr_memzero_explicit(d0, sizeof(d0));
    vr_memzero_explicit(d1, sizeof(d1));
    vr_memzero_explicit(&acc, sizeof(acc));
    vr_memzero_explicit(&q, sizeof(q));
}
