/*
 * Unit tests for lib/nn: GEMM against its naive reference, every layer's
 * backward against centred finite differences, and whole forward and
 * backward passes and Adam steps against the PyTorch fixtures in
 * ../shared/reference/nn/fixtures (float64 dumps; we compute in float32).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util_test.h"
#include "util_nnfix.h"
#include "vr.h"
#include "base/rng.h"
#include "nn/act.h"
#include "nn/adam.h"
#include "nn/dense.h"
#include "nn/gemm.h"
#include "nn/loss.h"
#include "nn/lstm.h"
#include "nn/mlp.h"

/* ---------------------------------------------------------------- helpers */


static void
fill_uniform(float *v, size_t n, struct vr_rng *rng, double a)
{
    for (size_t i = 0; i < n; i++)
        v[i] = (float)((2 * vr_rng_uniform(rng) - 1) * a);
}

/* ---------------------------------------------------------------- gemm */

START_TEST(test_gemm_naive)
{
    struct vr_rng rng;
    vr_rng_seed(&rng, vr_test_seed() + (uint64_t)_i);
    /* the last four cases have one row: the GEMV path */
    int M = _i >= 12 ? 1 : 1 + (int)vr_rng_below(&rng, 70), N = 1 + (int)vr_rng_below(&rng,
        70), K = 1 + (int)vr_rng_below(&rng, 70);
    bool ta = _i & 1, tb = _i & 2;
    int lda = (ta ? M : K) + 3, ldb = (tb ? K : N) + 1, ldc = N + 2;
    float *A = malloc(sizeof(float) * (size_t)lda * (ta ? K : M));
    float *B = malloc(sizeof(float) * (size_t)ldb * (tb ? N : K));
    float *C = malloc(sizeof(float) * (size_t)ldc * M);
    float *D = malloc(sizeof(float) * (size_t)ldc * M);
    fill_uniform(A, (size_t)lda * (ta ? K : M), &rng, 1);
    fill_uniform(B, (size_t)ldb * (tb ? N : K), &rng, 1);
    fill_uniform(C, (size_t)ldc * M, &rng, 1);
    if (_i == 15)
        C[0] = NAN;     /* beta 0: not propagated */
    memcpy(D, C, sizeof(float) * (size_t)ldc * M);
    float beta = _i == 15 ? 0.0f : 0.25f;
    vr_gemm(C, ldc, A, lda, B, ldb, ta, tb, 0.5f, beta, M, N, K);
    vr_gemm_naive(D, ldc, A, lda, B, ldb, ta, tb, 0.5f, beta, M, N, K);
    for (int m = 0; m < M; m++)
        for (int n = 0; n < ldc; n++) {
            size_t k = (size_t)m * ldc + n;
            ck_assert_msg(fabsf(C[k] - D[k]) <= 1e-5f * (float)K,
                "gemm %d%d %dx%dx%d at %d,%d: %g vs %g", ta, tb, M, N, K, m,
                n, (double)C[k], (double)D[k]);
        }
    free(A);
    free(B);
    free(C);
    free(D);
}
END_TEST

/* ---------------------------------------------------------------- finite differences */

/*
 * Centred finite differences of a float32 loss, for chosen elements of v:
 * (L(v + e) - L(v - e)) / 2e against the analytic gradient g.  Tolerance
 * atol + rtol |fd|, with atol a fraction of the tensor's gradient scale:
 * float32 noise passes, a wrong index or a missing factor does not.
 */
struct fd {
    double (*loss)(void *ctx);
    void *ctx;
};

