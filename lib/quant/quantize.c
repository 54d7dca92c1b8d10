/* quantize.c: float MLP -> integer model, QAT, scores (see quantize.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vr.h"
#include "base/mem.h"
#include "nn/adam.h"
#include "nn/loss.h"
#include "nn/metrics.h"
#include "quant/fq.h"
#include "quant/quantize.h"

/* Weight fractional bits: search range wide enough for any sane model. */
#define FW_MIN (-32)
#define FW_MAX 60

/* The largest f with mx 2^f <= 2^(bits-1) - 1 (mx > 0), else fallback. */
static int
fit_frac(double mx, int bits, int fallback)
{
    double qmax = ldexp(1.0, bits - 1) - 1;
    int f;

    if (!(mx > 0) || !isfinite(mx))
        return fallback;
    f = (int)floor(log2(qmax / mx));
    while (ldexp(mx, f) > qmax)
        f--;
    while (ldexp(mx, f + 1) <= qmax)
        f++;
    return f;
}

static double
maxabs(const float *x, size_t n)
{
    double mx = 0;

    for (size_t i = 0; i < n; i++)
        if (fabs((double)x[i]) > mx)
            mx = fabs((double)x[i]);
    return mx;
}

int
vr_quant_build(struct vr_qmlp *q, struct vr_mlp *m, const int *wbits,
    int abits, int cbits, const float *x, int B)
{
    float *logits;
    int rc, L = m->L, fin;

    VR_ASSERT(abits >= 4 && abits <= 30 && cbits >= 0 && cbits <= 30);
    if (L > VR_QMLP_MAXL)
        return VR_ESHAPE;
    if ((logits = vr_mallocarray((size_t)B * (size_t)m->dims[L],
        sizeof(float))) == NULL)
        return VR_ENOMEM;
    rc = vr_mlp_forward(m, logits, x, B);
    free(logits);
    if (rc != VR_OK)
        return rc;
    if ((rc = vr_qmlp_init(q, m->dims, L)) != VR_OK)
        return rc;
    q->in_bits = abits;
    fin = fit_frac(maxabs(x, (size_t)B * (size_t)m->dims[0]), abits, 0);
    for (int l = 0; l < L; l++) {
        struct vr_qlayer *ql = &q->lay[l];
        size_t nw = (size_t)ql->OC * (size_t)ql->C, no = (size_t)B * ql->OC;
        const struct vr_act *a = &m->act[l];
        VR_ASSERT(wbits[l] >= 2 && wbits[l] <= 16);
        ql->fin = fin;
        ql->wbits = wbits[l];
        ql->fw = vr_fq_frac_bits(m->W[l], nw, wbits[l], FW_MIN, FW_MAX);
        vr_fq_pow2(ql->W, NULL, m->W[l], nw, wbits[l], ql->fw);
        int facc = fin + ql->fw;
        for (int o = 0; o < ql->OC; o++) {
            double v = vr_fq_rhe(ldexp((double)m->b[l][o], facc));
            if (!(fabs(v) <= ldexp(1.0, 62))) {
                vr_qmlp_free(q);
                return VR_ERANGE;
            }
            ql->b[o] = (int64_t)v;
        }
        int fout = fit_frac(maxabs(m->out[l], no), abits, facc);
        if (l == L - 1) {
            ql->act = VR_QACT_NONE;
            ql->kpre = 0;
        } else if (a->kind == VR_ACT_RELU || a->kind == VR_ACT_IDENTITY) {
            ql->act = a->kind == VR_ACT_RELU ? VR_QACT_RELU : VR_QACT_NONE;
            ql->kpre = facc > fout ? facc - fout : 0;
        } else {
            ql->act = VR_QACT_POLY;
            ql->deg = a->degree > 0 ? a->degree : 1;
            ql->fc = cbits;
            for (int k = 0; k <= ql->deg; k++)
                ql->coef[k] = k <= a->degree
                    ? (int64_t)vr_fq_rhe(ldexp(a->c[k], cbits)) : 0;
            int fu = fit_frac(maxabs(m->pre[l], no), abits, facc);
            if (fu > 120 / ql->deg)
                fu = 120 / ql->deg;
            ql->kpre = facc > fu ? facc - fu : 0;
            fu = facc - ql->kpre;
            if (fu < 0 || ql->deg * fu > 120) {
                vr_qmlp_free(q);
                return VR_ERANGE;
            }
            int top = cbits + ql->deg * fu;
            ql->kpost = top > fout ? top - fout : 0;
        }
        fin = vr_qlayer_fout(ql);
    }
    if (vr_qmlp_check(q) != VR_OK) {
        vr_qmlp_free(q);
        return VR_ERANGE;
    }
    vr_qmlp_bounds_reset(q);
    vr_qmlp_bounds_worst(q);
    return VR_OK;
}

