/*
 * g1.c: G1 arithmetic in Jacobian coordinates on y^2 = x^3 + b (a = 0).
 * Formulas from the Explicit-Formulas Database,
 * https://hyperelliptic.org/EFD/g1p/auto-shortw-jacobian-0.html
 * (dbl-2009-l, add-2007-bl, madd-2007-bl).  g2.c is this file over Fp2.
 */
#include <string.h>

#include "vr.h"
#include "curve/g1.h"
#include "base/mem.h"
#include "field/limb.h"

/* b = 3, Montgomery form */
static const vr_fp B = {{
    0x7a17caa950ad28d7, 0x1f6ac17ae15521b9,
    0x334bea4e696bd284, 0x2a1f6744ce179d8e
}};
#define ONE {{0xd35d438dc58f0d9d, 0x0a78eb28f5c70b3d, \
    0x666ea36f7879462c, 0x0e0a77c19a07df2f}}
#define TWO {{0xa6ba871b8b1e1b3a, 0x14f1d651eb8e167b, \
    0xccdd46def0f28c58, 0x1c14ef83340fbe5e}}

const vr_g1 vr_g1_generator = {ONE, TWO, ONE};
const vr_g1_affine vr_g1_generator_affine = {ONE, TWO};
const vr_g1 vr_g1_infinity = {ONE, ONE, {{0, 0, 0, 0}}};

void
vr_g1_dbl(vr_g1 *r, const vr_g1 *p)
{
    // dbl-2009-l: 2M + 5S
    vr_fp A, Bq, C, D, E, F, t;

    vr_fp_sqr(&A, &p->x);                   /* A = X1^2 */
    vr_fp_sqr(&Bq, &p->y);                  /* B = Y1^2 */
    vr_fp_sqr(&C, &Bq);                     /* C = B^2 */
    vr_fp_add(&D, &p->x, &Bq);
    vr_fp_sqr(&D, &D);
    vr_fp_sub(&D, &D, &A);
    vr_fp_sub(&D, &D, &C);
    vr_fp_dbl(&D, &D);                      /* D = 2((X1 + B)^2 - A - C) */
    vr_fp_dbl(&E, &A);
    vr_fp_add(&E, &E, &A);                  /* E = 3A */
    vr_fp_sqr(&F, &E);                      /* F = E^2 */
    vr_fp_mul(&t, &p->y, &p->z);
    vr_fp_dbl(&r->z, &t);                   /* Z3 = 2 Y1 Z1 */
    vr_fp_dbl(&t, &D);
    vr_fp_sub(&r->x, &F, &t);               /* X3 = F - 2D */
    vr_fp_sub(&t, &D, &r->x);
    vr_fp_mul(&t, &E, &t);
    vr_fp_dbl(&C, &C);
    vr_fp_dbl(&C, &C);
    vr_fp_dbl(&C, &C);
    vr_fp_sub(&r->y, &t, &C);               /* Y3 = E(D - X3) - 8C */
}

/*
 * add-2007-bl without special cases.  Sets *h_zero and *r_zero to whether
 * H = U2 - U1 and r = 2(S2 - S1) vanished: both zero means p == q (the
 * caller must double instead), only H zero means p == -q (and Z3 = 0
 * already gives O).  Valid for finite p, q.
 */