static void
fd_check(const char *what, struct fd *fd, float *v, const float *g, size_t n,
    struct vr_rng *rng, double eps, int probes)
{
    double gmax = 0;
    for (size_t i = 0; i < n; i++)
        gmax = fmax(gmax, fabs(g[i]));
    ck_assert_msg(gmax > 0, "%s: zero gradient", what);
    for (int p = 0; p < probes; p++) {
        size_t i = p == 0 ? 0 : p == 1 ? n - 1 : vr_rng_below(rng, n);
        float keep = v[i];
        v[i] = keep + (float)eps;
        double lp = fd->loss(fd->ctx);
        v[i] = keep - (float)eps;
        double lm = fd->loss(fd->ctx);
        double h = ((double)(keep + (float)eps) - (double)(keep -
            (float)eps)) / 2;
        v[i] = keep;
        double num = (lp - lm) / (2 * h);
        ck_assert_msg(fabs(num - g[i]) <= 2e-3 * gmax + 2e-2 * fabs(num),
            "%s[%zu]: finite difference %.6g, backward %.6g (scale %.3g)",
            what, i, num, (double)g[i], gmax);
    }
}

/* Loss = sum(out * r) for a fixed random r, so dout = r. */
static double
dot(const float *a, const float *r, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += (double)a[i] * r[i];
    return s;
}

struct dense_ctx {
    float *out, *in, *W, *b, *r;
    int B, C, OC;
};

static double
dense_loss(void *p)
{
    struct dense_ctx *c = p;
    vr_dense_forward(c->out, c->in, c->C, c->W, c->b, c->B, c->C, c->OC);
    return dot(c->out, c->r, (size_t)c->B * c->OC);
}

START_TEST(test_dense_fd)
{
    struct vr_rng rng;
    int B = 5, C = 7, OC = 4;
    struct dense_ctx c = {malloc(4 * B * OC), malloc(4 * B * C),
        malloc(4 * OC * C), malloc(4 * OC), malloc(4 * B * OC), B, C, OC};
    float *din = calloc((size_t)B * C, 4), *dW = calloc((size_t)OC * C, 4),
        *db = calloc((size_t)OC, 4);
    struct fd fd = {dense_loss, &c};

    vr_rng_seed(&rng, vr_test_seed());
    fill_uniform(c.in, (size_t)B * C, &rng, 1);
    fill_uniform(c.W, (size_t)OC * C, &rng, 1);
    fill_uniform(c.b, (size_t)OC, &rng, 1);
    fill_uniform(c.r, (size_t)B * OC, &rng, 1);
    dense_loss(&c);
    vr_dense_backward(din, C, dW, db, c.r, c.in, C, c.W, B, C, OC);
    fd_check("dense din", &fd, c.in, din, (size_t)B * C, &rng, 1e-2, 35);
    fd_check("dense dW", &fd, c.W, dW, (size_t)OC * C, &rng, 1e-2, 28);
    fd_check("dense db", &fd, c.b, db, (size_t)OC, &rng, 1e-2, 4);
    /* accumulation: a second backward doubles every gradient */
    float keep = dW[5];
    vr_dense_backward(din, C, dW, db, c.r, c.in, C, c.W, B, C, OC);
    ck_assert(fabsf(dW[5] - 2 * keep) <= 1e-6f * fabsf(keep));
    free(c.out); free(c.in); free(c.W); free(c.b); free(c.r);
    free(din); free(dW); free(db);
}
END_TEST

struct act_ctx {
    const struct vr_act *a;
    float *x, *y, *r;
    size_t n;
};

static double
act_loss(void *p)
{
    struct act_ctx *c = p;
    vr_act_forward(c->a, c->y, c->x, c->n);
    return dot(c->y, c->r, c->n);
}

START_TEST(test_act_fd)
{
    static const char *names[] = {"relu", "identity", "sq", "cubic",
        "relu3", "swish3"};
    struct vr_act a;
    struct vr_rng rng;
    size_t n = 64;
    float x[64], y[64], r[64], dx[64];
    struct act_ctx c = {&a, x, y, r, n};
    struct fd fd = {act_loss, &c};

    vr_rng_seed(&rng, vr_test_seed() + (uint64_t)_i);
    ck_assert_int_eq(vr_act_lookup(&a, names[_i]), VR_OK);
    fill_uniform(x, n, &rng, 3);
    for (size_t i = 0; i < n; i++)       /* keep off ReLU's kink */
        if (fabsf(x[i]) < 0.05f)
            x[i] = 0.5f;
    fill_uniform(r, n, &rng, 1);
    memset(dx, 0, sizeof(dx));
    act_loss(&c);
    vr_act_backward(&a, dx, r, x, n);
    fd_check(names[_i], &fd, x, dx, n, &rng, 1e-2, 40);
}
END_TEST

