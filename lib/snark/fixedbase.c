/*
 * fixedbase.c: the setup's constant-time fixed-base scalar multiplication
 * of the generators by many secret scalars (threaded), and the Lagrange
 * basis of an NTT domain evaluated at a secret point.  Shared by the
 * circuit-specific setup (groth16.c) and the powers of tau (ptaugen.c).
 */
#include <stdlib.h>
#include <string.h>

#include "vr.h"
#include "base/mem.h"
#include "base/par.h"
#include "field/fp2.h"
#include "snark/internal.h"

/* out[i] = 1/in[i] (all nonzero) in constant time: Montgomery's trick
 * with one constant-time inversion.  out != in. */
static void
batch_inv_ct(vr_fr *out, const vr_fr *in, size_t n)
{
    vr_fr acc = vr_fr_one, inv, t;

    for (size_t i = 0; i < n; i++) {
        out[i] = acc;                       /* prod in[0..i) */
        vr_fr_mul(&acc, &acc, &in[i]);
    }
    vr_fr_inv(&inv, &acc);                  /* 1 / prod in[0..n) */
    for (size_t i = n; i-- > 0;) {
        vr_fr_mul(&t, &inv, &out[i]);       /* 1 / in[i] */
        vr_fr_mul(&inv, &inv, &in[i]);
        out[i] = t;
    }
    vr_memzero_explicit(&acc, sizeof(acc));
    vr_memzero_explicit(&inv, sizeof(inv));
}

/*
 * L[j] = L_j(tau) for the domain of size m = 2^k with generator w:
 *   L_j(tau) = (tau^m - 1) / m * w^j / (tau - w^j).
 * Constant time in tau.  tmp: 2m scratch elements.
 */
void
vr_snark_lagrange_at(vr_fr *L, vr_fr *tmp, size_t m, int k, const vr_fr *tau)
{
    vr_fr w, wj = vr_fr_one, zt, minv, t;

    vr_fr_root_of_unity(&w, k);
    for (size_t j = 0; j < m; j++) {
        vr_fr_sub(&tmp[j], tau, &wj);       /* tau - w^j */
        L[j] = wj;
        vr_fr_mul(&wj, &wj, &w);
    }
    // zt = (tau^m - 1) / m
    zt = *tau;
    for (int i = 0; i < k; i++)
        vr_fr_sqr(&zt, &zt);
    vr_fr_sub(&zt, &zt, &vr_fr_one);
    vr_fr_from_u64(&minv, (uint64_t)m);
    vr_fr_inv(&minv, &minv);
    vr_fr_mul(&zt, &zt, &minv);
    // tmp[j] <- 1/(tau - w^j), then L[j] = zt * w^j * tmp[j]
    batch_inv_ct(tmp + m, tmp, m);
    for (size_t j = 0; j < m; j++) {
        vr_fr_mul(&t, &L[j], &tmp[m + j]);
        vr_fr_mul(&L[j], &t, &zt);
    }
    vr_memzero_explicit(&zt, sizeof(zt));
    vr_memzero_explicit(&t, sizeof(t));
}

/*
 * Fixed-base scalar multiplication for the setup, k G for many secret k:
 * k in signed 5-bit digits, k = sum_j d_j 32^j with d_j in [-16, 16)
 * (j < 51) and a final carry d_51 in {0, 1}; a table T[j][e-1] = e 32^j G
 * (j < 52, 1 <= e <= 16), and k G = sum_j sign(d_j) T[j][|d_j|-1].  Each
 * digit's entry is read by scanning the whole row with masked moves (the
 * sign by a masked negation, a zero digit by a masked infinity), and the
 * sums use constant-time additions, so the time does not depend on k:
 * 52 additions instead of vr_g1_mul's doublings and additions.  The
 * results go to affine with one batched inversion after randomising the
 * projective coordinates, (X, Y, Z) -> (l^2 X, l^3 Y, l Z) with a fresh
 * random l, so the variable-time inversion sees only a random value.
 */
#define FB_ROWS 52
#define FB_COLS 16

struct fb_ctx {
    const vr_g1_affine *t1;     /* FB_ROWS x FB_COLS, or NULL */
    const vr_g2_affine *t2;
    const vr_fr *k;
    const unsigned char *use;   /* NULL, or 0 where k is structurally 0 */
    vr_g1 *o1;
    vr_g2 *o2;
    size_t n;
};

/* 1 if a == b, for a, b < 16, without a branch. */
static int
eq4(uint64_t a, uint64_t b)
{
    return (int)(((a ^ b) - 1) >> 63);
}

