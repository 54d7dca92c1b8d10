/*
 * Unit tests for lib/quant: integer inference against a plain reference,
 * bounds, fake quantisation (PyTorch fixtures), bit allocation against
 * brute force, Hessian-vector products and Hutchinson traces.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmp.h>

#include "util_qmlp.h"
#include "util_test.h"
#include "vr.h"
#include "base/rng.h"
#include "nn/act.h"
#include "nn/mlp.h"
#include "quant/alloc.h"
#include "quant/fq.h"
#include "quant/hessian.h"
#include "quant/qmlp.h"
#include "quant/qmodel.h"
#include "quant/quantize.h"

/* ------------------------------------------------------------------ */
/* The reference: the semantics of qmlp.h written out plainly, with
 * floor division by explicit arithmetic and the polynomial as a sum of
 * powers (no Horner).  Returns the class, or -1 on a range violation. */

static vr_i128
ref_floordiv_pow2(vr_i128 x, int k)
{
    vr_i128 d = (vr_i128)1 << k, q = x / d;     /* C truncates toward 0 */

    if (x % d != 0 && x < 0)
        q -= 1;
    return q;
}

static vr_i128
ref_rs(vr_i128 x, int k)
{
    if (k == 0)
        return x;
    return ref_floordiv_pow2(x + ((vr_i128)1 << (k - 1)), k);
}

static int
ref_infer(const struct vr_qmlp *m, int64_t *logits, const int64_t *X)
{
    int64_t A[256], next[256];
    int C = m->lay[0].C;
    vr_i128 vmax = (vr_i128)1 << 62;
    static mpz_t pm;        /* 2^125, made once */
    static bool pm_set;

    if (!pm_set) {
        mpz_init(pm);
        mpz_ui_pow_ui(pm, 2, 125);
        pm_set = true;
    }

    memcpy(A, X, (size_t)C * sizeof(int64_t));
    for (int l = 0; l < m->L; l++) {
        const struct vr_qlayer *q = &m->lay[l];
        int fu = q->fin + q->fw - q->kpre;
        for (int o = 0; o < q->OC; o++) {
            vr_i128 z = q->b[o];
            for (int c = 0; c < q->C; c++)
                z += (vr_i128)q->W[o * q->C + c] * A[c];
            if (z > vmax || z < -vmax)
                return -1;
            vr_i128 u = ref_rs(z, q->kpre), a;
            if (q->act == VR_QACT_RELU)
                a = u < 0 ? 0 : u;
            else if (q->act == VR_QACT_POLY) {
                // P in GMP, exact whatever its size
                mpz_t p, t, uu;
                mpz_inits(p, t, uu, NULL);
                mpz_set_si(uu, (long)u);
                for (int k = 0; k <= q->deg; k++) {
                    mpz_pow_ui(t, uu, (unsigned long)k);
                    mpz_mul_si(t, t, (long)q->coef[k]);
                    mpz_mul_2exp(t, t, (mp_bitcnt_t)((q->deg - k) * fu));
                    mpz_add(p, p, t);
                }
                bool big = mpz_sizeinbase(p, 2) > 125 && mpz_cmpabs(p, pm) > 0;
                vr_i128 pv = 0;
                if (!big) {
                    // |p| <= 2^125: its two 64-bit halves
                    mpz_abs(t, p);
                    mpz_tdiv_q_2exp(uu, t, 64);
                    pv = ((vr_i128)mpz_get_ui(uu) << 64)
                        | (vr_i128)(uint64_t)mpz_get_ui(t);
                    if (mpz_sgn(p) < 0)
                        pv = -pv;
                }
                mpz_clears(p, t, uu, NULL);
                if (big)
                    return -1;
                a = ref_rs(pv, q->kpost);
            } else
                a = u;
            if (a > vmax || a < -vmax)
                return -1;
            next[o] = (int64_t)a;
        }
        memcpy(A, next, (size_t)q->OC * sizeof(int64_t));
    }
    int V = m->lay[m->L - 1].OC, cls = 0;
    for (int o = 0; o < V; o++) {
        logits[o] = A[o];
        if (A[o] > A[cls])
            cls = o;
    }
    return cls;
}

/* A random small model with small enough values that the reference's
 * plain int128 arithmetic cannot overflow. */
static void
random_qmlp(struct vr_qmlp *m, struct vr_rng *rng, int act)
{
    static const struct vr_test_qpoly poly = {1, 3, 12, 6};
    int L = 2 + (int)vr_rng_below(rng, 3), dims[VR_QMLP_MAXL + 1];

    dims[0] = 1 + (int)vr_rng_below(rng, 12);
    for (int l = 1; l <= L; l++)
        dims[l] = 1 + (int)vr_rng_below(rng, 8);
    dims[L] = 3;
    ck_assert_int_eq(vr_qmlp_init(m, dims, L), VR_OK);
    bool wide = vr_rng_below(rng, 4) == 0;  /* the __int128 path */
    m->in_bits = wide ? 20 + (int)vr_rng_below(rng, 13)
        : 4 + (int)vr_rng_below(rng, 8);
    int fin = (int)vr_rng_below(rng, 8);
    for (int l = 0; l < L; l++) {
        struct vr_qlayer *q = &m->lay[l];
        q->fin = fin;
        q->wbits = wide ? 16 + (int)vr_rng_below(rng, 16)
            : 2 + (int)vr_rng_below(rng, 7);
        q->fw = (int)vr_rng_below(rng, 8) - 1;
        if (act == VR_QACT_POLY && q->fin + q->fw < 0)
            q->fw = -q->fin;    /* a polynomial needs fu >= 0 */
        vr_test_qlayer_fill(q, rng, l == L - 1 ? VR_QACT_NONE : act, &poly);
        fin = vr_qlayer_fout(q);
    }
    ck_assert_int_eq(vr_qmlp_check(m), VR_OK);
}