START_TEST(test_act_values)
{
    struct vr_act a;
    float x[3] = {-2, 0.5f, 3}, y[3];

    ck_assert_int_eq(vr_act_lookup(&a, "cubic"), VR_OK);
    vr_act_forward(&a, y, x, 3);
    ck_assert(fabsf(y[0] - (-2.8f)) < 1e-6f && fabsf(y[2] - 5.7f) < 1e-5f);
    ck_assert_int_eq(vr_act_lookup(&a, "relu"), VR_OK);
    vr_act_forward(&a, y, x, 3);
    ck_assert(y[0] == 0 && y[1] == 0.5f);
    ck_assert_int_eq(vr_act_lookup(&a, "gelu"), VR_ERANGE);
    double c[2] = {0, NAN};
    ck_assert_int_eq(vr_act_poly(&a, "p", c, 2), VR_ERANGE);
    ck_assert_int_eq(vr_act_poly(&a, "p", c, 5), VR_ERANGE);
    /* vector sigmoid and tanh against libm, tails included */
    float v[37], s[37], t[37];
    for (int i = 0; i < 37; i++)
        v[i] = (float)(i - 18) * 0.73f;
    vr_act_sigmoid(s, v, 37);
    vr_act_tanh(t, v, 37);
    for (int i = 0; i < 37; i++) {
        ck_assert(fabs(s[i] - 1 / (1 + exp(-(double)v[i]))) < 2e-7);
        ck_assert(fabs(t[i] - tanh((double)v[i])) <
            4e-7 * fmax(1e-3, fabs(tanh((double)v[i]))));
    }
}
END_TEST

struct ce_ctx {
    float *z, *p, *w;
    int *y;
    float eps;
    int B, V;
    bool kd;
    float *teacher;
};

static double
ce_loss(void *p)
{
    struct ce_ctx *c = p;
    if (c->kd)
        return vr_loss_kd_forward(c->p, c->z, c->teacher, 3.0f, c->B, c->V);
    return vr_loss_ce_forward(c->p, c->z, c->y, c->w, c->eps, c->B, c->V);
}

START_TEST(test_loss_fd)
{
    struct vr_rng rng;
    int B = 6, V = 3, y[6] = {0, 1, 2, 2, 1, 1};
    float z[18], p[18], dz[18], w[3] = {2.0f, 0.5f, 3.0f}, t[18];
    struct ce_ctx c = {z, p, _i & 1 ? w : NULL, y, _i & 2 ? 0.1f : 0.0f, B,
        V, _i == 4, t};
    struct fd fd = {ce_loss, &c};

    vr_rng_seed(&rng, vr_test_seed() + (uint64_t)_i);
    fill_uniform(z, 18, &rng, 3);
    fill_uniform(t, 18, &rng, 3);
    memset(dz, 0, sizeof(dz));
    ce_loss(&c);
    if (c.kd)
        vr_loss_kd_backward(dz, p, t, 3.0f, 1.0f, B, V);
    else
        vr_loss_ce_backward(dz, p, y, c.w, c.eps, 1.0f, B, V);
    fd_check("loss", &fd, z, dz, 18, &rng, 1e-2, 18);
}
END_TEST

/* Known values: PyTorch's weighted NLL for e = 0; for e > 0 each
 * sample's smoothed loss weighted by its class (loss.h says why). */