/*
 * acc += q for the fixed-base sums, constant time: the mixed Jacobian-
 * affine addition madd-2007-bl (7M + 4S, EFD, "add-2007-bl" with Z2 = 1)
 * with masked moves for the two infinities (acc before the first nonzero
 * digit, q for a zero digit); acc = -q gives Z3 = 0, infinity.  The
 * doubling case cannot occur in rows j < 50: before row j, acc = S G
 * with |S| < 32^j, and q = d 32^j G with 1 <= |d| <= 16, so S - d 32^j
 * is nonzero and below 17 32^49 < r in size, never 0 mod r.  The last
 * two rows use the complete addition instead.
 */
static void
fb_add_g1(vr_g1 *acc, const vr_g1_affine *q)
{
    vr_fp z1z1, u2, s2, h, hh, i, j, rr, v, t, y1;
    vr_g1 s, qj;
    int ainf = vr_g1_is_inf(acc), qinf = vr_g1_affine_is_inf(q);

    vr_fp_sqr(&z1z1, &acc->z);
    vr_fp_mul(&u2, &q->x, &z1z1);           /* U2 = X2 Z1Z1 */
    vr_fp_mul(&s2, &q->y, &acc->z);
    vr_fp_mul(&s2, &s2, &z1z1);             /* S2 = Y2 Z1 Z1Z1 */
    vr_fp_sub(&h, &u2, &acc->x);            /* H = U2 - X1 */
    vr_fp_sub(&rr, &s2, &acc->y);
    vr_fp_dbl(&rr, &rr);                    /* r = 2 (S2 - Y1) */
    vr_fp_sqr(&hh, &h);                     /* HH = H^2 */
    vr_fp_dbl(&i, &hh);
    vr_fp_dbl(&i, &i);                      /* I = 4 HH */
    vr_fp_mul(&j, &h, &i);                  /* J = H I */
    vr_fp_mul(&v, &acc->x, &i);             /* V = X1 I */
    vr_fp_add(&t, &acc->z, &h);
    vr_fp_sqr(&t, &t);
    vr_fp_sub(&t, &t, &z1z1);
    vr_fp_sub(&s.z, &t, &hh);               /* Z3 = (Z1 + H)^2 - Z1Z1 - HH */
    vr_fp_sqr(&t, &rr);
    vr_fp_sub(&t, &t, &j);
    vr_fp_sub(&t, &t, &v);
    vr_fp_sub(&s.x, &t, &v);                /* X3 = r^2 - J - 2 V */
    vr_fp_sub(&t, &v, &s.x);
    vr_fp_mul(&t, &t, &rr);
    vr_fp_mul(&y1, &acc->y, &j);
    vr_fp_dbl(&y1, &y1);
    vr_fp_sub(&s.y, &t, &y1);               /* Y3 = r (V - X3) - 2 Y1 J */
    vr_g1_from_affine(&qj, q);
    vr_g1_cmov(&s, &qj, ainf);
    vr_g1_cmov(&s, acc, qinf);
    *acc = s;
}

static void
fb_add_g2(vr_g2 *acc, const vr_g2_affine *q)
{
    vr_fp2 z1z1, u2, s2, h, hh, i, j, rr, v, t, y1;
    vr_g2 s, qj;
    int ainf = vr_g2_is_inf(acc), qinf = vr_g2_affine_is_inf(q);

    vr_fp2_sqr(&z1z1, &acc->z);
    vr_fp2_mul(&u2, &q->x, &z1z1);
    vr_fp2_mul(&s2, &q->y, &acc->z);
    vr_fp2_mul(&s2, &s2, &z1z1);
    vr_fp2_sub(&h, &u2, &acc->x);
    vr_fp2_sub(&rr, &s2, &acc->y);
    vr_fp2_dbl(&rr, &rr);
    vr_fp2_sqr(&hh, &h);
    vr_fp2_dbl(&i, &hh);
    vr_fp2_dbl(&i, &i);
    vr_fp2_mul(&j, &h, &i);
    vr_fp2_mul(&v, &acc->x, &i);
    vr_fp2_add(&t, &acc->z, &h);
    vr_fp2_sqr(&t, &t);
    vr_fp2_sub(&t, &t, &z1z1);
    vr_fp2_sub(&s.z, &t, &hh);
    vr_fp2_sqr(&t, &rr);
    vr_fp2_sub(&t, &t, &j);
    vr_fp2_sub(&t, &t, &v);
    vr_fp2_sub(&s.x, &t, &v);
    vr_fp2_sub(&t, &v, &s.x);
    vr_fp2_mul(&t, &t, &rr);
    vr_fp2_mul(&y1, &acc->y, &j);
    vr_fp2_dbl(&y1, &y1);
    vr_fp2_sub(&s.y, &t, &y1);
    vr_g2_from_affine(&qj, q);
    vr_g2_cmov(&s, &qj, ainf);
    vr_g2_cmov(&s, acc, qinf);
    *acc = s;
}

