/* g16stream.c: Groth16 keys and proofs as streams (g16stream.h). */
#include <stdlib.h>
#include <string.h>

#include "vr.h"
#include "base/mem.h"
#include "snark/g16stream.h"
#include "snark/internal.h"

static int
head(struct vr_writer *w, const char *kind, const msgpack_object *prov,
    const char *self, size_t nextra)
{
    int rc = vr_writer_header(w, kind, prov, self, 2 + nextra);

    if (rc != VR_OK)
        return rc;
    if (vr_pack_kv_str(&w->pk, "protocol", "groth16") != 0 ||
        vr_pack_kv_str(&w->pk, "curve", "bn254") != 0)
        return VR_EIO;
    return VR_OK;
}

/* One tensor of n G1 points (rows == 0: a single point, rank 1). */
static int
put_g1s(struct vr_writer *w, const char *name, const vr_g1_affine *p,
    size_t n, int rank2)
{
    unsigned char *b = vr_mallocarray(n ? n : 1, 64);
    int rc;

    if (b == NULL)
        return VR_ENOMEM;
    for (size_t i = 0; i < n; i++)
        vr_g16_enc_g1(b + 64 * i, &p[i]);
    rc = rank2 ? vr_writer_put(w, name, VR_DT_U8, b, n, 64) :
        vr_writer_put(w, name, VR_DT_U8, b, 64, 0);
    free(b);
    return rc;
}

static int
put_g2s(struct vr_writer *w, const char *name, const vr_g2_affine *q,
    size_t n, int rank2)
{
    unsigned char *b = vr_mallocarray(n ? n : 1, 128);
    int rc;

    if (b == NULL)
        return VR_ENOMEM;
    for (size_t i = 0; i < n; i++)
        vr_g16_enc_g2(b + 128 * i, &q[i]);
    rc = rank2 ? vr_writer_put(w, name, VR_DT_U8, b, n, 128) :
        vr_writer_put(w, name, VR_DT_U8, b, 128, 0);
    free(b);
    return rc;
}

int
vr_g16_vk_write(struct vr_writer *w, const struct vr_g16_vk *vk,
    const msgpack_object *provenance, const char *self)
{
    int rc;

    if ((rc = head(w, "vk", provenance, self, 1)) != VR_OK)
        return rc;
    if (vr_pack_kv_i64(&w->pk, "npublic", vk->npublic) != 0)
        return VR_EIO;
    put_g1s(w, "alpha1", &vk->alpha1, 1, 0);
    put_g2s(w, "beta2", &vk->beta2, 1, 0);
    put_g2s(w, "gamma2", &vk->gamma2, 1, 0);
    put_g2s(w, "delta2", &vk->delta2, 1, 0);
    put_g1s(w, "ic", vk->ic, (size_t)vk->npublic + 1, 1);
    return vr_writer_end(w);
}

int
vr_g16_pk_write(struct vr_writer *w, const struct vr_g16_pk *pk,
    const msgpack_object *provenance, const char *self)
{
    unsigned char *cb;
    int rc;

    if ((rc = head(w, "pk", provenance, self, 4)) != VR_OK)
        return rc;
    if (vr_pack_kv_i64(&w->pk, "npublic", pk->npublic) != 0 ||
        vr_pack_kv_i64(&w->pk, "nvars", pk->nvars) != 0 ||
        vr_pack_kv_i64(&w->pk, "domain", pk->n) != 0 ||
        vr_pack_kv_i64(&w->pk, "ncoef", (long long)pk->ncoef) != 0)
        return VR_EIO;
    put_g1s(w, "alpha1", &pk->alpha1, 1, 0);
    put_g1s(w, "beta1", &pk->beta1, 1, 0);
    put_g2s(w, "beta2", &pk->beta2, 1, 0);
    put_g2s(w, "gamma2", &pk->gamma2, 1, 0);
    put_g1s(w, "delta1", &pk->delta1, 1, 0);
    put_g2s(w, "delta2", &pk->delta2, 1, 0);
    put_g1s(w, "ic", pk->ic, (size_t)pk->npublic + 1, 1);
    if ((cb = vr_mallocarray(pk->ncoef ? pk->ncoef : 1, 44)) == NULL)
        return VR_ENOMEM;
    for (size_t i = 0; i < pk->ncoef; i++) {
        vr_put_u32(cb + 44 * i, pk->coef[i].matrix);
        vr_put_u32(cb + 44 * i + 4, pk->coef[i].row);
        vr_put_u32(cb + 44 * i + 8, pk->coef[i].wire);
        vr_fr_to_bytes_be(cb + 44 * i + 12, &pk->coef[i].value);
    }
    vr_writer_put(w, "coef", VR_DT_U8, cb, pk->ncoef, 44);
    free(cb);
    put_g1s(w, "a", pk->a, pk->nvars, 1);
    put_g1s(w, "b1", pk->b1, pk->nvars, 1);
    put_g2s(w, "b2", pk->b2, pk->nvars, 1);
    put_g1s(w, "c", pk->c, (size_t)pk->nvars - pk->npublic - 1, 1);
    put_g1s(w, "h", pk->h, pk->n, 1);
    return vr_writer_end(w);
}