START_TEST(test_loss_values)
{
    float z[6] = {1, 2, 3, 0, 0, 1}, p[6], w[3] = {2, 1, 3};
    int y[2] = {2, 0};
    double l0 = log(exp(1.0) + exp(2.0) + exp(3.0)), l1 = log(2 + exp(1.0));
    double nll0 = l0 - 3, nll1 = l1 - 0;
    double want = (3 * nll0 + 2 * nll1) / 5;
    double got = vr_loss_ce_forward(p, z, y, w, 0.0f, 2, 3);
    ck_assert_msg(fabs(got - want) < 1e-12, "%.15g vs %.15g", got, want);
    /* smoothing 0.1: q = 0.9 onehot + 0.1/3 */
    double s0 = 3 * l0 - 6, s1 = 3 * l1 - 1;
    want = (3 * (0.9 * nll0 + 0.1 / 3 * s0) + 2 * (0.9 * nll1 + 0.1 / 3 *
        s1)) / 5;
    got = vr_loss_ce_forward(p, z, y, w, 0.1f, 2, 3);
    ck_assert_msg(fabs(got - want) < 1e-7, "%.15g vs %.15g", got, want);
    ck_assert(fabs(p[2] - exp(3 - l0)) < 1e-7);
}
END_TEST

struct lstm_ctx {
    float *x, *Wih, *Whh, *bih, *bhh, *h, *c, *G, *r;
    int B, T, C, H;
};

static double
lstm_loss(void *p)
{
    struct lstm_ctx *c = p;
    vr_lstm_forward(c->h, c->c, c->G, c->x, c->Wih, c->Whh, c->bih, c->bhh,
        c->B, c->T, c->C, c->H);
    return dot(c->h, c->r, (size_t)c->T * c->B * c->H);
}

/* One layer, loss on every step's h: checks the recurrence in time. */
START_TEST(test_lstm_fd)
{
    struct vr_rng rng;
    int B = 3, T = 5, C = 4, H = 16;
    size_t G4 = 4 * (size_t)H, nh = (size_t)T * B * H;
    struct lstm_ctx c = {malloc(4 * T * B * C), malloc(4 * G4 * C),
        malloc(4 * G4 * H), malloc(4 * G4), malloc(4 * G4), malloc(4 * nh),
        malloc(4 * nh), malloc(4 * nh * 4), malloc(4 * nh), B, T, C, H};
    float *dx = calloc((size_t)T * B * C, 4), *dWih = calloc(G4 * C, 4),
        *dWhh = calloc(G4 * H, 4), *dbih = calloc(G4, 4),
        *dbhh = calloc(G4, 4), *dh = malloc(4 * nh), *dG = malloc(4 * nh * 4),
        *dc = malloc(4 * (size_t)B * H);
    struct fd fd = {lstm_loss, &c};

    vr_rng_seed(&rng, vr_test_seed());
    fill_uniform(c.x, (size_t)T * B * C, &rng, 1);
    fill_uniform(c.Wih, G4 * C, &rng, 0.5);
    fill_uniform(c.Whh, G4 * H, &rng, 0.5);
    fill_uniform(c.bih, G4, &rng, 0.5);
    fill_uniform(c.bhh, G4, &rng, 0.5);
    fill_uniform(c.r, nh, &rng, 1);
    lstm_loss(&c);
    memcpy(dh, c.r, 4 * nh);
    vr_lstm_backward(dx, dWih, dWhh, dbih, dbhh, dh, dG, dc, c.x, c.h, c.c,
        c.G, c.Wih, c.Whh, B, T, C, H);
    fd_check("lstm dx", &fd, c.x, dx, (size_t)T * B * C, &rng, 1e-2, 30);
    fd_check("lstm dWih", &fd, c.Wih, dWih, G4 * C, &rng, 1e-2, 40);
    fd_check("lstm dWhh", &fd, c.Whh, dWhh, G4 * H, &rng, 1e-2, 60);
    fd_check("lstm dbih", &fd, c.bih, dbih, G4, &rng, 1e-2, 30);
    fd_check("lstm dbhh", &fd, c.bhh, dbhh, G4, &rng, 1e-2, 30);
    free(c.x); free(c.Wih); free(c.Whh); free(c.bih); free(c.bhh);
    free(c.h); free(c.c); free(c.G); free(c.r);
    free(dx); free(dWih); free(dWhh); free(dbih); free(dbhh); free(dh);
    free(dG); free(dc);
}
END_TEST