static void
add_generic(vr_g1 *r, const vr_g1 *p, const vr_g1 *q, int *h_zero,
    int *r_zero)
{
    vr_fp z1z1, z2z2, u1, u2, s1, s2, h, i, j, rr, v, t;

    vr_fp_sqr(&z1z1, &p->z);
    vr_fp_sqr(&z2z2, &q->z);
    vr_fp_mul(&u1, &p->x, &z2z2);           /* U1 = X1 Z2Z2 */
    vr_fp_mul(&u2, &q->x, &z1z1);           /* U2 = X2 Z1Z1 */
    vr_fp_mul(&s1, &p->y, &q->z);
    vr_fp_mul(&s1, &s1, &z2z2);             /* S1 = Y1 Z2 Z2Z2 */
    vr_fp_mul(&s2, &q->y, &p->z);
    vr_fp_mul(&s2, &s2, &z1z1);             /* S2 = Y2 Z1 Z1Z1 */
    vr_fp_sub(&h, &u2, &u1);                /* H = U2 - U1 */
    vr_fp_sub(&rr, &s2, &s1);
    vr_fp_dbl(&rr, &rr);                    /* r = 2(S2 - S1) */
    *h_zero = vr_fp_is_zero(&h);
    *r_zero = vr_fp_is_zero(&rr);
    vr_fp_dbl(&i, &h);
    vr_fp_sqr(&i, &i);                      /* I = (2H)^2 */
    vr_fp_mul(&j, &h, &i);                  /* J = H I */
    vr_fp_mul(&v, &u1, &i);                 /* V = U1 I */
    vr_fp_add(&t, &p->z, &q->z);
    vr_fp_sqr(&t, &t);
    vr_fp_sub(&t, &t, &z1z1);
    vr_fp_sub(&t, &t, &z2z2);
    vr_fp_mul(&r->z, &t, &h);               /* Z3 = ((Z1+Z2)^2-Z1Z1-Z2Z2) H */
    vr_fp_sqr(&t, &rr);
    vr_fp_sub(&t, &t, &j);
    vr_fp_sub(&t, &t, &v);
    vr_fp_sub(&r->x, &t, &v);               /* X3 = r^2 - J - 2V */
    vr_fp_sub(&t, &v, &r->x);
    vr_fp_mul(&t, &t, &rr);
    vr_fp_mul(&s1, &s1, &j);
    vr_fp_dbl(&s1, &s1);
    vr_fp_sub(&r->y, &t, &s1);              /* Y3 = r(V - X3) - 2 S1 J */
}

/* madd-2007-bl (Z2 = 1), same flags as add_generic.  Finite p, q. */
static void
add_affine_generic(vr_g1 *r, const vr_g1 *p, const vr_g1_affine *q,
    int *h_zero, int *r_zero)
{
    vr_fp z1z1, u2, s2, h, hh, i, j, rr, v, t, y1 = p->y;

    vr_fp_sqr(&z1z1, &p->z);
    vr_fp_mul(&u2, &q->x, &z1z1);           /* U2 = X2 Z1Z1 */
    vr_fp_mul(&s2, &q->y, &p->z);
    vr_fp_mul(&s2, &s2, &z1z1);             /* S2 = Y2 Z1 Z1Z1 */
    vr_fp_sub(&h, &u2, &p->x);              /* H = U2 - X1 */
    vr_fp_sub(&rr, &s2, &p->y);
    vr_fp_dbl(&rr, &rr);                    /* r = 2(S2 - Y1) */
    *h_zero = vr_fp_is_zero(&h);
    *r_zero = vr_fp_is_zero(&rr);
    vr_fp_sqr(&hh, &h);                     /* HH = H^2 */
    vr_fp_dbl(&i, &hh);
    vr_fp_dbl(&i, &i);                      /* I = 4 HH */
    vr_fp_mul(&j, &h, &i);                  /* J = H I */
    vr_fp_mul(&v, &p->x, &i);               /* V = X1 I */
    vr_fp_add(&t, &p->z, &h);
    vr_fp_sqr(&t, &t);
    vr_fp_sub(&t, &t, &z1z1);
    vr_fp_sub(&r->z, &t, &hh);              /* Z3 = (Z1 + H)^2 - Z1Z1 - HH */
    vr_fp_sqr(&t, &rr);
    vr_fp_sub(&t, &t, &j);
    vr_fp_sub(&t, &t, &v);
    vr_fp_sub(&r->x, &t, &v);               /* X3 = r^2 - J - 2V */
    vr_fp_sub(&t, &v, &r->x);
    vr_fp_mul(&t, &t, &rr);
    vr_fp_mul(&y1, &y1, &j);
    vr_fp_dbl(&y1, &y1);
    vr_fp_sub(&r->y, &t, &y1);              /* Y3 = r(V - X3) - 2 Y1 J */
}

void
vr_g1_add(vr_g1 *r, const vr_g1 *p, const vr_g1 *q)
{
    vr_g1 s, d;
    int hz, rz, pinf = vr_g1_is_inf(p), qinf = vr_g1_is_inf(q);

    add_generic(&s, p, q, &hz, &rz);
    vr_g1_dbl(&d, p);
    vr_g1_cmov(&s, &d, hz & rz);
    vr_g1_cmov(&s, q, pinf);
    vr_g1_cmov(&s, p, qinf);
    *r = s;
}

