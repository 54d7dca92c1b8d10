#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vr.h"
#include "base/mem.h"
#include "nn/internal.h"
#include "nn/adam.h"
#include "nn/loss.h"
#include "nn/train.h"

#define EVAL_BATCH 256

void
vr_train_defaults(struct vr_train_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->epochs = 10;
    o->batch = 256;
    o->lr = 1e-3;
    o->patience = 3;
    o->smoothing = 0.1;
    o->threads = 1;
    for (int k = 0; k < VR_NCLASS; k++)
        o->w[k] = 1.0f;
}

int
vr_train_balanced_weights(float *w, const struct vr_dataset *d)
{
    size_t cnt[VR_NCLASS] = {0}, n = 0;

    for (size_t s = 0; s < d->nsamples; s++)
        if (d->split[s] == VR_SPLIT_TRAIN && d->label[s] >= 0) {
            cnt[d->label[s]]++;
            n++;
        }
    if (n == 0)
        return VR_ERANGE;
    for (int k = 0; k < VR_NCLASS; k++)
        w[k] = cnt[k] ? (float)((double)n / (VR_NCLASS * (double)cnt[k])) :
            1.0f;
    return VR_OK;
}

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* x (B, T*C) = the windows of samples idx[0..B). */
static void
gather(float *x, const struct vr_dataset *d, const size_t *idx, int B)
{
    size_t w = (size_t)d->T * (size_t)d->C;
    for (int n = 0; n < B; n++)
        memcpy(x + (size_t)n * w, vr_dataset_window_ptr(d, idx[n]),
            w * sizeof(float));
}

int
vr_model_predict(struct vr_model *m, int *pred, const struct vr_dataset *d,
    const size_t *idx, size_t n)
{
    size_t w = (size_t)d->T * (size_t)d->C;
    float *x = vr_mallocarray(EVAL_BATCH * w, sizeof(float));
    float *z = vr_mallocarray(EVAL_BATCH * (size_t)m->V, sizeof(float));
    int rc = VR_OK;

    if (x == NULL || z == NULL) {
        rc = VR_ENOMEM;
        goto out;
    }
    for (size_t at = 0; at < n; at += EVAL_BATCH) {
        int B = n - at < EVAL_BATCH ? (int)(n - at) : EVAL_BATCH;
        gather(x, d, idx + at, B);
        if ((rc = vr_model_forward(m, z, x, B)) != VR_OK)
            goto out;
        for (int b = 0; b < B; b++) {
            const float *z_b = z + (size_t)b * m->V;
            int best = 0;
            for (int k = 1; k < m->V; k++)
                if (z_b[k] > z_b[best])
                    best = k;
            pred[at + (size_t)b] = best;
        }
    }
out:
    free(x);
    free(z);
    return rc;
}

/* Samples of a split that carry a label. */
int
vr_nn_labelled(const struct vr_dataset *d, int split, size_t **idx, size_t *n)
{
    size_t k = 0;
    int rc = vr_dataset_split(d, split, idx, n);

    if (rc != VR_OK)
        return rc;
    for (size_t i = 0; i < *n; i++)
        if (d->label[(*idx)[i]] >= 0)
            (*idx)[k++] = (*idx)[i];
    *n = k;
    return VR_OK;
}

int
vr_nn_run_begin(struct vr_model *m, const struct vr_dataset *d,
    const struct vr_train_opts *o, size_t **tr, size_t *ntr, size_t **va,
    size_t *nva, long *steps)
{
    int rc;

    if ((rc = vr_nn_labelled(d, VR_SPLIT_TRAIN, tr, ntr)) != VR_OK ||
        (rc = vr_nn_labelled(d, VR_SPLIT_VAL, va, nva)) != VR_OK)
        return rc;
    if (*ntr == 0)
        return VR_ERANGE;
    *steps = (long)((*ntr + (size_t)o->batch - 1) / (size_t)o->batch);
    if (o->max_steps > 0 && o->max_steps < *steps)
        *steps = o->max_steps;
    free(m->log);
    m->nlog = 0;
    m->log = vr_callocarray((size_t)o->epochs * VR_LOG_COLS, sizeof(double));
    return m->log == NULL ? VR_ENOMEM : VR_OK;
}

int
vr_model_score(struct vr_model *m, struct vr_metrics *mt,
    const struct vr_dataset *d, int split)
{
    size_t *idx, n;
    int *pred, rc;

    vr_metrics_reset(mt);
    if ((rc = vr_nn_labelled(d, split, &idx, &n)) != VR_OK)
        return rc;
    if ((pred = vr_mallocarray(n ? n : 1, sizeof(int))) == NULL) {
        free(idx);
        return VR_ENOMEM;
    }
    if ((rc = vr_model_predict(m, pred, d, idx, n)) == VR_OK)
        for (size_t i = 0; i < n; i++)
            vr_metrics_add(mt, d->label[idx[i]], pred[i], d->regime[idx[i]]);
    free(pred);
    free(idx);
    return rc;
}

