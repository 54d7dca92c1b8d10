/*
 * miller.c: the optimal ate Miller loop with the G2 point in homogeneous
 * projective coordinates (X : Y : Z) on the twist, x = X/Z, y = Y/Z.
 *
 * Lines are scaled by factors in Fp2 (killed by the final exponentiation)
 * to avoid inversions; untwisting psi(x, y) = (x w^2, y w^3) puts a line
 * through the twist points, evaluated at P = (xP, yP), in the form
 *   l = d0 + d3 w + d4 v w,   d0 = r0 yP, d3 = r1 xP, d4 = r2
 * multiplied into f by vr_fp12_mul_034.  The step formulas are those of
 * Costello, Lange and Naehrig, "Faster pairing computations on curves
 * with high-degree twists" (PKC 2010), in the arrangement of Aranha et
 * al., "Faster explicit formulas for computing pairings over ordinary
 * curves" (Eurocrypt 2011, eq. 10 and 11), as in gnark-crypto.
 */
#include "vr.h"
#include "field/limb.h"
#include "pairing/pairing.h"

/* b' = 3 / (9 + u), Montgomery form */
static const vr_fp2 B_TWIST = {
    {{0x3bf938e377b802a8, 0x020b1b273633535d,
      0x26b7edf049755260, 0x2514c6324384a86d}},
    {{0x38e7ecccd1dcff67, 0x65f0b37d93ce0d3e,
      0xd749d0dd22ac00aa, 0x0141b9ce4a688d4d}}};
/* pi(x, y) = (conj(x) g12, conj(y) g13), g1k = xi^(k (p-1)/6) */
static const vr_fp2 G1_2 = {
    {{0xb5773b104563ab30, 0x347f91c8a9aa6454,
      0x7a007127242e0991, 0x1956bcd8118214ec}},
    {{0x6e849f1ea0aa4757, 0xaa1c7b6d89f89141,
      0xb6e713cdfae0ca3a, 0x26694fbb4e82ebc3}}};
static const vr_fp2 G1_3 = {
    {{0xe4bbdd0c2936b629, 0xbb30f162e133bacb,
      0x31a9d1b6f9645366, 0x253570bea500f8dd}},
    {{0xa1d77ce45ffe77c7, 0x07affd117826d1db,
      0x6d16bd27bb7edc6b, 0x2c87200285defecc}}};
/* pi^2(x, y) = (x g22, y g23) with g22 = xi^((p^2-1)/3) in Fp, g23 = -1 */
static const vr_fp G2_2 =
    {{0x3350c88e13e80b9c, 0x7dce557cdb5e56b9,
      0x6001b4b8b615564a, 0x2682e617020217e0}};

/* 6x + 2 = 0x19d797039be763ba8 (65 bits), x the BN seed */
#define ATE_HI 0x1ULL
#define ATE_LO 0x9d797039be763ba8ULL

typedef struct { vr_fp2 x, y, z; } g2_proj;

static void
fp2_half(vr_fp2 *r, const vr_fp2 *a)
{
    vr_fp_half(&r->c0, &a->c0);
    vr_fp_half(&r->c1, &a->c1);
}

/* NAF of 6x + 2, least significant digit first; returns the length. */
static int
ate_naf(int8_t naf[70])
{
    vr_u128 k = ((vr_u128)ATE_HI << 64) | ATE_LO;
    int n = 0;

    while (k) {
        int8_t d = 0;
        if (k & 1) {
            d = (int8_t)(2 - (int)(k & 3));     /* +1 or -1 */
            k = d > 0 ? k - 1 : k + 1;
        }
        naf[n++] = d;
        k >>= 1;
    }
    return n;
}

/*
 * T = 2T, and the tangent line at T: (r0, r1, r2) = (-2YZ, 3X^2, 3b'Z^2 - Y^2)
 *   A = XY/2, B = Y^2, C = Z^2, E = 3b'C, F = 3E, G = (B + F)/2,
 *   H = (Y + Z)^2 - B - C = 2YZ
 *   X3 = A (B - F), Y3 = G^2 - 3E^2, Z3 = B H
 */