void
vr_g1_add_var(vr_g1 *r, const vr_g1 *p, const vr_g1 *q)
{
    vr_g1 s;
    int hz, rz;

    if (vr_g1_is_inf(p)) {
        *r = *q;
        return;
    }
    if (vr_g1_is_inf(q)) {
        *r = *p;
        return;
    }
    add_generic(&s, p, q, &hz, &rz);
    if (hz && rz)
        vr_g1_dbl(&s, p);
    *r = s;
}

void
vr_g1_add_affine(vr_g1 *r, const vr_g1 *p, const vr_g1_affine *q)
{
    vr_g1 s, d, qj;
    int hz, rz, pinf = vr_g1_is_inf(p), qinf = vr_g1_affine_is_inf(q);

    add_affine_generic(&s, p, q, &hz, &rz);
    vr_g1_dbl(&d, p);
    vr_g1_from_affine(&qj, q);
    vr_g1_cmov(&s, &d, hz & rz);
    vr_g1_cmov(&s, &qj, pinf);
    vr_g1_cmov(&s, p, qinf);
    *r = s;
}

void
vr_g1_add_affine_var(vr_g1 *r, const vr_g1 *p, const vr_g1_affine *q)
{
    vr_g1 s;
    int hz, rz;

    if (vr_g1_affine_is_inf(q)) {
        *r = *p;
        return;
    }
    if (vr_g1_is_inf(p)) {
        vr_g1_from_affine(r, q);
        return;
    }
    add_affine_generic(&s, p, q, &hz, &rz);
    if (hz && rz)
        vr_g1_dbl(&s, p);
    *r = s;
}

void
vr_g1_neg(vr_g1 *r, const vr_g1 *p)
{
    r->x = p->x;
    vr_fp_neg(&r->y, &p->y);
    r->z = p->z;
}

bool
vr_g1_is_inf(const vr_g1 *p)
{
    return vr_fp_is_zero(&p->z);
}

bool
vr_g1_eq(const vr_g1 *p, const vr_g1 *q)
{
    // X1 Z2^2 == X2 Z1^2 and Y1 Z2^3 == Y2 Z1^3, or both O
    vr_fp z1z1, z2z2, a, b, c, d;
    int pinf = vr_g1_is_inf(p), qinf = vr_g1_is_inf(q), same;

    vr_fp_sqr(&z1z1, &p->z);
    vr_fp_sqr(&z2z2, &q->z);
    vr_fp_mul(&a, &p->x, &z2z2);
    vr_fp_mul(&b, &q->x, &z1z1);
    vr_fp_mul(&c, &p->y, &z2z2);
    vr_fp_mul(&c, &c, &q->z);
    vr_fp_mul(&d, &q->y, &z1z1);
    vr_fp_mul(&d, &d, &p->z);
    same = (int)vr_fp_eq(&a, &b) & vr_fp_eq(&c, &d);
    return (pinf & qinf) | (!pinf & !qinf & same);
}

void
vr_g1_cmov(vr_g1 *r, const vr_g1 *a, int flag)
{
    vr_fp_cmov(&r->x, &a->x, flag);
    vr_fp_cmov(&r->y, &a->y, flag);
    vr_fp_cmov(&r->z, &a->z, flag);
}

bool
vr_g1_is_on_curve(const vr_g1 *p)
{
    // Y^2 = X^3 + b Z^6
    vr_fp y2, x3, z6;

    vr_fp_sqr(&y2, &p->y);
    vr_fp_sqr(&x3, &p->x);
    vr_fp_mul(&x3, &x3, &p->x);
    vr_fp_sqr(&z6, &p->z);
    vr_fp_mul(&z6, &z6, &p->z);
    vr_fp_sqr(&z6, &z6);
    vr_fp_mul(&z6, &z6, &B);
    vr_fp_add(&x3, &x3, &z6);
    return (int)vr_g1_is_inf(p) | vr_fp_eq(&y2, &x3);
}

void
vr_g1_from_affine(vr_g1 *r, const vr_g1_affine *a)
{
    int inf = vr_g1_affine_is_inf(a);

    r->x = a->x;
    r->y = a->y;
    r->z = vr_fp_one;
    vr_g1_cmov(r, &vr_g1_infinity, inf);
}

