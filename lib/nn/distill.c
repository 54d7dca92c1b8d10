#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vr.h"
#include "base/mem.h"
#include "nn/internal.h"
#include "nn/adam.h"
#include "nn/dense.h"
#include "nn/distill.h"
#include "nn/loss.h"
#include "nn/poly.h"

const char *const vr_distill_variant_names[VR_DISTILL_NVAR] = {"scratch",
    "hard", "soft", "combined", "zk"};

void
vr_distill_defaults(struct vr_distill_opts *o)
{
    memset(o, 0, sizeof(*o));
    vr_train_defaults(&o->train);
    o->train.clip = 0;
    vr_kd_defaults(&o->kd);
    vr_distill_variant(o, VR_DISTILL_ZK);
    o->lo = -4;
    o->hi = 4;
    o->coef_lr = 0.1;
    o->max_skip = 0;
}

void
vr_distill_variant(struct vr_distill_opts *o, int v)
{
    static const double abg[VR_DISTILL_NVAR][3] = {
        {1, 0, 0}, {1, 0, 0}, {0, 1, 0}, {0.5, 0.5, 0}, {0.5, 0.5, 0.1}};
    o->variant = v;
    o->kd.alpha = abg[v][0];
    o->kd.beta = abg[v][1];
    o->kd.gamma = abg[v][2];
    o->hard = v == VR_DISTILL_HARD;
    o->kd.smoothing = v == VR_DISTILL_SCRATCH ? 0.1 : 0;
}

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int
argmax(const float *z, int V)
{
    int best = 0;
    for (int k = 1; k < V; k++)
        if (z[k] > z[best])
            best = k;
    return best;
}

/* Everything one training step needs beside the model. */
struct step {
    const struct vr_distill_opts *o;
    const struct vr_mlp *mlp;
    double *dc;                 /* (L-1, VR_ACT_MAXDEG+1) coefficient grads */
    double pen;                 /* range penalty of the batch */
    double max_pre;
    long out, all;              /* pre-activations outside / all */
};

static bool
is_poly(const struct vr_mlp *m, int l)
{
    return m->act[l].kind == VR_ACT_POLY;
}

/*
 * Range penalty of layer l's pre-activations u (n): value added to
 * s->pen, and, when du is not NULL, its gradient accumulated in du:
 *   P_l = range / n sum_i e_i^2, e_i = max(0, u_i - hi) - max(0, lo - u_i)
 *   dP_l / du_i = 2 range e_i / n
 */
static void
range_penalty(struct step *s, float *du, const float *u, size_t n)
{
    const struct vr_distill_opts *o = s->o;
    double acc = 0, g = 2 * o->range / (double)n;

    for (size_t i = 0; i < n; i++) {
        double x = u[i], e = x > o->hi ? x - o->hi : x < o->lo ? x - o->lo : 0;
        if (fabs(x) > s->max_pre)
            s->max_pre = fabs(x);
        if (e != 0) {
            s->out++;
            acc += e * e;
            if (du != NULL)
                du[i] += (float)(g * e);
        }
    }
    s->all += (long)n;
    s->pen += o->range * acc / (double)n;
}

/*
 * The backward hook of a distillation step: at every polynomial layer,
 * the activation-coefficient gradients, and the range penalty's value and
 * (when it is on) its gradient at the pre-activations.
 */
static void
poly_hook(void *ctx, int l, float *dpre, const float *dout, const float *pre,
    size_t n)
{
    struct step *s = ctx;
    const struct vr_mlp *m = s->mlp;

    if (!is_poly(m, l))
        return;
    if (s->o->learn)
        vr_poly_coef_backward(s->dc + (size_t)l * (VR_ACT_MAXDEG + 1), dout,
            pre, n, m->act[l].degree);
    range_penalty(s, s->o->range > 0 ? dpre : NULL, pre, n);
}

static void
gather(float *x, const struct vr_dataset *d, const size_t *idx, int B)
{
    size_t w = (size_t)d->T * (size_t)d->C;
    for (int n = 0; n < B; n++)
        memcpy(x + (size_t)n * w, vr_dataset_window_ptr(d, idx[n]),
            w * sizeof(float));
}

/* Learnable coefficients as one flat float vector, layer by layer. */
static size_t
coef_count(const struct vr_mlp *m)
{
    size_t n = 0;
    for (int l = 0; l < m->L - 1; l++)
        if (is_poly(m, l))
            n += (size_t)m->act[l].degree + 1;
    return n;
}