START_TEST(test_infer_vs_reference)
{
    struct vr_rng rng;
    long iters = vr_test_iters(300);
    int nok = 0, nrange = 0;

    vr_rng_seed(&rng, vr_test_seed() + (uint64_t)_i);
    for (long it = 0; it < iters; it++) {
        struct vr_qmlp m;
        struct vr_qtrace tr;
        int64_t X[64], lg[3], lr[3];
        random_qmlp(&m, &rng, it % 2 ? VR_QACT_POLY : VR_QACT_RELU);
        ck_assert_int_eq(vr_qtrace_init(&tr, &m), VR_OK);
        for (int s = 0; s < 8; s++) {
            vr_test_qinput(X, &m, &rng);
            int want = ref_infer(&m, lr, X);
            int got = vr_qmlp_infer(&m, &tr, lg, X);
            if (want < 0) {
                ck_assert_int_eq(got, VR_ERANGE);
                nrange++;
                continue;
            }
            ck_assert_int_eq(got, want);
            ck_assert_int_eq(tr.cls, want);
            for (int o = 0; o < 3; o++)
                ck_assert(lg[o] == lr[o]);
            // the trace is consistent: z + 2^(k-1) = 2^k u + r, 0 <= r < 2^k
            for (int l = 0; l < m.L; l++) {
                const struct vr_qlayer *q = &m.lay[l];
                for (int o = 0; o < q->OC; o++) {
                    vr_i128 h = q->kpre ? (vr_i128)1 << (q->kpre - 1) : 0;
                    ck_assert(tr.z[l][o] + h == (vr_i128)tr.u[l][o]
                        * ((vr_i128)1 << q->kpre) + tr.rpre[l][o]);
                    ck_assert(tr.rpre[l][o] >= 0
                        && tr.rpre[l][o] < ((int64_t)1 << q->kpre));
                    if (q->act == VR_QACT_POLY) {
                        vr_i128 hp = q->kpost
                            ? (vr_i128)1 << (q->kpost - 1) : 0;
                        ck_assert(tr.p[l][o] + hp == (vr_i128)tr.a[l][o]
                            * ((vr_i128)1 << q->kpost) + tr.rpost[l][o]);
                    }
                }
            }
            nok++;
        }
        vr_qtrace_free(&tr);
        vr_qmlp_free(&m);
    }
    ck_assert_int_gt(nok, 0);
    fprintf(stderr, "infer_vs_reference: %d equal, %d out of range\n", nok,
        nrange);
}
END_TEST

/* Rounding edge cases: rs is round half up, input is round half even. */
START_TEST(test_rounding)
{
    vr_i128 r;

    ck_assert(vr_qmlp_rescale(&r, 3, 1) == 2 && r == 0);      /* 1.5 -> 2 */
    ck_assert(vr_qmlp_rescale(&r, -3, 1) == -1 && r == 0);    /* -1.5 -> -1 */
    ck_assert(vr_qmlp_rescale(&r, -5, 2) == -1 && r == 1);    /* -1.25 */
    ck_assert(vr_qmlp_rescale(&r, -6, 2) == -1 && r == 0);    /* -1.5 */
    ck_assert(vr_qmlp_rescale(&r, -7, 2) == -2 && r == 3);    /* -1.75 */
    ck_assert(vr_qmlp_rescale(&r, 7, 0) == 7 && r == 0);
    ck_assert(vr_qmlp_rescale(&r, ((vr_i128)1 << 125), 126) == 1);

    struct vr_qmlp m;
    int dims[2] = {6, 3};
    int64_t X[6];
    float x[6] = {0.25f, 0.75f, -0.25f, -0.75f, 100.0f, -1.0f / 8};
    ck_assert_int_eq(vr_qmlp_init(&m, dims, 1), VR_OK);
    m.in_bits = 8;
    m.lay[0].fin = 1;   /* x * 2: 0.5 1.5 -0.5 -1.5 200 -0.25 */
    ck_assert_int_eq(vr_qmlp_quantize_input(&m, X, x), VR_OK);
    ck_assert(X[0] == 0 && X[1] == 2 && X[2] == 0 && X[3] == -2);
    ck_assert(X[4] == 127 && X[5] == 0);
    x[0] = NAN;
    ck_assert_int_eq(vr_qmlp_quantize_input(&m, X, x), VR_ERANGE);
    vr_qmlp_free(&m);
}
END_TEST

/* Ties of the argmax go to the lowest index. */
START_TEST(test_argmax_ties)
{
    struct vr_qmlp m;
    int dims[2] = {2, 3};
    int64_t X[2] = {1, 1}, lg[3];

    ck_assert_int_eq(vr_qmlp_init(&m, dims, 1), VR_OK);
    m.in_bits = 8;
    m.lay[0].wbits = 8;
    m.lay[0].act = VR_QACT_NONE;
    int32_t W[6] = {1, 0, 2, -1, 1, 1};     /* logits 1, 1, 2 - b */
    memcpy(m.lay[0].W, W, sizeof(W));
    m.lay[0].b[2] = -1;
    ck_assert_int_eq(vr_qmlp_check(&m), VR_OK);
    ck_assert_int_eq(vr_qmlp_infer(&m, NULL, lg, X), 0);
    m.lay[0].b[1] = 5;
    ck_assert_int_eq(vr_qmlp_infer(&m, NULL, lg, X), 1);
    m.lay[0].b[0] = 6;
    m.lay[0].b[2] = 4;      /* 7, 6, 7 */
    ck_assert_int_eq(vr_qmlp_infer(&m, NULL, lg, X), 0);
    // a malformed model is refused by the check
    m.lay[0].W[0] = 1000;
    ck_assert_int_eq(vr_qmlp_check(&m), VR_EFORMAT);
    vr_qmlp_free(&m);
}
END_TEST

