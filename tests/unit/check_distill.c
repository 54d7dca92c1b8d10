/*
 * Unit tests for vr-distill's part of lib/nn: the distillation loss
 * (nn/kd.h) against the PyTorch fixtures and finite differences, the
 * polynomial fits (nn/poly.h: exactness on polynomials, symmetry, the
 * reference's coefficients), the learnable coefficients' gradient against
 * finite differences, the teacher-logit cache round trip, and the
 * training loop (nn/distill.h) on a learnable generated dataset.
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
#include "nn/dense.h"
#include "nn/distill.h"
#include "nn/kd.h"
#include "nn/mlp.h"
#include "nn/poly.h"
#include "stream/dataset.h"
#include "stream/stream.h"

/* ---------------------------------------------------------------- helpers */



static void
kd_fixture_opts(struct vr_kd_opts *o)
{
    vr_kd_defaults(o);
    o->alpha = 0.5;
    o->beta = 0.5;
    o->T = 3;
    o->gamma = 0.1;
    o->l1 = 1e-4;
    o->l2 = 1e-2;
    o->tau = 0.5;
}

/* ---------------------------------------------------------------- kd loss */

/* vr_kd_loss's four parts and the gradient of its total against the
 * PyTorch fixtures, for each of the five activations. */
START_TEST(test_fixture_kd)
{
    static const char *acts[] = {"relu", "sq", "cubic", "relu3", "swish3"};
    const char *act = acts[_i];
    struct vr_mlp m;
    struct vr_act a[3];
    struct vr_kd_opts o;
    struct vr_kd_loss parts;
    int dims[5] = {480, 128, 64, 32, 3}, B = 8;
    float *x = vr_test_fixture_f32("mlp_x", (size_t)B * 480), z[24], dz[24], scr[48];
    float *zt = vr_test_fixture_f32("mlp_teacher_logits", 24);
    int *y = vr_test_fixture_labels("mlp_y", (size_t)B);
    char name[128];

    for (int l = 0; l < 3; l++)
        ck_assert_int_eq(vr_act_lookup(&a[l], act), VR_OK);
    ck_assert_int_eq(vr_mlp_init(&m, dims, 4, a), VR_OK);
    for (int k = 0; k < m.nparam; k++) {
        snprintf(name, sizeof(name), "mlp_%s_param.%s", act, m.param[k].name);
        double *v = vr_test_fixture(name, m.param[k].n);
        for (size_t i = 0; i < m.param[k].n; i++)
            m.params[m.param[k].off + i] = (float)v[i];
        free(v);
    }
    ck_assert_int_eq(vr_mlp_forward(&m, z, x, B), VR_OK);
    kd_fixture_opts(&o);
    memset(dz, 0, sizeof(dz));
    memset(m.grads, 0, m.nparams * sizeof(float));
    double total = vr_kd_loss(&parts, dz, &m, scr, z, y, zt, &o, B, 3);
    snprintf(name, sizeof(name), "mlp_%s_losses_ce_klT2_reg_total", act);
    double *want = vr_test_fixture(name, 4);
    double got[4] = {parts.ce, parts.kl, parts.reg, total};
    for (int k = 0; k < 4; k++)
        ck_assert_msg(fabs(got[k] - want[k]) <= 1e-5 * fabs(want[k]) + 1e-9,
            "%s[%d]: %.9g vs %.9g", name, k, got[k], want[k]);
    free(want);
    vr_mlp_backward(&m, dz);
    for (int k = 0; k < m.nparam; k++) {
        snprintf(name, sizeof(name), "mlp_%s_grad.%s", act, m.param[k].name);
        want = vr_test_fixture(name, m.param[k].n);
        vr_test_compare(name, m.grads + m.param[k].off, want, m.param[k].n, 1e-5);
        free(want);
    }
    vr_mlp_free(&m);
    free(x);
    free(zt);
    free(y);
}
END_TEST

/* d total / d z and d total / d W (the regulariser, weights spread across
 * tau) against centred finite differences, for each variant's weights. */