static void
coef_get(float *c, const struct vr_mlp *m)
{
    for (int l = 0; l < m->L - 1; l++)
        if (is_poly(m, l))
            for (int k = 0; k <= m->act[l].degree; k++)
                *c++ = (float)m->act[l].c[k];
}

static void
coef_set(struct vr_mlp *m, const float *c)
{
    for (int l = 0; l < m->L - 1; l++)
        if (is_poly(m, l))
            for (int k = 0; k <= m->act[l].degree; k++)
                m->act[l].c[k] = *c++;
}

int
vr_distill(struct vr_model *m, int *best_epoch, struct vr_distill_stats *st,
    const struct vr_dataset *d, const float *tl,
    const struct vr_distill_opts *o, vr_train_cb *cb, void *ctx)
{
    const struct vr_train_opts *to = &o->train;
    struct vr_mlp *mlp = &m->mlp;
    struct vr_adam adam = {0}, cadam = {0};
    struct vr_rng rng;
    struct vr_metrics mt;
    struct vr_scores sc;
    struct vr_train_status ts;
    struct vr_kd_opts kd = o->kd;
    struct step s = {.o = o};
    size_t *tr = NULL, ntr, *va = NULL, nva, w = (size_t)m->T * m->C;
    size_t ncoef = 0;
    float *x = NULL, *z = NULL, *zt = NULL, *dz = NULL, *scr = NULL;
    float *best = NULL, *cf = NULL, *cg = NULL, *cbest = NULL;
    int *y = NULL, B = to->batch, V = m->V, bad = 0, rc;
    double best_f1 = -1, t_all = now();
    long steps, K, k = 0, skips = 0;
    bool teacher = o->hard || kd.beta != 0;

    *best_epoch = -1;
    memset(st, 0, sizeof(*st));
    st->diverged_epoch = -1;
    if (m->arch != VR_ARCH_MLP || d->T != m->T || d->C != m->C || B < 1 ||
        to->epochs < 1)
        return VR_ESHAPE;
    if (teacher && tl == NULL)
        return VR_EFORMAT;
    if (!teacher)
        kd.beta = 0;
    if ((rc = vr_nn_run_begin(m, d, to, &tr, &ntr, &va, &nva, &steps)) !=
        VR_OK)
        goto out;
    K = steps * to->epochs;
    x = vr_mallocarray((size_t)B * w, sizeof(float));
    z = vr_mallocarray((size_t)B * V, sizeof(float));
    zt = vr_mallocarray((size_t)B * V, sizeof(float));
    dz = vr_mallocarray((size_t)B * V, sizeof(float));
    scr = vr_mallocarray((size_t)2 * B * V, sizeof(float));
    y = vr_mallocarray((size_t)B, sizeof(int));
    best = vr_mallocarray(m->nparams, sizeof(float));
    s.dc = vr_callocarray((size_t)VR_MLP_MAXL * (VR_ACT_MAXDEG + 1),
        sizeof(double));
    if (x == NULL || z == NULL || zt == NULL ||
        dz == NULL || scr == NULL || y == NULL || best == NULL ||
        s.dc == NULL || vr_adam_init(&adam, m->nparams)) {
        rc = VR_ENOMEM;
        goto out;
    }
    if (o->learn && (ncoef = coef_count(mlp)) > 0) {
        cf = vr_mallocarray(ncoef, sizeof(float));
        cg = vr_mallocarray(ncoef, sizeof(float));
        cbest = vr_mallocarray(ncoef, sizeof(float));
        if (cf == NULL || cg == NULL || cbest == NULL ||
            vr_adam_init(&cadam, ncoef)) {
            rc = VR_ENOMEM;
            goto out;
        }
        coef_get(cf, mlp);
        memcpy(cbest, cf, ncoef * sizeof(float));
    }
    memcpy(best, m->params, m->nparams * sizeof(float));
    vr_rng_seed(&rng, to->seed ^ 0x5eed5eed5eedULL);
    memset(&ts, 0, sizeof(ts));
    ts.epochs = to->epochs;
    ts.steps = steps;
    for (int ep = 0; ep < to->epochs && !st->diverged; ep++) {
        double t0 = now(), sum = 0, lr = to->lr;
        long seen = 0, done = 0;
        for (size_t i = ntr - 1; i > 0; i--) {
            size_t j = (size_t)vr_rng_below(&rng, i + 1), t = tr[i];
            tr[i] = tr[j];
            tr[j] = t;
        }
        ts.epoch = ep;
        ts.epoch_end = false;
        s.max_pre = 0;
        s.out = s.all = 0;
        for (long b = 0; b < steps; b++, k++) {
            size_t at = (size_t)b * (size_t)B;
            int nb = ntr - at < (size_t)B ? (int)(ntr - at) : B;
            gather(x, d, tr + at, nb);
            for (int n = 0; n < nb; n++) {
                size_t smp = tr[at + (size_t)n];
                if (teacher)
                    memcpy(zt + (size_t)n * V, tl + smp * (size_t)V,
                        (size_t)V * sizeof(float));
                y[n] = o->hard ? argmax(tl + smp * (size_t)V, V) :
                    d->label[smp];
            }
            if ((rc = vr_model_forward(m, z, x, nb)) != VR_OK)
                goto out;
            memset(m->grads, 0, m->nparams * sizeof(float));
            memset(dz, 0, (size_t)nb * V * sizeof(float));
            memset(s.dc, 0, (size_t)VR_MLP_MAXL * (VR_ACT_MAXDEG + 1) *
                sizeof(double));
            double loss;
            if (to->weighted && kd.alpha != 0) {
                // class-weighted CE: the kd loss without its CE, plus it
                struct vr_kd_opts k2 = kd;
                k2.alpha = 0;
                loss = vr_kd_loss(NULL, dz, mlp, scr, z, y, teacher ? zt :
                    NULL, &k2, nb, V);
                double ce = vr_loss_ce_forward(scr, z, y, to->w,
                    (float)kd.smoothing, nb, V);
                vr_loss_ce_backward(dz, scr, y, to->w, (float)kd.smoothing,
                    (float)kd.alpha, nb, V);
                loss += kd.alpha * ce;
            } else
                loss = vr_kd_loss(NULL, dz, mlp, scr, z, y, teacher ? zt :
                    NULL, &kd, nb, V);
            s.pen = 0;
            if (isfinite(loss)) {
                s.mlp = mlp;
                vr_mlp_backward_hook(mlp, dz, poly_hook, &s);
                loss += s.pen;
            }
            if (!isfinite(loss)) {
                // skip the batch; stop after max_skip in a row
                st->skipped++;
                if (++skips > o->max_skip) {
                    st->diverged = true;
                    st->diverged_epoch = ep;
                    st->diverged_step = b;
                    break;
                }
                continue;
            }
            skips = 0;
            if (loss > st->max_loss)
                st->max_loss = loss;
            if (to->clip > 0)
                vr_adam_clip(m->grads, m->nparams, to->clip);
            lr = vr_adam_cosine_lr(to->lr, k, K);
            vr_adam_step(&adam, m->params, m->grads, lr);
            if (cf != NULL) {
                size_t q = 0;
                for (int l = 0; l < mlp->L - 1; l++)
                    if (is_poly(mlp, l))
                        for (int c = 0; c <= mlp->act[l].degree; c++)
                            cg[q++] = (float)s.dc[(size_t)l *
                                (VR_ACT_MAXDEG + 1) + (size_t)c];
                if (to->clip > 0)
                    vr_adam_clip(cg, ncoef, to->clip);
                vr_adam_step(&cadam, cf, cg, lr * o->coef_lr);
                coef_set(mlp, cf);
            }
            st->steps++;
            done++;
            sum += loss;
            seen += nb;
            if (cb != NULL) {
                double dt = now() - t0, all = now() - t_all;
                ts.step = b + 1;
                ts.loss = sum / (double)(b + 1);
                ts.lr = lr;
                ts.rate = dt > 0 ? (double)seen / dt : 0;
                ts.eta = all / (double)(k + 1) * (double)(K - k - 1);
                cb(ctx, &ts);
            }
        }
        if (st->diverged && done == 0)
            break;
        double secs = now() - t0;
        st->max_pre = s.max_pre;
        st->out_frac = s.all ? (double)s.out / (double)s.all : 0;
        ts.val_f1 = ts.val_acc = NAN;
        if (nva > 0) {
            if ((rc = vr_model_score(m, &mt, d, VR_SPLIT_VAL)) != VR_OK)
                goto out;
            vr_metrics_scores(&sc, &mt, VR_METRICS_ALL);
            ts.val_f1 = sc.macro_f1;
            ts.val_acc = sc.accuracy;
        }
        ts.improved = nva == 0 ? !st->diverged : ts.val_f1 > best_f1;
        double *row = m->log + (size_t)ep * VR_LOG_COLS;
        row[VR_LOG_EPOCH] = ep;
        row[VR_LOG_STEPS] = (double)done;
        row[VR_LOG_LOSS] = done ? sum / (double)done : NAN;
        row[VR_LOG_VAL_F1] = ts.val_f1;
        row[VR_LOG_VAL_ACC] = ts.val_acc;
        row[VR_LOG_LR] = lr;
        row[VR_LOG_SECONDS] = secs;
        row[VR_LOG_RATE] = secs > 0 ? (double)seen / secs : 0;
        m->nlog = (size_t)ep + 1;
        if (ts.improved) {
            best_f1 = nva > 0 ? ts.val_f1 : best_f1;
            *best_epoch = ep;
            memcpy(best, m->params, m->nparams * sizeof(float));
            if (cf != NULL)
                memcpy(cbest, cf, ncoef * sizeof(float));
            bad = 0;
        } else
            bad++;
        if (cb != NULL) {
            ts.epoch_end = true;
            ts.step = done;
            ts.loss = row[VR_LOG_LOSS];
            ts.seconds = secs;
            ts.rate = row[VR_LOG_RATE];
            ts.eta = (now() - t_all) / (double)(ep + 1) *
                (double)(to->epochs - ep - 1);
            cb(ctx, &ts);
        }
        if (to->patience > 0 && bad >= to->patience)
            break;
    }
    memcpy(m->params, best, m->nparams * sizeof(float));
    if (cf != NULL)
        coef_set(mlp, cbest);
    rc = VR_OK;
out:
    vr_adam_free(&adam);
    vr_adam_free(&cadam);
    free(tr);
    free(va);
    free(x);
    free(z);
    free(zt);
    free(dz);
    free(scr);
    free(y);
    free(best);
    free(s.dc);
    free(cf);
    free(cg);
    free(cbest);
    return rc;
}

