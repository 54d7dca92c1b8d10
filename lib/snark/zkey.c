/*
 * zkey.c: snarkjs Groth16 .zkey files (FORMATS.md section 4).  Points are
 * "LEM": affine x then y, each coordinate 32 bytes little-endian in
 * Montgomery form (R = 2^256, the same form as vr_fp, so the limbs load
 * directly once checked below p); G2 as x.c0, x.c1, y.c0, y.c1; infinity
 * all zero.  Section 4 coefficients are stored as coef * R^2 mod r.
 */
#include <stdlib.h>
#include <string.h>

#include "vr.h"
#include "base/mem.h"
#include "snark/groth16.h"
#include "snark/internal.h"

static void
load_limbs(uint64_t l[4], const unsigned char *b)
{
    for (int i = 0; i < 4; i++) {
        l[i] = 0;
        for (int j = 7; j >= 0; j--)
            l[i] = l[i] << 8 | b[8 * i + j];
    }
}

static void
store_limbs(unsigned char *b, const uint64_t l[4])
{
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++)
            b[8 * i + j] = (unsigned char)(l[i] >> (8 * j));
}

static int
below(const uint64_t a[4], const uint64_t m[4])
{
    for (int i = 3; i >= 0; i--)
        if (a[i] != m[i])
            return a[i] < m[i];
    return 0;
}

/* A Montgomery-form LE coordinate. */
static int
lem_fp(vr_fp *x, const unsigned char *b)
{
    load_limbs(x->l, b);
    return below(x->l, vr_fp_modulus);
}

int
vr_lem_g1(vr_g1_affine *p, const unsigned char *b, const char *what, size_t i)
{
    if (!lem_fp(&p->x, b) || !lem_fp(&p->y, b + 32))
        return vr_snark_fail("%s[%zu]: coordinate not below p", what, i);
    if (!vr_g1_affine_is_on_curve(p))
        return vr_snark_fail("%s[%zu]: point not on the curve", what, i);
    return VR_OK;
}

int
vr_lem_g2(vr_g2_affine *q, const unsigned char *b, int subgroup,
    const char *what, size_t i)
{
    if (!lem_fp(&q->x.c0, b) || !lem_fp(&q->x.c1, b + 32) ||
        !lem_fp(&q->y.c0, b + 64) || !lem_fp(&q->y.c1, b + 96))
        return vr_snark_fail("%s[%zu]: coordinate not below p", what, i);
    if (!vr_g2_affine_is_on_curve(q))
        return vr_snark_fail("%s[%zu]: point not on the twist", what, i);
    if (subgroup && !vr_g2_affine_is_in_subgroup(q))
        return vr_snark_fail("%s[%zu]: point not in G2", what, i);
    return VR_OK;
}

static void
put_g1(unsigned char *b, const vr_g1_affine *p)
{
    store_limbs(b, p->x.l);
    store_limbs(b + 32, p->y.l);
}

static void
put_g2(unsigned char *b, const vr_g2_affine *q)
{
    store_limbs(b, q->x.c0.l);
    store_limbs(b + 32, q->x.c1.l);
    store_limbs(b + 64, q->y.c0.l);
    store_limbs(b + 96, q->y.c1.l);
}

/* Section id as a whole array of npts points of size sz: checks length. */
static int
points_sec(const struct vr_bin *b, uint32_t id, size_t npts, size_t sz,
    const unsigned char **p)
{
    uint64_t len;
    int rc;

    if ((rc = vr_bin_section(b, id, p, &len)) != VR_OK)
        return rc;
    if (len != (uint64_t)npts * sz)
        return vr_snark_fail("section %u: %llu bytes, want %zu points of %zu",
            id, (unsigned long long)len, npts, sz);
    return VR_OK;
}

static int
g1_array(vr_g1_affine **out, const struct vr_bin *b, uint32_t id, size_t n,
    const char *what)
{
    const unsigned char *p;
    int rc;

    if ((rc = points_sec(b, id, n, 64, &p)) != VR_OK)
        return rc;
    if ((*out = vr_mallocarray(n ? n : 1, sizeof(vr_g1_affine))) == NULL)
        return VR_ENOMEM;
    for (size_t i = 0; i < n; i++)
        if ((rc = vr_lem_g1(&(*out)[i], p + 64 * i, what, i)) != VR_OK)
            return rc;
    return VR_OK;
}

