/* util_nnfix.c: the PyTorch fixtures of ../shared/reference/nn, for the
 * nn, distill and quant tests. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "stream/dataset.h"

#include "util_test.h"
#include "util_nnfix.h"

/* Read fixture fixtures/<name>.bin of exactly n float64 values. */
double *
vr_test_fixture(const char *name, size_t n)
{
    char rel[256];
    snprintf(rel, sizeof(rel), "reference/nn/fixtures/%s.bin", name);
    const char *path = vr_test_shared(rel);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    double *v = malloc((n + 1) * sizeof(double));
    ck_assert_msg(fread(v, sizeof(double), n + 1, f) == n,
        "%s: not %zu float64 values", path, n);
    fclose(f);
    return v;
}

float *
vr_test_fixture_f32(const char *name, size_t n)
{
    double *d = vr_test_fixture(name, n);
    float *v = malloc(n * sizeof(float));
    for (size_t i = 0; i < n; i++)
        v[i] = (float)d[i];
    free(d);
    return v;
}

/* The fixture's int64 labels as ints. */
int *
vr_test_fixture_labels(const char *name, size_t n)
{
    char rel[256];
    snprintf(rel, sizeof(rel), "reference/nn/fixtures/%s.bin", name);
    FILE *f = fopen(vr_test_shared(rel), "rb");
    ck_assert(f != NULL);
    long long v[64];
    ck_assert(n <= 64 && fread(v, 8, n + 1, f) == n);
    fclose(f);
    int *y = malloc(n * sizeof(int));
    for (size_t i = 0; i < n; i++)
        y[i] = (int)v[i];
    return y;
}

/*
 * max |got - want| <= rtol * max |want|: the error measured against the
 * tensor's scale, so a float32 rounding passes and a wrong element (a
 * wrong index, a missing term) does not.  Returns the relative error.
 */
double
vr_test_compare(const char *what, const float *got, const double *want, size_t n,
    double rtol)
{
    double emax = 0, wmax = 0;
    size_t at = 0;

    for (size_t i = 0; i < n; i++) {
        double e = fabs((double)got[i] - want[i]);
        ck_assert_msg(isfinite(got[i]), "%s[%zu] not finite", what, i);
        if (e > emax) {
            emax = e;
            at = i;
        }
        if (fabs(want[i]) > wmax)
            wmax = fabs(want[i]);
    }
    double rel = wmax > 0 ? emax / wmax : emax;
    ck_assert_msg(rel <= rtol, "%s: max error %.3g at [%zu] (%.9g vs %.9g), "
        "scale %.3g: relative %.3g > %.3g", what, emax, at,
        (double)got[at], want[at], wmax, rel, rtol);
    return rel;
}

void
vr_test_learnable_dataset(struct vr_dataset *d, size_t n, int T, uint64_t seed)
{
    struct vr_rng rng;
    int C = 8;
    size_t nrows = n + (size_t)T - 1;

    memset(d, 0, sizeof(*d));
    d->T = T;
    d->C = C;
    for (int c = 0; c < C; c++) {
        snprintf(d->feat[c], VR_NAME_MAX, "f%d", c);
        d->std[c] = 1;
    }
    d->horizon = 5;
    d->up = 0.5;
    d->down = -0.5;
    strcpy(d->symbol, "SYNTH");
    d->nrows = nrows;
    d->x = malloc(nrows * (size_t)C * sizeof(float));
    d->time = malloc(nrows * sizeof(int64_t));
    vr_rng_seed(&rng, seed);
    for (size_t i = 0; i < nrows * (size_t)C; i++)
        d->x[i] = (float)vr_rng_normal(&rng);
    for (size_t i = 0; i < nrows; i++)
        d->time[i] = (int64_t)i * 60000;
    d->nsamples = n;
    d->end = malloc(n * sizeof(int64_t));
    d->label = malloc(n);
    d->split = malloc(n);
    d->regime = malloc(n);
    for (size_t s = 0; s < n; s++) {
        int64_t e = (int64_t)s + T - 1;
        double m = 0;
        for (int k = 0; k < 5; k++)
            m += d->x[(size_t)(e - k) * (size_t)C] / 5.0;
        d->end[s] = e;
        d->label[s] = m > 0.5 ? VR_BUY : m < -0.5 ? VR_SELL : VR_HOLD;
        d->split[s] = s < n * 70 / 100 ? VR_SPLIT_TRAIN :
            s < n * 85 / 100 ? VR_SPLIT_VAL : VR_SPLIT_TEST;
        d->regime[s] = (uint8_t)((s / 50) % 4);
    }
}