int
vr_distill_curriculum(struct vr_model *m, int *best_epoch,
    struct vr_distill_stats *st, const struct vr_dataset *d, const float *tl,
    const struct vr_act *act, const struct vr_distill_opts *o,
    vr_train_cb *cb, void *ctx)
{
    int rc = VR_ESHAPE;

    if (m->arch != VR_ARCH_MLP)
        return rc;
    for (int l = 0; l < m->mlp.L - 1; l++) {
        m->mlp.act[l] = *act;
        if ((rc = vr_distill(m, best_epoch, st, d, tl, o, cb, ctx)) != VR_OK)
            return rc;
    }
    return rc;
}

int
vr_distill_init_scale(struct vr_model *m, const struct vr_dataset *d, int B,
    double target)
{
    struct vr_mlp *mlp = &m->mlp;
    size_t *tr, ntr, w = (size_t)m->T * m->C;
    float *x, *z;
    int rc;

    if (m->arch != VR_ARCH_MLP)
        return VR_ESHAPE;
    if ((rc = vr_nn_labelled(d, VR_SPLIT_TRAIN, &tr, &ntr)) != VR_OK)
        return rc;
    if (ntr == 0 || B < 2) {
        free(tr);
        return VR_ERANGE;
    }
    if ((size_t)B > ntr)
        B = (int)ntr;
    // an evenly spread sample of the training windows
    for (int n = 0; n < B; n++)
        tr[n] = tr[(size_t)n * ntr / (size_t)B];
    x = vr_mallocarray((size_t)B * w, sizeof(float));
    z = vr_mallocarray((size_t)B * m->V, sizeof(float));
    if (x == NULL || z == NULL) {
        rc = VR_ENOMEM;
        goto out;
    }
    gather(x, d, tr, B);
    for (int l = 0; l < mlp->L - 1; l++) {
        if ((rc = vr_mlp_forward(mlp, z, x, B)) != VR_OK)
            goto out;
        int OC = mlp->dims[l + 1], C = mlp->dims[l];
        for (int o = 0; o < OC; o++) {
            // unit o: u = W_o . in + b_o  ->  (u - mean) target / std
            double s1 = 0, s2 = 0;
            for (int n = 0; n < B; n++) {
                double u = mlp->pre[l][(size_t)n * OC + (size_t)o];
                s1 += u;
                s2 += u * u;
            }
            double mean = s1 / B, var = s2 / B - mean * mean;
            double sd = var > 1e-12 ? sqrt(var) : 1, g = target / sd;
            for (int c = 0; c < C; c++)
                mlp->W[l][(size_t)o * C + (size_t)c] *= (float)g;
            mlp->b[l][o] = (float)((mlp->b[l][o] - mean) * g);
        }
    }
    rc = VR_OK;
out:
    free(tr);
    free(x);
    free(z);
    return rc;
}