/* Worst-case bounds hold for every input seen, extreme inputs included. */
START_TEST(test_bounds)
{
    struct vr_rng rng;

    vr_rng_seed(&rng, vr_test_seed() + 7);
    for (int it = 0; it < 100; it++) {
        struct vr_qmlp m;
        struct vr_qtrace tr;
        int64_t X[64];
        random_qmlp(&m, &rng, it % 2 ? VR_QACT_POLY : VR_QACT_RELU);
        ck_assert_int_eq(vr_qtrace_init(&tr, &m), VR_OK);
        vr_qmlp_bounds_worst(&m);
        vr_qmlp_bounds_reset(&m);
        for (int s = 0; s < 40; s++) {
            vr_test_qinput(X, &m, &rng);
            if (vr_qmlp_infer(&m, &tr, NULL, X) >= 0)
                vr_qmlp_bounds_add(&m, &tr);
        }
        for (int l = 0; l < m.L; l++)
            for (int s = 0; s < VR_QST_COUNT; s++) {
                const struct vr_qbound *b = &m.lay[l].bound[s];
                ck_assert_int_le(b->seen_bits, b->wc_bits);
                if (b->lo <= b->hi)
                    ck_assert_int_le(vr_qmlp_bits(b->hi), b->seen_bits);
            }
        vr_qtrace_free(&tr);
        vr_qmlp_free(&m);
    }
}
END_TEST

/* Layer 0's worst case is attained: the input with X_c = sign(W[o][c])
 * lim drives neuron o to |Bq| + sum |W| lim when Bq has the same sign. */
START_TEST(test_bounds_tight)
{
    struct vr_rng rng;

    vr_rng_seed(&rng, vr_test_seed() + 37);
    for (int it = 0; it < 50; it++) {
        struct vr_qmlp m;
        struct vr_qtrace tr;
        int64_t X[64];
        random_qmlp(&m, &rng, VR_QACT_RELU);
        const struct vr_qlayer *q = &m.lay[0];
        int64_t lim = ((int64_t)1 << (m.in_bits - 1)) - 1;
        int best = 0, skipped = 0;
        ck_assert_int_eq(vr_qtrace_init(&tr, &m), VR_OK);
        vr_qmlp_bounds_worst(&m);
        for (int o = 0; o < q->OC; o++) {
            int sg = q->b[o] < 0 ? -1 : 1;
            for (int c = 0; c < q->C; c++)
                X[c] = q->W[o * q->C + c] * sg < 0 ? -lim : lim;
            memset(tr.z[0], 0, (size_t)q->OC * sizeof(int64_t));
            // a later layer may leave its range: Z of layer 0 is still
            // in the trace unless layer 0 itself overflowed
            if (vr_qmlp_infer(&m, &tr, NULL, X) == VR_ERANGE
                && vr_qmlp_bits(tr.z[0][o]) == 0) {
                skipped++;
                continue;
            }
            int n = vr_qmlp_bits(tr.z[0][o]);
            best = n > best ? n : best;
        }
        if (skipped == 0)
            ck_assert_int_eq(best, m.lay[0].bound[VR_QST_Z].wc_bits);
        else
            ck_assert_int_le(best, m.lay[0].bound[VR_QST_Z].wc_bits);
        vr_qtrace_free(&tr);
        vr_qmlp_free(&m);
    }
}
END_TEST

/* ------------------------------------------------------------------ */
static float *
read_f32(const char *name, size_t n)
{
    char rel[256];
    float *v = malloc(n * sizeof(float));
    FILE *f;

    snprintf(rel, sizeof(rel), "reference/nn/fixtures/%s.bin", name);
    f = fopen(vr_test_shared(rel), "rb");
    ck_assert_msg(f != NULL, "cannot open %s", vr_test_shared(rel));
    ck_assert_uint_eq(fread(v, sizeof(float), n, f), n);
    fclose(f);
    return v;
}

/* fq_*: symmetric max-abs fake quantisation, ties to even, bit for bit. */
START_TEST(test_fq_fixtures)
{
    float *x = read_f32("fq_x", 10), out[10];
    int widths[3] = {4, 8, 16};

    for (int i = 0; i < 3; i++) {
        char name[16];
        snprintf(name, sizeof(name), "fq_w%d", widths[i]);
        float *want = read_f32(name, 10);
        float s = vr_fq_scale_maxabs(x, 10, widths[i]);
        vr_fq_forward(out, x, 10, widths[i], s);
        for (int k = 0; k < 10; k++)
            ck_assert_msg(out[k] == want[k], "%s[%d]: %.9g != %.9g", name,
                k, out[k], want[k]);
        free(want);
    }
    // at 4 bits s = 1: the ties -2.5, -0.5, 0.5, 2.5, 6.5 go to even
    vr_fq_forward(out, x, 10, 4, 1.0f);
    ck_assert(out[1] == -2.0f && out[2] == 0.0f && out[3] == 0.0f);
    ck_assert(out[4] == 2.0f && out[5] == 2.0f && out[8] == 6.0f);
    free(x);
}
END_TEST

/* Power-of-two fake quantisation: integers in range, exact dequantised
 * values, error no worse than the non-clipping choice, STE backward. */
