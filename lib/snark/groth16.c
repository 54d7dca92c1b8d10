/*
 * groth16.c: setup, prover and verifier (Groth, "On the Size of
 * Pairing-based Non-interactive Arguments", EUROCRYPT 2016), laid out as
 * snarkjs 0.7.6 does (../shared/reference/zk/FORMATS.md section 4).
 */
#include <stdlib.h>
#include <string.h>

#include "vr.h"
#include "base/mem.h"
#include "base/par.h"
#include "curve/msm.h"
#include "field/fp2.h"
#include "poly/ntt.h"
#include "snark/groth16.h"
#include "snark/internal.h"

void
vr_g16_pk_free(struct vr_g16_pk *pk)
{
    free(pk->ic);
    free(pk->coef);
    free(pk->a);
    free(pk->b1);
    free(pk->b2);
    free(pk->c);
    free(pk->h);
    free(pk->contrib);
    memset(pk, 0, sizeof(*pk));
}

void
vr_g16_vk_free(struct vr_g16_vk *vk)
{
    free(vk->ic);
    memset(vk, 0, sizeof(*vk));
}

void
vr_g16_pvk_free(struct vr_g16_pvk *pvk)
{
    vr_g16_vk_free(&pvk->vk);
    memset(pvk, 0, sizeof(*pvk));
}

static int
vk_copy(struct vr_g16_vk *dst, const struct vr_g16_vk *src)
{
    *dst = *src;
    dst->ic = vr_mallocarray((size_t)src->npublic + 1, sizeof(vr_g1_affine));
    if (dst->ic == NULL) {
        memset(dst, 0, sizeof(*dst));
        return VR_ENOMEM;
    }
    memcpy(dst->ic, src->ic, ((size_t)src->npublic + 1) * sizeof(vr_g1_affine));
    return VR_OK;
}

int
vr_g16_pk_vk(struct vr_g16_vk *vk, const struct vr_g16_pk *pk)
{
    struct vr_g16_vk v = {
        .npublic = pk->npublic, .alpha1 = pk->alpha1, .beta2 = pk->beta2,
        .gamma2 = pk->gamma2, .delta2 = pk->delta2, .ic = pk->ic,
    };

    return vk_copy(vk, &v);
}

/* log2 of snarkjs's domain for ncons constraints and npublic signals:
 * 2^(floor(log2(ncons + npublic)) + 1) >= ncons + npublic + 1 rows. */
int
vr_g16_domain_log2(size_t ncons, uint32_t npublic)
{
    size_t m = ncons + npublic;
    int k = 0;

    while (m >> (k + 1))
        k++;
    return m == 0 ? 1 : k + 1;
}

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
static void
lagrange_at(vr_fr *L, vr_fr *tmp, size_t m, int k, const vr_fr *tau)
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
 * a table T[j][d] = d 16^j G (j < 64, d < 16, T[j][0] = O as (0, 0)), and
 * k G = sum_j T[j][k_j] over the 4-bit digits k_j of k.  Each digit's
 * entry is read by scanning the whole row with masked moves, and the sum
 * uses the complete constant-time mixed addition, so the time does not
 * depend on k: 64 additions instead of vr_g1_mul's 254 doublings and 64
 * additions.  The results go to affine with one batched inversion after
 * randomising the projective coordinates, (X, Y, Z) -> (l^2 X, l^3 Y,
 * l Z) with a fresh random l, so the variable-time inversion sees only a
 * random value.
 */
#define FB_ROWS 64
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

static void
fb_g1(vr_g1 *r, const vr_g1_affine *t, const vr_fr *k)
{
    uint64_t l[4];
    vr_g1 acc = vr_g1_infinity;
    vr_g1_affine sel;

    vr_fr_to_canonical(l, k);
    for (int j = 0; j < FB_ROWS; j++) {
        uint64_t d = l[j / 16] >> (4 * (j % 16)) & 15;
        sel = t[j * FB_COLS];
        for (int e = 1; e < FB_COLS; e++) {
            vr_fp_cmov(&sel.x, &t[j * FB_COLS + e].x, eq4((uint64_t)e, d));
            vr_fp_cmov(&sel.y, &t[j * FB_COLS + e].y, eq4((uint64_t)e, d));
        }
        vr_g1_add_affine(&acc, &acc, &sel);
    }
    *r = acc;
    vr_memzero_explicit(l, sizeof(l));
    vr_memzero_explicit(&sel, sizeof(sel));
}