int
vr_zkey_parse(struct vr_g16_pk *pk, const unsigned char *buf, size_t len)
{
    struct vr_bin b;
    const unsigned char *p;
    uint64_t plen;
    struct vr_cur c;
    uint32_t nvars, npub, n;
    int rc;

    memset(pk, 0, sizeof(*pk));
    if ((rc = vr_bin_parse(&b, buf, len, "zkey", 1)) != VR_OK)
        return rc;
    if ((rc = vr_bin_section(&b, 1, &p, &plen)) != VR_OK)
        return rc;
    c = (struct vr_cur){p, (size_t)plen, false};
    if (plen != 4 || vr_cur_u32(&c) != 1)
        return vr_snark_fail("section 1: not a Groth16 key");
    if ((rc = vr_bin_section(&b, 2, &p, &plen)) != VR_OK)
        return rc;
    if (plen != 660)
        return vr_snark_fail("section 2: %llu bytes, want 660 (BN254)",
            (unsigned long long)plen);
    c = (struct vr_cur){p, (size_t)plen, false};
    if (vr_cur_u32(&c) != 32 || memcmp(vr_cur_bytes(&c, 32), vr_snark_p_le,
        32) != 0 || vr_cur_u32(&c) != 32 || memcmp(vr_cur_bytes(&c, 32),
        vr_snark_r_le, 32) != 0)
        return vr_snark_fail("section 2: not a BN254 key");
    nvars = vr_cur_u32(&c);
    npub = vr_cur_u32(&c);
    n = vr_cur_u32(&c);
    if (nvars == 0 || npub >= nvars)
        return vr_snark_fail("section 2: nPublic %u with %u signals", npub,
            nvars);
    if (n < 2 || (n & (n - 1)) != 0 || n > (1u << 27))
        return vr_snark_fail("section 2: domain size %u", n);
    pk->nvars = nvars;
    pk->npublic = npub;
    pk->n = n;
    while ((1u << pk->log2n) < n)
        pk->log2n++;
    if ((rc = vr_lem_g1(&pk->alpha1, vr_cur_bytes(&c, 64), "alpha1", 0)) ||
        (rc = vr_lem_g1(&pk->beta1, vr_cur_bytes(&c, 64), "beta1", 0)) ||
        (rc = vr_lem_g2(&pk->beta2, vr_cur_bytes(&c, 128), 1, "beta2", 0)) ||
        (rc = vr_lem_g2(&pk->gamma2, vr_cur_bytes(&c, 128), 1, "gamma2", 0)) ||
        (rc = vr_lem_g1(&pk->delta1, vr_cur_bytes(&c, 64), "delta1", 0)) ||
        (rc = vr_lem_g2(&pk->delta2, vr_cur_bytes(&c, 128), 1, "delta2", 0)))
        goto fail;

    if ((rc = g1_array(&pk->ic, &b, 3, (size_t)npub + 1, "IC")) != VR_OK)
        goto fail;
    // Section 4: u32 count, then 44-byte records.
    if ((rc = vr_bin_section(&b, 4, &p, &plen)) != VR_OK)
        goto fail;
    c = (struct vr_cur){p, (size_t)plen, false};
    pk->ncoef = vr_cur_u32(&c);
    if (c.bad || plen != 4 + (uint64_t)pk->ncoef * 44) {
        rc = vr_snark_fail("section 4: %llu bytes for %zu coefficients",
            (unsigned long long)plen, pk->ncoef);
        goto fail;
    }
    if ((pk->coef = vr_mallocarray(pk->ncoef ? pk->ncoef : 1,
        sizeof(*pk->coef))) == NULL) {
        rc = VR_ENOMEM;
        goto fail;
    }
    for (size_t i = 0; i < pk->ncoef; i++) {
        struct vr_g16_coef *e = &pk->coef[i];
        vr_fr raw;
        e->matrix = vr_cur_u32(&c);
        e->row = vr_cur_u32(&c);
        e->wire = vr_cur_u32(&c);
        load_limbs(raw.l, vr_cur_bytes(&c, 32));
        if (e->matrix > 1 || e->row >= n || e->wire >= nvars ||
            !below(raw.l, vr_fr_modulus)) {
            rc = vr_snark_fail("section 4: coefficient %zu out of range", i);
            goto fail;
        }
        // raw holds coef R^2; as a Montgomery element its value is coef R,
        // whose plain limbs are the Montgomery limbs of coef.
        vr_fr_to_canonical(e->value.l, &raw);
    }
    if ((rc = g1_array(&pk->a, &b, 5, nvars, "A")) != VR_OK ||
        (rc = g1_array(&pk->b1, &b, 6, nvars, "B1")) != VR_OK)
        goto fail;
    if ((rc = points_sec(&b, 7, nvars, 128, &p)) != VR_OK)
        goto fail;
    if ((pk->b2 = vr_mallocarray(nvars, sizeof(vr_g2_affine))) == NULL) {
        rc = VR_ENOMEM;
        goto fail;
    }
    for (size_t i = 0; i < nvars; i++)
        if ((rc = vr_lem_g2(&pk->b2[i], p + 128 * i, 0, "B2", i)) != VR_OK)
            goto fail;
    if ((rc = g1_array(&pk->c, &b, 8, (size_t)nvars - npub - 1, "C")) !=
        VR_OK || (rc = g1_array(&pk->h, &b, 9, n, "H")) != VR_OK)
        goto fail;
    if ((rc = vr_bin_section(&b, 10, &p, &plen)) != VR_OK)
        goto fail;
    if (plen < 68) {
        rc = vr_snark_fail("section 10: %llu bytes", (unsigned long long)plen);
        goto fail;
    }
    if ((pk->contrib = malloc((size_t)plen)) == NULL) {
        rc = VR_ENOMEM;
        goto fail;
    }
    memcpy(pk->contrib, p, (size_t)plen);
    pk->contrib_len = (size_t)plen;
    return VR_OK;
fail:
    vr_g16_pk_free(pk);
    return rc;
}

