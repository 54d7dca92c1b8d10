/*
 * ptau.c: Groth16 setup from a snarkjs powers-of-tau file (phase 1,
 * prepared with `snarkjs powersoftau prepare phase2`) and our own phase
 * 2 (a fresh delta), as snarkjs's `groth16 setup` followed by one
 * `zkey contribute` does.
 *
 * The prepared .ptau (container "ptau", version 1) holds, as LEM points:
 *   section 1   u32 n8 = 32, q, u32 power, u32 ceremonyPower
 *   section 4/5/6  alpha tau^i G1, beta tau^i G1, beta G2 (first points)
 *   section 12  L_j(tau) G1 for every domain 2^m, m = 0..power+1, the
 *               domain of size 2^m at point offset 2^m - 1
 *   section 13  L_j(tau) G2, m = 0..power
 *   section 14/15  alpha L_j(tau) G1, beta L_j(tau) G1, m = 0..power
 * From these the key is public arithmetic (sums of points with the
 * circuit's coefficients, variable time on public data), except the
 * division of sections 8 and 9 by the secret delta, done with
 * constant-time scalar multiplications.  gamma is the G2 generator, as
 * in snarkjs.
 */
#include <stdlib.h>
#include <string.h>

#include "vr.h"
#include "base/mem.h"
#include "base/par.h"
#include "snark/groth16.h"
#include "snark/internal.h"

/* acc += c P for a public coefficient c (1 and -1 cost one addition). */
static void
add_scaled_g1(vr_g1 *acc, const vr_g1_affine *p, const vr_fr *c)
{
    vr_fr m1;
    vr_g1 t;

    vr_fr_neg(&m1, &vr_fr_one);
    if (vr_fr_eq(c, &vr_fr_one)) {
        vr_g1_add_affine_var(acc, acc, p);
    } else if (vr_fr_eq(c, &m1)) {
        vr_g1_affine n;
        vr_g1_affine_neg(&n, p);
        vr_g1_add_affine_var(acc, acc, &n);
    } else {
        vr_g1_from_affine(&t, p);
        vr_g1_mul_var(&t, &t, c);
        vr_g1_add_var(acc, acc, &t);
    }
}

static void
add_scaled_g2(vr_g2 *acc, const vr_g2_affine *p, const vr_fr *c)
{
    vr_fr m1;
    vr_g2 t;

    vr_fr_neg(&m1, &vr_fr_one);
    if (vr_fr_eq(c, &vr_fr_one)) {
        vr_g2_add_affine_var(acc, acc, p);
    } else if (vr_fr_eq(c, &m1)) {
        vr_g2_affine n;
        vr_g2_affine_neg(&n, p);
        vr_g2_add_affine_var(acc, acc, &n);
    } else {
        vr_g2_from_affine(&t, p);
        vr_g2_mul_var(&t, &t, c);
        vr_g2_add_var(acc, acc, &t);
    }
}

/* out[i] = k P[i] for one secret k, constant time, on threads. */
struct kmul {
    vr_g1 *out;
    const vr_g1 *in;
    const vr_fr *k;
    size_t n;
};

static void
kmul_task(void *arg, int tid, int nthreads)
{
    struct kmul *c = arg;
    size_t lo, hi;

    vr_par_range(&lo, &hi, c->n, tid, nthreads);
    for (size_t i = lo; i < hi; i++)
        vr_g1_mul(&c->out[i], &c->in[i], c->k);
}

/* n LEM G1 points of section id starting at point index off. */
static int
lem_range(const struct vr_bin *b, uint32_t id, size_t off, size_t n,
    size_t sz, const unsigned char **p)
{
    uint64_t len;
    int rc;

    if ((rc = vr_bin_section(b, id, p, &len)) != VR_OK)
        return rc;
    if ((off + n) * sz > len)
        return vr_snark_fail("section %u: %llu bytes, too short for a "
            "domain of %zu", id, (unsigned long long)len, n);
    *p += off * sz;
    return VR_OK;
}

