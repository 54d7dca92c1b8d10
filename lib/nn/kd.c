#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vr.h"
#include "base/mem.h"
#include "nn/kd.h"
#include "nn/loss.h"

#define EVAL_BATCH 256

void
vr_kd_defaults(struct vr_kd_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->alpha = 0.5;
    o->beta = 0.5;
    o->T = 3;
    o->gamma = 0.1;
    o->l1 = 1e-4;
    o->l2 = 1e-2;
    o->tau = vr_kd_tau(8, 8);
}

double
vr_kd_tau(int bits, int frac)
{
    return (ldexp(1.0, bits - 1) - 1) / ldexp(1.0, frac);
}

double
vr_kd_reg(struct vr_mlp *m, double l1, double l2, double tau,
    double dW_scale)
{
    double acc = 0;

    for (int l = 0; l < m->L; l++) {
        size_t n = (size_t)m->dims[l + 1] * (size_t)m->dims[l];
        const float *W = m->W[l];
        float *dW = m->dW[l];
        // reg = l1 |w| + l2 max(0, |w| - tau);  d/dw = sign(w) (l1 + l2 [|w| > tau])
        for (size_t i = 0; i < n; i++) {
            double w = W[i], a = fabs(w);
            acc += l1 * a + (a > tau ? l2 * (a - tau) : 0);
            if (dW_scale != 0 && w != 0) {
                double g = l1 + (a > tau ? l2 : 0);
                dW[i] += (float)(dW_scale * (w > 0 ? g : -g));
            }
        }
    }
    return acc;
}

double
vr_kd_loss(struct vr_kd_loss *out, float *dz, struct vr_mlp *m,
    float *scratch, const float *z, const int *y, const float *zt,
    const struct vr_kd_opts *o, int B, int V)
{
    struct vr_kd_loss r = {0};
    float *p = scratch, *ps = scratch + (size_t)B * V;

    if (o->alpha != 0) {
        r.ce = vr_loss_ce_forward(p, z, y, NULL, (float)o->smoothing, B, V);
        vr_loss_ce_backward(dz, p, y, NULL, (float)o->smoothing,
            (float)o->alpha, B, V);
    }
    if (o->beta != 0 && zt != NULL) {
        r.kl = vr_loss_kd_forward(ps, z, zt, (float)o->T, B, V);
        vr_loss_kd_backward(dz, ps, zt, (float)o->T, (float)o->beta, B, V);
    }
    if (o->gamma != 0 && m != NULL)
        r.reg = vr_kd_reg(m, o->l1, o->l2, o->tau, o->gamma);
    r.total = o->alpha * r.ce + o->beta * r.kl + o->gamma * r.reg;
    if (out != NULL)
        *out = r;
    return r.total;
}

/* ------------------------------------------------------------ fingerprints */

#define FNV_OFF 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= FNV_PRIME;
    }
    return h;
}

uint64_t
vr_kd_model_fingerprint(const struct vr_model *m)
{
    uint64_t h = FNV_OFF;
    const char *arch = vr_model_arch_name(m);

    h = fnv(h, arch, strlen(arch));
    for (int k = 0; k < m->ndims; k++) {
        int32_t v = m->dims[k];
        h = fnv(h, &v, sizeof(v));
    }
    return fnv(h, m->params, m->nparams * sizeof(float));
}

uint64_t
vr_kd_dataset_fingerprint(const struct vr_dataset *d)
{
    uint64_t h = FNV_OFF;
    int64_t hdr[3] = {d->T, d->C, (int64_t)d->nsamples};

    h = fnv(h, hdr, sizeof(hdr));
    h = fnv(h, d->end, d->nsamples * sizeof(int64_t));
    h = fnv(h, d->label, d->nsamples);
    return fnv(h, d->split, d->nsamples);
}

/* ------------------------------------------------------------ the cache */

int
vr_kd_logits_compute(float **logits, struct vr_model *t,
    const struct vr_dataset *d)
{
    size_t w = (size_t)d->T * (size_t)d->C, n = d->nsamples;
    float *x, *z;

    *logits = NULL;
    if (d->T != t->T || d->C != t->C)
        return VR_ESHAPE;
    x = vr_mallocarray(EVAL_BATCH * w, sizeof(float));
    z = vr_mallocarray(n ? n : 1, (size_t)t->V * sizeof(float));
    if (x == NULL || z == NULL) {
        free(x);
        free(z);
        return VR_ENOMEM;
    }
    for (size_t at = 0; at < n; at += EVAL_BATCH) {
        int B = n - at < EVAL_BATCH ? (int)(n - at) : EVAL_BATCH, rc;
        for (int b = 0; b < B; b++)
            memcpy(x + (size_t)b * w, vr_dataset_window_ptr(d, at +
                (size_t)b), w * sizeof(float));
        if ((rc = vr_model_forward(t, z + at * (size_t)t->V, x, B)) !=
            VR_OK) {
            free(x);
            free(z);
            return rc;
        }
    }
    free(x);
    *logits = z;
    return VR_OK;
}