START_TEST(test_fq_pow2)
{
    struct vr_rng rng;
    float x[257], out[257], d[257];
    int32_t q[257];

    vr_rng_seed(&rng, vr_test_seed() + 11);
    for (int it = 0; it < 50; it++) {
        int bits = 2 + it % 15;
        for (int i = 0; i < 257; i++)
            x[i] = (float)(vr_rng_normal(&rng) * 0.1);
        x[3] = 0.9f;            /* an outlier that clipping may sacrifice */
        int f = vr_fq_frac_bits(x, 257, bits, -30, 60);
        double e = vr_fq_pow2(q, out, x, 257, bits, f);
        int32_t qmax = (int32_t)((1L << (bits - 1)) - 1);
        for (int i = 0; i < 257; i++) {
            ck_assert(q[i] >= -qmax && q[i] <= qmax);
            ck_assert(out[i] == (float)ldexp(q[i], -f));
        }
        // the non-clipping width f0: 0.9 2^f0 <= qmax < 0.9 2^(f0+1)
        int f0 = f;
        while (ldexp(0.9, f0) > qmax)
            f0--;
        while (ldexp(0.9, f0 + 1) <= qmax)
            f0++;
        ck_assert_int_ge(f, f0);
        ck_assert(e <= vr_fq_pow2(NULL, NULL, x, 257, bits, f0));
    }
    for (int i = 0; i < 257; i++)
        d[i] = 1.0f;
    vr_fq_backward(d, x, 257);
    ck_assert(d[3] == 1.9f);
    ck_assert(vr_fq_rhe(2.5) == 2.0 && vr_fq_rhe(-2.5) == -2.0);
    ck_assert(vr_fq_rhe(3.5) == 4.0 && vr_fq_rhe(-0.5) == 0.0);
    ck_assert(vr_fq_rhe(-1.5) == -2.0 && vr_fq_rhe(1.49) == 1.0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Exact allocation equals brute force over every combination. */
START_TEST(test_alloc_brute)
{
    struct vr_rng rng;
    const int W = VR_ALLOC_MAXB + 1;

    vr_rng_seed(&rng, vr_test_seed() + 13 + (uint64_t)_i);
    for (int it = 0; it < 60; it++) {
        int L = 1 + (int)vr_rng_below(&rng, 4);
        int bmin = 1 + (int)vr_rng_below(&rng, 4);
        int bmax = bmin + (int)vr_rng_below(&rng, 8);
        double cost[VR_ALLOC_MAXL * 17];
        size_t n[VR_ALLOC_MAXL];
        int bits[VR_ALLOC_MAXL], c[VR_ALLOC_MAXL];
        unsigned long long minb = 0, maxb = 0;
        for (int l = 0; l < L; l++) {
            n[l] = 1 + vr_rng_below(&rng, 50);
            double s = vr_rng_uniform(&rng) * 10;
            for (int b = 0; b < W; b++)   /* quantisation error ~ 4^-b */
                cost[l * W + b] = s * ldexp(1.0 + vr_rng_uniform(&rng), -2 * b)
                    + (it % 3 == 0 ? (double)vr_rng_below(&rng, 3) : 0);
            minb += n[l] * (unsigned)bmin;
            maxb += n[l] * (unsigned)bmax;
        }
        unsigned long long budget = minb + vr_rng_below(&rng, maxb - minb + 2);
        double best;
        ck_assert_int_eq(vr_alloc_bits(bits, &best, cost, n, L, bmin, bmax,
            budget), VR_OK);
        // brute force: odometer over every combination
        double bf = INFINITY, got = 0;
        unsigned long long used = 0;
        for (int l = 0; l < L; l++) {
            c[l] = bmin;
            got += cost[l * W + bits[l]];
            used += n[l] * (unsigned)bits[l];
            ck_assert(bits[l] >= bmin && bits[l] <= bmax);
        }
        ck_assert(used <= budget);
        for (;;) {
            unsigned long long u = 0;
            double t = 0;
            for (int l = 0; l < L; l++) {
                u += n[l] * (unsigned)c[l];
                t += cost[l * W + c[l]];
            }
            if (u <= budget && t < bf)
                bf = t;
            int l = 0;
            while (l < L && ++c[l] > bmax)
                c[l++] = bmin;
            if (l == L)
                break;
        }
        ck_assert_msg(fabs(bf - best) <= 1e-12 * fabs(bf), "best %g bf %g",
            best, bf);
        ck_assert(fabs(got - best) <= 1e-12 * fabs(best));
        // infeasible budget
        if (minb > 0)
            ck_assert_int_eq(vr_alloc_bits(bits, &best, cost, n, L, bmin,
                bmax, minb - 1), VR_ERANGE);
    }
}
END_TEST


/* ------------------------------------------------------------------ */
/* Hessian-vector products and traces. */

static double *
read_f64(const char *name, size_t n)
{
    char rel[256];
    double *v = malloc(n * sizeof(double));
    FILE *f;

    snprintf(rel, sizeof(rel), "reference/nn/fixtures/%s.bin", name);
    f = fopen(vr_test_shared(rel), "rb");
    ck_assert_msg(f != NULL, "cannot open %s", vr_test_shared(rel));
    ck_assert_uint_eq(fread(v, sizeof(double), n, f), n);
    fclose(f);
    return v;
}

/* A small random MLP (double copy) and a batch. */
static void
tiny_net(struct vr_hnet *h, float **x, int **y, int B, const int *dims,
    int L, const char *act, struct vr_rng *rng)
{
    struct vr_mlp m;
    struct vr_act acts[VR_MLP_MAXL];

    for (int l = 0; l < L - 1; l++)
        ck_assert_int_eq(vr_act_lookup(&acts[l], act), VR_OK);
    ck_assert_int_eq(vr_mlp_init(&m, dims, L, acts), VR_OK);
    vr_mlp_init_params(&m, rng);
    ck_assert_int_eq(vr_hnet_init(h, &m), VR_OK);
    vr_mlp_free(&m);
    *x = malloc((size_t)B * dims[0] * sizeof(float));
    *y = malloc((size_t)B * sizeof(int));
    for (int i = 0; i < B * dims[0]; i++)
        (*x)[i] = (float)vr_rng_normal(rng);
    for (int n = 0; n < B; n++)
        (*y)[n] = (int)vr_rng_below(rng, (uint64_t)dims[L]);
}

/* H v against centred finite differences of the gradient (in double),
 * for every activation kind. */
START_TEST(test_hvp_fd)
{
    static const char *acts[] = {"swish3", "cubic", "sq", "relu3", "relu"};
    int dims[4] = {7, 6, 5, 3}, L = 3, B = 5;
    struct vr_rng rng;

    vr_rng_seed(&rng, vr_test_seed() + 17);
    for (int a = 0; a < 5; a++) {
        struct vr_hnet h;
        float *x;
        int *y;
        double *v[3], *Hv[3], *gp[3], *gm[3], eps = 1e-5;
        tiny_net(&h, &x, &y, B, dims, L, acts[a], &rng);
        for (int l = 0; l < L; l++) {
            v[l] = malloc(h.nw[l] * sizeof(double));
            Hv[l] = malloc(h.nw[l] * sizeof(double));
            gp[l] = malloc(h.nw[l] * sizeof(double));
            gm[l] = malloc(h.nw[l] * sizeof(double));
            for (size_t i = 0; i < h.nw[l]; i++)
                v[l][i] = vr_rng_normal(&rng);
        }
        ck_assert_int_eq(vr_hnet_hvp(&h, NULL, NULL, Hv, v, x, y, B), VR_OK);
        for (int sgn = 1; sgn >= -1; sgn -= 2) {
            for (int l = 0; l < L; l++)
                for (size_t i = 0; i < h.nw[l]; i++)
                    h.W[l][i] += sgn * eps * v[l][i];
            ck_assert_int_eq(vr_hnet_hvp(&h, NULL, sgn > 0 ? gp : gm, NULL,
                NULL, x, y, B), VR_OK);
            for (int l = 0; l < L; l++)
                for (size_t i = 0; i < h.nw[l]; i++)
                    h.W[l][i] -= sgn * eps * v[l][i];
        }
        double num = 0, den = 0;
        for (int l = 0; l < L; l++)
            for (size_t i = 0; i < h.nw[l]; i++) {
                double fd = (gp[l][i] - gm[l][i]) / (2 * eps);
                num += (fd - Hv[l][i]) * (fd - Hv[l][i]);
                den += Hv[l][i] * Hv[l][i];
            }
        ck_assert_msg(den > 0 && sqrt(num / den) < 1e-6,
            "%s: |Hv - fd| / |Hv| = %g", acts[a], sqrt(num / den));
        // the gradient against finite differences of the loss
        double lp, lm, g0 = 0, *g[3];
        for (int l = 0; l < L; l++)
            g[l] = gp[l];
        ck_assert_int_eq(vr_hnet_hvp(&h, NULL, g, NULL, NULL, x, y, B),
            VR_OK);
        for (int l = 0; l < L; l++)
            for (size_t i = 0; i < h.nw[l]; i++) {
                g0 += g[l][i] * v[l][i];
                h.W[l][i] += eps * v[l][i];
            }
        vr_hnet_hvp(&h, &lp, NULL, NULL, NULL, x, y, B);
        for (int l = 0; l < L; l++)
            for (size_t i = 0; i < h.nw[l]; i++)
                h.W[l][i] -= 2 * eps * v[l][i];
        vr_hnet_hvp(&h, &lm, NULL, NULL, NULL, x, y, B);
        ck_assert_msg(fabs((lp - lm) / (2 * eps) - g0) < 1e-6 * fabs(g0),
            "%s: directional derivative %g vs %g", acts[a],
            (lp - lm) / (2 * eps), g0);
        for (int l = 0; l < L; l++) {
            free(v[l]);
            free(Hv[l]);
            free(gp[l]);
            free(gm[l]);
        }
        free(x);
        free(y);
        vr_hnet_free(&h);
    }
}
END_TEST

/* hvp_swish3_*: H v of the PyTorch reference (float64) for the swish3
 * MLP 480-128-64-32-3 on mlp_x, mlp_y. */
START_TEST(test_hvp_fixture)
{
    int dims[5] = {480, 128, 64, 32, 3}, L = 4, B = 8;
    struct vr_act acts[3];
    struct vr_mlp m;
    struct vr_hnet h;
    double *v[4], *Hv[4];
    float x[8 * 480];
    int y[8];

    for (int l = 0; l < 3; l++)
        ck_assert_int_eq(vr_act_lookup(&acts[l], "swish3"), VR_OK);
    ck_assert_int_eq(vr_mlp_init(&m, dims, L, acts), VR_OK);
    ck_assert_int_eq(vr_hnet_init(&h, &m), VR_OK);
    vr_mlp_free(&m);
    for (int l = 0; l < L; l++) {
        char name[64];
        snprintf(name, sizeof(name), "mlp_swish3_param.lins.%d.weight", l);
        double *w = read_f64(name, h.nw[l]);
        memcpy(h.W[l], w, h.nw[l] * sizeof(double));
        free(w);
        snprintf(name, sizeof(name), "mlp_swish3_param.lins.%d.bias", l);
        w = read_f64(name, (size_t)dims[l + 1]);
        memcpy(h.b[l], w, (size_t)dims[l + 1] * sizeof(double));
        free(w);
        snprintf(name, sizeof(name), "hvp_swish3_v.lins.%d.weight", l);
        v[l] = read_f64(name, h.nw[l]);
        Hv[l] = malloc(h.nw[l] * sizeof(double));
    }
    double *xd = read_f64("mlp_x", 8 * 480);
    for (int i = 0; i < 8 * 480; i++)
        x[i] = (float)xd[i];        /* the API's input is float32 */
    free(xd);
    char rel[128];
    int64_t y64[8];
    snprintf(rel, sizeof(rel), "reference/nn/fixtures/mlp_y.bin");
    FILE *f = fopen(vr_test_shared(rel), "rb");
    ck_assert(f != NULL && fread(y64, 8, 8, f) == 8);
    fclose(f);
    for (int n = 0; n < B; n++)
        y[n] = (int)y64[n];
    ck_assert_int_eq(vr_hnet_hvp(&h, NULL, NULL, Hv, v, x, y, B), VR_OK);
    for (int l = 0; l < L; l++) {
        char name[64];
        snprintf(name, sizeof(name), "hvp_swish3_Hv.lins.%d.weight", l);
        double *want = read_f64(name, h.nw[l]), num = 0, den = 0, vhv = 0;
        for (size_t i = 0; i < h.nw[l]; i++) {
            num += (want[i] - Hv[l][i]) * (want[i] - Hv[l][i]);
            den += want[i] * want[i];
            vhv += v[l][i] * Hv[l][i];
        }
        // float32 rounding of the input is the only difference
        ck_assert_msg(sqrt(num / den) < 1e-5, "layer %d: rel err %g", l,
            sqrt(num / den));
        snprintf(name, sizeof(name), "hvp_swish3_vHv.lins.%d.weight", l);
        double *w = read_f64(name, 1);
        ck_assert_msg(fabs(vhv - w[0]) < 1e-5 * fabs(w[0]) + 1e-9,
            "layer %d: vHv %.10g want %.10g", l, vhv, w[0]);
        free(w);
        free(want);
        free(v[l]);
        free(Hv[l]);
    }
    vr_hnet_free(&h);
}
END_TEST

/* Hutchinson against the exact trace of each diagonal block, which
 * H e_i for every unit vector e_i gives. */
START_TEST(test_hutchinson_exact)
{
    int dims[4] = {6, 5, 4, 3}, L = 3, B = 9;
    struct vr_rng rng;
    struct vr_hnet h;
    struct vr_hutch hu;
    float *x;
    int *y;
    double *e[3], *He[3], exact[3] = {0};

    vr_rng_seed(&rng, vr_test_seed() + 19);
    tiny_net(&h, &x, &y, B, dims, L, "cubic", &rng);
    for (int l = 0; l < L; l++) {
        e[l] = calloc(h.nw[l], sizeof(double));
        He[l] = malloc(h.nw[l] * sizeof(double));
    }
    for (int l = 0; l < L; l++)
        for (size_t i = 0; i < h.nw[l]; i++) {
            e[l][i] = 1;
            ck_assert_int_eq(vr_hnet_hvp(&h, NULL, NULL, He, e, x, y, B),
                VR_OK);
            exact[l] += He[l][i];
            e[l][i] = 0;
        }
    ck_assert_int_eq(vr_hutch_run(&hu, &h, x, y, B, 4000, 4000, 0.0, &rng),
        VR_OK);
    ck_assert_int_eq(hu.probes, 4000);
    for (int l = 0; l < L; l++) {
        fprintf(stderr, "layer %d: exact %.6g hutchinson %.6g +- %.3g\n", l,
            exact[l], hu.trace[l], hu.se[l]);
        ck_assert(hu.se[l] > 0);
        ck_assert_msg(fabs(hu.trace[l] - exact[l]) < 4 * hu.se[l],
            "layer %d: %g vs exact %g (se %g)", l, hu.trace[l], exact[l],
            hu.se[l]);
    }
    vr_hutch_free(&hu);
    // the stopping rule: a loose tolerance stops early and says so
    ck_assert_int_eq(vr_hutch_run(&hu, &h, x, y, B, 10, 4000, 0.2, &rng),
        VR_OK);
    ck_assert(hu.converged && hu.probes >= 10 && hu.probes < 4000);
    for (int l = 0; l < L; l++)
        ck_assert(hu.se[l] <= 0.2 * fabs(hu.trace[l]));
    vr_hutch_free(&hu);
    for (int l = 0; l < L; l++) {
        free(e[l]);
        free(He[l]);
    }
    free(x);
    free(y);
    vr_hnet_free(&h);
}
END_TEST

/* ------------------------------------------------------------------ */
/* A float MLP quantised by vr_quant_build: the fake-quantised float
 * forward and the integer inference agree on the predictions, and the
 * qmodel stream round-trips it exactly. */

static void
float_mlp(struct vr_mlp *m, const int *dims, int L, const char *act,
    struct vr_rng *rng)
{
    struct vr_act acts[VR_MLP_MAXL];

    for (int l = 0; l < L - 1; l++)
        ck_assert_int_eq(vr_act_lookup(&acts[l], act), VR_OK);
    ck_assert_int_eq(vr_mlp_init(m, dims, L, acts), VR_OK);
    vr_mlp_init_params(m, rng);
}

START_TEST(test_fq_vs_integer)
{
    static const char *acts[] = {"relu", "swish3", "cubic", "sq"};
    static const int widths[] = {16, 8, 6};
    int dims[5] = {48, 32, 16, 8, 3}, L = 4, B = 400;
    struct vr_rng rng;
    float *x = malloc((size_t)B * 48 * sizeof(float));
    float *lg = malloc((size_t)B * 3 * sizeof(float));
    float *xq = malloc((size_t)B * 48 * sizeof(float));

    vr_rng_seed(&rng, vr_test_seed() + 23);
    for (size_t i = 0; i < (size_t)B * 48; i++)
        x[i] = (float)vr_rng_normal(&rng);
    for (int a = 0; a < 4; a++)
        for (int wi = 0; wi < 3; wi++) {
            struct vr_mlp m;
            struct vr_qmlp q;
            int wb[4] = {widths[wi], widths[wi], widths[wi], widths[wi]};
            float_mlp(&m, dims, L, acts[a], &rng);
            struct vr_qtrace tr;
            ck_assert_int_eq(vr_quant_build(&q, &m, wb, 16, 16, x, B), VR_OK);
            ck_assert_int_eq(vr_qtrace_init(&tr, &q), VR_OK);
            // the float side sees the same quantised input and weights
            int64_t X[48], logit[3];
            for (int n = 0; n < B; n++) {
                ck_assert_int_eq(vr_qmlp_quantize_input(&q, X, x + n * 48),
                    VR_OK);
                for (int c = 0; c < 48; c++)
                    xq[n * 48 + c] = (float)ldexp((double)X[c], -q.lay[0].fin);
            }
            // the input's scale is the largest at which it fits 16 bits
            double mx = 0;
            for (size_t i = 0; i < (size_t)B * 48; i++)
                mx = fabs(x[i]) > mx ? fabs(x[i]) : mx;
            ck_assert(ldexp(mx, q.lay[0].fin) <= 32767.0);
            ck_assert(ldexp(mx, q.lay[0].fin + 1) > 32767.0);
            ck_assert_int_eq(q.in_bits, 16);
            float *save = malloc(m.nparams * sizeof(float));
            vr_quant_fake_weights(&m, save, wb);
            ck_assert_int_eq(vr_mlp_forward(&m, lg, xq, B), VR_OK);
            vr_quant_restore_weights(&m, save);
            free(save);
            int agree = 0, facc = vr_qlayer_facc(&q.lay[L - 1]);
            double maxd = 0, maxl = 0;
            for (int n = 0; n < B; n++) {
                for (int c = 0; c < 48; c++)
                    X[c] = (int64_t)ldexp((double)xq[n * 48 + c],
                        q.lay[0].fin);
                int cls = vr_qmlp_infer(&q, &tr, logit, X);
                ck_assert_int_ge(cls, 0);
                vr_qmlp_bounds_add(&q, &tr);
                int fc = 0;
                for (int o = 1; o < 3; o++)
                    if (lg[n * 3 + o] > lg[n * 3 + fc])
                        fc = o;
                agree += fc == cls;
                for (int o = 0; o < 3; o++) {
                    double d = fabs(ldexp((double)logit[o], -facc)
                        - lg[n * 3 + o]);
                    maxd = d > maxd ? d : maxd;
                    maxl = fabs(lg[n * 3 + o]) > maxl
                        ? fabs(lg[n * 3 + o]) : maxl;
                }
            }
            // hidden activations of the calibration batch fit abits bits
            for (int l = 0; l < L - 1; l++)
                ck_assert_int_le(q.lay[l].bound[VR_QST_A].seen_bits, 16);
            vr_qtrace_free(&tr);
            fprintf(stderr, "%s W%d: %d/%d agree, max |logit diff| %.3g "
                "(max |logit| %.3g)\n", acts[a], widths[wi], agree, B, maxd,
                maxl);
            // only activation rounding (abits = 16) separates the two
            ck_assert_int_ge(agree, B - B / 50);
            ck_assert(maxd < 1e-2 * (maxl > 1 ? maxl : 1));
            vr_qmlp_free(&q);
            vr_mlp_free(&m);
        }
    free(x);
    free(lg);
    free(xq);
}
END_TEST

START_TEST(test_qmodel_roundtrip)
{
    int dims[5] = {48, 32, 16, 8, 3}, L = 4, B = 64;
    int wb[4] = {4, 8, 12, 16};
    static const char *const names[4] = {"swish3", "swish3", "swish3", "none"};
    struct vr_rng rng;
    struct vr_mlp m;
    struct vr_qmlp q, q2;
    struct vr_qtrace tr;
    float x[64 * 48];
    char *buf = NULL;
    size_t len;

    vr_rng_seed(&rng, vr_test_seed() + 29);
    for (int i = 0; i < 64 * 48; i++)
        x[i] = (float)vr_rng_normal(&rng);
    float_mlp(&m, dims, L, "swish3", &rng);
    ck_assert_int_eq(vr_quant_build(&q, &m, wb, 12, 14, x, B), VR_OK);
    ck_assert_int_eq(vr_qtrace_init(&tr, &q), VR_OK);
    for (int n = 0; n < B; n++) {
        int64_t X[48];
        vr_qmlp_quantize_input(&q, X, x + n * 48);
        ck_assert_int_ge(vr_qmlp_infer(&q, &tr, NULL, X), 0);
        vr_qmlp_bounds_add(&q, &tr);
    }
    FILE *f = open_memstream(&buf, &len);
    struct vr_writer w;
    vr_writer_init(&w, f);
    ck_assert_int_eq(vr_qmodel_write_header(&w, &q, names, NULL, "test", 1),
        VR_OK);
    vr_pack_kv_str(&w.pk, "extra", "ignored");
    vr_writer_put(&w, "lins.0.weight", VR_DT_F32, m.W[0], 32, 48);
    ck_assert_int_eq(vr_qmodel_write_tensors(&w, &q), VR_OK);
    ck_assert_int_eq(vr_writer_end(&w), VR_OK);
    fclose(f);

    struct vr_reader r;
    f = fmemopen(buf, len, "rb");
    ck_assert_int_eq(vr_reader_open(&r, f, "qmodel"), VR_OK);
    ck_assert_msg(vr_qmodel_read(&q2, &r) == VR_OK, "%s", r.msg);
    vr_reader_free(&r);
    fclose(f);
    ck_assert_int_eq(q2.L, 4);
    for (int l = 0; l < L; l++) {
        const struct vr_qlayer *a = &q.lay[l], *b = &q2.lay[l];
        ck_assert(a->wbits == b->wbits && a->fw == b->fw && a->fin == b->fin
            && a->kpre == b->kpre && a->kpost == b->kpost && a->act == b->act
            && a->deg == b->deg && a->fc == b->fc);
        ck_assert(memcmp(a->W, b->W, (size_t)a->C * a->OC * 4) == 0);
        ck_assert(memcmp(a->b, b->b, (size_t)a->OC * 8) == 0);
        ck_assert(memcmp(a->coef, b->coef, sizeof(a->coef)) == 0);
        for (int s = 0; s < VR_QST_COUNT; s++) {
            ck_assert_int_eq(a->bound[s].wc_bits, b->bound[s].wc_bits);
            ck_assert_int_eq(a->bound[s].seen_bits, b->bound[s].seen_bits);
        }
    }
    // every proper prefix is refused, never read as a model
    for (size_t cut = 0; cut < len; cut += 1 + cut / 7) {
        f = fmemopen(buf, cut ? cut : 1, "rb");
        int rc = vr_reader_open(&r, f, "qmodel");
        if (rc == VR_OK && cut > 0) {
            struct vr_qmlp q3;
            rc = vr_qmodel_read(&q3, &r);
            vr_qmlp_free(&q3);
        }
        ck_assert_int_lt(rc, 0);
        vr_reader_free(&r);
        fclose(f);
    }
    free(buf);
    vr_qtrace_free(&tr);
    vr_qmlp_free(&q);
    vr_qmlp_free(&q2);
    vr_mlp_free(&m);
}
END_TEST

/* QAT lowers the loss of a 4-bit model on a learnable toy problem. */
START_TEST(test_qat)
{
    int dims[4] = {8, 16, 8, 3}, L = 3, wb[3] = {3, 3, 3};
    size_t n = 600;
    struct vr_rng rng;
    struct vr_mlp m;
    struct vr_dataset d = {0};
    size_t *idx = malloc(n * sizeof(size_t));
    double loss[20];

    // a dataset of windows T = 1, C = 8, one row each: label by x[0]
    d.T = 1;
    d.C = 8;
    d.nrows = d.nsamples = n;
    d.x = malloc(n * 8 * sizeof(float));
    d.end = malloc(n * sizeof(int64_t));
    d.label = malloc(n);
    d.regime = calloc(n, 1);
    vr_rng_seed(&rng, vr_test_seed() + 31);
    for (size_t i = 0; i < n; i++) {
        float *x = d.x + i * 8;
        for (int c = 0; c < 8; c++)
            x[c] = (float)vr_rng_normal(&rng);
        d.label[i] = x[0] > 0.5f ? 2 : x[0] < -0.5f ? 0 : 1;
        d.end[i] = (int64_t)i;
        idx[i] = i;
    }
    float_mlp(&m, dims, L, "relu", &rng);
    struct vr_quant_qat_opts o;
    double val[21];
    int best;
    vr_quant_qat_defaults(&o);
    ck_assert(o.epochs == 10 && o.lr == 1e-5 && o.batch == 256);
    o.epochs = 20;
    o.lr = 1e-2;
    o.batch = 32;
    // train on the first 500, validate on the last 100
    ck_assert_int_eq(vr_quant_qat(&m, &best, wb, &d, idx, 500, idx + 500,
        100, &o, &rng, loss, val), VR_OK);
    fprintf(stderr, "qat: loss %.4f -> %.4f, val macro-F1 %.3f -> %.3f, "
        "best epoch %d\n", loss[0], loss[19], val[0], val[best], best);
    ck_assert(loss[19] < 0.8 * loss[0]);
    ck_assert(best > 0 && val[best] > val[0] + 0.2);
    for (int e = 0; e <= 20; e++)
        ck_assert(val[e] <= val[best]);
    // m holds the best epoch's parameters
    ck_assert(vr_quant_fq_score(&m, NULL, wb, &d, idx + 500, 100)
        == val[best]);
    // at lr 0 nothing beats epoch 0, which is kept
    o.lr = 0;
    o.epochs = 2;
    ck_assert_int_eq(vr_quant_qat(&m, &best, wb, &d, idx, 500, idx + 500,
        100, &o, &rng, NULL, val), VR_OK);
    ck_assert_int_eq(best, 0);
    vr_mlp_free(&m);
    free(idx);
    free(d.x);
    free(d.end);
    free(d.label);
    free(d.regime);
}
END_TEST

static Suite *
quant_suite(void)
{
    Suite *s = suite_create("quant");
    TCase *tc = tcase_create("qmlp");

    tcase_add_loop_test(tc, test_infer_vs_reference, 0, 2);
    tcase_add_test(tc, test_rounding);
    tcase_add_test(tc, test_argmax_ties);
    tcase_add_test(tc, test_bounds);
    tcase_add_test(tc, test_bounds_tight);
    suite_add_tcase(s, tc);
    tc = tcase_create("fq");
    tcase_add_test(tc, test_fq_fixtures);
    tcase_add_test(tc, test_fq_pow2);
    suite_add_tcase(s, tc);
    tc = tcase_create("alloc");
    tcase_add_loop_test(tc, test_alloc_brute, 0, 2);
    suite_add_tcase(s, tc);
    tc = tcase_create("build");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_fq_vs_integer);
    tcase_add_test(tc, test_qmodel_roundtrip);
    tcase_add_test(tc, test_qat);
    suite_add_tcase(s, tc);
    tc = tcase_create("hessian");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_hvp_fd);
    tcase_add_test(tc, test_hvp_fixture);
    tcase_add_test(tc, test_hutchinson_exact);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return vr_test_run(quant_suite());
}