START_TEST(test_kd_fd)
{
    struct vr_rng rng;
    struct vr_mlp m;
    struct vr_act a[1];
    struct vr_kd_opts o;
    int dims[3] = {5, 4, 3}, B = 6, V = 3, y[6];
    float z[18], zt[18], dz[18], scr[36], tmp[18];

    vr_rng_seed(&rng, vr_test_seed() + (uint64_t)_i);
    vr_act_lookup(&a[0], "relu");
    ck_assert_int_eq(vr_mlp_init(&m, dims, 2, a), VR_OK);
    for (size_t i = 0; i < m.nparams; i++)
        m.params[i] = (float)(2 * vr_rng_uniform(&rng) - 1);
    for (int i = 0; i < 18; i++) {
        z[i] = (float)(4 * vr_rng_uniform(&rng) - 2);
        zt[i] = (float)(4 * vr_rng_uniform(&rng) - 2);
    }
    for (int n = 0; n < B; n++)
        y[n] = (int)vr_rng_below(&rng, 3);
    kd_fixture_opts(&o);
    o.alpha = 0.3 + 0.2 * _i;
    o.beta = 1.1 - 0.2 * _i;
    o.T = 1 + _i;
    o.gamma = 0.5;
    o.smoothing = _i == 2 ? 0.1 : 0;
    memset(dz, 0, sizeof(dz));
    memset(m.grads, 0, m.nparams * sizeof(float));
    vr_kd_loss(NULL, dz, &m, scr, z, y, zt, &o, B, V);
    // logits: the loss is smooth there
    for (int i = 0; i < 18; i++) {
        float junk[18];
        double h = 1e-2, lp, lm;
        memcpy(tmp, z, sizeof(z));
        tmp[i] = z[i] + (float)h;
        lp = vr_kd_loss(NULL, junk, NULL, scr, tmp, y, zt, &o, B, V);
        tmp[i] = z[i] - (float)h;
        lm = vr_kd_loss(NULL, junk, NULL, scr, tmp, y, zt, &o, B, V);
        double fd = (lp - lm) / (2 * h);
        ck_assert_msg(fabs(fd - dz[i]) <= 1e-3 * (1 + fabs(fd)),
            "dz[%d]: %.7g vs fd %.7g", i, (double)dz[i], fd);
    }
    // weights: away from the kinks at 0 and +-tau
    for (size_t i = 0; i < m.nparams; i++) {
        bool bias = i >= 20 && i < 24;
        if (i >= 36)
            bias = true;
        double w = m.params[i], h = 1e-3;
        if (bias || fabs(fabs(w) - o.tau) < 2 * h || fabs(w) < 2 * h)
            continue;
        m.params[i] = (float)(w + h);
        double rp = vr_kd_reg(&m, o.l1, o.l2, o.tau, 0);
        m.params[i] = (float)(w - h);
        double rm = vr_kd_reg(&m, o.l1, o.l2, o.tau, 0);
        m.params[i] = (float)w;
        double fd = o.gamma * (rp - rm) / (2 * h);
        ck_assert_msg(fabs(fd - m.grads[i]) <= 1e-4 + 1e-2 * fabs(fd),
            "dW[%zu]: %.7g vs fd %.7g", i, (double)m.grads[i], fd);
    }
    // biases are not regularised
    for (size_t i = 20; i < 24; i++)
        ck_assert(m.grads[i] == 0);
    vr_mlp_free(&m);
}
END_TEST

START_TEST(test_tau)
{
    ck_assert(fabs(vr_kd_tau(8, 8) - 127.0 / 256) < 1e-15);
    ck_assert(fabs(vr_kd_tau(4, 3) - 7.0 / 8) < 1e-15);
    ck_assert(fabs(vr_kd_tau(16, 15) - 32767.0 / 32768) < 1e-15);
}
END_TEST

/* ---------------------------------------------------------------- fits */

/* p(x) = 1 - 2x + 0.5 x^3 - 0.1 x^5 */
static double
poly5(double x, void *ctx)
{
    (void)ctx;
    return 1 - 2 * x + 0.5 * x * x * x - 0.1 * x * x * x * x * x;
}

/* Chebyshev and least-squares fits of a degree-5 polynomial of degree 5
 * and more reproduce it, on a symmetric and a shifted interval. */
