#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vr.h"
#include "base/mem.h"
#include "nn/model.h"
#include "nn/train.h"

const char *const vr_log_cols[VR_LOG_COLS] = {"epoch", "steps", "loss",
    "val_macro_f1", "val_accuracy", "lr", "seconds", "samples_per_s"};

static void
copy_input(struct vr_model *m, const struct vr_dataset *d)
{
    m->T = d->T;
    m->C = d->C;
    memcpy(m->feat, d->feat, sizeof(m->feat));
    memcpy(m->mean, d->mean, sizeof(m->mean));
    memcpy(m->std, d->std, sizeof(m->std));
    m->horizon = d->horizon;
    m->up = d->up;
    m->down = d->down;
    memcpy(m->symbol, d->symbol, sizeof(m->symbol));
}

int
vr_model_init(struct vr_model *m, enum vr_arch arch, const int *dims,
    int ndims, const struct vr_act *acts, const struct vr_dataset *d)
{
    int rc;

    memset(m, 0, sizeof(*m));
    if (ndims < 2 || ndims > VR_MODEL_MAXDIMS || d->T < 1 || d->C < 1 ||
        d->C > VR_MAXFEAT)
        return VR_ERANGE;
    m->arch = arch;
    m->ndims = ndims;
    memcpy(m->dims, dims, (size_t)ndims * sizeof(int));
    m->V = dims[ndims - 1];
    copy_input(m, d);
    if (arch == VR_ARCH_MLP) {
        if ((long long)dims[0] != (long long)d->T * d->C)
            return VR_ERANGE;
        if ((rc = vr_mlp_init(&m->mlp, dims, ndims - 1, acts)) != VR_OK)
            return rc;
        m->nparams = m->mlp.nparams;
        m->params = m->mlp.params;
        m->grads = m->mlp.grads;
        m->nparam = m->mlp.nparam;
        m->param = m->mlp.param;
    } else {
        if (ndims < 3 || dims[0] != d->C)
            return VR_ERANGE;
        for (int l = 2; l < ndims - 1; l++)
            if (dims[l] != dims[1])
                return VR_ERANGE;
        if ((rc = vr_lstmnet_init(&m->lstm, ndims - 2, dims[0], dims[1],
            m->V)) != VR_OK)
            return rc;
        m->nparams = m->lstm.nparams;
        m->params = m->lstm.params;
        m->grads = m->lstm.grads;
        m->nparam = m->lstm.nparam;
        m->param = m->lstm.param;
    }
    return VR_OK;
}

void
vr_model_init_params(struct vr_model *m, struct vr_rng *rng)
{
    if (m->arch == VR_ARCH_MLP)
        vr_mlp_init_params(&m->mlp, rng);
    else
        vr_lstmnet_init_params(&m->lstm, rng);
}

int
vr_model_forward(struct vr_model *m, float *logits, const float *x, int B)
{
    if (m->arch == VR_ARCH_MLP)
        return vr_mlp_forward(&m->mlp, logits, x, B);
    return vr_lstmnet_forward(&m->lstm, logits, x, B, m->T);
}

void
vr_model_backward(struct vr_model *m, const float *dlogits)
{
    if (m->arch == VR_ARCH_MLP)
        vr_mlp_backward(&m->mlp, dlogits);
    else
        vr_lstmnet_backward(&m->lstm, dlogits);
}

const char *
vr_model_arch_name(const struct vr_model *m)
{
    return m->arch == VR_ARCH_MLP ? "mlp" : "lstm";
}

void
vr_model_free(struct vr_model *m)
{
    if (m->arch == VR_ARCH_MLP)
        vr_mlp_free(&m->mlp);
    else
        vr_lstmnet_free(&m->lstm);
    free(m->log);
    m->log = NULL;
    m->nlog = 0;
    m->params = m->grads = NULL;
    m->nparams = 0;
}

