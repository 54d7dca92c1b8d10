#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vr.h"
#include "base/mem.h"
#include "stream/dataset.h"
#include "stream/kinds.h"

const char *const vr_class_names[VR_NCLASS] = {"SELL", "HOLD", "BUY"};
const char *const vr_split_names[VR_NSPLIT] = {"train", "val", "test", "live"};
const char *const vr_regime_names[VR_NREGIME] = {
    "bull-lowvol", "bear-lowvol", "bull-highvol", "bear-highvol"};

/* Grow *p (of elements of size) to hold at least need; doubles capacity. */
static int
grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return VR_OK;
    size_t c = *cap ? *cap : 4096;
    while (c < need)
        c *= 2;
    void *q = vr_reallocarray(*p, c, size);
    if (q == NULL)
        return VR_ENOMEM;
    *p = q;
    *cap = c;
    return VR_OK;
}

int
vr_dataset_read(struct vr_dataset *d, struct vr_reader *r)
{
    struct vr_col rowcols[VR_ROW_NCOLS];
    struct vr_table rows, samp;
    size_t nf, rcap = 0, tcap = 0, scap[4] = {0};
    long long v;
    int rc;

    memset(d, 0, sizeof(*d));
    if (strcmp(r->kind, "dataset") != 0)
        return vr_reader_fail(r, VR_EFORMAT,
            "expected a dataset stream, got a %s stream", r->kind);
    if ((rc = vr_meta_i64(r, NULL, "T", &v, 1, 100000)) != VR_OK)
        return rc;
    d->T = (int)v;
    if ((rc = vr_meta_i64(r, NULL, "C", &v, 1, VR_MAXFEAT)) != VR_OK)
        return rc;
    d->C = (int)v;
    if ((rc = vr_meta_strs(r, NULL, "features", d->feat, VR_MAXFEAT, &nf)))
        return rc;
    if (nf != (size_t)d->C)
        return vr_reader_fail(r, VR_EFORMAT,
            "header: %zu feature names for C = %d", nf, d->C);
    if ((rc = vr_meta_f64s(r, NULL, "norm_mean", d->mean, (size_t)d->C)) ||
        (rc = vr_meta_f64s(r, NULL, "norm_std", d->std, (size_t)d->C)))
        return rc;
    for (int c = 0; c < d->C; c++)
        if (!isfinite(d->mean[c]) || !(d->std[c] > 0) || !isfinite(d->std[c]))
            return vr_reader_fail(r, VR_EFORMAT,
                "header: normalisation of feature %d is not finite and "
                "positive", c);
    if ((rc = vr_meta_i64(r, NULL, "horizon", &v, 0, 1000000)) != VR_OK)
        return rc;
    d->horizon = (int)v;
    if ((rc = vr_meta_f64(r, NULL, "up", &d->up)) ||
        (rc = vr_meta_f64(r, NULL, "down", &d->down)))
        return rc;
    if (vr_meta_get(r->header, "symbol") != NULL &&
        (rc = vr_meta_str(r, NULL, "symbol", d->symbol, sizeof(d->symbol))))
        return rc;

    rowcols[VR_ROW_X] = (struct vr_col){"x", VR_DT_F32, (size_t)d->C};
    rowcols[VR_ROW_TIME] = (struct vr_col){"time", VR_DT_I64, 0};
    vr_table_init(&rows, rowcols, VR_ROW_NCOLS);
    vr_table_init(&samp, vr_sample_cols, VR_SAMPLE_NCOLS);
    while ((rc = vr_table_read(r, &rows)) == 1) {
        size_t n = rows.n, at = d->nrows;
        if ((rc = grow((void **)&d->x, &rcap, (at + n) * (size_t)d->C,
            sizeof(float))) || (rc = grow((void **)&d->time, &tcap, at + n,
            sizeof(int64_t))))
            goto out;
        memcpy(d->x + at * (size_t)d->C, rows.t[VR_ROW_X].data,
            n * (size_t)d->C * sizeof(float));
        memcpy(d->time + at, rows.t[VR_ROW_TIME].data, n * sizeof(int64_t));
        d->nrows += n;
    }
    if (rc < 0)
        goto out;
    for (size_t i = 0; i < d->nrows * (size_t)d->C; i++)
        if (!isfinite(d->x[i])) {
            rc = vr_reader_fail(r, VR_EFORMAT, "row %zu: feature %zu is not "
                "finite", i / (size_t)d->C, i % (size_t)d->C);
            goto out;
        }
    while ((rc = vr_table_read(r, &samp)) == 1) {
        size_t n = samp.n, at = d->nsamples;
        const int64_t *end = VR_COL(&samp, VR_SAMPLE_END, int64_t);
        const int8_t *lab = VR_COL(&samp, VR_SAMPLE_LABEL, int8_t);
        const uint8_t *spl = VR_COL(&samp, VR_SAMPLE_SPLIT, uint8_t);
        const uint8_t *reg = VR_COL(&samp, VR_SAMPLE_REGIME, uint8_t);
        for (size_t i = 0; i < n; i++) {
            if (end[i] < d->T - 1 || end[i] >= (int64_t)d->nrows ||
                lab[i] < VR_LABEL_NONE || lab[i] >= VR_NCLASS ||
                spl[i] >= VR_NSPLIT || reg[i] >= VR_NREGIME) {
                rc = vr_reader_fail(r, VR_EFORMAT, "sample %zu: end row "
                    "%lld, label %d, split %u or regime %u out of range",
                    at + i, (long long)end[i], lab[i], spl[i], reg[i]);
                goto out;
            }
        }
        if ((rc = grow((void **)&d->end, &scap[0], at + n, 8)) ||
            (rc = grow((void **)&d->label, &scap[1], at + n, 1)) ||
            (rc = grow((void **)&d->split, &scap[2], at + n, 1)) ||
            (rc = grow((void **)&d->regime, &scap[3], at + n, 1)))
            goto out;
        memcpy(d->end + at, end, n * 8);
        memcpy(d->label + at, lab, n);
        memcpy(d->split + at, spl, n);
        memcpy(d->regime + at, reg, n);
        d->nsamples += n;
    }
    if (rc < 0)
        goto out;
    /* Anything but the trailer here is out of place. */
    const char *name;
    if ((rc = vr_reader_peek(r, &name)) != 0) {
        if (rc > 0)
            rc = vr_reader_fail(r, VR_EFORMAT,
                "unexpected tensor \"%s\" in a dataset stream", name);
        goto out;
    }
    rc = VR_OK;
out:
    vr_table_free(&rows);
    vr_table_free(&samp);
    if (rc != VR_OK)
        vr_dataset_free(d);
    if (rc == VR_ENOMEM && r->msg[0] == '\0')
        vr_reader_fail(r, rc, "out of memory");
    return rc;
}