static void
dbl_step(g2_proj *t, vr_fp2 *r0, vr_fp2 *r1, vr_fp2 *r2)
{
    vr_fp2 A, B, C, E, F, G, H, I, J, EE, K, s;

    vr_fp2_mul(&A, &t->x, &t->y);
    fp2_half(&A, &A);                       /* A = XY/2 */
    vr_fp2_sqr(&B, &t->y);                  /* B = Y^2 */
    vr_fp2_sqr(&C, &t->z);                  /* C = Z^2 */
    vr_fp2_dbl(&E, &C);
    vr_fp2_add(&E, &E, &C);
    vr_fp2_mul(&E, &E, &B_TWIST);           /* E = 3 b' Z^2 */
    vr_fp2_dbl(&F, &E);
    vr_fp2_add(&F, &F, &E);                 /* F = 3E */
    vr_fp2_add(&G, &B, &F);
    fp2_half(&G, &G);                       /* G = (B + F)/2 */
    vr_fp2_add(&H, &t->y, &t->z);
    vr_fp2_sqr(&H, &H);
    vr_fp2_add(&s, &B, &C);
    vr_fp2_sub(&H, &H, &s);                 /* H = 2YZ */
    vr_fp2_sub(&I, &E, &B);                 /* I = E - B */
    vr_fp2_sqr(&J, &t->x);                  /* J = X^2 */
    vr_fp2_sqr(&EE, &E);
    vr_fp2_dbl(&K, &EE);
    vr_fp2_add(&K, &K, &EE);                /* K = 3E^2 */

    vr_fp2_sub(&s, &B, &F);
    vr_fp2_mul(&t->x, &A, &s);              /* X3 = A (B - F) */
    vr_fp2_sqr(&s, &G);
    vr_fp2_sub(&t->y, &s, &K);              /* Y3 = G^2 - 3E^2 */
    vr_fp2_mul(&t->z, &B, &H);              /* Z3 = B H */

    vr_fp2_neg(r0, &H);
    vr_fp2_dbl(r1, &J);
    vr_fp2_add(r1, r1, &J);
    *r2 = I;
}

/*
 * T = T + Q (Q affine), and the line through T and Q:
 * (r0, r1, r2) = (L, -O, O xQ - L yQ) with O = Y - yQ Z, L = X - xQ Z
 *   C = O^2, D = L^2, E = L D, F = Z C, G = X D, H = E + F - 2G
 *   X3 = L H, Y3 = O (G - H) - Y E, Z3 = E Z
 */
static void
add_step(g2_proj *t, vr_fp2 *r0, vr_fp2 *r1, vr_fp2 *r2,
    const vr_g2_affine *q)
{
    vr_fp2 O, L, C, D, E, F, G, H, s;

    vr_fp2_mul(&s, &q->y, &t->z);
    vr_fp2_sub(&O, &t->y, &s);              /* O = Y - yQ Z */
    vr_fp2_mul(&s, &q->x, &t->z);
    vr_fp2_sub(&L, &t->x, &s);              /* L = X - xQ Z */
    vr_fp2_sqr(&C, &O);
    vr_fp2_sqr(&D, &L);
    vr_fp2_mul(&E, &L, &D);
    vr_fp2_mul(&F, &t->z, &C);
    vr_fp2_mul(&G, &t->x, &D);
    vr_fp2_add(&H, &E, &F);
    vr_fp2_sub(&H, &H, &G);
    vr_fp2_sub(&H, &H, &G);                 /* H = E + F - 2G */

    vr_fp2_mul(&t->x, &L, &H);              /* X3 = L H */
    vr_fp2_sub(&s, &G, &H);
    vr_fp2_mul(&s, &s, &O);
    vr_fp2_mul(&G, &t->y, &E);
    vr_fp2_sub(&t->y, &s, &G);              /* Y3 = O (G - H) - Y E */
    vr_fp2_mul(&t->z, &t->z, &E);           /* Z3 = Z E */

    *r0 = L;
    vr_fp2_neg(r1, &O);
    vr_fp2_mul(r2, &O, &q->x);
    vr_fp2_mul(&s, &L, &q->y);
    vr_fp2_sub(r2, r2, &s);                 /* O xQ - L yQ */
}