static int
check_tags(struct vr_reader *r)
{
    char buf[32];
    int rc;

    if ((rc = vr_meta_str(r, NULL, "protocol", buf, sizeof(buf))) != VR_OK)
        return rc;
    if (strcmp(buf, "groth16") != 0)
        return vr_reader_fail(r, VR_EFORMAT, "protocol \"%s\", not groth16",
            buf);
    if ((rc = vr_meta_str(r, NULL, "curve", buf, sizeof(buf))) != VR_OK)
        return rc;
    if (strcmp(buf, "bn254") != 0)
        return vr_reader_fail(r, VR_EFORMAT, "curve \"%s\", not bn254", buf);
    return VR_OK;
}

/* Next tensor: name, n points of sz bytes (rank 1 of sz when single). */
static int
want_pts(struct vr_reader *r, struct vr_tensor *t, const char *name,
    size_t n, size_t sz, int rank2)
{
    size_t shape[2] = {n, sz}, one = sz;

    return rank2 ? vr_reader_want(r, t, name, VR_DT_U8, 2, shape) :
        vr_reader_want(r, t, name, VR_DT_U8, 1, &one);
}

static int
read_g1s(struct vr_reader *r, struct vr_tensor *t, const char *name,
    vr_g1_affine *p, size_t n, int rank2)
{
    int rc;

    if ((rc = want_pts(r, t, name, n, 64, rank2)) != VR_OK)
        return rc;
    for (size_t i = 0; i < n; i++)
        if (vr_g16_dec_g1(&p[i], (unsigned char *)t->data + 64 * i) != VR_OK)
            return vr_reader_fail(r, VR_EFORMAT, "tensor \"%s\"[%zu]: %s",
                name, i, vr_snark_errmsg());
    return VR_OK;
}

static int
read_g2s(struct vr_reader *r, struct vr_tensor *t, const char *name,
    vr_g2_affine *q, size_t n, int rank2, int subgroup)
{
    int rc;

    if ((rc = want_pts(r, t, name, n, 128, rank2)) != VR_OK)
        return rc;
    for (size_t i = 0; i < n; i++)
        if (vr_g16_dec_g2(&q[i], (unsigned char *)t->data + 128 * i,
            subgroup) != VR_OK)
            return vr_reader_fail(r, VR_EFORMAT, "tensor \"%s\"[%zu]: %s",
                name, i, vr_snark_errmsg());
    return VR_OK;
}

/* read_g1s / read_g2s into a new array, allocated only once the tensor
 * has arrived with the expected shape (a lying header cannot make us
 * allocate more than the stream holds). */
static int
read_g1s_new(struct vr_reader *r, struct vr_tensor *t, const char *name,
    vr_g1_affine **p, size_t n)
{
    int rc;

    if ((rc = want_pts(r, t, name, n, 64, 1)) != VR_OK)
        return rc;
    if ((*p = vr_mallocarray(n ? n : 1, sizeof(vr_g1_affine))) == NULL)
        return VR_ENOMEM;
    for (size_t i = 0; i < n; i++)
        if (vr_g16_dec_g1(&(*p)[i], (unsigned char *)t->data + 64 * i) != VR_OK)
            return vr_reader_fail(r, VR_EFORMAT, "tensor \"%s\"[%zu]: %s",
                name, i, vr_snark_errmsg());
    return VR_OK;
}

static int
read_g2s_new(struct vr_reader *r, struct vr_tensor *t, const char *name,
    vr_g2_affine **q, size_t n)
{
    int rc;

    if ((rc = want_pts(r, t, name, n, 128, 1)) != VR_OK)
        return rc;
    if ((*q = vr_mallocarray(n ? n : 1, sizeof(vr_g2_affine))) == NULL)
        return VR_ENOMEM;
    for (size_t i = 0; i < n; i++)
        if (vr_g16_dec_g2(&(*q)[i], (unsigned char *)t->data + 128 * i, 0) !=
            VR_OK)
            return vr_reader_fail(r, VR_EFORMAT, "tensor \"%s\"[%zu]: %s",
                name, i, vr_snark_errmsg());
    return VR_OK;
}

static int
expect_end(struct vr_reader *r, struct vr_tensor *t)
{
    int rc = vr_reader_next(r, t);

    if (rc < 0)
        return rc;
    if (rc > 0)
        return vr_reader_fail(r, VR_EFORMAT, "unexpected tensor \"%s\"",
            t->name);
    return VR_OK;
}