/* Whole networks: loss through CE of the logits, gradient of every
 * parameter tensor probed. */
struct net_ctx {
    struct vr_mlp *mlp;
    struct vr_lstmnet *lstm;
    float *x, *logits, *probs;
    int *y, B, T;
};

static double
net_loss(void *p)
{
    struct net_ctx *c = p;
    int V;
    if (c->mlp) {
        vr_mlp_forward(c->mlp, c->logits, c->x, c->B);
        V = c->mlp->dims[c->mlp->L];
    } else {
        vr_lstmnet_forward(c->lstm, c->logits, c->x, c->B, c->T);
        V = c->lstm->V;
    }
    return vr_loss_ce_forward(c->probs, c->logits, c->y, NULL, 0.1f, c->B, V);
}

START_TEST(test_mlp_fd)
{
    static const char *acts[] = {"relu", "sq", "cubic", "swish3"};
    struct vr_mlp m;
    struct vr_act a[3];
    struct vr_rng rng;
    int dims[5] = {12, 10, 8, 6, 3}, B = 4, y[4] = {0, 2, 1, 2};
    float x[48], logits[12], probs[12], dl[12];
    struct net_ctx c = {&m, NULL, x, logits, probs, y, B, 1};
    struct fd fd = {net_loss, &c};

    for (int l = 0; l < 3; l++)
        vr_act_lookup(&a[l], acts[_i]);
    ck_assert_int_eq(vr_mlp_init(&m, dims, 4, a), VR_OK);
    vr_rng_seed(&rng, vr_test_seed() + (uint64_t)_i);
    vr_mlp_init_params(&m, &rng);
    fill_uniform(x, 48, &rng, 1);
    net_loss(&c);
    memset(dl, 0, sizeof(dl));
    vr_loss_ce_backward(dl, probs, y, NULL, 0.1f, 1.0f, B, 3);
    vr_mlp_backward(&m, dl);
    for (int k = 0; k < m.nparam; k++)
        fd_check(m.param[k].name, &fd, m.params + m.param[k].off,
            m.grads + m.param[k].off, m.param[k].n, &rng,
            _i == 0 ? 1e-3 : 1e-2, 12);
    vr_mlp_free(&m);
}
END_TEST

START_TEST(test_lstmnet_fd)
{
    struct vr_lstmnet n;
    struct vr_rng rng;
    int B = 3, T = 6, C = 5, y[3] = {2, 0, 1};
    float x[90], logits[9], probs[9], dl[9];
    struct net_ctx c = {NULL, &n, x, logits, probs, y, B, T};
    struct fd fd = {net_loss, &c};

    vr_gemm_set_threads(2);
    ck_assert_int_eq(vr_lstmnet_init(&n, 2, C, 16, 3), VR_OK);
    vr_rng_seed(&rng, vr_test_seed());
    vr_lstmnet_init_params(&n, &rng);
    for (size_t i = 0; i < n.nparams; i++)
        n.params[i] *= 2;      /* larger weights, larger gradients */
    fill_uniform(x, 90, &rng, 1);
    net_loss(&c);
    memset(dl, 0, sizeof(dl));
    vr_loss_ce_backward(dl, probs, y, NULL, 0.1f, 1.0f, B, 3);
    vr_lstmnet_backward(&n, dl);
    for (int k = 0; k < n.nparam; k++)
        fd_check(n.param[k].name, &fd, n.params + n.param[k].off,
            n.grads + n.param[k].off, n.param[k].n, &rng, 1e-2, 16);
    vr_lstmnet_free(&n);
}
END_TEST