void
vr_g1_to_affine(vr_g1_affine *r, const vr_g1 *p)
{
    vr_fp zi, zi2, zi3;

    vr_fp_inv(&zi, &p->z);                  /* 1/0 = 0 gives (0, 0) for O */
    vr_fp_sqr(&zi2, &zi);
    vr_fp_mul(&zi3, &zi2, &zi);
    vr_fp_mul(&r->x, &p->x, &zi2);
    vr_fp_mul(&r->y, &p->y, &zi3);
}

void
vr_g1_to_affine_batch(vr_g1_affine *out, const vr_g1 *in, size_t n)
{
    // Montgomery's trick over the Z's: out[i].x holds the product of the
    // nonzero Z_j, j < i, until the way down replaces it.
    vr_fp acc = vr_fp_one, zi, zi2, zi3;

    for (size_t i = 0; i < n; i++) {
        out[i].x = acc;
        if (!vr_g1_is_inf(&in[i]))
            vr_fp_mul(&acc, &acc, &in[i].z);
    }
    vr_fp_inv_var(&acc, &acc);
    for (size_t i = n; i-- > 0;) {
        if (vr_g1_is_inf(&in[i])) {
            out[i].x = vr_fp_zero;
            out[i].y = vr_fp_zero;
            continue;
        }
        vr_fp_mul(&zi, &acc, &out[i].x);    /* 1/Z_i */
        vr_fp_mul(&acc, &acc, &in[i].z);
        vr_fp_sqr(&zi2, &zi);
        vr_fp_mul(&zi3, &zi2, &zi);
        vr_fp_mul(&out[i].x, &in[i].x, &zi2);
        vr_fp_mul(&out[i].y, &in[i].y, &zi3);
    }
}

bool
vr_g1_affine_is_inf(const vr_g1_affine *a)
{
    return (int)vr_fp_is_zero(&a->x) & vr_fp_is_zero(&a->y);
}

bool
vr_g1_affine_is_on_curve(const vr_g1_affine *a)
{
    vr_fp y2, x3;

    vr_fp_sqr(&y2, &a->y);
    vr_fp_sqr(&x3, &a->x);
    vr_fp_mul(&x3, &x3, &a->x);
    vr_fp_add(&x3, &x3, &B);
    return (int)vr_g1_affine_is_inf(a) | vr_fp_eq(&y2, &x3);
}

bool
vr_g1_affine_eq(const vr_g1_affine *a, const vr_g1_affine *b)
{
    return (int)vr_fp_eq(&a->x, &b->x) & vr_fp_eq(&a->y, &b->y);
}