double
vr_quant_werr(const struct vr_mlp *m, int l, int b)
{
    size_t nw = (size_t)m->dims[l] * (size_t)m->dims[l + 1];
    int f = vr_fq_frac_bits(m->W[l], nw, b, FW_MIN, FW_MAX);

    return vr_fq_pow2(NULL, NULL, m->W[l], nw, b, f);
}

void
vr_quant_fake_weights(struct vr_mlp *m, float *save, const int *wbits)
{
    memcpy(save, m->params, m->nparams * sizeof(float));
    for (int l = 0; l < m->L; l++) {
        size_t nw = (size_t)m->dims[l] * (size_t)m->dims[l + 1];
        int f = vr_fq_frac_bits(m->W[l], nw, wbits[l], FW_MIN, FW_MAX);
        vr_fq_pow2(NULL, m->W[l], m->W[l], nw, wbits[l], f);
    }
}

void
vr_quant_restore_weights(struct vr_mlp *m, const float *save)
{
    memcpy(m->params, save, m->nparams * sizeof(float));
}

void
vr_quant_qat_defaults(struct vr_quant_qat_opts *o)
{
    o->epochs = 10;
    o->lr = 1e-5;
    o->batch = 256;
    o->smoothing = 0.1f;
}

double
vr_quant_fq_score(struct vr_mlp *m, double *acc, const int *wbits,
    const struct vr_dataset *d, const size_t *idx, size_t n)
{
    int V = m->dims[m->L], C = m->dims[0], B = 256;
    float *xb = vr_mallocarray((size_t)B * (size_t)C, sizeof(float));
    float *lg = vr_mallocarray((size_t)B * (size_t)V, sizeof(float));
    float *save = vr_mallocarray(m->nparams, sizeof(float));
    struct vr_metrics mt;
    struct vr_scores sc;
    double f1 = NAN;

    if (acc)
        *acc = NAN;
    if (n == 0 || !xb || !lg || !save)
        goto out;
    vr_metrics_reset(&mt);
    vr_quant_fake_weights(m, save, wbits);
    for (size_t at = 0; at < n; at += (size_t)B) {
        int nb = (int)(n - at < (size_t)B ? n - at : (size_t)B);
        for (int k = 0; k < nb; k++)
            memcpy(xb + (size_t)k * C, vr_dataset_window_ptr(d, idx[at + k]),
                (size_t)C * sizeof(float));
        if (vr_mlp_forward(m, lg, xb, nb) != VR_OK) {
            vr_quant_restore_weights(m, save);
            goto out;
        }
        for (int k = 0; k < nb; k++) {
            const float *l_k = lg + (size_t)k * V;
            int cls = 0;
            for (int j = 1; j < V; j++)
                if (l_k[j] > l_k[cls])
                    cls = j;
            size_t s = idx[at + k];
            vr_metrics_add(&mt, d->label[s], cls, d->regime[s]);
        }
    }
    vr_quant_restore_weights(m, save);
    vr_metrics_scores(&sc, &mt, VR_METRICS_ALL);
    f1 = sc.macro_f1;
    if (acc)
        *acc = sc.accuracy;
out:
    free(xb);
    free(lg);
    free(save);
    return f1;
}