int
vr_g16_vk_read(struct vr_g16_vk *vk, struct vr_reader *r)
{
    struct vr_tensor t = {0};
    long long np;
    int rc;

    memset(vk, 0, sizeof(*vk));
    if ((rc = check_tags(r)) != VR_OK ||
        (rc = vr_meta_i64(r, NULL, "npublic", &np, 0, 1 << 24)) != VR_OK)
        return rc;
    vk->npublic = (uint32_t)np;
    if ((rc = read_g1s(r, &t, "alpha1", &vk->alpha1, 1, 0)) != VR_OK ||
        (rc = read_g2s(r, &t, "beta2", &vk->beta2, 1, 0, 1)) != VR_OK ||
        (rc = read_g2s(r, &t, "gamma2", &vk->gamma2, 1, 0, 1)) != VR_OK ||
        (rc = read_g2s(r, &t, "delta2", &vk->delta2, 1, 0, 1)) != VR_OK ||
        (rc = read_g1s_new(r, &t, "ic", &vk->ic, (size_t)np + 1)) != VR_OK ||
        (rc = expect_end(r, &t)) != VR_OK)
        vr_g16_vk_free(vk);
    vr_tensor_free(&t);
    return rc;
}

int
vr_g16_pk_read(struct vr_g16_pk *pk, struct vr_reader *r)
{
    struct vr_tensor t = {0};
    long long np, nv, dom, nc;
    size_t nprv;
    int rc;

    memset(pk, 0, sizeof(*pk));
    if ((rc = check_tags(r)) != VR_OK ||
        (rc = vr_meta_i64(r, NULL, "nvars", &nv, 1, UINT32_MAX)) != VR_OK ||
        (rc = vr_meta_i64(r, NULL, "npublic", &np, 0, nv - 1)) != VR_OK ||
        (rc = vr_meta_i64(r, NULL, "domain", &dom, 2, 1 << 27)) != VR_OK ||
        (rc = vr_meta_i64(r, NULL, "ncoef", &nc, 0, UINT32_MAX)) != VR_OK)
        return rc;
    if ((dom & (dom - 1)) != 0)
        return vr_reader_fail(r, VR_EFORMAT, "domain %lld is not a power "
            "of two", dom);
    pk->npublic = (uint32_t)np;
    pk->nvars = (uint32_t)nv;
    pk->n = (uint32_t)dom;
    while ((1u << pk->log2n) < pk->n)
        pk->log2n++;
    nprv = (size_t)(nv - np - 1);
    // Sizes come from the header; arrays are allocated only once their
    // tensor has arrived with the size the header announced.
    if ((rc = read_g1s(r, &t, "alpha1", &pk->alpha1, 1, 0)) != VR_OK ||
        (rc = read_g1s(r, &t, "beta1", &pk->beta1, 1, 0)) != VR_OK ||
        (rc = read_g2s(r, &t, "beta2", &pk->beta2, 1, 0, 1)) != VR_OK ||
        (rc = read_g2s(r, &t, "gamma2", &pk->gamma2, 1, 0, 1)) != VR_OK ||
        (rc = read_g1s(r, &t, "delta1", &pk->delta1, 1, 0)) != VR_OK ||
        (rc = read_g2s(r, &t, "delta2", &pk->delta2, 1, 0, 1)) != VR_OK ||
        (rc = read_g1s_new(r, &t, "ic", &pk->ic, (size_t)np + 1)) != VR_OK)
        goto fail;
    {
        size_t shape[2] = {(size_t)nc, 44};
        if ((rc = vr_reader_want(r, &t, "coef", VR_DT_U8, 2, shape)) != VR_OK)
            goto fail;
        pk->ncoef = (size_t)nc;
        if ((pk->coef = vr_mallocarray(pk->ncoef ? pk->ncoef : 1,
            sizeof(*pk->coef))) == NULL) {
            rc = VR_ENOMEM;
            goto fail;
        }
        for (size_t i = 0; i < pk->ncoef; i++) {
            struct vr_cur c = {(unsigned char *)t.data + 44 * i, 44, false};
            struct vr_g16_coef *e = &pk->coef[i];
            e->matrix = vr_cur_u32(&c);
            e->row = vr_cur_u32(&c);
            e->wire = vr_cur_u32(&c);
            if (e->matrix > 1 || e->row >= pk->n || e->wire >= pk->nvars ||
                vr_fr_from_bytes_be(&e->value, vr_cur_bytes(&c, 32)) !=
                VR_OK) {
                rc = vr_reader_fail(r, VR_EFORMAT, "coef[%zu] out of range",
                    i);
                goto fail;
            }
        }
    }
    if ((rc = read_g1s_new(r, &t, "a", &pk->a, pk->nvars)) != VR_OK ||
        (rc = read_g1s_new(r, &t, "b1", &pk->b1, pk->nvars)) != VR_OK ||
        (rc = read_g2s_new(r, &t, "b2", &pk->b2, pk->nvars)) != VR_OK ||
        (rc = read_g1s_new(r, &t, "c", &pk->c, nprv)) != VR_OK ||
        (rc = read_g1s_new(r, &t, "h", &pk->h, pk->n)) != VR_OK ||
        (rc = expect_end(r, &t)) != VR_OK)
        goto fail;
    vr_tensor_free(&t);
    return VR_OK;
fail:
    vr_tensor_free(&t);
    vr_g16_pk_free(pk);
    return rc;
}