static void
fb_g2(vr_g2 *r, const vr_g2_affine *t, const vr_fr *k)
{
    uint64_t l[4];
    vr_g2 acc = vr_g2_infinity;
    vr_g2_affine sel;

    vr_fr_to_canonical(l, k);
    for (int j = 0; j < FB_ROWS; j++) {
        uint64_t d = l[j / 16] >> (4 * (j % 16)) & 15;
        sel = t[j * FB_COLS];
        for (int e = 1; e < FB_COLS; e++) {
            vr_fp2_cmov(&sel.x, &t[j * FB_COLS + e].x, eq4((uint64_t)e, d));
            vr_fp2_cmov(&sel.y, &t[j * FB_COLS + e].y, eq4((uint64_t)e, d));
        }
        vr_g2_add_affine(&acc, &acc, &sel);
    }
    *r = acc;
    vr_memzero_explicit(l, sizeof(l));
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
static void
fb_table_g1(vr_g1_affine *t)
{
    vr_g1 p = vr_g1_generator, acc;

    for (int j = 0; j < FB_ROWS; j++) {
        t[j * FB_COLS].x = vr_fp_zero;
        t[j * FB_COLS].y = vr_fp_zero;
        acc = p;
        for (int e = 1; e < FB_COLS; e++) {
            vr_g1_to_affine(&t[j * FB_COLS + e], &acc);
            vr_g1_add_var(&acc, &acc, &p);
        }
        p = acc;                            /* 16^(j+1) G */
    }
}

static void
fb_table_g2(vr_g2_affine *t)
{
    vr_g2 p = vr_g2_generator, acc;

    for (int j = 0; j < FB_ROWS; j++) {
        memset(&t[j * FB_COLS], 0, sizeof(vr_g2_affine));
        acc = p;
        for (int e = 1; e < FB_COLS; e++) {
            vr_g2_to_affine(&t[j * FB_COLS + e], &acc);
            vr_g2_add_var(&acc, &acc, &p);
        }
        p = acc;
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
static int
g1_fixed(vr_g1_affine *out, const vr_g1_affine *t, const vr_fr *k,
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

static int
g2_fixed(vr_g2_affine *out, const vr_g2_affine *t, const vr_fr *k,
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

static void
g1_one(vr_g1_affine *out, const vr_fr *k)
{
    vr_g1 j;

    vr_g1_mul(&j, &vr_g1_generator, k);
    vr_g1_to_affine(out, &j);
}

static void
g2_one(vr_g2_affine *out, const vr_fr *k)
{
    vr_g2 j;

    vr_g2_mul(&j, &vr_g2_generator, k);
    vr_g2_to_affine(out, &j);
}

int
vr_g16_setup_toxic(struct vr_g16_pk *pk, struct vr_g16_vk *vk,
    const struct vr_r1cs *r, const vr_fr toxic[5], int nthreads)
{
    const vr_fr *tau = &toxic[0], *alpha = &toxic[1], *beta = &toxic[2],
        *gamma = &toxic[3], *delta = &toxic[4];
    uint32_t npub = vr_r1cs_npublic(r), nv = r->nwires;
    size_t n, rows, nprv = nv - npub - 1, need = 0;
    int k, rc = VR_ENOMEM;
    vr_fr *L = NULL, *tmp = NULL, *A = NULL, *B = NULL, *C = NULL, *K = NULL;
    vr_fr ginv, dinv, t;
    vr_g1_affine *T1 = NULL;
    vr_g2_affine *T2 = NULL;
    unsigned char *use = NULL;

    memset(pk, 0, sizeof(*pk));
    memset(vk, 0, sizeof(*vk));
    k = vr_g16_domain_log2(r->ncons, npub);
    if (k > VR_NTT_MAX_LOG2 - 1)     /* H needs the domain of size 2n */
        return VR_ERANGE;
    n = (size_t)1 << k;
    rows = r->ncons + npub + 1;
    for (int i = 0; i < 5; i++)
        if (vr_fr_is_zero(&toxic[i]))
            return VR_ERANGE;
    // tau must lie outside both domains (n and 2n): tau^(2n) != 1.
    t = *tau;
    for (int i = 0; i <= k; i++)
        vr_fr_sqr(&t, &t);
    if (vr_fr_is_one(&t)) {
        vr_memzero_explicit(&t, sizeof(t));
        return VR_ERANGE;
    }
    pk->nvars = nv;
    pk->npublic = npub;
    pk->n = (uint32_t)n;
    pk->log2n = k;

    L = vr_mallocarray(2 * n, sizeof(vr_fr));
    tmp = vr_mallocarray(4 * n, sizeof(vr_fr));
    A = vr_callocarray(nv, sizeof(vr_fr));
    B = vr_callocarray(nv, sizeof(vr_fr));
    C = vr_callocarray(nv, sizeof(vr_fr));
    K = vr_mallocarray(nv > n ? nv : n, sizeof(vr_fr));
    for (size_t c = 0; c < r->ncons; c++)
        need += (r->off[3 * c + 2] - r->off[3 * c]);
    pk->ncoef = need + npub + 1;
    pk->coef = vr_mallocarray(pk->ncoef, sizeof(*pk->coef));
    pk->ic = vr_mallocarray((size_t)npub + 1, sizeof(vr_g1_affine));
    pk->a = vr_mallocarray(nv, sizeof(vr_g1_affine));
    pk->b1 = vr_mallocarray(nv, sizeof(vr_g1_affine));
    pk->b2 = vr_mallocarray(nv, sizeof(vr_g2_affine));
    pk->c = vr_mallocarray(nprv ? nprv : 1, sizeof(vr_g1_affine));
    pk->h = vr_mallocarray(n, sizeof(vr_g1_affine));
    use = vr_callocarray(nv, 3);         /* in A, in B, in any */
    T1 = vr_mallocarray(FB_ROWS * FB_COLS, sizeof(vr_g1_affine));
    T2 = vr_mallocarray(FB_ROWS * FB_COLS, sizeof(vr_g2_affine));
    if (!use || !T1 || !T2 || !L || !tmp || !A || !B || !C || !K || !pk->coef || !pk->ic ||
        !pk->a || !pk->b1 || !pk->b2 || !pk->c || !pk->h)
        goto out;

    fb_table_g1(T1);
    fb_table_g2(T2);
    // The QAP at tau: A_i(tau) = sum_rows A[row][i] L_row(tau), etc.
    lagrange_at(L, tmp, n, k, tau);
    {
        size_t m = 0;
        for (size_t c = 0; c < r->ncons; c++) {
            for (int s = 0; s < 3; s++) {
                vr_fr *X = s == 0 ? A : s == 1 ? B : C;
                for (size_t j = r->off[3 * c + s]; j < r->off[3 * c + s + 1];
                    j++) {
                    const struct vr_r1cs_term *e = &r->terms[j];
                    vr_fr_mul(&t, &e->coef, &L[c]);
                    vr_fr_add(&X[e->wire], &X[e->wire], &t);
                    if (s < 2)
                        use[(size_t)s * nv + e->wire] = 1;
                    use[2 * (size_t)nv + e->wire] = 1;
                    if (s < 2)
                        pk->coef[m++] = (struct vr_g16_coef){(uint32_t)s,
                            (uint32_t)c, e->wire, e->coef};
                }
            }
        }
        for (uint32_t i = 0; i <= npub; i++) {
            use[i] = use[2 * (size_t)nv + i] = 1;
            vr_fr_add(&A[i], &A[i], &L[r->ncons + i]);
            pk->coef[m++] = (struct vr_g16_coef){0,
                (uint32_t)(r->ncons + i), i, vr_fr_one};
        }
        VR_ASSERT(m == pk->ncoef && r->ncons + npub + 1 == rows);
    }
    if ((rc = g1_fixed(pk->a, T1, A, use, nv, nthreads)) != VR_OK ||
        (rc = g1_fixed(pk->b1, T1, B, use + nv, nv, nthreads)) != VR_OK ||
        (rc = g2_fixed(pk->b2, T2, B, use + nv, nv, nthreads)) != VR_OK)
        goto out;
    // K_i = beta A_i + alpha B_i + C_i, over gamma (public) or delta.
    vr_fr_inv(&ginv, gamma);
    vr_fr_inv(&dinv, delta);
    for (uint32_t i = 0; i < nv; i++) {
        vr_fr_mul(&t, beta, &A[i]);
        vr_fr_mul(&K[i], alpha, &B[i]);
        vr_fr_add(&K[i], &K[i], &t);
        vr_fr_add(&K[i], &K[i], &C[i]);
        vr_fr_mul(&K[i], &K[i], i <= npub ? &ginv : &dinv);
    }
    if ((rc = g1_fixed(pk->ic, T1, K, NULL, (size_t)npub + 1, nthreads)) !=
        VR_OK || (rc = g1_fixed(pk->c, T1, K + npub + 1, use + 2 * nv + npub
        + 1, nprv, nthreads)) != VR_OK)
        goto out;
    // H_j = L^(2n)_(2j+1)(tau) / delta.
    lagrange_at(L, tmp, 2 * n, k + 1, tau);
    for (size_t j = 0; j < n; j++)
        vr_fr_mul(&K[j], &L[2 * j + 1], &dinv);
    if ((rc = g1_fixed(pk->h, T1, K, NULL, n, nthreads)) != VR_OK)
        goto out;
    g1_one(&pk->alpha1, alpha);
    g1_one(&pk->beta1, beta);
    g1_one(&pk->delta1, delta);
    g2_one(&pk->beta2, beta);
    g2_one(&pk->gamma2, gamma);
    g2_one(&pk->delta2, delta);
    rc = vr_g16_pk_vk(vk, pk);
out:
    if (L) vr_memzero_explicit(L, 2 * n * sizeof(vr_fr));
    if (tmp) vr_memzero_explicit(tmp, 4 * n * sizeof(vr_fr));
    if (A) vr_memzero_explicit(A, nv * sizeof(vr_fr));
    if (B) vr_memzero_explicit(B, nv * sizeof(vr_fr));
    if (C) vr_memzero_explicit(C, nv * sizeof(vr_fr));
    if (K) vr_memzero_explicit(K, (nv > n ? nv : n) * sizeof(vr_fr));
    vr_memzero_explicit(&ginv, sizeof(ginv));
    vr_memzero_explicit(&dinv, sizeof(dinv));
    vr_memzero_explicit(&t, sizeof(t));
    free(use);
    free(T1);
    free(T2);
    free(L);
    free(tmp);
    free(A);
    free(B);
    free(C);
    free(K);
    if (rc != VR_OK)
        vr_g16_pk_free(pk);
    return rc;
}

int
vr_g16_setup(struct vr_g16_pk *pk, struct vr_g16_vk *vk,
    const struct vr_r1cs *r, int nthreads)
{
    vr_fr toxic[5];
    int rc = VR_OK;

    for (int i = 0; i < 5 && rc == VR_OK; i++) {
        do {
            rc = vr_fr_random(&toxic[i]);
        } while (rc == VR_OK && vr_fr_is_zero(&toxic[i]));
    }
    if (rc == VR_OK)
        rc = vr_g16_setup_toxic(pk, vk, r, toxic, nthreads);
    vr_memzero_explicit(toxic, sizeof(toxic));
    return rc;
}

/* out = sum_i k[i] bases[i] over n G1 points (variable time). */
static int
msm1(vr_g1 *out, void *scratch, const vr_g1_affine *bases, const vr_fr *k,
    size_t n, int nthreads)
{
    return vr_g1_msm(out, scratch, bases, k, n, nthreads);
}

/*
 * The scalars of the H multi-exponentiation (FORMATS.md 4.1): A, B at the
 * domain points from the coefficient records, C = A B, all three moved to
 * the odd coset omega_2n <omega_n> (iNTT, then coset NTT), and
 * h_k = A_odd B_odd - C_odd (Z = -2 there is folded into the H points).
 * X (zeroed), Y (zeroed), Z: n elements each; h ends in X.  abc: NULL or
 * 6n elements for the intermediates.
 */
static int
h_scalars(vr_fr *X, vr_fr *Y, vr_fr *Z, vr_fr *abc,
    const struct vr_ntt_domain *d, const struct vr_g16_pk *pk, const vr_fr *w,
    int nthreads)
{
    size_t n = pk->n;
    vr_fr g, t;

    for (size_t i = 0; i < pk->ncoef; i++) {
        const struct vr_g16_coef *e = &pk->coef[i];
        vr_fr *T = e->matrix == 0 ? X : Y;
        vr_fr_mul(&t, &e->value, &w[e->wire]);
        vr_fr_add(&T[e->row], &T[e->row], &t);
    }
    for (size_t i = 0; i < n; i++)
        vr_fr_mul(&Z[i], &X[i], &Y[i]);
    if (abc) {
        memcpy(abc, X, n * sizeof(vr_fr));
        memcpy(abc + n, Y, n * sizeof(vr_fr));
        memcpy(abc + 2 * n, Z, n * sizeof(vr_fr));
    }
    vr_fr_root_of_unity(&g, pk->log2n + 1);
    vr_ntt_inverse(d, X, pk->log2n, nthreads);
    vr_ntt_coset_forward(d, X, pk->log2n, &g, nthreads);
    vr_ntt_inverse(d, Y, pk->log2n, nthreads);
    vr_ntt_coset_forward(d, Y, pk->log2n, &g, nthreads);
    vr_ntt_inverse(d, Z, pk->log2n, nthreads);
    vr_ntt_coset_forward(d, Z, pk->log2n, &g, nthreads);
    if (abc) {
        memcpy(abc + 3 * n, X, n * sizeof(vr_fr));
        memcpy(abc + 4 * n, Y, n * sizeof(vr_fr));
        memcpy(abc + 5 * n, Z, n * sizeof(vr_fr));
    }
    for (size_t i = 0; i < n; i++) {
        vr_fr_mul(&X[i], &X[i], &Y[i]);
        vr_fr_sub(&X[i], &X[i], &Z[i]);
    }
    vr_memzero_explicit(&t, sizeof(t));
    return VR_OK;
}

int
vr_g16_h(vr_fr *h, vr_fr *abc, const struct vr_g16_pk *pk, const vr_fr *w,
    size_t nw, int nthreads)
{
    size_t n = pk->n;
    vr_fr *Y, *Z;
    struct vr_ntt_domain d = {0};
    int rc = VR_ENOMEM;

    if (nw != pk->nvars)
        return VR_ESHAPE;
    Y = vr_callocarray(n, sizeof(vr_fr));
    Z = vr_mallocarray(n, sizeof(vr_fr));
    if (Y && Z && (rc = vr_ntt_domain_init(&d, pk->log2n)) == VR_OK) {
        memset(h, 0, n * sizeof(vr_fr));
        rc = h_scalars(h, Y, Z, abc, &d, pk, w, nthreads);
    }
    if (Y) vr_memzero_explicit(Y, n * sizeof(vr_fr));
    if (Z) vr_memzero_explicit(Z, n * sizeof(vr_fr));
    free(Y);
    free(Z);
    vr_ntt_domain_free(&d);
    return rc;
}

int
vr_g16_prove_rs(struct vr_g16_proof *pi, const struct vr_g16_pk *pk,
    const vr_fr *w, size_t nw, const vr_fr *r, const vr_fr *s, int nthreads)
{
    size_t n = pk->n, nv = pk->nvars, npub = pk->npublic, ss;
    vr_fr *X = NULL, *Y = NULL, *Z = NULL, rs;
    struct vr_ntt_domain d = {0};
    void *scratch = NULL;
    vr_g1 pa, pb1, pc, t1;
    vr_g2 pb, t2;
    int rc = VR_ENOMEM;

    if (nw != nv)
        return VR_ESHAPE;
    ss = vr_g1_msm_scratch_size(nv > n ? nv : n, nthreads);
    if (vr_g2_msm_scratch_size(nv, nthreads) > ss)
        ss = vr_g2_msm_scratch_size(nv, nthreads);
    X = vr_callocarray(n, sizeof(vr_fr));
    Y = vr_callocarray(n, sizeof(vr_fr));
    Z = vr_mallocarray(n, sizeof(vr_fr));
    scratch = malloc(ss ? ss : 1);
    if (!X || !Y || !Z || !scratch || ss == 0)
        goto out;
    if ((rc = vr_ntt_domain_init(&d, pk->log2n)) != VR_OK)
        goto out;

    if ((rc = h_scalars(X, Y, Z, NULL, &d, pk, w, nthreads)) != VR_OK)
        goto out;

    // pi_A = alpha1 + sum w_i A_i + r delta1
    if ((rc = msm1(&pa, scratch, pk->a, w, nv, nthreads)) != VR_OK)
        goto out;
    vr_g1_add_affine(&pa, &pa, &pk->alpha1);
    vr_g1_from_affine(&t1, &pk->delta1);
    vr_g1_mul(&t1, &t1, r);
    vr_g1_add(&pa, &pa, &t1);
    // pi_B = beta2 + sum w_i B2_i + s delta2;  B1 likewise in G1
    if ((rc = vr_g2_msm(&pb, scratch, pk->b2, w, nv, nthreads)) != VR_OK)
        goto out;
    vr_g2_add_affine(&pb, &pb, &pk->beta2);
    vr_g2_from_affine(&t2, &pk->delta2);
    vr_g2_mul(&t2, &t2, s);
    vr_g2_add(&pb, &pb, &t2);
    if ((rc = msm1(&pb1, scratch, pk->b1, w, nv, nthreads)) != VR_OK)
        goto out;
    vr_g1_add_affine(&pb1, &pb1, &pk->beta1);
    vr_g1_from_affine(&t1, &pk->delta1);
    vr_g1_mul(&t1, &t1, s);
    vr_g1_add(&pb1, &pb1, &t1);
    // pi_C = sum_priv w_i C_i + sum h_k H_k + s pi_A + r B1 - r s delta1
    if ((rc = msm1(&pc, scratch, pk->c, w + npub + 1, nv - npub - 1,
        nthreads)) != VR_OK)
        goto out;
    if ((rc = msm1(&t1, scratch, pk->h, X, n, nthreads)) != VR_OK)
        goto out;
    vr_g1_add(&pc, &pc, &t1);
    vr_g1_mul(&t1, &pa, s);
    vr_g1_add(&pc, &pc, &t1);
    vr_g1_mul(&t1, &pb1, r);
    vr_g1_add(&pc, &pc, &t1);
    vr_fr_mul(&rs, r, s);
    vr_fr_neg(&rs, &rs);
    vr_g1_from_affine(&t1, &pk->delta1);
    vr_g1_mul(&t1, &t1, &rs);
    vr_g1_add(&pc, &pc, &t1);

    vr_g1_to_affine(&pi->a, &pa);
    vr_g2_to_affine(&pi->b, &pb);
    vr_g1_to_affine(&pi->c, &pc);
    rc = VR_OK;
out:
    // X, Y, Z and the MSM scratch hold witness-derived values.
    if (X) vr_memzero_explicit(X, n * sizeof(vr_fr));
    if (Y) vr_memzero_explicit(Y, n * sizeof(vr_fr));
    if (Z) vr_memzero_explicit(Z, n * sizeof(vr_fr));
    if (scratch) vr_memzero_explicit(scratch, ss);
    vr_memzero_explicit(&rs, sizeof(rs));
    vr_memzero_explicit(&t1, sizeof(t1));
    vr_memzero_explicit(&pb1, sizeof(pb1));
    free(X);
    free(Y);
    free(Z);
    free(scratch);
    vr_ntt_domain_free(&d);
    return rc;
}

int
vr_g16_prove(struct vr_g16_proof *pi, const struct vr_g16_pk *pk,
    const vr_fr *w, size_t nw, int nthreads)
{
    vr_fr r, s;
    int rc;

    if ((rc = vr_fr_random(&r)) != VR_OK || (rc = vr_fr_random(&s)) != VR_OK)
        return rc;
    rc = vr_g16_prove_rs(pi, pk, w, nw, &r, &s, nthreads);
    vr_memzero_explicit(&r, sizeof(r));
    vr_memzero_explicit(&s, sizeof(s));
    return rc;
}

