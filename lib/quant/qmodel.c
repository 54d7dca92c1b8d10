/* qmodel.c: the "qmodel" stream (see qmodel.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "vr.h"
#include "quant/qmodel.h"

static const char *const act_names[] = {"none", "relu", "poly"};

static int
pack_ints(msgpack_packer *pk, const char *key, const int *v, int n)
{
    if (vr_pack_str(pk, key) != 0 || msgpack_pack_array(pk, (size_t)n) != 0)
        return -1;
    for (int i = 0; i < n; i++)
        if (msgpack_pack_int64(pk, v[i]) != 0)
            return -1;
    return 0;
}

int
vr_qmodel_write_header(struct vr_writer *w, const struct vr_qmlp *q,
    const char *const *names, const msgpack_object *provenance,
    const char *self, size_t nextra)
{
    int L = q->L, dims[VR_QMLP_MAXL + 1], v[7][VR_QMLP_MAXL];
    const char *acts[VR_QMLP_MAXL];
    static const char *keys[7] = {"wbits", "fw", "fin", "kpre", "kpost",
        "fc", "deg"};
    int rc, bad = 0;

    if ((rc = vr_writer_header(w, VR_QMODEL_KIND, provenance, self,
        VR_QMODEL_NKEYS + nextra)) != VR_OK)
        return rc;
    dims[0] = q->lay[0].C;
    for (int l = 0; l < L; l++) {
        const struct vr_qlayer *ql = &q->lay[l];
        dims[l + 1] = ql->OC;
        v[0][l] = ql->wbits;
        v[1][l] = ql->fw;
        v[2][l] = ql->fin;
        v[3][l] = ql->kpre;
        v[4][l] = ql->kpost;
        v[5][l] = ql->fc;
        v[6][l] = ql->deg;
        acts[l] = act_names[ql->act];
    }
    bad |= vr_pack_kv_i64(&w->pk, "layers", L);
    bad |= pack_ints(&w->pk, "dims", dims, L + 1);
    bad |= vr_pack_kv_i64(&w->pk, "in_bits", q->in_bits);
    for (int k = 0; k < 7; k++)
        bad |= pack_ints(&w->pk, keys[k], v[k], L);
    bad |= vr_pack_kv_strs(&w->pk, "act", acts, (size_t)L);
    bad |= vr_pack_kv_strs(&w->pk, "act_name", names, (size_t)L);
    bad |= vr_pack_kv_str(&w->pk, "rounding",
        "input: round half to even, clamp to in_bits; rescale by 2^k: "
        "floor((x + 2^(k-1)) / 2^k) (round half up); argmax: lowest index "
        "wins ties");
    if (bad) {
        w->err = w->err ? w->err : VR_EIO;
        return VR_EIO;
    }
    return VR_OK;
}

int
vr_qmodel_write_tensors(struct vr_writer *w, const struct vr_qmlp *q)
{
    char name[VR_NAME_MAX];
    int rc = VR_OK;

    for (int l = 0; l < q->L && rc == VR_OK; l++) {
        const struct vr_qlayer *ql = &q->lay[l];
        int64_t b[VR_QST_COUNT][4];
        snprintf(name, sizeof(name), "q.lins.%d.weight", l);
        rc = vr_writer_put(w, name, VR_DT_I32, ql->W, (size_t)ql->OC,
            (size_t)ql->C);
        snprintf(name, sizeof(name), "q.lins.%d.bias", l);
        if (rc == VR_OK)
            rc = vr_writer_put(w, name, VR_DT_I64, ql->b, (size_t)ql->OC, 0);
        snprintf(name, sizeof(name), "q.lins.%d.coef", l);
        if (rc == VR_OK && ql->act == VR_QACT_POLY)
            rc = vr_writer_put(w, name, VR_DT_I64, ql->coef,
                (size_t)ql->deg + 1, 0);
        for (int s = 0; s < VR_QST_COUNT; s++) {
            const struct vr_qbound *bd = &ql->bound[s];
            bool seen = bd->lo <= bd->hi;
            b[s][0] = seen ? bd->lo : 0;
            b[s][1] = seen ? bd->hi : 0;
            b[s][2] = bd->seen_bits;
            b[s][3] = bd->wc_bits;
        }
        snprintf(name, sizeof(name), "q.lins.%d.bounds", l);
        if (rc == VR_OK)
            rc = vr_writer_put(w, name, VR_DT_I64, b, VR_QST_COUNT, 4);
    }
    return rc;
}

/* An array of exactly n ints in [lo, hi] under key. */
static int
meta_ints(struct vr_reader *r, const char *key, int *v, int n, long long lo,
    long long hi)
{
    const msgpack_object *o = vr_meta_get(r->header, key);

    if (o == NULL || o->type != MSGPACK_OBJECT_ARRAY
        || o->via.array.size != (uint32_t)n)
        return vr_reader_fail(r, VR_EFORMAT,
            "header: \"%s\" is not an array of %d integers", key, n);
    for (int i = 0; i < n; i++) {
        const msgpack_object *e = &o->via.array.ptr[i];
        long long x;
        if (e->type == MSGPACK_OBJECT_POSITIVE_INTEGER && e->via.u64 <= INT64_MAX)
            x = (long long)e->via.u64;
        else if (e->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
            x = e->via.i64;
        else
            return vr_reader_fail(r, VR_EFORMAT,
                "header: \"%s\"[%d] is not an integer", key, i);
        if (x < lo || x > hi)
            return vr_reader_fail(r, VR_EFORMAT,
                "header: \"%s\"[%d] = %lld outside [%lld, %lld]", key, i, x,
                lo, hi);
        v[i] = (int)x;
    }
    return VR_OK;
}

int
vr_qmodel_read(struct vr_qmlp *q, struct vr_reader *r)
{
    long long L, in_bits;
    int dims[VR_QMLP_MAXL + 1], v[7][VR_QMLP_MAXL], rc;
    bool have[VR_QMLP_MAXL][4] = {{0}};
    char acts[VR_QMLP_MAXL][VR_NAME_MAX];
    static const char *keys[7] = {"wbits", "fw", "fin", "kpre", "kpost",
        "fc", "deg"};
    static const long long lo[7] = {2, -64, -64, 0, 0, 0, 0};
    static const long long hi[7] = {32, 126, 126, 126, 126, 62,
        VR_QACT_MAXDEG};
    struct vr_tensor t = {0};
    size_t nacts;

    memset(q, 0, sizeof(*q));
    if (strcmp(r->kind, VR_QMODEL_KIND) != 0)
        return vr_reader_fail(r, VR_EFORMAT, "expected a qmodel stream, "
            "got a %s stream", r->kind);
    if ((rc = vr_meta_i64(r, NULL, "layers", &L, 1, VR_QMLP_MAXL)) != VR_OK
        || (rc = vr_meta_i64(r, NULL, "in_bits", &in_bits, 2, 32)) != VR_OK
        || (rc = meta_ints(r, "dims", dims, (int)L + 1, 1, 1 << 20)) != VR_OK)
        return rc;
    for (int k = 0; k < 7; k++)
        if ((rc = meta_ints(r, keys[k], v[k], (int)L, lo[k], hi[k])) != VR_OK)
            return rc;
    if ((rc = vr_meta_strs(r, NULL, "act", acts, VR_QMLP_MAXL, &nacts))
        != VR_OK)
        return rc;
    if (nacts != (size_t)L)
        return vr_reader_fail(r, VR_EFORMAT, "header: \"act\" has %zu "
            "entries for %lld layers", nacts, L);
    if ((rc = vr_qmlp_init(q, dims, (int)L)) != VR_OK)
        return vr_reader_fail(r, rc, "header: cannot shape the model");
    q->in_bits = (int)in_bits;
    for (int l = 0; l < L; l++) {
        struct vr_qlayer *ql = &q->lay[l];
        ql->wbits = v[0][l];
        ql->fw = v[1][l];
        ql->fin = v[2][l];
        ql->kpre = v[3][l];
        ql->kpost = v[4][l];
        ql->fc = v[5][l];
        ql->deg = v[6][l];
        ql->act = -1;
        for (int a = 0; a < 3; a++)
            if (strcmp(acts[l], act_names[a]) == 0)
                ql->act = a;
        if (ql->act < 0) {
            rc = vr_reader_fail(r, VR_EFORMAT, "header: act[%d] \"%s\" is "
                "not none, relu or poly", l, acts[l]);
            goto fail;
        }
    }
    while ((rc = vr_reader_next(r, &t)) == 1) {
        int l, n = 0;
        char what[16];
        if (sscanf(t.name, "q.lins.%d.%15[a-z]%n", &l, what, &n) != 2
            || t.name[n] != '\0' || l < 0 || l >= L)
            continue;       /* the float model's tensors, or unknown */
        struct vr_qlayer *ql = &q->lay[l];
        size_t sh[2];
        int k;
        if (strcmp(what, "weight") == 0) {
            sh[0] = (size_t)ql->OC, sh[1] = (size_t)ql->C, k = 0;
            rc = vr_reader_expect(r, &t, NULL, VR_DT_I32, 2, sh);
            if (rc == VR_OK)
                memcpy(ql->W, t.data, vr_tensor_bytes(&t));
        } else if (strcmp(what, "bias") == 0) {
            sh[0] = (size_t)ql->OC, k = 1;
            rc = vr_reader_expect(r, &t, NULL, VR_DT_I64, 1, sh);
            if (rc == VR_OK)
                memcpy(ql->b, t.data, vr_tensor_bytes(&t));
        } else if (strcmp(what, "coef") == 0) {
            sh[0] = (size_t)ql->deg + 1, k = 2;
            rc = vr_reader_expect(r, &t, NULL, VR_DT_I64, 1, sh);
            if (rc == VR_OK)
                memcpy(ql->coef, t.data, vr_tensor_bytes(&t));
        } else if (strcmp(what, "bounds") == 0) {
            sh[0] = VR_QST_COUNT, sh[1] = 4, k = 3;
            rc = vr_reader_expect(r, &t, NULL, VR_DT_I64, 2, sh);
            if (rc == VR_OK) {
                const int64_t *b = t.data;
                for (int s = 0; s < VR_QST_COUNT; s++) {
                    struct vr_qbound *bd = &ql->bound[s];
                    if (b[4 * s + 2] < 0 || b[4 * s + 2] > 1 << 20
                        || b[4 * s + 3] < 0 || b[4 * s + 3] > 1 << 20) {
                        rc = vr_reader_fail(r, VR_EFORMAT,
                            "%s: bits outside [0, 2^20]", t.name);
                        break;
                    }
                    bd->lo = b[4 * s];
                    bd->hi = b[4 * s + 1];
                    bd->seen_bits = (int)b[4 * s + 2];
                    bd->wc_bits = (int)b[4 * s + 3];
                }
            }
        } else
            continue;
        if (rc != VR_OK)
            goto fail;
        if (have[l][k]) {
            rc = vr_reader_fail(r, VR_EFORMAT, "tensor \"%s\" twice", t.name);
            goto fail;
        }
        have[l][k] = true;
    }
    if (rc < 0)
        goto fail;
    for (int l = 0; l < L; l++) {
        static const char *what[4] = {"weight", "bias", "coef", "bounds"};
        for (int k = 0; k < 4; k++)
            if (!have[l][k] && (k != 2 || q->lay[l].act == VR_QACT_POLY)) {
                rc = vr_reader_fail(r, VR_EFORMAT,
                    "missing tensor \"q.lins.%d.%s\"", l, what[k]);
                goto fail;
            }
    }
    if (vr_qmlp_check(q) != VR_OK) {
        rc = vr_reader_fail(r, VR_EFORMAT, "the integer model is not "
            "well-formed (scales, shifts or weight ranges)");
        goto fail;
    }
    vr_tensor_free(&t);
    return VR_OK;
fail:
    vr_tensor_free(&t);
    vr_qmlp_free(q);
    return rc;
}