int
vr_g16_proofs_header(struct vr_writer *w, uint32_t npublic,
    const msgpack_object *provenance, const char *self)
{
    int rc;

    if ((rc = head(w, "proofs", provenance, self, 1)) != VR_OK)
        return rc;
    if (vr_pack_kv_i64(&w->pk, "npublic", npublic) != 0)
        return VR_EIO;
    return VR_OK;
}

int
vr_g16_proofs_put(struct vr_writer *w, const struct vr_g16_proof *pi,
    const vr_fr *pub, uint32_t npublic, size_t n)
{
    struct vr_tensor t = {0};
    size_t shape[3] = {n, npublic, 32};
    int rc;

    if ((rc = vr_tensor_alloc2(&t, "proof", VR_DT_U8, n, VR_G16_PROOF_BYTES))
        != VR_OK)
        return rc;
    for (size_t i = 0; i < n; i++)
        vr_g16_proof_to_bytes((unsigned char *)t.data + VR_G16_PROOF_BYTES * i,
            &pi[i]);
    if ((rc = vr_writer_tensor(w, &t)) != VR_OK)
        goto out;
    if ((rc = vr_tensor_alloc(&t, "public", VR_DT_U8, 3, shape)) != VR_OK)
        goto out;
    for (size_t i = 0; i < n * npublic; i++)
        vr_fr_to_bytes_be((unsigned char *)t.data + 32 * i, &pub[i]);
    rc = vr_writer_tensor(w, &t);
out:
    vr_tensor_free(&t);
    return rc;
}

int
vr_g16_proofs_npublic(struct vr_reader *r, uint32_t *npublic)
{
    long long np;
    int rc;

    if ((rc = check_tags(r)) != VR_OK ||
        (rc = vr_meta_i64(r, NULL, "npublic", &np, 0, 1 << 24)) != VR_OK)
        return rc;
    *npublic = (uint32_t)np;
    return VR_OK;
}

int
vr_g16_proofs_next(struct vr_reader *r, uint32_t npublic,
    struct vr_g16_proof **pi, vr_fr **pub, size_t *n)
{
    struct vr_tensor t = {0};
    struct vr_g16_proof *p = NULL;
    vr_fr *v = NULL;
    size_t m;
    int rc;

    *pi = NULL;
    *pub = NULL;
    *n = 0;
    if ((rc = vr_reader_next(r, &t)) <= 0)
        goto out;
    {
        size_t shape[2] = {VR_ANY, VR_G16_PROOF_BYTES};
        if ((rc = vr_reader_expect(r, &t, "proof", VR_DT_U8, 2, shape)) !=
            VR_OK)
            goto out;
    }
    m = t.shape[0];
    p = vr_mallocarray(m ? m : 1, sizeof(*p));
    v = vr_mallocarray(m * npublic + 1, sizeof(vr_fr));
    if (p == NULL || v == NULL) {
        rc = VR_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < m; i++)
        if (vr_g16_proof_from_bytes(&p[i], (unsigned char *)t.data +
            VR_G16_PROOF_BYTES * i) != VR_OK) {
            rc = vr_reader_fail(r, VR_EFORMAT, "proof %zu: %s", i,
                vr_snark_errmsg());
            goto out;
        }
    {
        size_t shape[3] = {m, npublic, 32};
        if ((rc = vr_reader_want(r, &t, "public", VR_DT_U8, 3, shape)) !=
            VR_OK)
            goto out;
    }
    for (size_t i = 0; i < m * npublic; i++)
        if (vr_fr_from_bytes_be(&v[i], (unsigned char *)t.data + 32 * i) !=
            VR_OK) {
            rc = vr_reader_fail(r, VR_EFORMAT, "public signal %zu of proof "
                "%zu not below r", i % npublic, i / npublic);
            goto out;
        }
    *pi = p;
    *pub = v;
    *n = m;
    p = NULL;
    v = NULL;
    rc = 1;
out:
    free(p);
    free(v);
    vr_tensor_free(&t);
    return rc;
}