/* The signed digits of k (canonical limbs l), constant time. */
static void
fb_recode(int8_t d[FB_ROWS], const uint64_t l[4])
{
    uint64_t carry = 0;

    for (int j = 0; j < FB_ROWS - 1; j++) {
        int b = 5 * j, w = b / 64, s = b % 64;
        uint64_t v = l[w] >> s;
        if (s > 59 && w < 3)
            v |= l[w + 1] << (64 - s);
        v = (v & 31) + carry;                   /* 0..32 */
        carry = (v + 16) >> 5;                  /* v >= 16 */
        d[j] = (int8_t)((int64_t)v - (int64_t)(carry << 5));
    }
    d[FB_ROWS - 1] = (int8_t)carry;
}

/* |d| and the sign of d, without a branch. */
static void
fb_digit(uint64_t *abs, int *neg, int8_t d)
{
    uint64_t m = (uint64_t)(int64_t)(d >> 7);  /* all ones if d < 0 */

    *abs = ((uint64_t)(int64_t)d ^ m) - m;
    *neg = (int)(m & 1);
}

/*
 * out = entry a - 1 of a table row (FB_COLS entries of w words each), or
 * all zeros for a = 0, reading every entry under a mask (constant time;
 * the points are plain arrays of limbs, x then y).
 */
_Static_assert(sizeof(vr_g1_affine) == 8 * sizeof(uint64_t), "G1 layout");
_Static_assert(sizeof(vr_g2_affine) == 16 * sizeof(uint64_t), "G2 layout");

static void
fb_select(uint64_t *out, const uint64_t *row, int w, uint64_t a)
{
    for (int i = 0; i < w; i++)
        out[i] = 0;
    for (int e = 1; e <= FB_COLS; e++) {
        uint64_t m = -(uint64_t)eq4((uint64_t)e, a);
        const uint64_t *te = row + (size_t)(e - 1) * (size_t)w;
        for (int i = 0; i < w; i++)
            out[i] |= te[i] & m;
    }
}

static void
fb_g1(vr_g1 *r, const vr_g1_affine *t, const vr_fr *k)
{
    uint64_t l[4], a;
    int8_t d[FB_ROWS];
    int neg;
    vr_g1 acc = vr_g1_infinity;
    vr_g1_affine sel;
    vr_fp ny;

    vr_fr_to_canonical(l, k);
    fb_recode(d, l);
    for (int j = 0; j < FB_ROWS; j++) {
        fb_digit(&a, &neg, d[j]);
        fb_select((uint64_t *)(void *)&sel,
            (const uint64_t *)(const void *)&t[j * FB_COLS], 8, a);
        vr_fp_neg(&ny, &sel.y);
        vr_fp_cmov(&sel.y, &ny, neg);
        if (j < FB_ROWS - 2)
            fb_add_g1(&acc, &sel);
        else
            vr_g1_add_affine(&acc, &acc, &sel);
    }
    *r = acc;
    vr_memzero_explicit(l, sizeof(l));
    vr_memzero_explicit(d, sizeof(d));
    vr_memzero_explicit(&a, sizeof(a));
    vr_memzero_explicit(&sel, sizeof(sel));
}

static void
fb_g2(vr_g2 *r, const vr_g2_affine *t, const vr_fr *k)
{
    uint64_t l[4], a;
    int8_t d[FB_ROWS];
    int neg;
    vr_g2 acc = vr_g2_infinity;
    vr_g2_affine sel;
    vr_fp2 ny;

    vr_fr_to_canonical(l, k);
    fb_recode(d, l);
    for (int j = 0; j < FB_ROWS; j++) {
        fb_digit(&a, &neg, d[j]);
        fb_select((uint64_t *)(void *)&sel,
            (const uint64_t *)(const void *)&t[j * FB_COLS], 16, a);
        vr_fp2_neg(&ny, &sel.y);
        vr_fp2_cmov(&sel.y, &ny, neg);
        if (j < FB_ROWS - 2)
            fb_add_g2(&acc, &sel);
        else
            vr_g2_add_affine(&acc, &acc, &sel);
    }
    *r = acc;
    vr_memzero_explicit(l, sizeof(l));
    vr_memzero_explicit(d, sizeof(d));
    vr_memzero_explicit(&a, sizeof(a));
    vr_memzero_explicit(&sel, sizeof(sel));
}