START_TEST(test_fit_exact)
{
    static const double want[6] = {1, -2, 0, 0.5, 0, -0.1};
    double c[VR_ACT_MAXDEG + 1];
    double iv[2][2] = {{-4, 4}, {-3, 1.5}};

    for (int j = 0; j < 2; j++)
        for (int deg = 5; deg <= VR_ACT_MAXDEG; deg++) {
            ck_assert_int_eq(vr_poly_cheb_fit(c, deg, poly5, NULL, iv[j][0],
                iv[j][1]), VR_OK);
            for (int k = 0; k <= deg; k++)
                ck_assert_msg(fabs(c[k] - (k < 6 ? want[k] : 0)) < 1e-9,
                    "cheb deg %d c%d = %.17g", deg, k, c[k]);
            ck_assert_int_eq(vr_poly_lsq_fit(c, deg, poly5, NULL, iv[j][0],
                iv[j][1], 101), VR_OK);
            for (int k = 0; k <= deg; k++)
                ck_assert_msg(fabs(c[k] - (k < 6 ? want[k] : 0)) < 1e-8,
                    "lsq deg %d c%d = %.17g", deg, k, c[k]);
        }
    ck_assert_int_eq(vr_poly_cheb_fit(c, VR_ACT_MAXDEG + 1, poly5, NULL, -1,
        1), VR_ERANGE);
    ck_assert_int_eq(vr_poly_cheb_fit(c, 3, poly5, NULL, 1, -1), VR_ERANGE);
    ck_assert_int_eq(vr_poly_lsq_fit(c, 3, poly5, NULL, -1, 1, 3), VR_ERANGE);
}
END_TEST

static double
fn(double x, void *ctx)
{
    return vr_poly_fn_eval(*(int *)ctx, x);
}

/* Odd/even structure on a symmetric interval: ReLU and swish are x/2 plus
 * an even function (c1 = 1/2, no odd power above 1); tanh is odd. And the
 * fits get better with the degree (sup error on a fine grid). */
START_TEST(test_fit_symmetry)
{
    for (int f = 0; f < VR_POLY_NFN; f++) {
        double prev = INFINITY;
        for (int deg = 2; deg <= VR_ACT_MAXDEG; deg += 2) {
            double c[VR_ACT_MAXDEG + 1], e = 0;
            ck_assert_int_eq(vr_poly_cheb_fit(c, deg, fn, &f, -4, 4), VR_OK);
            for (int k = 0; k <= deg; k++) {
                if (f == VR_POLY_TANH && k % 2 == 0)
                    ck_assert_msg(c[k] == 0, "tanh c%d = %g", k, c[k]);
                if (f != VR_POLY_TANH && k % 2 == 1)
                    ck_assert_msg(c[k] == (k == 1 ? 0.5 : 0), "%s c%d = %g",
                        vr_poly_fn_names[f], k, c[k]);
            }
            for (int i = 0; i <= 800; i++) {
                double x = -4 + i / 100.0, p = 0;
                for (int k = deg; k >= 0; k--)
                    p = p * x + c[k];
                e = fmax(e, fabs(p - vr_poly_fn_eval(f, x)));
            }
            ck_assert_msg(e < prev, "%s: degree %d error %g, not below %g",
                vr_poly_fn_names[f], deg, e, prev);
            prev = e;
        }
        // degree 8 on [-4, 4]: within 0.16 of the function everywhere
        ck_assert_msg(prev < 0.16, "%s: degree 8 error %g",
            vr_poly_fn_names[f], prev);
    }
}
END_TEST

/* The reference's relu3 and swish3 (numpy polyfit, 10001 points on
 * [-4, 4]) are lsq:relu:3 and lsq:swish:3; srelu3 is the Taylor form. */