/* f *= line (r0, r1, r2) evaluated at p. */
static void
mul_line(vr_fp12 *f, vr_fp2 *r0, vr_fp2 *r1, const vr_fp2 *r2,
    const vr_g1_affine *p)
{
    vr_fp2_mul_fp(r0, r0, &p->y);
    vr_fp2_mul_fp(r1, r1, &p->x);
    vr_fp12_mul_034(f, f, r0, r1, r2);
}

/* Pairs with an O on either side are skipped: they contribute 1. */
static bool
pair_is_trivial(const vr_g1_affine *p, const vr_g2_affine *q)
{
    return vr_g1_affine_is_inf(p) ||
        (vr_fp2_is_zero(&q->x) && vr_fp2_is_zero(&q->y));
}

enum { BATCH = 8 };     /* pairs per shared-squaring pass (stack bound) */

/* -pi^2 and pi of q for the two lines after the loop. */
static void
frobenius_points(vr_g2_affine *q1, vr_g2_affine *q2, const vr_g2_affine *q)
{
    vr_fp2_conj(&q1->x, &q->x);
    vr_fp2_mul(&q1->x, &q1->x, &G1_2);
    vr_fp2_conj(&q1->y, &q->y);
    vr_fp2_mul(&q1->y, &q1->y, &G1_3);
    vr_fp2_mul_fp(&q2->x, &q->x, &G2_2);
    q2->y = q->y;                           /* -(y * -1) */
}

void
vr_pairing_prepare(vr_g2_prepared *pq, const vr_g2_affine *q)
{
    // The steps of miller_batch for one Q, keeping the raw lines.
    g2_proj t;
    vr_g2_affine qneg, q1, q2;
    int8_t naf[70];
    int len = ate_naf(naf), li = 0;

    pq->inf = vr_fp2_is_zero(&q->x) && vr_fp2_is_zero(&q->y);
    if (pq->inf)
        return;
    t.x = q->x;
    t.y = q->y;
    t.z = vr_fp2_one;
    qneg.x = q->x;
    vr_fp2_neg(&qneg.y, &q->y);
    for (int b = len - 2; b >= 0; b--) {
        dbl_step(&t, &pq->l[li][0], &pq->l[li][1], &pq->l[li][2]);
        li++;
        if (naf[b] != 0) {
            add_step(&t, &pq->l[li][0], &pq->l[li][1], &pq->l[li][2],
                naf[b] > 0 ? q : &qneg);
            li++;
        }
    }
    frobenius_points(&q1, &q2, q);
    add_step(&t, &pq->l[li][0], &pq->l[li][1], &pq->l[li][2], &q1);
    li++;
    add_step(&t, &pq->l[li][0], &pq->l[li][1], &pq->l[li][2], &q2);
    li++;
    VR_ASSERT(li == VR_PAIRING_NLINES);
}

/*
 * f = prod over the n <= BATCH pairs (p, q) and the m prepared pairs
 * (pp, qp) of their Miller values, with one squaring per step for all.
 */