static void
fb_task(void *arg, int tid, int nthreads)
{
    struct fb_ctx *c = arg;
    size_t lo, hi;

    vr_par_range(&lo, &hi, c->n, tid, nthreads);
    for (size_t i = lo; i < hi; i++) {
        // A wire absent from a matrix has the zero polynomial there: a
        // fact of the circuit's shape, public, so it may be skipped.
        if (c->use != NULL && !c->use[i]) {
            if (c->t1)
                c->o1[i] = vr_g1_infinity;
            else
                c->o2[i] = vr_g2_infinity;
            continue;
        }
        if (c->t1)
            fb_g1(&c->o1[i], c->t1, &c->k[i]);
        else
            fb_g2(&c->o2[i], c->t2, &c->k[i]);
    }
}

/* The tables for the generators (public). */
void
vr_fb_table_g1(vr_g1_affine *t)
{
    vr_g1 p = vr_g1_generator, acc;

    for (int j = 0; j < FB_ROWS; j++) {
        acc = p;                            /* 32^j G */
        for (int e = 1; e <= FB_COLS; e++) {
            vr_g1_to_affine(&t[j * FB_COLS + e - 1], &acc);
            vr_g1_add_var(&acc, &acc, &p);
        }
        for (int i = 0; i < 5; i++)
            vr_g1_dbl(&p, &p);
    }
}

void
vr_fb_table_g2(vr_g2_affine *t)
{
    vr_g2 p = vr_g2_generator, acc;

    for (int j = 0; j < FB_ROWS; j++) {
        acc = p;
        for (int e = 1; e <= FB_COLS; e++) {
            vr_g2_to_affine(&t[j * FB_COLS + e - 1], &acc);
            vr_g2_add_var(&acc, &acc, &p);
        }
        for (int i = 0; i < 5; i++)
            vr_g2_dbl(&p, &p);
    }
}

/* A random nonzero Fp element (from getrandom: an Fr value is < p). */
static int
rand_fp(vr_fp *l)
{
    vr_fr t;
    uint64_t c[4];
    int rc;

    do {
        if ((rc = vr_fr_random(&t)) != VR_OK)
            return rc;
        vr_fr_to_canonical(c, &t);
    } while ((c[0] | c[1] | c[2] | c[3]) == 0);
    return vr_fp_from_canonical(l, c);
}

int
vr_g16_affine_g1(vr_g1_affine *out, vr_g1 *j, size_t n)
{
    vr_fp l, l2, l3;
    int rc;

    if ((rc = rand_fp(&l)) != VR_OK)
        return rc;
    vr_fp_sqr(&l2, &l);
    vr_fp_mul(&l3, &l2, &l);
    for (size_t i = 0; i < n; i++) {
        vr_fp_mul(&j[i].x, &j[i].x, &l2);
        vr_fp_mul(&j[i].y, &j[i].y, &l3);
        vr_fp_mul(&j[i].z, &j[i].z, &l);
    }
    vr_g1_to_affine_batch(out, j, n);
    return VR_OK;
}

/* out[i] = k[i] G1, affine.  t: the G1 table; use as in fb_ctx. */
int
vr_fb_g1(vr_g1_affine *out, const vr_g1_affine *t, const vr_fr *k,
    const unsigned char *use, size_t n, int nthreads)
{
    vr_g1 *j = vr_mallocarray(n ? n : 1, sizeof(vr_g1));
    struct fb_ctx c = {t, NULL, k, use, j, NULL, n};
    int rc;

    if (j == NULL)
        return VR_ENOMEM;
    vr_par_run(fb_task, &c, n < 64 ? 1 : nthreads);
    rc = vr_g16_affine_g1(out, j, n);
    free(j);
    return rc;
}

int
vr_fb_g2(vr_g2_affine *out, const vr_g2_affine *t, const vr_fr *k,
    const unsigned char *use, size_t n, int nthreads)
{
    vr_g2 *j = vr_mallocarray(n ? n : 1, sizeof(vr_g2));
    struct fb_ctx c = {NULL, t, k, use, NULL, j, n};
    vr_fp l, l2, l3;
    int rc;

    if (j == NULL)
        return VR_ENOMEM;
    vr_par_run(fb_task, &c, n < 32 ? 1 : nthreads);
    if ((rc = rand_fp(&l)) != VR_OK) {
        free(j);
        return rc;
    }
    vr_fp_sqr(&l2, &l);
    vr_fp_mul(&l3, &l2, &l);
    for (size_t i = 0; i < n; i++) {
        vr_fp2_mul_fp(&j[i].x, &j[i].x, &l2);
        vr_fp2_mul_fp(&j[i].y, &j[i].y, &l3);
        vr_fp2_mul_fp(&j[i].z, &j[i].z, &l);
    }
    vr_g2_to_affine_batch(out, j, n);
    free(j);
    return VR_OK;
}