START_TEST(test_fit_reference)
{
    struct vr_act a, b;
    double lo = -4, hi = 4;
    static const char *pairs[][2] = {{"lsq:relu:3", "relu3"},
        {"lsq:swish:3", "swish3"}, {"srelu3:1", "srelu3"}};

    for (int j = 0; j < 3; j++) {
        ck_assert_int_eq(vr_poly_parse(&a, &lo, &hi, pairs[j][0]), VR_OK);
        ck_assert_int_eq(vr_act_lookup(&b, pairs[j][1]), VR_OK);
        ck_assert_int_eq(a.degree, b.degree);
        for (int k = 0; k <= a.degree; k++)
            ck_assert_msg(fabs(a.c[k] - b.c[k]) < 1e-9, "%s c%d: %.17g vs "
                "%.17g", pairs[j][0], k, a.c[k], b.c[k]);
    }
    // Taylor: error O(x^4) near 0
    double c[4];
    ck_assert_int_eq(vr_poly_taylor_srelu(c, 0.25), VR_OK);
    for (double x = -0.2; x <= 0.2; x += 0.05) {
        double f = (x + sqrt(x * x + 0.25)) / 2;
        double p = c[0] + c[1] * x + c[2] * x * x + c[3] * x * x * x;
        ck_assert(fabs(f - p) <= 0.7 * x * x * x * x + 1e-15);
    }
    ck_assert_int_eq(vr_poly_taylor_srelu(c, 0), VR_ERANGE);
}
END_TEST