int
vr_quant_qat(struct vr_mlp *m, int *best_epoch, const int *wbits,
    const struct vr_dataset *d, const size_t *itrain, size_t ntrain,
    const size_t *ival, size_t nval, const struct vr_quant_qat_opts *o,
    struct vr_rng *rng, double *loss_out, double *val_out)
{
    int V = m->dims[m->L], C = m->dims[0], rc = VR_OK, batch = o->batch;
    size_t n = ntrain;
    size_t *perm = vr_mallocarray(n ? n : 1, sizeof(size_t));
    float *xb = vr_mallocarray((size_t)batch * (size_t)C, sizeof(float));
    float *lg = vr_mallocarray((size_t)batch * (size_t)V, sizeof(float));
    float *pr = vr_mallocarray((size_t)batch * (size_t)V, sizeof(float));
    float *dl = vr_mallocarray((size_t)batch * (size_t)V, sizeof(float));
    float *save = vr_mallocarray(m->nparams, sizeof(float));
    float *best = vr_mallocarray(m->nparams, sizeof(float));
    int *yb = vr_mallocarray((size_t)batch, sizeof(int));
    struct vr_adam adam = {0};
    double bestf1 = -INFINITY;
    int beste = 0;

    VR_ASSERT(batch >= 1 && o->epochs >= 0);
    if (C != d->T * d->C) {
        rc = VR_ESHAPE;
        goto out;
    }
    if (!perm || !xb || !lg || !pr || !dl || !save || !best || !yb
        || vr_adam_init(&adam, m->nparams) != VR_OK) {
        rc = VR_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        perm[i] = itrain[i];
    memcpy(best, m->params, m->nparams * sizeof(float));
    for (int e = 0; e <= o->epochs; e++) {
        if (e > 0) {
            double sum = 0;
            size_t seen = 0;
            // Fisher-Yates shuffle
            for (size_t i = n; i > 1; i--) {
                size_t j = (size_t)vr_rng_below(rng, i), t = perm[i - 1];
                perm[i - 1] = perm[j];
                perm[j] = t;
            }
            for (size_t at = 0; at < n; at += (size_t)batch) {
                int B = (int)(n - at < (size_t)batch ? n - at
                    : (size_t)batch);
                for (int k = 0; k < B; k++) {
                    memcpy(xb + (size_t)k * C,
                        vr_dataset_window_ptr(d, perm[at + k]),
                        (size_t)C * sizeof(float));
                    yb[k] = d->label[perm[at + k]];
                }
                // forward and backward at the quantised weights (STE),
                // then the step on the float masters
                vr_quant_fake_weights(m, save, wbits);
                if ((rc = vr_mlp_forward(m, lg, xb, B)) != VR_OK) {
                    vr_quant_restore_weights(m, save);
                    goto out;
                }
                sum += vr_loss_ce_forward(pr, lg, yb, NULL, o->smoothing, B,
                    V) * B;
                seen += (size_t)B;
                memset(dl, 0, (size_t)B * (size_t)V * sizeof(float));
                vr_loss_ce_backward(dl, pr, yb, NULL, o->smoothing, 1.0f, B,
                    V);
                memset(m->grads, 0, m->nparams * sizeof(float));
                vr_mlp_backward(m, dl);
                vr_quant_restore_weights(m, save);
                vr_adam_step(&adam, m->params, m->grads, o->lr);
            }
            if (loss_out)
                loss_out[e - 1] = seen ? sum / (double)seen : 0;
        }
        double f1 = nval ? vr_quant_fq_score(m, NULL, wbits, d, ival, nval)
            : NAN;
        if (val_out)
            val_out[e] = f1;
        if (nval && f1 > bestf1) {
            bestf1 = f1;
            beste = e;
            memcpy(best, m->params, m->nparams * sizeof(float));
        }
    }
    if (nval)
        memcpy(m->params, best, m->nparams * sizeof(float));
    else
        beste = o->epochs;
    if (best_epoch)
        *best_epoch = beste;
out:
    vr_adam_free(&adam);
    free(perm);
    free(xb);
    free(lg);
    free(pr);
    free(dl);
    free(save);
    free(best);
    free(yb);
    return rc;
}