static void
miller_batch(vr_fp12 *f, const vr_g1_affine *p, const vr_g2_affine *q,
    size_t n, const vr_g1_affine *pp, const vr_g2_prepared *qp, size_t m)
{
    g2_proj t[BATCH];
    vr_g2_affine qneg[BATCH];
    size_t idx[BATCH], k0 = 0;
    int8_t naf[70];
    int len = ate_naf(naf), li = 0;
    vr_fp2 r0, r1, r2;
    bool any = false;

    for (size_t i = 0; i < n; i++) {
        if (pair_is_trivial(&p[i], &q[i]))
            continue;
        idx[k0] = i;
        t[k0].x = q[i].x;
        t[k0].y = q[i].y;
        t[k0].z = vr_fp2_one;
        qneg[k0].x = q[i].x;
        vr_fp2_neg(&qneg[k0].y, &q[i].y);
        k0++;
    }
    for (size_t j = 0; j < m; j++)
        any |= !qp[j].inf && !vr_g1_affine_is_inf(&pp[j]);
    *f = vr_fp12_one;
    if (k0 == 0 && !any)
        return;
    // the top NAF digit is 1: T starts at Q
    for (int b = len - 2; b >= 0; b--) {
        int nl = naf[b] != 0 ? 2 : 1;
        if (b != len - 2)
            vr_fp12_sqr(f, f);
        for (size_t k = 0; k < k0; k++) {
            dbl_step(&t[k], &r0, &r1, &r2);
            mul_line(f, &r0, &r1, &r2, &p[idx[k]]);
            if (naf[b] != 0) {
                add_step(&t[k], &r0, &r1, &r2,
                    naf[b] > 0 ? &q[idx[k]] : &qneg[k]);
                mul_line(f, &r0, &r1, &r2, &p[idx[k]]);
            }
        }
        for (size_t j = 0; j < m; j++) {
            if (qp[j].inf || vr_g1_affine_is_inf(&pp[j]))
                continue;
            for (int l = 0; l < nl; l++) {
                r0 = qp[j].l[li + l][0];
                r1 = qp[j].l[li + l][1];
                mul_line(f, &r0, &r1, &qp[j].l[li + l][2], &pp[j]);
            }
        }
        li += nl;
    }
    // f *= l_{T, pi(Q)}(P) l_{T + pi(Q), -pi^2(Q)}(P)
    for (size_t k = 0; k < k0; k++) {
        vr_g2_affine q1, q2;
        frobenius_points(&q1, &q2, &q[idx[k]]);
        add_step(&t[k], &r0, &r1, &r2, &q1);
        mul_line(f, &r0, &r1, &r2, &p[idx[k]]);
        add_step(&t[k], &r0, &r1, &r2, &q2);
        mul_line(f, &r0, &r1, &r2, &p[idx[k]]);
    }
    for (size_t j = 0; j < m; j++) {
        if (qp[j].inf || vr_g1_affine_is_inf(&pp[j]))
            continue;
        for (int l = 0; l < 2; l++) {
            r0 = qp[j].l[li + l][0];
            r1 = qp[j].l[li + l][1];
            mul_line(f, &r0, &r1, &qp[j].l[li + l][2], &pp[j]);
        }
    }
}

void
vr_pairing_miller_loop_mixed(vr_fp12 *f, const vr_g1_affine *p,
    const vr_g2_affine *q, size_t n, const vr_g1_affine *pp,
    const vr_g2_prepared *qp, size_t m)
{
    vr_fp12 acc, g;
    size_t first = n < BATCH ? n : BATCH;

    // The prepared pairs ride along with the first batch; further batches
    // of BATCH plain pairs multiply in (Miller values are multiplicative).
    miller_batch(&acc, p, q, first, pp, qp, m);
    for (size_t i = first; i < n; i += BATCH) {
        size_t k = n - i < BATCH ? n - i : BATCH;
        miller_batch(&g, p + i, q + i, k, NULL, NULL, 0);
        vr_fp12_mul(&acc, &acc, &g);
    }
    *f = acc;
}

void
vr_pairing_miller_loop(vr_fp12 *f, const vr_g1_affine *p,
    const vr_g2_affine *q, size_t n)
{
    vr_pairing_miller_loop_mixed(f, p, q, n, NULL, NULL, 0);
}