int
vr_g16_setup_ptau_delta(struct vr_g16_pk *pk, struct vr_g16_vk *vk,
    const struct vr_r1cs *r, const unsigned char *ptau, size_t len,
    const vr_fr *delta, int nthreads)
{
    struct vr_bin b;
    const unsigned char *p, *s12, *s12x2, *s13, *s14, *s15;
    uint64_t plen;
    struct vr_cur c;
    uint32_t power, npub = vr_r1cs_npublic(r), nv = r->nwires;
    size_t n, nprv = nv - npub - 1, m = 0, need = 0;
    int k, rc;
    vr_g1_affine *L1 = NULL, *AL = NULL, *BL = NULL;
    vr_g2_affine *L2 = NULL;
    vr_g1 *A = NULL, *B1 = NULL, *K = NULL, *T = NULL;
    vr_g2 *B2 = NULL;
    vr_fr dinv;

    memset(pk, 0, sizeof(*pk));
    memset(vk, 0, sizeof(*vk));
    if ((rc = vr_bin_parse(&b, ptau, len, "ptau", 1)) != VR_OK ||
        (rc = vr_bin_section(&b, 1, &p, &plen)) != VR_OK)
        return rc;
    c = (struct vr_cur){p, (size_t)plen, false};
    if (plen != 44 || vr_cur_u32(&c) != 32 ||
        memcmp(vr_cur_bytes(&c, 32), vr_snark_p_le, 32) != 0)
        return vr_snark_fail("section 1: not a BN254 powers of tau");
    power = vr_cur_u32(&c);
    k = vr_g16_domain_log2(r->ncons, npub);
    if (power > 27 || (uint32_t)k > power)
        return vr_snark_failc(VR_ERANGE, "the circuit needs a domain of "
            "2^%d, the powers of tau go up to 2^%u", k, power);
    n = (size_t)1 << k;
    if ((rc = lem_range(&b, 12, n - 1, n, 64, &s12)) != VR_OK ||
        (rc = lem_range(&b, 12, 2 * n - 1, 2 * n, 64, &s12x2)) != VR_OK ||
        (rc = lem_range(&b, 13, n - 1, n, 128, &s13)) != VR_OK ||
        (rc = lem_range(&b, 14, n - 1, n, 64, &s14)) != VR_OK ||
        (rc = lem_range(&b, 15, n - 1, n, 64, &s15)) != VR_OK)
        return rc;
    pk->nvars = nv;
    pk->npublic = npub;
    pk->n = (uint32_t)n;
    pk->log2n = k;
    for (size_t q = 0; q < r->ncons; q++)
        need += r->off[3 * q + 2] - r->off[3 * q];
    pk->ncoef = need + npub + 1;
    pk->coef = vr_mallocarray(pk->ncoef, sizeof(*pk->coef));
    pk->ic = vr_mallocarray((size_t)npub + 1, sizeof(vr_g1_affine));
    pk->a = vr_mallocarray(nv, sizeof(vr_g1_affine));
    pk->b1 = vr_mallocarray(nv, sizeof(vr_g1_affine));
    pk->b2 = vr_mallocarray(nv, sizeof(vr_g2_affine));
    pk->c = vr_mallocarray(nprv ? nprv : 1, sizeof(vr_g1_affine));
    pk->h = vr_mallocarray(n, sizeof(vr_g1_affine));
    L1 = vr_mallocarray(n, sizeof(*L1));
    AL = vr_mallocarray(n, sizeof(*AL));
    BL = vr_mallocarray(n, sizeof(*BL));
    L2 = vr_mallocarray(n, sizeof(*L2));
    A = vr_mallocarray(nv, sizeof(vr_g1));
    B1 = vr_mallocarray(nv, sizeof(vr_g1));
    K = vr_mallocarray(nv > n ? nv : n, sizeof(vr_g1));
    T = vr_mallocarray(nv > n ? nv : n, sizeof(vr_g1));
    B2 = vr_mallocarray(nv, sizeof(vr_g2));
    rc = VR_ENOMEM;
    if (!pk->coef || !pk->ic || !pk->a || !pk->b1 || !pk->b2 || !pk->c ||
        !pk->h || !L1 || !AL || !BL || !L2 || !A || !B1 || !K || !T || !B2)
        goto out;
    // The phase-1 points this circuit uses, each checked.
    if ((rc = vr_bin_section(&b, 4, &p, &plen)) != VR_OK || plen < 64 ||
        (rc = vr_lem_g1(&pk->alpha1, p, "alpha tau G1", 0)) != VR_OK ||
        (rc = vr_bin_section(&b, 5, &p, &plen)) != VR_OK || plen < 64 ||
        (rc = vr_lem_g1(&pk->beta1, p, "beta tau G1", 0)) != VR_OK ||
        (rc = vr_bin_section(&b, 6, &p, &plen)) != VR_OK || plen < 128 ||
        (rc = vr_lem_g2(&pk->beta2, p, 1, "beta G2", 0)) != VR_OK) {
        if (rc == VR_OK)
            rc = vr_snark_fail("sections 4-6 truncated");
        goto out;
    }
    for (size_t j = 0; j < n; j++) {
        if ((rc = vr_lem_g1(&L1[j], s12 + 64 * j, "L G1", j)) != VR_OK ||
            (rc = vr_lem_g1(&AL[j], s14 + 64 * j, "alpha L G1", j)) != VR_OK ||
            (rc = vr_lem_g1(&BL[j], s15 + 64 * j, "beta L G1", j)) != VR_OK ||
            (rc = vr_lem_g2(&L2[j], s13 + 128 * j, 0, "L G2", j)) != VR_OK ||
            (rc = vr_lem_g1(&pk->h[j], s12x2 + 64 * (2 * j + 1), "L2n G1",
            2 * j + 1)) != VR_OK)
            goto out;
    }
    // Wire sums: A_i, B_i in G1 and G2, K_i = beta A_i + alpha B_i + C_i.
    for (uint32_t i = 0; i < nv; i++) {
        A[i] = vr_g1_infinity;
        B1[i] = vr_g1_infinity;
        K[i] = vr_g1_infinity;
        B2[i] = vr_g2_infinity;
    }
    for (size_t q = 0; q < r->ncons; q++) {
        for (int s = 0; s < 3; s++) {
            for (size_t j = r->off[3 * q + s]; j < r->off[3 * q + s + 1];
                j++) {
                const struct vr_r1cs_term *e = &r->terms[j];
                if (s == 0) {
                    add_scaled_g1(&A[e->wire], &L1[q], &e->coef);
                    add_scaled_g1(&K[e->wire], &BL[q], &e->coef);
                } else if (s == 1) {
                    add_scaled_g1(&B1[e->wire], &L1[q], &e->coef);
                    add_scaled_g2(&B2[e->wire], &L2[q], &e->coef);
                    add_scaled_g1(&K[e->wire], &AL[q], &e->coef);
                } else {
                    add_scaled_g1(&K[e->wire], &L1[q], &e->coef);
                }
                if (s < 2)
                    pk->coef[m++] = (struct vr_g16_coef){(uint32_t)s,
                        (uint32_t)q, e->wire, e->coef};
            }
        }
    }
    for (uint32_t i = 0; i <= npub; i++) {
        vr_g1_add_affine_var(&A[i], &A[i], &L1[r->ncons + i]);
        vr_g1_add_affine_var(&K[i], &K[i], &BL[r->ncons + i]);
        pk->coef[m++] = (struct vr_g16_coef){0, (uint32_t)(r->ncons + i), i,
            vr_fr_one};
    }
    VR_ASSERT(m == pk->ncoef);
    vr_g1_to_affine_batch(pk->a, A, nv);
    vr_g1_to_affine_batch(pk->b1, B1, nv);
    vr_g2_to_affine_batch(pk->b2, B2, nv);
    vr_g1_to_affine_batch(pk->ic, K, (size_t)npub + 1);
    pk->gamma2 = vr_g2_generator_affine;
    // Phase 2: delta1, delta2; C and H divided by delta (constant time).
    {
        vr_g1 d1;
        vr_g2 d2;
        struct kmul km;
        vr_g1_mul(&d1, &vr_g1_generator, delta);
        vr_g1_to_affine(&pk->delta1, &d1);
        vr_g2_mul(&d2, &vr_g2_generator, delta);
        vr_g2_to_affine(&pk->delta2, &d2);
        vr_fr_inv(&dinv, delta);
        km = (struct kmul){T, K + npub + 1, &dinv, nprv};
        vr_par_run(kmul_task, &km, nthreads);
        if ((rc = vr_g16_affine_g1(pk->c, T, nprv)) != VR_OK)
            goto out;
        for (size_t j = 0; j < n; j++)
            vr_g1_from_affine(&K[j], &pk->h[j]);
        km = (struct kmul){T, K, &dinv, n};
        vr_par_run(kmul_task, &km, nthreads);
        if ((rc = vr_g16_affine_g1(pk->h, T, n)) != VR_OK)
            goto out;
    }
    rc = vr_g16_pk_vk(vk, pk);
out:
    vr_memzero_explicit(&dinv, sizeof(dinv));
    free(L1);
    free(AL);
    free(BL);
    free(L2);
    free(A);
    free(B1);
    free(K);
    free(T);
    free(B2);
    if (rc != VR_OK)
        vr_g16_pk_free(pk);
    return rc;
}

int
vr_g16_setup_ptau(struct vr_g16_pk *pk, struct vr_g16_vk *vk,
    const struct vr_r1cs *r, const unsigned char *ptau, size_t len,
    int nthreads)
{
    vr_fr delta;
    int rc;

    do {
        if ((rc = vr_fr_random(&delta)) != VR_OK)
            return rc;
    } while (vr_fr_is_zero(&delta));
    rc = vr_g16_setup_ptau_delta(pk, vk, r, ptau, len, &delta, nthreads);
    vr_memzero_explicit(&delta, sizeof(delta));
    return rc;
}