int
vr_model_check_input(const struct vr_model *m, const struct vr_dataset *d,
    char *msg, size_t msgsize)
{
    if (d->T != m->T || d->C != m->C) {
        snprintf(msg, msgsize, "windows are %d x %d, the model takes %d x %d",
            d->T, d->C, m->T, m->C);
        return VR_ESHAPE;
    }
    for (int c = 0; c < m->C; c++)
        if (strcmp(d->feat[c], m->feat[c]) != 0) {
            snprintf(msg, msgsize, "feature %d is \"%s\", the model was "
                "trained on \"%s\"", c, d->feat[c], m->feat[c]);
            return VR_ESHAPE;
        }
    return VR_OK;
}

/* ---------------------------------------------------------------- writing */

static int
pack_train(msgpack_packer *pk, const struct vr_train_opts *o, int best)
{
    double w[VR_NCLASS] = {1, 1, 1};

    if (o->weighted)
        for (int k = 0; k < VR_NCLASS; k++)
            w[k] = o->w[k];
    return msgpack_pack_map(pk, 12) ||
        vr_pack_kv_i64(pk, "epochs", o->epochs) ||
        vr_pack_kv_i64(pk, "batch", o->batch) ||
        vr_pack_kv_f64(pk, "lr", o->lr) ||
        vr_pack_kv_str(pk, "schedule", "cosine") ||
        vr_pack_kv_f64(pk, "clip", o->clip) ||
        vr_pack_kv_i64(pk, "patience", o->patience) ||
        vr_pack_kv_f64(pk, "label_smoothing", o->smoothing) ||
        vr_pack_kv_f64s(pk, "class_weights", w, VR_NCLASS) ||
        vr_pack_kv_i64(pk, "seed", (long long)o->seed) ||
        vr_pack_kv_i64(pk, "threads", o->threads) ||
        vr_pack_kv_i64(pk, "max_steps", o->max_steps) ||
        vr_pack_kv_i64(pk, "best_epoch", best) ? -1 : 0;
}

int
vr_model_write(struct vr_writer *w, const struct vr_model *m,
    const struct vr_model_extra *x, const msgpack_object *prov,
    const char *self)
{
    return vr_model_write_kv(w, m, x, prov, self, 0, NULL, NULL);
}