int
vr_dataset_write_header(struct vr_writer *w, const struct vr_dataset *d,
    const msgpack_object *prov, const char *self)
{
    msgpack_packer *pk = &w->pk;
    const char *feat[VR_MAXFEAT];

    for (int c = 0; c < d->C; c++)
        feat[c] = d->feat[c];
    vr_writer_header(w, "dataset", prov, self, 13);
    if (vr_pack_kv_i64(pk, "T", d->T) || vr_pack_kv_i64(pk, "C", d->C) ||
        vr_pack_kv_strs(pk, "features", feat, (size_t)d->C) ||
        vr_pack_kv_f64s(pk, "norm_mean", d->mean, (size_t)d->C) ||
        vr_pack_kv_f64s(pk, "norm_std", d->std, (size_t)d->C) ||
        vr_pack_kv_i64(pk, "horizon", d->horizon) ||
        vr_pack_kv_f64(pk, "up", d->up) ||
        vr_pack_kv_f64(pk, "down", d->down) ||
        vr_pack_kv_strs(pk, "classes", vr_class_names, VR_NCLASS) ||
        vr_pack_kv_strs(pk, "splits", vr_split_names, VR_NSPLIT) ||
        vr_pack_kv_strs(pk, "regimes", vr_regime_names, VR_NREGIME) ||
        vr_pack_kv_str(pk, "symbol", d->symbol) ||
        vr_pack_kv_i64(pk, "samples", (long long)d->nsamples))
        return w->err ? w->err : (w->err = VR_EIO);
    return w->err;
}

int
vr_dataset_write(struct vr_writer *w, const struct vr_dataset *d,
    const msgpack_object *prov, const char *self)
{
    int rc;

    if ((rc = vr_dataset_write_header(w, d, prov, self)) != VR_OK)
        return rc;
    for (size_t at = 0; at < d->nrows; at += VR_CHUNK_ROWS) {
        size_t n = d->nrows - at < VR_CHUNK_ROWS ? d->nrows - at : VR_CHUNK_ROWS;
        vr_writer_put(w, "x", VR_DT_F32, d->x + at * (size_t)d->C, n,
            (size_t)d->C);
        vr_writer_put(w, "time", VR_DT_I64, d->time + at, n, 0);
    }
    for (size_t at = 0; at < d->nsamples; at += VR_CHUNK_ROWS) {
        size_t n = d->nsamples - at < VR_CHUNK_ROWS ? d->nsamples - at :
            VR_CHUNK_ROWS;
        vr_writer_put(w, "end", VR_DT_I64, d->end + at, n, 0);
        vr_writer_put(w, "label", VR_DT_I8, d->label + at, n, 0);
        vr_writer_put(w, "split", VR_DT_U8, d->split + at, n, 0);
        vr_writer_put(w, "regime", VR_DT_U8, d->regime + at, n, 0);
    }
    return vr_writer_end(w);
}

const float *
vr_dataset_window_ptr(const struct vr_dataset *d, size_t s)
{
    VR_ASSERT(s < d->nsamples);
    return d->x + (size_t)(d->end[s] - d->T + 1) * (size_t)d->C;
}

void
vr_dataset_window(const struct vr_dataset *d, float *out, size_t s)
{
    memcpy(out, vr_dataset_window_ptr(d, s),
        (size_t)d->T * (size_t)d->C * sizeof(float));
}

int
vr_dataset_split(const struct vr_dataset *d, int split, size_t **idx,
    size_t *n)
{
    size_t k = 0;

    *idx = vr_mallocarray(d->nsamples ? d->nsamples : 1, sizeof(size_t));
    if (*idx == NULL)
        return VR_ENOMEM;
    for (size_t s = 0; s < d->nsamples; s++)
        if (d->split[s] == split)
            (*idx)[k++] = s;
    *n = k;
    return VR_OK;
}

void
vr_dataset_free(struct vr_dataset *d)
{
    free(d->x);
    free(d->time);
    free(d->end);
    free(d->label);
    free(d->split);
    free(d->regime);
    d->x = NULL;
    d->time = NULL;
    d->end = NULL;
    d->label = NULL;
    d->split = NULL;
    d->regime = NULL;
    d->nrows = d->nsamples = 0;
}