START_TEST(test_adam_formula)
{
    struct vr_adam a;
    struct vr_rng rng;
    float p[40], g[40];
    double q[40], m[40] = {0}, v[40] = {0};

    vr_rng_seed(&rng, vr_test_seed());
    fill_uniform(p, 40, &rng, 1);
    for (int i = 0; i < 40; i++)
        q[i] = p[i];
    ck_assert_int_eq(vr_adam_init(&a, 40), VR_OK);
    for (int t = 1; t <= 5; t++) {
        double lr = vr_adam_cosine_lr(1e-2, t - 1, 5);
        fill_uniform(g, 40, &rng, 1);
        vr_adam_step(&a, p, g, lr);
        for (int i = 0; i < 40; i++) {
            m[i] = 0.9 * m[i] + 0.1 * g[i];
            v[i] = 0.999 * v[i] + 0.001 * (double)g[i] * g[i];
            q[i] -= lr / (1 - pow(0.9, t)) * m[i] /
                (sqrt(v[i]) / sqrt(1 - pow(0.999, t)) + 1e-8);
        }
    }
    for (int i = 0; i < 40; i++)
        ck_assert_msg(fabs(p[i] - q[i]) < 1e-6, "adam[%d] %.9g vs %.9g", i,
            (double)p[i], q[i]);
    ck_assert(vr_adam_cosine_lr(1e-3, 0, 10) == 1e-3);
    ck_assert(fabs(vr_adam_cosine_lr(1e-3, 5, 10) - 5e-4) < 1e-15);
    /* clipping to norm 1 */
    for (int i = 0; i < 40; i++)
        g[i] = 0.5f;
    double norm = vr_adam_clip(g, 40, 1.0);
    ck_assert(fabs(norm - sqrt(10.0)) < 1e-9);
    double s = 0;
    for (int i = 0; i < 40; i++)
        s += (double)g[i] * g[i];
    ck_assert(fabs(sqrt(s) - 1.0) < 1e-5);
    vr_adam_free(&a);
}
END_TEST

/* ---------------------------------------------------------------- PyTorch fixtures */

static void
load_params(float *params, const struct vr_param *p, int np,
    const char *prefix)
{
    char name[160];
    for (int k = 0; k < np; k++) {
        snprintf(name, sizeof(name), "%s%s", prefix, p[k].name);
        double *v = vr_test_fixture(name, p[k].n);
        for (size_t i = 0; i < p[k].n; i++)
            params[p[k].off + i] = (float)v[i];
        free(v);
    }
}

static void
compare_params(const float *v, const struct vr_param *p, int np,
    const char *prefix, double rtol)
{
    char name[160];
    for (int k = 0; k < np; k++) {
        snprintf(name, sizeof(name), "%s%s", prefix, p[k].name);
        double *want = vr_test_fixture(name, p[k].n);
        vr_test_compare(name, v + p[k].off, want, p[k].n, rtol);
        free(want);
    }
}