void
vr_g1_affine_neg(vr_g1_affine *r, const vr_g1_affine *a)
{
    r->x = a->x;
    vr_fp_neg(&r->y, &a->y);                /* (0, 0) stays (0, 0) */
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

/*
 * GLV (Gallant, Lambert and Vanstone, CRYPTO 2001): phi(x, y) = (beta x, y),
 * beta a cube root of unity in Fp, acts on G1 as [lambda] with
 *   lambda = 0xb3c4d79d41a917585bfc41088d8daaa78b17ea66b99c90dd
 * (lambda^2 + lambda + 1 = 0 mod r).  A scalar k splits as k1 + k2 lambda
 * with |k1|, |k2| < 2^128 by Babai rounding against the reduced basis
 *   v1 = (a1, b1) = (0x89d3256894d213e3, -0x6f4d8248eeb859fc8211bbeb7d4f1128)
 *   v2 = (a2, b2) = (0x6f4d8248eeb859fd0be4e1541221250b, 0x89d3256894d213e3)
 * of the lattice {(u, v): u + v lambda = 0 mod r}: c1 = round(k b2 / r),
 * c2 = round(-k b1 / r) from g_i = round(2^256 b / r), then
 *   k1 = k - c1 a1 - c2 a2,  k2 = -c1 b1 - c2 b2   (computed mod r).
 * Basis and lambda were computed with Python (extended Euclid on r and
 * lambda) and are checked by the tests through the products they give.
 */
static const vr_fp GLV_BETA = {{
    0x71930c11d782e155, 0xa6bb947cffbe3323,
    0xaa303344d4741444, 0x2c3b3f0d26594943
}};
static const uint64_t GLV_G1[2] = {0xd91d232ec7e0b3d7ULL, 0x2ULL};
static const uint64_t GLV_G2[3] = {
    0x7a7bd9d4391eb18eULL, 0x4ccef014a773d2cfULL, 0x2ULL
};
/* a1, a2, |b1|, b2 in Fr (Montgomery form) */
static const vr_fr GLV_A1 = {{
    0x24652cc2a81f4c29, 0xb67a59f4814d4d84,
    0xf71dfeba0ae59e71, 0x14ee37d3e52329df
}};
static const vr_fr GLV_A2 = {{
    0x5001b1ef4f009a9b, 0xbd5e82c846474116,
    0x5fec7030d27930cf, 0x03e59388fe18f17e
}};
static const vr_fr GLV_B1 = {{
    0x6f7e7ac096e14e73, 0x2f18111c3eb36423,
    0x211eb72d4914eabb, 0x1f5baa27fa2767c8
}};
#define GLV_B2 GLV_A1   /* b2 = a1 */
/* (r - 1) / 2: canonical values above it stand for negative numbers */
static const uint64_t HALF_R[4] = {
    0xa1f0fac9f8000000, 0x9419f4243cdcb848,
    0xdc2822db40c0ac2e, 0x183227397098d014
};

/* c = (k g) >> 256, k 4 limbs, g n <= 3 limbs; c < 2^128 here. */
static void
mulhi(uint64_t c[2], const uint64_t k[4], const uint64_t *g, int n)
{
    uint64_t t[7] = {0};

    for (int i = 0; i < 4; i++) {
        uint64_t carry = 0;
        for (int j = 0; j < n; j++) {
            vr_u128 acc = (vr_u128)k[i] * g[j] + t[i + j] + carry;
            t[i + j] = (uint64_t)acc;
            carry = (uint64_t)(acc >> 64);
        }
        t[i + n] = carry;
    }
    c[0] = t[4];
    c[1] = t[5];
}

/* Canonical |v| of v in Fr read as a signed number in (-r/2, r/2). */
static int
signed_abs(uint64_t out[4], const vr_fr *v)
{
    vr_fr n;

    vr_fr_to_canonical(out, v);
    if (!vr_limb_lt(HALF_R, out))
        return 0;
    vr_fr_neg(&n, v);
    vr_fr_to_canonical(out, &n);
    return 1;
}

void
vr_g1_mul_var(vr_g1 *r, const vr_g1 *p, const vr_fr *k)
{
    enum { W = 5, T = 1 << (W - 2) };
    uint64_t kc[4], c[2], k1[4], k2[4];
    vr_fr c1, c2, t, u, f1, f2;
    vr_g1 t1[T], t2[T], p2, acc = vr_g1_infinity, q;
    int8_t naf1[260], naf2[260];
    int neg1, neg2, n1, n2, n;

    // split k = k1 + k2 lambda
    vr_fr_to_canonical(kc, k);
    mulhi(c, kc, GLV_G1, 2);
    vr_fr_from_canonical(&c1, (const uint64_t[4]){c[0], c[1], 0, 0});
    mulhi(c, kc, GLV_G2, 3);
    vr_fr_from_canonical(&c2, (const uint64_t[4]){c[0], c[1], 0, 0});
    vr_fr_mul(&t, &c1, &GLV_A1);
    vr_fr_mul(&u, &c2, &GLV_A2);
    vr_fr_sub(&f1, k, &t);
    vr_fr_sub(&f1, &f1, &u);                /* k1 = k - c1 a1 - c2 a2 */
    vr_fr_mul(&t, &c1, &GLV_B1);
    vr_fr_mul(&u, &c2, &GLV_B2);
    vr_fr_sub(&f2, &t, &u);                 /* k2 = c1 |b1| - c2 b2 */
    neg1 = signed_abs(k1, &f1);
    neg2 = signed_abs(k2, &f2);
    n1 = wnaf(naf1, k1, W);
    n2 = wnaf(naf2, k2, W);
    n = n1 > n2 ? n1 : n2;
    for (int i = n1; i < n; i++)
        naf1[i] = 0;
    for (int i = n2; i < n; i++)
        naf2[i] = 0;

    // t1[j] = (2j + 1) p, t2[j] = phi(t1[j]) = (beta X, Y, Z)
    t1[0] = *p;
    vr_g1_dbl(&p2, p);
    for (int j = 1; j < T; j++)
        vr_g1_add_var(&t1[j], &t1[j - 1], &p2);
    for (int j = 0; j < T; j++) {
        t2[j] = t1[j];
        vr_fp_mul(&t2[j].x, &t2[j].x, &GLV_BETA);
    }
    // Straus: one doubling chain for both halves
    for (int i = n - 1; i >= 0; i--) {
        vr_g1_dbl(&acc, &acc);
        int d1 = neg1 ? -naf1[i] : naf1[i];
        int d2 = neg2 ? -naf2[i] : naf2[i];
        if (d1 > 0)
            vr_g1_add_var(&acc, &acc, &t1[(d1 - 1) / 2]);
        else if (d1 < 0) {
            vr_g1_neg(&q, &t1[(-d1 - 1) / 2]);
            vr_g1_add_var(&acc, &acc, &q);
        }
        if (d2 > 0)
            vr_g1_add_var(&acc, &acc, &t2[(d2 - 1) / 2]);
        else if (d2 < 0) {
            vr_g1_neg(&q, &t2[(-d2 - 1) / 2]);
            vr_g1_add_var(&acc, &acc, &q);
        }
    }
    *r = acc;
}

/*
 * Constant-time scalar multiplication.
 *
 * Homogeneous projective coordinates (X : Y : Z), x = X/Z, y = Y/Z, O =
 * (0 : 1 : 0), with the complete formulas of Renes, Costello and Batina,
 * "Complete addition formulas for prime order elliptic curves"
 * (EUROCRYPT 2016, algorithms 7 and 9 for a = 0): no input is
 * exceptional, so the loop needs no special case and no branch.
 */
typedef struct { vr_fp x, y, z; } g1_proj;

/* 3b = 9, Montgomery form */
static const vr_fp B3 = {{
    0xf60647ce410d7ff7, 0x2f3d6f4dd31bd011,
    0x2943337e3940c6d1, 0x1d9598e8a7e39857
}};

static void
proj_add(g1_proj *r, const g1_proj *p, const g1_proj *q)
{
    // RCB algorithm 7: 12M + 2 m_3b + 19a
    vr_fp t0, t1, t2, t3, t4, x3, y3, z3;

    vr_fp_mul(&t0, &p->x, &q->x);
    vr_fp_mul(&t1, &p->y, &q->y);
    vr_fp_mul(&t2, &p->z, &q->z);
    vr_fp_add(&t3, &p->x, &p->y);
    vr_fp_add(&t4, &q->x, &q->y);
    vr_fp_mul(&t3, &t3, &t4);
    vr_fp_add(&t4, &t0, &t1);
    vr_fp_sub(&t3, &t3, &t4);
    vr_fp_add(&t4, &p->y, &p->z);
    vr_fp_add(&x3, &q->y, &q->z);
    vr_fp_mul(&t4, &t4, &x3);
    vr_fp_add(&x3, &t1, &t2);
    vr_fp_sub(&t4, &t4, &x3);
    vr_fp_add(&x3, &p->x, &p->z);
    vr_fp_add(&y3, &q->x, &q->z);
    vr_fp_mul(&x3, &x3, &y3);
    vr_fp_add(&y3, &t0, &t2);
    vr_fp_sub(&y3, &x3, &y3);
    vr_fp_add(&x3, &t0, &t0);
    vr_fp_add(&t0, &x3, &t0);
    vr_fp_mul(&t2, &t2, &B3);
    vr_fp_add(&z3, &t1, &t2);
    vr_fp_sub(&t1, &t1, &t2);
    vr_fp_mul(&y3, &y3, &B3);
    vr_fp_mul(&x3, &t4, &y3);
    vr_fp_mul(&t2, &t3, &t1);
    vr_fp_sub(&x3, &t2, &x3);
    vr_fp_mul(&y3, &y3, &t0);
    vr_fp_mul(&t1, &t1, &z3);
    vr_fp_add(&y3, &t1, &y3);
    vr_fp_mul(&t0, &t0, &t3);
    vr_fp_mul(&z3, &z3, &t4);
    vr_fp_add(&z3, &z3, &t0);
    r->x = x3;
    r->y = y3;
    r->z = z3;
}

static void
proj_dbl(g1_proj *r, const g1_proj *p)
{
    // RCB algorithm 9: 6M + 2S + 1 m_3b + 9a
    vr_fp t0, t1, t2, x3, y3, z3;

    vr_fp_sqr(&t0, &p->y);
    vr_fp_add(&z3, &t0, &t0);
    vr_fp_add(&z3, &z3, &z3);
    vr_fp_add(&z3, &z3, &z3);
    vr_fp_mul(&t1, &p->y, &p->z);
    vr_fp_sqr(&t2, &p->z);
    vr_fp_mul(&t2, &t2, &B3);
    vr_fp_mul(&x3, &t2, &z3);
    vr_fp_add(&y3, &t0, &t2);
    vr_fp_mul(&z3, &t1, &z3);
    vr_fp_add(&t1, &t2, &t2);
    vr_fp_add(&t2, &t1, &t2);
    vr_fp_sub(&t0, &t0, &t2);
    vr_fp_mul(&y3, &t0, &y3);
    vr_fp_add(&y3, &x3, &y3);
    vr_fp_mul(&t1, &p->x, &p->y);
    vr_fp_mul(&x3, &t0, &t1);
    vr_fp_add(&x3, &x3, &x3);
    r->x = x3;
    r->y = y3;
    r->z = z3;
}

static void
proj_cmov(g1_proj *r, const g1_proj *a, int flag)
{
    vr_fp_cmov(&r->x, &a->x, flag);
    vr_fp_cmov(&r->y, &a->y, flag);
    vr_fp_cmov(&r->z, &a->z, flag);
}

/* r = table[|d|] negated if d < 0 (or if flip), by masked scans. */
static void
proj_select(g1_proj *r, const g1_proj table[9], int64_t d, uint64_t flip)
{
    // |d| without a branch: (d ^ s) - s with s the sign mask
    uint64_t neg = ((uint64_t)d >> 63) ^ flip;
    uint64_t s = vr_limb_mask((uint64_t)d >> 63);
    uint64_t mag = ((uint64_t)d ^ s) - s;
    vr_fp ny;
    *r = table[0];
    for (uint64_t j = 1; j < 9; j++)
        proj_cmov(r, &table[j], (int)vr_limb_is_zero_word(j ^ mag));
    vr_fp_neg(&ny, &r->y);
    vr_fp_cmov(&r->y, &ny, (int)neg);
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

/* Constant-time signed_abs: |v| and the sign of v read in (-r/2, r/2). */
static uint64_t
signed_abs_ct(uint64_t out[4], const vr_fr *v)
{
    uint64_t a[4], b[4];
    vr_fr n;
    uint64_t neg;

    vr_fr_to_canonical(a, v);
    vr_fr_neg(&n, v);
    vr_fr_to_canonical(b, &n);
    neg = vr_limb_lt(HALF_R, a);
    vr_limb_cmov(a, b, neg);
    out[0] = a[0];
    out[1] = a[1];
    out[2] = a[2];
    out[3] = a[3];
    return neg;
}

void
vr_g1_mul(vr_g1 *r, const vr_g1 *p, const vr_fr *k)
{
    // GLV split as in vr_g1_mul_var (all steps branch-free), signed
    // 4-bit windows over both halves: 34 x (4 doublings + 2 complete
    // additions) on tables of 0..8 times p and phi(p).
    uint64_t kc[4], c[2], k1[4], k2[4], neg1, neg2;
    vr_fr c1, c2, t, u, f1, f2;
    g1_proj t1[9], t2[9], acc, q, pp;
    int8_t d1[CT_WINDOWS], d2[CT_WINDOWS];
    vr_fp zz;

    vr_fr_to_canonical(kc, k);
    mulhi(c, kc, GLV_G1, 2);
    vr_fr_from_canonical(&c1, (const uint64_t[4]){c[0], c[1], 0, 0});
    mulhi(c, kc, GLV_G2, 3);
    vr_fr_from_canonical(&c2, (const uint64_t[4]){c[0], c[1], 0, 0});
    vr_fr_mul(&t, &c1, &GLV_A1);
    vr_fr_mul(&u, &c2, &GLV_A2);
    vr_fr_sub(&f1, k, &t);
    vr_fr_sub(&f1, &f1, &u);
    vr_fr_mul(&t, &c1, &GLV_B1);
    vr_fr_mul(&u, &c2, &GLV_B2);
    vr_fr_sub(&f2, &t, &u);
    neg1 = signed_abs_ct(k1, &f1);
    neg2 = signed_abs_ct(k2, &f2);
    recode4(d1, k1);
    recode4(d2, k2);

    // p in projective form: (X Z : Y : Z^3), O as (0 : 1 : 0)
    vr_fp_mul(&pp.x, &p->x, &p->z);
    pp.y = p->y;
    vr_fp_sqr(&zz, &p->z);
    vr_fp_mul(&pp.z, &zz, &p->z);
    proj_cmov(&pp, &(g1_proj){vr_fp_zero, vr_fp_one, vr_fp_zero},
        vr_g1_is_inf(p));
    t1[0] = (g1_proj){vr_fp_zero, vr_fp_one, vr_fp_zero};
    t1[1] = pp;
    for (int j = 2; j < 9; j++)
        proj_add(&t1[j], &t1[j - 1], &pp);
    for (int j = 0; j < 9; j++) {
        t2[j] = t1[j];
        vr_fp_mul(&t2[j].x, &t2[j].x, &GLV_BETA);
    }
    acc = t1[0];
    for (int w = CT_WINDOWS - 1; w >= 0; w--) {
        for (int i = 0; i < 4; i++)
            proj_dbl(&acc, &acc);
        proj_select(&q, t1, d1[w], neg1);
        proj_add(&acc, &acc, &q);
        proj_select(&q, t2, d2[w], neg2);
        proj_add(&acc, &acc, &q);
    }
    // back to Jacobian: (X Z, Y Z^2, Z)
    vr_fp_mul(&r->x, &acc.x, &acc.z);
    vr_fp_sqr(&zz, &acc.z);
    vr_fp_mul(&r->y, &acc.y, &zz);
    r->z = acc.z;

    vr_memzero_explicit(kc, sizeof(kc));
    vr_memzero_explicit(c, sizeof(c));
    vr_memzero_explicit(k1, sizeof(k1));
    vr_memzero_explicit(k2, sizeof(k2));
    vr_memzero_explicit(&c1, sizeof(c1));
    vr_memzero_explicit(&c2, sizeof(c2));
    vr_memzero_explicit(&f1, sizeof(f1));
    vr_memzero_explicit(&f2, sizeof(f2));
    vr_memzero_explicit(d1, sizeof(d1));
    vr_memzero_explicit(d2, sizeof(d2));
    vr_memzero_explicit(&acc, sizeof(acc));
    vr_memzero_explicit(&q, sizeof(q));
}

void
vr_g1_mul_u256_var(vr_g1 *r, const vr_g1 *p, const uint64_t k[4])
{
    // Every point of E(Fp) has order r (cofactor 1): reduce k mod r
    // (k < 2^256 < 6r) and use the GLV split.
    uint64_t t[4] = {k[0], k[1], k[2], k[3]};
    vr_fr f;

    while (!vr_limb_lt(t, vr_fr_modulus))
        vr_limb_sub_raw(t, t, vr_fr_modulus);
    vr_fr_from_canonical(&f, t);
    vr_g1_mul_var(r, p, &f);
}

int
vr_g1_affine_from_bytes_be(vr_g1_affine *r, const unsigned char in[64])
{
    vr_g1_affine a;
    static const unsigned char zero[64];

    if (memcmp(in, zero, 64) == 0) {
        r->x = vr_fp_zero;
        r->y = vr_fp_zero;
        return VR_OK;
    }
    if (vr_fp_from_bytes_be(&a.x, in) != VR_OK ||
        vr_fp_from_bytes_be(&a.y, in + 32) != VR_OK)
        return VR_EFORMAT;
    if (!vr_g1_affine_is_on_curve(&a))
        return VR_EFORMAT;
    *r = a;
    return VR_OK;
}

void
vr_g1_affine_to_bytes_be(unsigned char out[64], const vr_g1_affine *a)
{
    vr_fp_to_bytes_be(out, &a->x);
    vr_fp_to_bytes_be(out + 32, &a->y);
}