START_TEST(test_parse)
{
    struct vr_act a;
    double lo = -4, hi = 4;

    ck_assert_int_eq(vr_poly_parse(&a, &lo, &hi, "cheb:swish:6:-2:3"), VR_OK);
    ck_assert_str_eq(a.name, "cheb_swish6");
    ck_assert_int_eq(a.degree, 6);
    ck_assert(lo == -2 && hi == 3);
    ck_assert_int_eq(vr_poly_parse(&a, &lo, &hi, "cubic"), VR_OK);
    ck_assert(lo == -2 && hi == 3);
    static const char *bad[] = {"cheb:gelu:3", "cheb:relu:9", "cheb:relu:0",
        "cheb:relu:2.5", "cheb:relu:3:1", "cheb:relu:3:2:1", "lsq:tanh",
        "srelu3:", "srelu3:-1", "nosuch", "cheb:relu:3:0:1:5"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(vr_poly_parse(&a, &lo, &hi, bad[i]) == VR_ERANGE,
            "%s accepted", bad[i]);
}
END_TEST

/* ---------------------------------------------------------------- coefficients */

/* One hidden layer: loss = sum_n sum_k g_nk z_nk with z = W2 f(W1 x + b1) +
 * b2.  d loss / d c_k through vr_poly_coef_backward against centred
 * finite differences of the coefficients. */
static double
coef_loss(struct vr_mlp *m, const float *x, const float *g, int B)
{
    float z[3 * 16];
    ck_assert_int_eq(vr_mlp_forward(m, z, x, B), VR_OK);
    double acc = 0;
    for (int i = 0; i < 3 * B; i++)
        acc += (double)g[i] * z[i];
    return acc;
}

START_TEST(test_coef_fd)
{
    static const char *spec[] = {"cubic", "swish3", "cheb:tanh:5",
        "cheb:relu:6:-3:3"};
    struct vr_rng rng;
    struct vr_mlp m;
    struct vr_act a;
    double lo = -4, hi = 4, dc[VR_ACT_MAXDEG + 1] = {0};
    int dims[3] = {6, 5, 3}, B = 16;
    float x[16 * 6], g[16 * 3], d1[16 * 5];

    vr_rng_seed(&rng, vr_test_seed() + (uint64_t)_i);
    ck_assert_int_eq(vr_poly_parse(&a, &lo, &hi, spec[_i]), VR_OK);
    ck_assert_int_eq(vr_mlp_init(&m, dims, 2, &a), VR_OK);
    for (size_t i = 0; i < m.nparams; i++)
        m.params[i] = (float)(vr_rng_uniform(&rng) - 0.5);
    for (int i = 0; i < 16 * 6; i++)
        x[i] = (float)vr_rng_normal(&rng);
    for (int i = 0; i < 16 * 3; i++)
        g[i] = (float)vr_rng_normal(&rng);
    coef_loss(&m, x, g, B);
    // d loss / d out_0 = g W2
    memset(d1, 0, sizeof(d1));
    vr_dense_backward(d1, 5, m.dW[1], m.db[1], g, m.out[0], 5, m.W[1], B, 5,
        3);
    vr_poly_coef_backward(dc, d1, m.pre[0], (size_t)B * 5, a.degree);
    for (int k = 0; k <= a.degree; k++) {
        double c = m.act[0].c[k], h = 1e-3;
        m.act[0].c[k] = c + h;
        double lp = coef_loss(&m, x, g, B);
        m.act[0].c[k] = c - h;
        double lm = coef_loss(&m, x, g, B);
        m.act[0].c[k] = c;
        double fd = (lp - lm) / (2 * h);
        ck_assert_msg(fabs(fd - dc[k]) <= 2e-3 * (1 + fabs(fd)),
            "%s dc%d: %.7g vs fd %.7g", spec[_i], k, dc[k], fd);
    }
    vr_mlp_free(&m);
}
END_TEST

/* ---------------------------------------------------------------- cache */

START_TEST(test_logits_roundtrip)
{
    struct vr_dataset d;
    struct vr_reader r;
    struct vr_writer w;
    char *buf = NULL;
    size_t len = 0;
    float *z, *back = NULL;
    uint64_t tfp = 0;
    FILE *f;

    vr_test_learnable_dataset(&d, 200, 6, 7);
    z = malloc(200 * 3 * sizeof(float));
    for (int i = 0; i < 600; i++)
        z[i] = (float)sin(i * 0.37) * 3;
    f = open_memstream(&buf, &len);
    vr_writer_init(&w, f);
    ck_assert_int_eq(vr_kd_logits_write(&w, z, 200, 3, 0x0123456789abcdefULL,
        "lstm", vr_kd_dataset_fingerprint(&d), NULL, "test"), VR_OK);
    fclose(f);

    f = fmemopen(buf, len, "rb");
    ck_assert_int_eq(vr_reader_open(&r, f, "logits"), VR_OK);
    ck_assert_int_eq(vr_kd_logits_read(&back, &tfp, &r, &d, 3), VR_OK);
    ck_assert(tfp == 0x0123456789abcdefULL);
    ck_assert(memcmp(back, z, 600 * sizeof(float)) == 0);
    free(back);
    vr_reader_free(&r);
    fclose(f);

    // another dataset (one label changed): refused
    d.label[17] = (int8_t)((d.label[17] + 1) % 3);
    f = fmemopen(buf, len, "rb");
    ck_assert_int_eq(vr_reader_open(&r, f, "logits"), VR_OK);
    ck_assert_int_eq(vr_kd_logits_read(&back, &tfp, &r, &d, 3), VR_ESHAPE);
    ck_assert_ptr_null(back);
    ck_assert(strstr(r.msg, "dataset") != NULL);
    vr_reader_free(&r);
    fclose(f);
    d.label[17] = (int8_t)((d.label[17] + 2) % 3);

    // truncated anywhere: an error, never a partial result
    for (size_t cut = 1; cut < len; cut += len / 7 + 1) {
        f = fmemopen(buf, cut, "rb");
        int rc = vr_reader_open(&r, f, "logits");
        if (rc == VR_OK)
            rc = vr_kd_logits_read(&back, &tfp, &r, &d, 3);
        ck_assert_msg(rc < 0, "cut at %zu accepted", cut);
        ck_assert_ptr_null(back);
        vr_reader_free(&r);
        fclose(f);
    }
    free(buf);
    free(z);
    vr_dataset_free(&d);
}
END_TEST

/* ---------------------------------------------------------------- training */

static void
make_student(struct vr_model *m, const struct vr_dataset *d, const char *spec,
    uint64_t seed)
{
    struct vr_act a[3];
    struct vr_rng rng;
    double lo = -4, hi = 4;
    int dims[5] = {d->T * d->C, 32, 16, 8, 3};

    for (int l = 0; l < 3; l++)
        ck_assert_int_eq(vr_poly_parse(&a[l], &lo, &hi, spec), VR_OK);
    ck_assert_int_eq(vr_model_init(m, VR_ARCH_MLP, dims, 5, a, d), VR_OK);
    vr_rng_seed(&rng, seed);
    vr_model_init_params(m, &rng);
}

static double
split_f1(struct vr_model *m, const struct vr_dataset *d, int split)
{
    struct vr_metrics mt;
    struct vr_scores s;
    ck_assert_int_eq(vr_model_score(m, &mt, d, split), VR_OK);
    vr_metrics_scores(&s, &mt, VR_METRICS_ALL);
    return s.macro_f1;
}

/* A teacher made of the true rule (logits +-4 on the label) taught to a
 * cubic student, soft targets only: the student learns the rule; the
 * same run twice gives the same bits; learnable coefficients move and
 * stay finite. */
START_TEST(test_distill_learns)
{
    struct vr_dataset d;
    struct vr_model m, m2;
    struct vr_distill_opts o;
    struct vr_distill_stats st;
    int best;
    float *tl;

    vr_test_learnable_dataset(&d, 5000, 6, 11);
    tl = malloc(d.nsamples * 3 * sizeof(float));
    for (size_t s = 0; s < d.nsamples; s++)
        for (int k = 0; k < 3; k++)
            tl[s * 3 + k] = k == d.label[s] ? 4.0f : 0.0f;
    vr_distill_defaults(&o);
    vr_distill_variant(&o, VR_DISTILL_SOFT);
    o.train.epochs = 8;
    o.train.lr = 3e-3;
    o.train.patience = 0;
    o.train.clip = 1;
    o.range = 1;
    make_student(&m, &d, "cubic", 1);
    ck_assert_int_eq(vr_distill_init_scale(&m, &d, 512, 1.0), VR_OK);
    ck_assert_int_eq(vr_distill(&m, &best, &st, &d, tl, &o, NULL, NULL),
        VR_OK);
    ck_assert(!st.diverged);
    double f1 = split_f1(&m, &d, VR_SPLIT_TEST);
    ck_assert_msg(f1 > 0.6, "test macro-F1 %.3f", f1);

    make_student(&m2, &d, "cubic", 1);
    ck_assert_int_eq(vr_distill_init_scale(&m2, &d, 512, 1.0), VR_OK);
    ck_assert_int_eq(vr_distill(&m2, &best, &st, &d, tl, &o, NULL, NULL),
        VR_OK);
    ck_assert(memcmp(m.params, m2.params, m.nparams * sizeof(float)) == 0);
    vr_model_free(&m2);

    // learnable coefficients: trained, finite, different from the start
    o.learn = true;
    o.train.epochs = 2;
    make_student(&m2, &d, "swish3", 2);
    double c0 = m2.mlp.act[0].c[2];
    ck_assert_int_eq(vr_distill(&m2, &best, &st, &d, tl, &o, NULL, NULL),
        VR_OK);
    ck_assert(m2.mlp.act[0].c[2] != c0 && isfinite(m2.mlp.act[0].c[2]));
    ck_assert(m2.mlp.act[1].c[2] != m2.mlp.act[0].c[2]);
    vr_model_free(&m2);

    // the teacher is needed unless the variant is scratch
    ck_assert_int_eq(vr_distill(&m, &best, &st, &d, NULL, &o, NULL, NULL),
        VR_EFORMAT);
    vr_model_free(&m);
    free(tl);
    vr_dataset_free(&d);
}
END_TEST

/* Scale-aware initialisation: every unit's pre-activation on the sample
 * has mean 0 and the target spread. */
START_TEST(test_init_scale)
{
    struct vr_dataset d;
    struct vr_model m;
    float z[3 * 256];

    vr_test_learnable_dataset(&d, 1000, 6, 3);
    make_student(&m, &d, "sq", 5);
    ck_assert_int_eq(vr_distill_init_scale(&m, &d, 256, 0.5), VR_OK);
    // the same evenly spread sample the initialisation used
    float *x = malloc(256 * 48 * sizeof(float));
    size_t *idx, n;
    ck_assert_int_eq(vr_dataset_split(&d, VR_SPLIT_TRAIN, &idx, &n), VR_OK);
    for (int i = 0; i < 256; i++)
        vr_dataset_window(&d, x + (size_t)i * 48, idx[(size_t)i * n / 256]);
    ck_assert_int_eq(vr_model_forward(&m, z, x, 256), VR_OK);
    for (int l = 0; l < 3; l++) {
        int OC = m.mlp.dims[l + 1];
        for (int o = 0; o < OC; o++) {
            double s1 = 0, s2 = 0;
            for (int b = 0; b < 256; b++) {
                double u = m.mlp.pre[l][(size_t)b * OC + (size_t)o];
                s1 += u;
                s2 += u * u;
            }
            double mean = s1 / 256, sd = sqrt(s2 / 256 - mean * mean);
            ck_assert_msg(fabs(mean) < 1e-4 && fabs(sd - 0.5) < 1e-3,
                "layer %d unit %d: mean %g sd %g", l, o, mean, sd);
        }
    }
    free(idx);
    free(x);
    vr_model_free(&m);
    vr_dataset_free(&d);
}
END_TEST

/* Calibration: logits that rank SELL and BUY right but too low; the
 * search finds offsets that make macro-F1 1. */
START_TEST(test_calibrate)
{
    float z[300];
    int y[100];
    double off[3], before, after;

    for (int i = 0; i < 100; i++) {
        y[i] = i % 10 == 0 ? VR_SELL : i % 10 == 1 ? VR_BUY : VR_HOLD;
        z[3 * i] = y[i] == VR_SELL ? 1.5f : 0.0f;
        z[3 * i + 1] = 2.0f;
        z[3 * i + 2] = y[i] == VR_BUY ? 1.0f : -0.5f;
    }
    vr_distill_calibrate_logits(off, &before, &after, z, y, 100);
    ck_assert(fabs(before - 160.0 / 180 / 3) < 1e-12);    /* all HOLD */
    ck_assert(after == 1.0);
    ck_assert(off[0] > 0.5 && off[0] < 2.0 && off[2] > 1.0 && off[2] < 2.5);
}
END_TEST

START_TEST(test_sparsity)
{
    struct vr_dataset d;
    struct vr_model m;

    vr_test_learnable_dataset(&d, 100, 6, 3);
    make_student(&m, &d, "relu", 1);
    for (int l = 0; l < m.mlp.L; l++) {
        size_t n = (size_t)m.mlp.dims[l] * (size_t)m.mlp.dims[l + 1];
        for (size_t i = 0; i < n; i++)
            m.mlp.W[l][i] = i % 4 == 0 ? 0.001f : 1.0f;
    }
    double sp = vr_distill_sparsity(&m, 1.0 / 512);
    size_t nw = 48 * 32 + 32 * 16 + 16 * 8 + 8 * 3;
    // a quarter of each layer's weights (rounded up per layer)
    size_t want = (48 * 32 + 3) / 4 + (32 * 16 + 3) / 4 + (16 * 8 + 3) / 4 +
        (8 * 3 + 3) / 4;
    ck_assert(fabs(sp - (double)want / (double)nw) < 1e-12);
    vr_model_free(&m);
    vr_dataset_free(&d);
}
END_TEST

static Suite *
distill_suite(void)
{
    Suite *s = suite_create("distill");
    TCase *tk = tcase_create("kd");
    TCase *tp = tcase_create("poly");
    TCase *tt = tcase_create("train");

    tcase_set_timeout(tk, 60);
    tcase_add_loop_test(tk, test_fixture_kd, 0, 5);
    tcase_add_loop_test(tk, test_kd_fd, 0, 3);
    tcase_add_test(tk, test_tau);
    tcase_add_test(tk, test_logits_roundtrip);
    suite_add_tcase(s, tk);
    tcase_add_test(tp, test_fit_exact);
    tcase_add_test(tp, test_fit_symmetry);
    tcase_add_test(tp, test_fit_reference);
    tcase_add_test(tp, test_parse);
    tcase_add_loop_test(tp, test_coef_fd, 0, 4);
    suite_add_tcase(s, tp);
    tcase_set_timeout(tt, 120);
    tcase_add_test(tt, test_distill_learns);
    tcase_add_test(tt, test_init_scale);
    tcase_add_test(tt, test_calibrate);
    tcase_add_test(tt, test_sparsity);
    suite_add_tcase(s, tt);
    return s;
}

int
main(void)
{
    return vr_test_run(distill_suite());
}