START_TEST(test_fixture_lstm)
{
    struct vr_lstmnet n;
    struct vr_adam adam;
    int B = 4, T = 60, C = 8, H = 128;
    float *x = vr_test_fixture_f32("lstm_x", (size_t)B * T * C), logits[12],
        probs[12], dl[12];
    int *y = vr_test_fixture_labels("lstm_y", (size_t)B);
    double *want;

    /* one thread, and three: the recurrence in uneven batch slices */
    vr_gemm_set_threads(_i == 0 ? 1 : 3);
    ck_assert_int_eq(vr_lstmnet_init(&n, 2, C, H, 3), VR_OK);
    load_params(n.params, n.param, n.nparam, "lstm_param.");
    ck_assert_int_eq(vr_lstmnet_forward(&n, logits, x, B, T), VR_OK);
    want = vr_test_fixture("lstm_logits", 12);
    vr_test_compare("lstm_logits", logits, want, 12, 1e-5);
    free(want);
    /* h_n, c_n: (L, B, H), last step of each layer */
    want = vr_test_fixture("lstm_h_n", 2 * (size_t)B * H);
    for (int l = 0; l < 2; l++)
        vr_test_compare("lstm_h_n", n.h[l] + (size_t)(T - 1) * B * H,
            want + (size_t)l * B * H, (size_t)B * H, 1e-5);
    free(want);
    want = vr_test_fixture("lstm_c_n", 2 * (size_t)B * H);
    for (int l = 0; l < 2; l++)
        vr_test_compare("lstm_c_n", n.c[l] + (size_t)(T - 1) * B * H,
            want + (size_t)l * B * H, (size_t)B * H, 1e-5);
    free(want);
    double loss = vr_loss_ce_forward(probs, logits, y, NULL, 0.1f, B, 3);
    want = vr_test_fixture("lstm_loss", 1);
    ck_assert_msg(fabs(loss - want[0]) <= 1e-6 * fabs(want[0]),
        "lstm loss %.9g vs %.9g", loss, want[0]);
    free(want);
    memset(dl, 0, sizeof(dl));
    vr_loss_ce_backward(dl, probs, y, NULL, 0.1f, 1.0f, B, 3);
    vr_lstmnet_backward(&n, dl);
    compare_params(n.grads, n.param, n.nparam, "lstm_grad.", 1e-5);

    /* two Adam steps at lr 1e-3 on the same batch */
    ck_assert_int_eq(vr_adam_init(&adam, n.nparams), VR_OK);
    vr_adam_step(&adam, n.params, n.grads, 1e-3);
    memset(n.grads, 0, n.nparams * sizeof(float));
    vr_lstmnet_forward(&n, logits, x, B, T);
    vr_loss_ce_forward(probs, logits, y, NULL, 0.1f, B, 3);
    memset(dl, 0, sizeof(dl));
    vr_loss_ce_backward(dl, probs, y, NULL, 0.1f, 1.0f, B, 3);
    vr_lstmnet_backward(&n, dl);
    vr_adam_step(&adam, n.params, n.grads, 1e-3);
    /*
     * Adam divides each gradient by its own magnitude, so an element whose
     * gradient is float32 noise moves by a full step either way: compare
     * the parameters at 1e-4 of their scale, and the update (after minus
     * before) at 1e-2 of the update's scale (a missing bias correction is
     * off by a factor of 5 or more).
     */
    compare_params(n.params, n.param, n.nparam, "lstm_adam2.", 1e-4);
    for (int k = 0; k < n.nparam; k++) {
        char name[160];
        snprintf(name, sizeof(name), "lstm_param.%s", n.param[k].name);
        double *p0 = vr_test_fixture(name, n.param[k].n);
        snprintf(name, sizeof(name), "lstm_adam2.%s", n.param[k].name);
        double *p2 = vr_test_fixture(name, n.param[k].n);
        float *d = malloc(n.param[k].n * sizeof(float));
        for (size_t i = 0; i < n.param[k].n; i++) {
            d[i] = (float)(n.params[n.param[k].off + i] - (float)p0[i]);
            p2[i] -= p0[i];
        }
        vr_test_compare(name, d, p2, n.param[k].n, 1e-2);
        free(p0);
        free(p2);
        free(d);
    }
    vr_adam_free(&adam);
    vr_lstmnet_free(&n);
    free(x);
    free(y);
}
END_TEST

/* The distillation loss the MLP fixtures' gradients are of:
 * alpha ce + beta kl T^2 + gamma (l1 sum|W| + l2 sum max(0, |W| - tau)). */