int
vr_zkey_read(struct vr_g16_pk *pk, FILE *f)
{
    unsigned char *buf;
    size_t len;
    int rc;

    memset(pk, 0, sizeof(*pk));
    if ((rc = vr_snark_slurp(&buf, &len, f)) != VR_OK)
        return rc;
    rc = vr_zkey_parse(pk, buf, len);
    free(buf);
    return rc;
}

static void
write_g1s(FILE *f, const vr_g1_affine *p, size_t n)
{
    unsigned char b[64];

    for (size_t i = 0; i < n; i++) {
        put_g1(b, &p[i]);
        fwrite(b, 1, 64, f);
    }
}

int
vr_zkey_write(FILE *f, const struct vr_g16_pk *pk)
{
    unsigned char b[128], zero[64] = {0};
    size_t nprv = (size_t)pk->nvars - pk->npublic - 1;
    vr_fr R, t;

    vr_bin_write_head(f, "zkey", 1, 10);
    vr_bin_write_sec(f, 1, 4);
    vr_fput_u32(f, 1);
    vr_bin_write_sec(f, 2, 660);
    vr_fput_u32(f, 32);
    fwrite(vr_snark_p_le, 1, 32, f);
    vr_fput_u32(f, 32);
    fwrite(vr_snark_r_le, 1, 32, f);
    vr_fput_u32(f, pk->nvars);
    vr_fput_u32(f, pk->npublic);
    vr_fput_u32(f, pk->n);
    put_g1(b, &pk->alpha1); fwrite(b, 1, 64, f);
    put_g1(b, &pk->beta1); fwrite(b, 1, 64, f);
    put_g2(b, &pk->beta2); fwrite(b, 1, 128, f);
    put_g2(b, &pk->gamma2); fwrite(b, 1, 128, f);
    put_g1(b, &pk->delta1); fwrite(b, 1, 64, f);
    put_g2(b, &pk->delta2); fwrite(b, 1, 128, f);
    vr_bin_write_sec(f, 3, ((uint64_t)pk->npublic + 1) * 64);
    write_g1s(f, pk->ic, (size_t)pk->npublic + 1);
    vr_bin_write_sec(f, 4, 4 + (uint64_t)pk->ncoef * 44);
    vr_fput_u32(f, (uint32_t)pk->ncoef);
    // R as a field element: its Montgomery limbs are R^2 mod r, so from
    // the plain limbs of vr_fr_one (R mod r).
    vr_fr_from_canonical(&R, vr_fr_one.l);
    for (size_t i = 0; i < pk->ncoef; i++) {
        const struct vr_g16_coef *e = &pk->coef[i];
        vr_fput_u32(f, e->matrix);
        vr_fput_u32(f, e->row);
        vr_fput_u32(f, e->wire);
        vr_fr_mul(&t, &e->value, &R);
        vr_fr_mul(&t, &t, &R);          /* coef R^2 */
        vr_fr_to_bytes_le(b, &t);
        fwrite(b, 1, 32, f);
    }
    vr_bin_write_sec(f, 5, (uint64_t)pk->nvars * 64);
    write_g1s(f, pk->a, pk->nvars);
    vr_bin_write_sec(f, 6, (uint64_t)pk->nvars * 64);
    write_g1s(f, pk->b1, pk->nvars);
    vr_bin_write_sec(f, 7, (uint64_t)pk->nvars * 128);
    for (size_t i = 0; i < pk->nvars; i++) {
        put_g2(b, &pk->b2[i]);
        fwrite(b, 1, 128, f);
    }
    vr_bin_write_sec(f, 8, (uint64_t)nprv * 64);
    write_g1s(f, pk->c, nprv);
    vr_bin_write_sec(f, 9, (uint64_t)pk->n * 64);
    write_g1s(f, pk->h, pk->n);
    if (pk->contrib) {
        vr_bin_write_sec(f, 10, pk->contrib_len);
        fwrite(pk->contrib, 1, pk->contrib_len, f);
    } else {
        // No contributions; the circuit hash is left zero.
        vr_bin_write_sec(f, 10, 68);
        fwrite(zero, 1, 64, f);
        vr_fput_u32(f, 0);
    }
    return vr_snark_flush(f);
}