int
vr_train(struct vr_model *m, int *best_epoch, const struct vr_dataset *d,
    const struct vr_train_opts *o, vr_train_cb *cb, void *ctx)
{
    struct vr_adam adam = {0};
    struct vr_rng rng;
    struct vr_metrics mt;
    struct vr_scores sc;
    struct vr_train_status st;
    size_t *tr = NULL, ntr, *va = NULL, nva, w = (size_t)m->T * m->C;
    float *x = NULL, *z = NULL, *p = NULL, *dz = NULL, *best = NULL;
    int *y = NULL, B = o->batch, V = m->V, bad = 0, rc;
    double best_f1 = -1, t_all = now();
    long steps, K, k = 0;

    *best_epoch = -1;
    if (d->T != m->T || d->C != m->C || B < 1 || o->epochs < 1)
        return VR_ESHAPE;
    if ((rc = vr_nn_run_begin(m, d, o, &tr, &ntr, &va, &nva, &steps)) !=
        VR_OK)
        goto out;
    K = steps * o->epochs;
    x = vr_mallocarray((size_t)B * w, sizeof(float));
    z = vr_mallocarray((size_t)B * V, sizeof(float));
    p = vr_mallocarray((size_t)B * V, sizeof(float));
    dz = vr_mallocarray((size_t)B * V, sizeof(float));
    y = vr_mallocarray((size_t)B, sizeof(int));
    best = vr_mallocarray(m->nparams, sizeof(float));
    if (x == NULL || z == NULL || p == NULL || dz == NULL ||
        y == NULL || best == NULL || vr_adam_init(&adam, m->nparams)) {
        rc = VR_ENOMEM;
        goto out;
    }
    memcpy(best, m->params, m->nparams * sizeof(float));
    vr_rng_seed(&rng, o->seed ^ 0x5eed5eed5eedULL);
    memset(&st, 0, sizeof(st));
    st.epochs = o->epochs;
    st.steps = steps;
    for (int ep = 0; ep < o->epochs; ep++) {
        double t0 = now(), sum = 0, lr = o->lr;
        long seen = 0;
        // Fisher-Yates shuffle of the training samples
        for (size_t i = ntr - 1; i > 0; i--) {
            size_t j = (size_t)vr_rng_below(&rng, i + 1), s = tr[i];
            tr[i] = tr[j];
            tr[j] = s;
        }
        st.epoch = ep;
        st.epoch_end = false;
        for (long s = 0; s < steps; s++, k++) {
            size_t at = (size_t)s * (size_t)B;
            int nb = ntr - at < (size_t)B ? (int)(ntr - at) : B;
            gather(x, d, tr + at, nb);
            for (int n = 0; n < nb; n++)
                y[n] = d->label[tr[at + (size_t)n]];
            if ((rc = vr_model_forward(m, z, x, nb)) != VR_OK)
                goto out;
            double loss = vr_loss_ce_forward(p, z, y, o->weighted ? o->w :
                NULL, (float)o->smoothing, nb, V);
            if (!isfinite(loss)) {
                rc = VR_ERANGE;
                goto out;
            }
            memset(m->grads, 0, m->nparams * sizeof(float));
            memset(dz, 0, (size_t)nb * V * sizeof(float));
            vr_loss_ce_backward(dz, p, y, o->weighted ? o->w : NULL,
                (float)o->smoothing, 1.0f, nb, V);
            vr_model_backward(m, dz);
            if (o->clip > 0)
                vr_adam_clip(m->grads, m->nparams, o->clip);
            lr = vr_adam_cosine_lr(o->lr, k, K);
            vr_adam_step(&adam, m->params, m->grads, lr);
            sum += loss;
            seen += nb;
            if (cb != NULL) {
                double dt = now() - t0, all = now() - t_all;
                st.step = s + 1;
                st.loss = sum / (double)(s + 1);
                st.lr = lr;
                st.rate = dt > 0 ? (double)seen / dt : 0;
                st.eta = all / (double)(k + 1) * (double)(K - k - 1);
                cb(ctx, &st);
            }
        }
        double secs = now() - t0;
        st.val_f1 = st.val_acc = NAN;
        if (nva > 0) {
            if ((rc = vr_model_score(m, &mt, d, VR_SPLIT_VAL)) != VR_OK)
                goto out;
            vr_metrics_scores(&sc, &mt, VR_METRICS_ALL);
            st.val_f1 = sc.macro_f1;
            st.val_acc = sc.accuracy;
        }
        st.improved = nva == 0 || st.val_f1 > best_f1;
        double *row = m->log + (size_t)ep * VR_LOG_COLS;
        row[VR_LOG_EPOCH] = ep;
        row[VR_LOG_STEPS] = (double)steps;
        row[VR_LOG_LOSS] = sum / (double)steps;
        row[VR_LOG_VAL_F1] = st.val_f1;
        row[VR_LOG_VAL_ACC] = st.val_acc;
        row[VR_LOG_LR] = lr;
        row[VR_LOG_SECONDS] = secs;
        row[VR_LOG_RATE] = secs > 0 ? (double)seen / secs : 0;
        m->nlog = (size_t)ep + 1;
        if (st.improved) {
            best_f1 = nva > 0 ? st.val_f1 : best_f1;
            *best_epoch = ep;
            memcpy(best, m->params, m->nparams * sizeof(float));
            bad = 0;
        } else
            bad++;
        if (cb != NULL) {
            st.epoch_end = true;
            st.step = steps;
            st.loss = row[VR_LOG_LOSS];
            st.seconds = secs;
            st.rate = row[VR_LOG_RATE];
            st.eta = (now() - t_all) / (double)(ep + 1) *
                (double)(o->epochs - ep - 1);
            cb(ctx, &st);
        }
        if (o->patience > 0 && bad >= o->patience)
            break;
    }
    memcpy(m->params, best, m->nparams * sizeof(float));
    rc = VR_OK;
out:
    vr_adam_free(&adam);
    free(tr);
    free(va);
    free(x);
    free(z);
    free(p);
    free(dz);
    free(y);
    free(best);
    return rc;
}