int
vr_distill_calibrate(struct vr_model *m, double *off, double *before,
    double *after, const struct vr_dataset *d, int split)
{
    size_t *idx, n, w = (size_t)m->T * m->C;
    float *x = NULL, *z = NULL;
    int *y = NULL, rc;

    if (m->arch != VR_ARCH_MLP || m->V != VR_NCLASS)
        return VR_ESHAPE;
    if ((rc = vr_nn_labelled(d, split, &idx, &n)) != VR_OK)
        return rc;
    if (n == 0) {
        free(idx);
        return VR_ERANGE;
    }
    x = vr_mallocarray(256 * w, sizeof(float));
    z = vr_mallocarray(n, VR_NCLASS * sizeof(float));
    y = vr_mallocarray(n, sizeof(int));
    if (x == NULL || z == NULL || y == NULL) {
        rc = VR_ENOMEM;
        goto out;
    }
    for (size_t at = 0; at < n; at += 256) {
        int B = n - at < 256 ? (int)(n - at) : 256;
        gather(x, d, idx + at, B);
        if ((rc = vr_model_forward(m, z + at * VR_NCLASS, x, B)) != VR_OK)
            goto out;
    }
    for (size_t i = 0; i < n; i++)
        y[i] = d->label[idx[i]];
    vr_distill_calibrate_logits(off, before, after, z, y, n);
    m->mlp.b[m->mlp.L - 1][0] += (float)off[0];
    m->mlp.b[m->mlp.L - 1][2] += (float)off[2];
    rc = VR_OK;
out:
    free(idx);
    free(x);
    free(z);
    free(y);
    return rc;
}