static void
hex64(char *buf, uint64_t v)
{
    snprintf(buf, 17, "%016" PRIx64, v);
}

int
vr_kd_logits_write(struct vr_writer *w, const float *logits, size_t n, int V,
    uint64_t tfp, const char *tarch, uint64_t dfp,
    const msgpack_object *prov, const char *self)
{
    char th[17], dh[17];
    int rc;

    hex64(th, tfp);
    hex64(dh, dfp);
    if ((rc = vr_writer_header(w, "logits", prov, self, 5)) != VR_OK)
        return rc;
    if (vr_pack_kv_str(&w->pk, "teacher", th) ||
        vr_pack_kv_str(&w->pk, "teacher_arch", tarch) ||
        vr_pack_kv_str(&w->pk, "dataset", dh) ||
        vr_pack_kv_i64(&w->pk, "nsamples", (long long)n) ||
        vr_pack_kv_i64(&w->pk, "V", V))
        return w->err ? w->err : (w->err = VR_EIO);
    vr_writer_put(w, "logits", VR_DT_F32, logits, n, (size_t)V);
    return vr_writer_end(w);
}

int
vr_kd_logits_read(float **logits, uint64_t *tfp, struct vr_reader *r,
    const struct vr_dataset *d, int V)
{
    struct vr_tensor t = {0};
    char th[32], dh[32], want[17], *end;
    long long n, v;
    int rc;

    *logits = NULL;
    if (strcmp(r->kind, "logits") != 0)
        return vr_reader_fail(r, VR_EFORMAT, "expected a logits stream, got "
            "a %s stream", r->kind);
    if ((rc = vr_meta_str(r, NULL, "teacher", th, sizeof(th))) ||
        (rc = vr_meta_str(r, NULL, "dataset", dh, sizeof(dh))) ||
        (rc = vr_meta_i64(r, NULL, "nsamples", &n, 0, INT64_MAX)) ||
        (rc = vr_meta_i64(r, NULL, "V", &v, 1, 64)))
        return rc;
    *tfp = strtoull(th, &end, 16);
    if (strlen(th) != 16 || *end != '\0')
        return vr_reader_fail(r, VR_EFORMAT, "header: teacher \"%s\" is not "
            "16 hex digits", th);
    hex64(want, vr_kd_dataset_fingerprint(d));
    if ((size_t)n != d->nsamples || v != V)
        return vr_reader_fail(r, VR_ESHAPE, "logits of %lld samples x %lld "
            "classes, the dataset has %zu x %d", n, v, d->nsamples, V);
    if (strcmp(dh, want) != 0)
        return vr_reader_fail(r, VR_ESHAPE, "logits were made on dataset %s, "
            "this one is %s", dh, want);
    size_t shape[2] = {(size_t)n, (size_t)v};
    if ((rc = vr_reader_want(r, &t, "logits", VR_DT_F32, 2, shape)) !=
        VR_OK) {
        vr_tensor_free(&t);
        return rc == VR_ESHAPE ? VR_EFORMAT : rc;
    }
    const float *src = t.data;
    for (size_t i = 0; i < t.n; i++)
        if (!isfinite(src[i])) {
            vr_tensor_free(&t);
            return vr_reader_fail(r, VR_EFORMAT, "logits[%zu][%zu] is not "
                "finite", i / (size_t)V, i % (size_t)V);
        }
    // the trailer must follow: a logits stream holds one tensor
    struct vr_tensor extra = {0};
    while ((rc = vr_reader_next(r, &extra)) == 1)
        ;
    vr_tensor_free(&extra);
    if (rc < 0) {
        vr_tensor_free(&t);
        return rc;
    }
    *logits = vr_mallocarray(t.n ? t.n : 1, sizeof(float));
    if (*logits == NULL) {
        vr_tensor_free(&t);
        return vr_reader_fail(r, VR_ENOMEM, "out of memory");
    }
    memcpy(*logits, t.data, t.n * sizeof(float));
    vr_tensor_free(&t);
    return VR_OK;
}
