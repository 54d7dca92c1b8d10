/* cstream.c: the circuit stream (see cstream.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vr.h"
#include "circuit/cstream.h"
#include "quant/qmodel.h"
#include "snark/r1cs.h"
#include "snark/solidity.h"

const char *const vr_invis_names[3] = {"hashed", "public", "private"};
const char *const vr_wvis_names[2] = {"fixed", "hashed"};

int
vr_invis_parse(int *v, const char *s)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(s, vr_invis_names[i]) == 0) {
            *v = i;
            return VR_OK;
        }
    return VR_EUSAGE;
}

int
vr_wvis_parse(int *v, const char *s)
{
    for (int i = 0; i < 2; i++)
        if (strcmp(s, vr_wvis_names[i]) == 0) {
            *v = i;
            return VR_OK;
        }
    return VR_EUSAGE;
}

int
vr_circuit_r1cs_keccak(unsigned char out[32], const struct vr_r1cs *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    int rc;

    if (f == NULL)
        return VR_ENOMEM;
    rc = vr_r1cs_write(f, r);
    if (fclose(f) != 0 && rc == VR_OK)
        rc = VR_EIO;
    if (rc == VR_OK)
        vr_keccak256(out, buf, len);
    free(buf);
    return rc;
}

void
vr_circuit_public_name(char *buf, size_t n, const struct vr_circuit *c,
    uint32_t i)
{
    uint32_t w = i + 1;

    if (w == c->w_class)
        snprintf(buf, n, "class");
    else if (c->invis == VR_IN_PUBLIC && w >= c->w_x
        && w < c->w_x + (uint32_t)c->m->lay[0].C)
        snprintf(buf, n, "x.%u", w - c->w_x);
    else if (w == c->w_input)
        snprintf(buf, n, "input");
    else if (w == c->w_model)
        snprintf(buf, n, "model");
    else if (w == c->w_time)
        snprintf(buf, n, "time");
    else
        snprintf(buf, n, "?");
}

static void
hex32(char out[65], const unsigned char in[32])
{
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", in[i]);
}

int
vr_circuit_stream_write(struct vr_writer *w, const unsigned char *q,
    size_t qlen, const struct vr_circuit_file *cf,
    const struct vr_circuit_cost *cost, const msgpack_object *provenance,
    const char *self)
{
    const struct vr_circuit *c = &cf->c;
    uint32_t np = c->npub_out + c->npub_in;
    char hex[65], name[32];
    int rc, bad = 0;
    msgpack_packer *pk = &w->pk;

    if ((rc = vr_writer_header(w, VR_CIRCUIT_KIND, provenance, self, 13))
        != VR_OK)
        return rc;
    bad |= vr_pack_kv_i64(pk, "range_margin", c->margin);
    bad |= vr_pack_kv_str(pk, "input", vr_invis_names[c->invis]);
    bad |= vr_pack_kv_str(pk, "weights", vr_wvis_names[c->wvis]);
    bad |= vr_pack_kv_i64(pk, "constraints", (long long)cost->ncons);
    bad |= vr_pack_kv_i64(pk, "wires", (long long)cost->nwires);
    bad |= vr_pack_kv_i64(pk, "npublic", np);
    bad |= vr_pack_str(pk, "public") | msgpack_pack_array(pk, np);
    for (uint32_t i = 0; i < np; i++) {
        vr_circuit_public_name(name, sizeof(name), c, i);
        bad |= vr_pack_str(pk, name);
    }
    hex32(hex, cf->r1cs_keccak);
    bad |= vr_pack_kv_str(pk, "r1cs_keccak", hex);
    bad |= vr_pack_kv_i64(pk, "T", cf->T);
    bad |= vr_pack_kv_i64(pk, "C", cf->C);
    bad |= vr_pack_kv_f64s(pk, "norm_mean", cf->mean, (size_t)cf->C);
    bad |= vr_pack_kv_f64s(pk, "norm_std", cf->std, (size_t)cf->C);
    bad |= vr_pack_kv_strs(pk, "classes", vr_class_names, VR_NCLASS);
    if (bad) {
        w->err = w->err ? w->err : VR_EIO;
        return VR_EIO;
    }
    rc = vr_writer_put(w, "qmodel", VR_DT_U8, q, qlen, 0);
    int64_t tab[VR_CIRCUIT_NSTAGE * VR_CG_COUNT];
    for (int s = 0; s < cost->nstage; s++)
        for (int g = 0; g < VR_CG_COUNT; g++)
            tab[s * VR_CG_COUNT + g] = (int64_t)cost->cons[s][g];
    if (rc == VR_OK)
        rc = vr_writer_put(w, "cost", VR_DT_I64, tab, (size_t)cost->nstage,
            VR_CG_COUNT);
    if (rc == VR_OK)
        rc = vr_writer_end(w);
    return rc;
}

int
vr_circuit_contract(struct vr_circuit_file *cf, struct vr_reader *r)
{
    long long T, C;
    int rc;

    if ((rc = vr_meta_i64(r, NULL, "T", &T, 1, 1 << 20)) != VR_OK
        || (rc = vr_meta_i64(r, NULL, "C", &C, 1, VR_MAXFEAT)) != VR_OK
        || (rc = vr_meta_f64s(r, NULL, "norm_mean", cf->mean, (size_t)C))
        != VR_OK
        || (rc = vr_meta_f64s(r, NULL, "norm_std", cf->std, (size_t)C))
        != VR_OK)
        return rc;
    cf->T = (int)T;
    cf->C = (int)C;
    for (int c = 0; c < cf->C; c++)
        if (!(cf->std[c] > 0))
            return vr_reader_fail(r, VR_EFORMAT, "norm_std[%d] not positive",
                c);
    return VR_OK;
}

static int
unhex32(unsigned char out[32], const char *s)
{
    if (strlen(s) != 64)
        return -1;
    for (int i = 0; i < 32; i++) {
        unsigned v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (unsigned char)v;
    }
    return 0;
}

int
vr_circuit_stream_read(struct vr_circuit_file *cf, struct vr_reader *r)
{
    struct vr_tensor t = {0};
    struct vr_reader qr;
    char s[80], why[160];
    long long ncons, np, margin = -1;
    int rc, invis, wvis;
    FILE *f;

    memset(cf, 0, sizeof(*cf));
    if (strcmp(r->kind, VR_CIRCUIT_KIND) != 0)
        return vr_reader_fail(r, VR_EFORMAT, "expected a circuit stream, "
            "got a %s stream", r->kind);
    if ((rc = vr_meta_str(r, NULL, "input", s, sizeof(s))) != VR_OK)
        return rc;
    if (vr_invis_parse(&invis, s) != VR_OK)
        return vr_reader_fail(r, VR_EFORMAT, "unknown input \"%s\"", s);
    if ((rc = vr_meta_str(r, NULL, "weights", s, sizeof(s))) != VR_OK)
        return rc;
    if (vr_wvis_parse(&wvis, s) != VR_OK)
        return vr_reader_fail(r, VR_EFORMAT, "unknown weights \"%s\"", s);
    if (vr_meta_get(r->header, "range_margin") != NULL
        && (rc = vr_meta_i64(r, NULL, "range_margin", &margin, -1, 64))
        != VR_OK)
        return rc;
    if ((rc = vr_meta_i64(r, NULL, "constraints", &ncons, 0, 1LL << 40))
        != VR_OK || (rc = vr_meta_i64(r, NULL, "npublic", &np, 1, 1 << 20))
        != VR_OK || (rc = vr_meta_str(r, NULL, "r1cs_keccak", s, sizeof(s)))
        != VR_OK)
        return rc;
    if (unhex32(cf->r1cs_keccak, s) != 0)
        return vr_reader_fail(r, VR_EFORMAT, "bad r1cs_keccak");
    if ((rc = vr_reader_want(r, &t, "qmodel", VR_DT_U8, 1, NULL)) != VR_OK)
        goto out;
    // the embedded qmodel stream, read as vr-quant's reader does
    if ((f = fmemopen(t.data, t.n, "rb")) == NULL) {
        rc = VR_ENOMEM;
        goto out;
    }
    rc = vr_reader_open(&qr, f, VR_QMODEL_KIND);
    if (rc == VR_OK)
        rc = vr_circuit_contract(cf, &qr);
    if (rc == VR_OK)
        rc = vr_qmodel_read(&cf->m, &qr);
    if (rc != VR_OK)
        vr_reader_fail(r, rc, "embedded qmodel: %s", qr.msg[0] ? qr.msg
            : vr_strerror(rc));
    vr_reader_free(&qr);
    fclose(f);
    if (rc != VR_OK)
        goto out;
    if (cf->T * cf->C != cf->m.lay[0].C) {
        rc = vr_reader_fail(r, VR_EFORMAT, "embedded qmodel: T*C = %d but "
            "the first layer has %d inputs", cf->T * cf->C, cf->m.lay[0].C);
        goto out;
    }
    if ((rc = vr_circuit_plan(&cf->c, &cf->m, invis, wvis, (int)margin, why,
        sizeof(why))) != VR_OK) {
        rc = vr_reader_fail(r, VR_EFORMAT, "%s", why);
        goto out;
    }
    struct vr_circuit_out co;
    if ((rc = vr_circuit_build(&co, &cf->c, NULL, 0, 0)) != VR_OK)
        goto out;
    cf->ncons = co.cost.ncons;
    vr_circuit_out_free(&co);
    if ((long long)cf->ncons != ncons
        || np != (long long)(cf->c.npub_out + cf->c.npub_in)) {
        rc = vr_reader_fail(r, VR_EFORMAT, "the model gives %llu "
            "constraints and %u public signals, the header says %lld and "
            "%lld", (unsigned long long)cf->ncons,
            cf->c.npub_out + cf->c.npub_in, ncons, np);
        goto out;
    }
    // skip the rest (cost, anything newer) up to the trailer
    while ((rc = vr_reader_next(r, &t)) == 1)
        ;
out:
    vr_tensor_free(&t);
    if (rc != VR_OK)
        vr_circuit_file_free(cf);
    else
        cf->c.m = &cf->m;
    return rc;
}

void
vr_circuit_file_free(struct vr_circuit_file *cf)
{
    vr_qmlp_free(&cf->m);
    memset(cf, 0, sizeof(*cf));
}

int
vr_circuit_renormalise(struct vr_dataset *d, const struct vr_circuit_file *cf)
{
    bool same = true;
    size_t C = (size_t)d->C;

    if (d->T != cf->T || d->C != cf->C)
        return VR_ESHAPE;
    for (size_t c = 0; c < C; c++)
        same = same && d->mean[c] == cf->mean[c] && d->std[c] == cf->std[c];
    if (same)
        return VR_OK;
    for (size_t i = 0; i < d->nrows * C; i++) {
        size_t c = i % C;
        d->x[i] = (float)(((double)d->x[i] * d->std[c] + d->mean[c] -
            cf->mean[c]) / cf->std[c]);
    }
    return VR_OK;
}