void
vr_distill_calibrate_logits(double *off, double *before, double *after,
    const float *z, const int *y, size_t n)
{
    double best = -1;

    off[0] = off[1] = off[2] = 0;
    // grid over (SELL, BUY) offsets; (0, 0) is scored first so that a
    // tie keeps the logits as they are
    for (int a = -1; a <= 80; a++)
        for (int b = a < 0 ? -1 : 0; b <= (a < 0 ? -1 : 80); b++) {
            double os = a < 0 ? 0 : -4 + 0.1 * a, ob = b < 0 ? 0 :
                -4 + 0.1 * b, f1 = 0;
            long cm[VR_NCLASS][VR_NCLASS] = {{0}};
            for (size_t i = 0; i < n; i++) {
                const float *zi = z + i * VR_NCLASS;
                double v0 = zi[0] + os, v1 = zi[1], v2 = zi[2] + ob;
                int p = v0 > v1 ? (v2 > v0 ? 2 : 0) : (v2 > v1 ? 2 : 1);
                cm[y[i]][p]++;
            }
            // macro-F1 as nn/metrics.h: 2 tp / (2 tp + fp + fn), 0 if empty
            for (int k = 0; k < VR_NCLASS; k++) {
                long tp = cm[k][k], fp = 0, fn = 0;
                for (int j = 0; j < VR_NCLASS; j++)
                    if (j != k) {
                        fp += cm[j][k];
                        fn += cm[k][j];
                    }
                if (2 * tp + fp + fn > 0)
                    f1 += 2.0 * (double)tp / (double)(2 * tp + fp + fn);
            }
            f1 /= VR_NCLASS;
            if (a < 0)
                *before = f1;
            if (f1 > best) {
                best = f1;
                off[0] = os;
                off[2] = ob;
            }
        }
    *after = best;
}

double
vr_distill_sparsity(const struct vr_model *m, double eps)
{
    size_t zero = 0, all = 0;

    for (int l = 0; l < m->mlp.L; l++) {
        size_t n = (size_t)m->mlp.dims[l + 1] * (size_t)m->mlp.dims[l];
        for (size_t i = 0; i < n; i++)
            zero += fabsf(m->mlp.W[l][i]) <= eps;
        all += n;
    }
    return all ? (double)zero / (double)all : 0;
}

size_t
vr_distill_nparams(const struct vr_model *m)
{
    return m->nparams;
}