START_TEST(test_fixture_mlp)
{
    static const char *acts[] = {"relu", "sq", "cubic", "relu3", "swish3"};
    const char *act = acts[_i];
    struct vr_mlp m;
    struct vr_act a[3];
    int dims[5] = {480, 128, 64, 32, 3}, B = 8;
    float *x = vr_test_fixture_f32("mlp_x", (size_t)B * 480), logits[24], p[24],
        dl[24];
    float *teacher = vr_test_fixture_f32("mlp_teacher_logits", 24);
    int *y = vr_test_fixture_labels("mlp_y", (size_t)B);
    const double alpha = 0.5, beta = 0.5, gamma = 0.1, l1 = 1e-4,
        l2 = 1e-2, tau = 0.5;
    char name[128];
    double *want;

    for (int l = 0; l < 3; l++)
        ck_assert_int_eq(vr_act_lookup(&a[l], act), VR_OK);
    ck_assert_int_eq(vr_mlp_init(&m, dims, 4, a), VR_OK);
    snprintf(name, sizeof(name), "mlp_%s_param.", act);
    load_params(m.params, m.param, m.nparam, name);
    ck_assert_int_eq(vr_mlp_forward(&m, logits, x, B), VR_OK);
    snprintf(name, sizeof(name), "mlp_%s_logits", act);
    want = vr_test_fixture(name, 24);
    vr_test_compare(name, logits, want, 24, 1e-5);
    free(want);

    double ls = vr_loss_ce_forward(p, logits, y, NULL, 0.1f, B, 3);
    snprintf(name, sizeof(name), "mlp_%s_ce_ls01", act);
    want = vr_test_fixture(name, 1);
    ck_assert_msg(fabs(ls - want[0]) <= 1e-5 * fabs(want[0]),
        "%s: %.9g vs %.9g", name, ls, want[0]);
    free(want);

    memset(dl, 0, sizeof(dl));
    double ce = vr_loss_ce_forward(p, logits, y, NULL, 0.0f, B, 3);
    vr_loss_ce_backward(dl, p, y, NULL, 0.0f, (float)alpha, B, 3);
    double kl = vr_loss_kd_forward(p, logits, teacher, 3.0f, B, 3);
    vr_loss_kd_backward(dl, p, teacher, 3.0f, (float)beta, B, 3);
    double reg = 0;
    for (int l = 0; l < 4; l++)
        for (size_t i = 0; i < m.param[2 * l].n; i++) {
            double w = m.W[l][i], aw = fabs(w), s = w > 0 ? 1 : w < 0 ? -1 : 0;
            reg += l1 * aw + l2 * fmax(0, aw - tau);
            m.dW[l][i] += (float)(gamma * (l1 * s + (aw > tau ? l2 * s : 0)));
        }
    snprintf(name, sizeof(name), "mlp_%s_losses_ce_klT2_reg_total", act);
    want = vr_test_fixture(name, 4);
    double got[4] = {ce, kl, reg, alpha * ce + beta * kl + gamma * reg};
    for (int k = 0; k < 4; k++)
        ck_assert_msg(fabs(got[k] - want[k]) <= 1e-5 * fabs(want[k]) + 1e-9,
            "%s[%d]: %.9g vs %.9g", name, k, got[k], want[k]);
    free(want);
    vr_mlp_backward(&m, dl);
    snprintf(name, sizeof(name), "mlp_%s_grad.", act);
    compare_params(m.grads, m.param, m.nparam, name, 1e-5);
    vr_mlp_free(&m);
    free(x);
    free(teacher);
    free(y);
}
END_TEST

static Suite *
nn_suite(void)
{
    Suite *s = suite_create("nn");
    TCase *tc = tcase_create("kernels");
    TCase *tf = tcase_create("fixtures");

    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_gemm_naive, 0, 16);
    tcase_add_test(tc, test_dense_fd);
    tcase_add_loop_test(tc, test_act_fd, 0, 6);
    tcase_add_test(tc, test_act_values);
    tcase_add_loop_test(tc, test_loss_fd, 0, 5);
    tcase_add_test(tc, test_loss_values);
    tcase_add_test(tc, test_lstm_fd);
    tcase_add_loop_test(tc, test_mlp_fd, 0, 4);
    tcase_add_test(tc, test_lstmnet_fd);
    tcase_add_test(tc, test_adam_formula);
    suite_add_tcase(s, tc);
    tcase_set_timeout(tf, 60);
    tcase_add_loop_test(tf, test_fixture_lstm, 0, 2);
    tcase_add_loop_test(tf, test_fixture_mlp, 0, 5);
    suite_add_tcase(s, tf);
    return s;
}

int
main(void)
{
    return vr_test_run(nn_suite());
}