int
vr_model_write_kv(struct vr_writer *w, const struct vr_model *m,
    const struct vr_model_extra *x, const msgpack_object *prov,
    const char *self, int nkv, vr_model_pack_fn *pack, const void *ctx)
{
    msgpack_packer *pk = &w->pk;
    const char *feat[VR_MAXFEAT], *acts[VR_MLP_MAXL];
    double dims[VR_MODEL_MAXDIMS];
    int nacts = m->arch == VR_ARCH_MLP ? m->mlp.L - 1 : 0, nmet = 0;
    int rc;

    for (int c = 0; c < m->C; c++)
        feat[c] = m->feat[c];
    for (int k = 0; k < m->ndims; k++)
        dims[k] = m->dims[k];
    for (int l = 0; l < nacts; l++)
        acts[l] = m->mlp.act[l].name;
    if (x != NULL)
        for (int s = 0; s < VR_NSPLIT; s++)
            nmet += x->metrics[s] != NULL;
    if ((rc = vr_writer_header(w, "model", prov, self, 17 + (x != NULL &&
        x->opts != NULL) + (pack != NULL ? nkv : 0))) != VR_OK)
        return rc;
    if (vr_pack_kv_str(pk, "arch", vr_model_arch_name(m)) ||
        vr_pack_kv_f64s(pk, "dims", dims, (size_t)m->ndims) ||
        vr_pack_kv_strs(pk, "acts", acts, (size_t)nacts) ||
        vr_pack_str(pk, "act_coeffs") || msgpack_pack_array(pk, nacts))
        goto fail;
    for (int l = 0; l < nacts; l++)
        if (msgpack_pack_array(pk, vr_act_ncoef(&m->mlp.act[l])))
            goto fail;
        else
            for (int k = 0; k < vr_act_ncoef(&m->mlp.act[l]); k++)
                if (msgpack_pack_double(pk, m->mlp.act[l].c[k]))
                    goto fail;
    if (vr_pack_kv_i64(pk, "T", m->T) || vr_pack_kv_i64(pk, "C", m->C) ||
        vr_pack_kv_strs(pk, "features", feat, (size_t)m->C) ||
        vr_pack_kv_f64s(pk, "norm_mean", m->mean, (size_t)m->C) ||
        vr_pack_kv_f64s(pk, "norm_std", m->std, (size_t)m->C) ||
        vr_pack_kv_i64(pk, "horizon", m->horizon) ||
        vr_pack_kv_f64(pk, "up", m->up) ||
        vr_pack_kv_f64(pk, "down", m->down) ||
        vr_pack_kv_str(pk, "symbol", m->symbol) ||
        vr_pack_kv_strs(pk, "classes", vr_class_names, VR_NCLASS) ||
        vr_pack_kv_strs(pk, "regimes", vr_regime_names, VR_NREGIME) ||
        vr_pack_kv_strs(pk, "log_columns", vr_log_cols, VR_LOG_COLS) ||
        vr_pack_str(pk, "metrics") || msgpack_pack_map(pk, nmet))
        goto fail;
    for (int s = 0; x != NULL && s < VR_NSPLIT; s++)
        if (x->metrics[s] != NULL && (vr_pack_str(pk, vr_split_names[s]) ||
            vr_metrics_pack(pk, x->metrics[s])))
            goto fail;
    if (x != NULL && x->opts != NULL && (vr_pack_str(pk, "train") ||
        pack_train(pk, x->opts, x->best_epoch)))
        goto fail;
    if (pack != NULL && pack(pk, ctx))
        goto fail;
    for (int k = 0; k < m->nparam; k++) {
        const struct vr_param *p = &m->param[k];
        struct vr_tensor t = {0};
        if ((rc = vr_tensor_alloc(&t, p->name, VR_DT_F32, p->rank,
            p->shape)) != VR_OK)
            return w->err = rc;
        memcpy(t.data, m->params + p->off, p->n * sizeof(float));
        rc = vr_writer_tensor(w, &t);
        vr_tensor_free(&t);
        if (rc != VR_OK)
            return rc;
    }
    if (m->nlog > 0)
        vr_writer_put(w, "train_log", VR_DT_F64, m->log, m->nlog,
            VR_LOG_COLS);
    return vr_writer_end(w);
fail:
    return w->err ? w->err : (w->err = VR_EIO);
}

/* ---------------------------------------------------------------- reading */

/* An array of at most max integers in [lo, hi] (sent as ints or as
 * doubles with an integral value). */
