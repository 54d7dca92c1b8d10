/*
 * verify.c: the Groth16 verifier, one proof or a batch, with one
 * multi-pairing each.
 */
#include <stdlib.h>
#include <string.h>

#include "vr.h"
#include "base/mem.h"
#include "pairing/pairing.h"
#include "snark/groth16.h"
#include "snark/internal.h"

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

static int
vk_valid(const struct vr_g16_vk *vk)
{
    if (!vr_g1_affine_is_on_curve(&vk->alpha1))
        return 0;
    for (uint32_t i = 0; i <= vk->npublic; i++)
        if (!vr_g1_affine_is_on_curve(&vk->ic[i]))
            return 0;
    return vr_g2_affine_is_on_curve(&vk->beta2) &&
        vr_g2_affine_is_in_subgroup(&vk->beta2) &&
        vr_g2_affine_is_on_curve(&vk->gamma2) &&
        vr_g2_affine_is_in_subgroup(&vk->gamma2) &&
        vr_g2_affine_is_on_curve(&vk->delta2) &&
        vr_g2_affine_is_in_subgroup(&vk->delta2);
}

int
vr_g16_prepare(struct vr_g16_pvk *pvk, const struct vr_g16_vk *vk)
{
    int rc;

    memset(pvk, 0, sizeof(*pvk));
    if (!vk_valid(vk))
        return vr_snark_fail("verifying key: point off its curve or "
            "outside G2");
    if ((rc = vk_copy(&pvk->vk, vk)) != VR_OK)
        return rc;
    vr_pairing(&pvk->alphabeta, &vk->alpha1, &vk->beta2);
    return VR_OK;
}

/* A proof's points: on their curves, B in G2, none at infinity. */
static int
proof_valid(const struct vr_g16_proof *pi)
{
    return vr_g1_affine_is_on_curve(&pi->a) && !vr_g1_affine_is_inf(&pi->a) &&
        vr_g1_affine_is_on_curve(&pi->c) && !vr_g1_affine_is_inf(&pi->c) &&
        vr_g2_affine_is_on_curve(&pi->b) && !vr_g2_affine_is_inf(&pi->b) &&
        vr_g2_affine_is_in_subgroup(&pi->b);
}

/* acc = IC0 + sum pub_i IC_i (Jacobian). */
static void
vk_x(vr_g1 *acc, const struct vr_g16_vk *vk, const vr_fr *pub)
{
    vr_g1 t, p;

    vr_g1_from_affine(acc, &vk->ic[0]);
    for (uint32_t i = 0; i < vk->npublic; i++) {
        vr_g1_from_affine(&p, &vk->ic[i + 1]);
        vr_g1_mul_var(&t, &p, &pub[i]);
        vr_g1_add_var(acc, acc, &t);
    }
}

int
vr_g16_verify(const struct vr_g16_pvk *pvk, const struct vr_g16_proof *pi,
    const vr_fr *pub, size_t npub)
{
    vr_g1_affine p[3];
    vr_g2_affine q[3];
    vr_g1 x;
    vr_fp12 e;

    if (npub != pvk->vk.npublic)
        return VR_ESHAPE;
    if (!proof_valid(pi))
        return VR_EREJECT;
    // e(-A, B) e(vk_x, gamma) e(C, delta) e(alpha, beta) = 1
    vr_g1_affine_neg(&p[0], &pi->a);
    q[0] = pi->b;
    vk_x(&x, &pvk->vk, pub);
    vr_g1_to_affine(&p[1], &x);
    q[1] = pvk->vk.gamma2;
    p[2] = pi->c;
    q[2] = pvk->vk.delta2;
    vr_pairing_multi(&e, p, q, 3);
    vr_fp12_mul(&e, &e, &pvk->alphabeta);
    return vr_fp12_is_one(&e) ? VR_OK : VR_EREJECT;
}

/* A random 128-bit scalar for the batch's linear combination. */
static int
rand128(vr_fr *z)
{
    vr_fr t;
    uint64_t l[4];
    int rc;

    if ((rc = vr_fr_random(&t)) != VR_OK)
        return rc;
    vr_fr_to_canonical(l, &t);
    l[2] = l[3] = 0;
    if (l[0] == 0 && l[1] == 0)
        l[0] = 1;
    return vr_fr_from_canonical(z, l);
}

int
vr_g16_verify_batch(const struct vr_g16_pvk *pvk,
    const struct vr_g16_proof *pi, const vr_fr *pub, size_t npub, size_t n)
{
    const struct vr_g16_vk *vk = &pvk->vk;
    vr_g1_affine *p = NULL;
    vr_g2_affine *q = NULL;
    vr_fr *zpub = NULL, zsum = vr_fr_zero, z;
    vr_g1 acc_x, acc_c, t, a;
    int rc = VR_ENOMEM, ok;

    if (npub != vk->npublic)
        return VR_ESHAPE;
    if (n == 0)
        return VR_OK;
    for (size_t j = 0; j < n; j++)
        if (!proof_valid(&pi[j]))
            return VR_EREJECT;
    p = vr_mallocarray(n + 3, sizeof(*p));
    q = vr_mallocarray(n + 3, sizeof(*q));
    zpub = vr_callocarray((size_t)npub + 1, sizeof(vr_fr));
    if (!p || !q || !zpub)
        goto out;
    // zpub[i] = sum_j z_j pub_j[i] (zpub[npub] = sum z_j for IC0):
    // then sum_j z_j vk_x_j = IC0 sum z + sum_i zpub[i] IC_(i+1).
    acc_c = vr_g1_infinity;
    for (size_t j = 0; j < n; j++) {
        if ((rc = rand128(&z)) != VR_OK)
            goto out;
        vr_fr_add(&zsum, &zsum, &z);
        for (size_t i = 0; i < npub; i++) {
            vr_fr m;
            vr_fr_mul(&m, &z, &pub[j * npub + i]);
            vr_fr_add(&zpub[i], &zpub[i], &m);
        }
        vr_g1_from_affine(&a, &pi[j].a);
        vr_g1_mul_var(&t, &a, &z);
        vr_g1_neg(&t, &t);
        vr_g1_to_affine(&p[j], &t);
        q[j] = pi[j].b;
        vr_g1_from_affine(&a, &pi[j].c);
        vr_g1_mul_var(&t, &a, &z);
        vr_g1_add_var(&acc_c, &acc_c, &t);
    }
    vr_g1_from_affine(&a, &vk->ic[0]);
    vr_g1_mul_var(&acc_x, &a, &zsum);
    for (size_t i = 0; i < npub; i++) {
        vr_g1_from_affine(&a, &vk->ic[i + 1]);
        vr_g1_mul_var(&t, &a, &zpub[i]);
        vr_g1_add_var(&acc_x, &acc_x, &t);
    }
    vr_g1_from_affine(&a, &vk->alpha1);
    vr_g1_mul_var(&t, &a, &zsum);
    vr_g1_to_affine(&p[n], &t);
    q[n] = vk->beta2;
    vr_g1_to_affine(&p[n + 1], &acc_x);
    q[n + 1] = vk->gamma2;
    vr_g1_to_affine(&p[n + 2], &acc_c);
    q[n + 2] = vk->delta2;
    ok = vr_pairing_check(p, q, n + 3);
    rc = ok ? VR_OK : VR_EREJECT;
out:
    free(p);
    free(q);
    free(zpub);
    return rc;
}