static int
meta_ints(struct vr_reader *r, const char *key, int *v, int max, int *n,
    long long lo, long long hi)
{
    const msgpack_object *a = vr_meta_get(r->header, key);

    if (a == NULL || a->type != MSGPACK_OBJECT_ARRAY ||
        a->via.array.size > (uint32_t)max)
        return vr_reader_fail(r, VR_EFORMAT, "header: field \"%s\" missing "
            "or not an array of at most %d integers", key, max);
    for (uint32_t i = 0; i < a->via.array.size; i++) {
        const msgpack_object *e = &a->via.array.ptr[i];
        double d;
        if (e->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
            d = (double)e->via.u64;
        else if (e->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
            d = (double)e->via.i64;
        else if (e->type == MSGPACK_OBJECT_FLOAT64 ||
            e->type == MSGPACK_OBJECT_FLOAT32)
            d = e->via.f64;
        else
            d = NAN;
        if (!(d >= (double)lo && d <= (double)hi) || d != floor(d))
            return vr_reader_fail(r, VR_EFORMAT, "header: %s[%u] is not an "
                "integer in [%lld, %lld]", key, i, lo, hi);
        v[i] = (int)d;
    }
    *n = (int)a->via.array.size;
    return VR_OK;
}

/* The activations of an MLP header: names and coefficients. */
static int
read_acts(struct vr_reader *r, struct vr_act *acts, int nacts)
{
    char names[VR_MLP_MAXL][VR_NAME_MAX];
    size_t n;
    int rc;

    if ((rc = vr_meta_strs(r, NULL, "acts", names, VR_MLP_MAXL, &n)))
        return rc;
    const msgpack_object *co = vr_meta_get(r->header, "act_coeffs");
    if (n != (size_t)nacts || co == NULL || co->type != MSGPACK_OBJECT_ARRAY ||
        co->via.array.size != (uint32_t)nacts)
        return vr_reader_fail(r, VR_EFORMAT, "header: acts and act_coeffs "
            "must name %d activations", nacts);
    for (int l = 0; l < nacts; l++) {
        const msgpack_object *a = &co->via.array.ptr[l];
        double c[VR_ACT_MAXDEG + 1];
        if (a->type != MSGPACK_OBJECT_ARRAY ||
            a->via.array.size > VR_ACT_MAXDEG + 1)
            return vr_reader_fail(r, VR_EFORMAT, "header: act_coeffs[%d] is "
                "not an array of at most %d numbers", l, VR_ACT_MAXDEG + 1);
        for (uint32_t k = 0; k < a->via.array.size; k++) {
            const msgpack_object *e = &a->via.array.ptr[k];
            if (e->type == MSGPACK_OBJECT_FLOAT64 ||
                e->type == MSGPACK_OBJECT_FLOAT32)
                c[k] = e->via.f64;
            else if (e->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
                c[k] = (double)e->via.u64;
            else if (e->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
                c[k] = (double)e->via.i64;
            else
                return vr_reader_fail(r, VR_EFORMAT, "header: "
                    "act_coeffs[%d][%u] is not a number", l, k);
        }
        if (a->via.array.size == 0)
            rc = vr_act_lookup(&acts[l], names[l]);
        else
            rc = vr_act_poly(&acts[l], names[l], c, (int)a->via.array.size);
        if (rc == VR_OK && a->via.array.size == 0 &&
            acts[l].kind == VR_ACT_POLY)
            rc = VR_ERANGE;     /* a polynomial must carry its coefficients */
        if (rc != VR_OK)
            return vr_reader_fail(r, VR_EFORMAT, "header: activation %d "
                "(\"%s\") is unknown or its coefficients are not finite", l,
                names[l]);
    }
    return VR_OK;
}

int
vr_model_read(struct vr_model *m, struct vr_reader *r)
{
    struct vr_dataset d;
    struct vr_act acts[VR_MLP_MAXL];
    struct vr_tensor t = {0};
    char arch[16];
    int dims[VR_MODEL_MAXDIMS], ndims = 0, rc;
    bool seen[VR_MAXPARAMS] = {false};
    size_t nf;
    long long v;

    memset(m, 0, sizeof(*m));
    memset(&d, 0, sizeof(d));
    if (strcmp(r->kind, "model") != 0)
        return vr_reader_fail(r, VR_EFORMAT,
            "expected a model stream, got a %s stream", r->kind);
    if ((rc = vr_meta_str(r, NULL, "arch", arch, sizeof(arch))))
        return rc;
    if (strcmp(arch, "mlp") != 0 && strcmp(arch, "lstm") != 0)
        return vr_reader_fail(r, VR_EFORMAT, "header: arch \"%s\" is neither "
            "\"mlp\" nor \"lstm\"", arch);
    if ((rc = meta_ints(r, "dims", dims, VR_MODEL_MAXDIMS, &ndims, 1,
        65536)))
        return rc;
    if ((rc = vr_meta_i64(r, NULL, "T", &v, 1, 100000)))
        return rc;
    d.T = (int)v;
    if ((rc = vr_meta_i64(r, NULL, "C", &v, 1, VR_MAXFEAT)))
        return rc;
    d.C = (int)v;
    if ((rc = vr_meta_strs(r, NULL, "features", d.feat, VR_MAXFEAT, &nf)))
        return rc;
    if (nf != (size_t)d.C)
        return vr_reader_fail(r, VR_EFORMAT, "header: %zu feature names for "
            "C = %d", nf, d.C);
    if ((rc = vr_meta_f64s(r, NULL, "norm_mean", d.mean, (size_t)d.C)) ||
        (rc = vr_meta_f64s(r, NULL, "norm_std", d.std, (size_t)d.C)))
        return rc;
    for (int c = 0; c < d.C; c++)
        if (!isfinite(d.mean[c]) || !(d.std[c] > 0) || !isfinite(d.std[c]))
            return vr_reader_fail(r, VR_EFORMAT, "header: normalisation of "
                "feature %d is not finite and positive", c);
    if (vr_meta_get(r->header, "horizon") != NULL &&
        (rc = vr_meta_i64(r, NULL, "horizon", &v, 0, 1000000)) == VR_OK)
        d.horizon = (int)v;
    if (rc == VR_OK && vr_meta_get(r->header, "up") != NULL)
        rc = vr_meta_f64(r, NULL, "up", &d.up);
    if (rc == VR_OK && vr_meta_get(r->header, "down") != NULL)
        rc = vr_meta_f64(r, NULL, "down", &d.down);
    if (rc == VR_OK && vr_meta_get(r->header, "symbol") != NULL)
        rc = vr_meta_str(r, NULL, "symbol", d.symbol, sizeof(d.symbol));
    if (rc != VR_OK)
        return rc;
    if (arch[0] == 'm') {
        if (ndims < 2 || (rc = read_acts(r, acts, ndims - 2)) != VR_OK) {
            if (ndims < 2)
                rc = vr_reader_fail(r, VR_EFORMAT, "header: an MLP needs at "
                    "least 2 dims");
            return rc;
        }
    }
    rc = vr_model_init(m, arch[0] == 'm' ? VR_ARCH_MLP : VR_ARCH_LSTM, dims,
        ndims, acts, &d);
    if (rc == VR_ENOMEM)
        return vr_reader_fail(r, rc, "out of memory");
    if (rc != VR_OK)
        return vr_reader_fail(r, VR_EFORMAT, "header: dims do not describe "
            "an %s for %d x %d windows", arch,
            d.T, d.C);
    while ((rc = vr_reader_next(r, &t)) == 1) {
        int k;
        for (k = 0; k < m->nparam; k++)
            if (strcmp(t.name, m->param[k].name) == 0)
                break;
        if (k < m->nparam) {
            const struct vr_param *p = &m->param[k];
            if (seen[k]) {
                rc = vr_reader_fail(r, VR_EFORMAT, "tensor \"%s\" appears "
                    "twice", t.name);
                break;
            }
            if ((rc = vr_reader_expect(r, &t, p->name, VR_DT_F32, p->rank,
                p->shape)) != VR_OK) {
                rc = VR_EFORMAT;
                break;
            }
            const float *src = t.data;
            for (size_t i = 0; i < p->n; i++)
                if (!isfinite(src[i])) {
                    rc = vr_reader_fail(r, VR_EFORMAT, "tensor \"%s\"[%zu] "
                        "is not finite", t.name, i);
                    goto out;
                }
            memcpy(m->params + p->off, src, p->n * sizeof(float));
            seen[k] = true;
        } else if (strcmp(t.name, "train_log") == 0) {
            if (t.dtype != VR_DT_F64 || t.rank != 2 ||
                t.shape[1] != VR_LOG_COLS) {
                rc = vr_reader_fail(r, VR_EFORMAT, "tensor \"train_log\" is "
                    "not f64 (epochs, %d)", VR_LOG_COLS);
                break;
            }
            free(m->log);
            m->log = vr_mallocarray(t.n ? t.n : 1, sizeof(double));
            if (m->log == NULL) {
                rc = vr_reader_fail(r, VR_ENOMEM, "out of memory");
                break;
            }
            memcpy(m->log, t.data, t.n * sizeof(double));
            m->nlog = t.shape[0];
        }
    }
out:
    vr_tensor_free(&t);
    if (rc < 0)
        return rc;
    for (int k = 0; k < m->nparam; k++)
        if (!seen[k])
            return vr_reader_fail(r, VR_EFORMAT, "missing tensor \"%s\"",
                m->param[k].name);
    return VR_OK;
}
