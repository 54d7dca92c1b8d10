/* Unit tests for vr-label's bounded-memory path (market/spill.c): the
 * same bytes and statistics as vr_label_make + vr_dataset_write, over
 * random segment layouts, ties in the volatility median, every option
 * that changes the passes, and its errors. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util_test.h"
#include "vr.h"
#include "base/rng.h"
#include "market/indicators.h"
#include "market/label.h"
#include "stream/dataset.h"
#include "stream/kinds.h"
#include "stream/stream.h"

/*
 * A features stream of n rows in segments of random lengths (1..maxseg),
 * written in chunks of chunk rows; closes a random walk with volatility
 * vol (0: flat, so every volatility is 0) and features random floats.
 * nstreams > 1 writes concatenated streams (each a new segment).
 */
static char *
feat_buf(size_t n, size_t maxseg, double vol, size_t chunk, int nstreams,
    uint64_t seed, size_t *len)
{
    const char *names[VR_FEAT_C];
    struct vr_rng rng;
    struct vr_writer w;
    char *buf;
    FILE *f = open_memstream(&buf, len);
    int64_t *t = calloc(chunk, sizeof(int64_t));
    int32_t *sg = calloc(chunk, sizeof(int32_t));
    double *cl = calloc(chunk, sizeof(double));
    double *x = calloc(chunk * VR_FEAT_C, sizeof(double));
    double c = 30000;
    int64_t time = 1700000000000;
    int32_t seg = 0;
    size_t left = 0, per = (n + (size_t)nstreams - 1) / (size_t)nstreams;

    ck_assert(f && t && sg && cl && x);
    for (int k = 0; k < VR_FEAT_C; k++)
        names[k] = vr_feat_names[k];
    vr_rng_seed(&rng, seed);
    for (size_t at = 0; at < n;) {
        size_t end = at + per < n ? at + per : n;
        vr_writer_init(&w, f);
        vr_writer_header(&w, "features", NULL, "check_label_spill", 2);
        vr_pack_kv_strs(&w.pk, "features", names, VR_FEAT_C);
        vr_pack_kv_str(&w.pk, "symbol", "TEST");
        while (at < end) {
            size_t k = end - at < chunk ? end - at : chunk;
            for (size_t i = 0; i < k; i++) {
                if (left == 0) {
                    left = 1 + (size_t)(vr_rng_uniform(&rng) *
                        (double)maxseg);
                    seg++;
                    time += 3600000;
                }
                left--;
                c *= exp(vol * vr_rng_normal(&rng));
                time += 60000;
                t[i] = time;
                sg[i] = seg;
                cl[i] = c;
                for (int q = 0; q < VR_FEAT_C; q++)
                    x[i * VR_FEAT_C + (size_t)q] = q * 10 +
                        vr_rng_normal(&rng);
            }
            vr_writer_put(&w, "time", VR_DT_I64, t, k, 0);
            vr_writer_put(&w, "segment", VR_DT_I32, sg, k, 0);
            vr_writer_put(&w, "close", VR_DT_F64, cl, k, 0);
            vr_writer_put(&w, "feat", VR_DT_F64, x, k, VR_FEAT_C);
            at += k;
        }
        ck_assert_int_eq(vr_writer_end(&w), VR_OK);
    }
    fclose(f);
    free(t);
    free(sg);
    free(cl);
    free(x);
    return buf;
}

/* The dataset by the in-memory path: rc, and the stream in *out. */
static int
by_memory(const char *in, size_t inlen, const struct vr_label_opts *o,
    struct vr_label_stats *st, char **out, size_t *outlen)
{
    FILE *f = fmemopen((void *)in, inlen, "rb");
    FILE *g = open_memstream(out, outlen);
    struct vr_reader r;
    struct vr_writer w;
    struct vr_rows rows;
    struct vr_dataset d;
    int rc;

    ck_assert(f && g);
    memset(&rows, 0, sizeof(rows));
    memset(&d, 0, sizeof(d));
    if ((rc = vr_reader_open(&r, f, "features")) == VR_OK &&
        (rc = vr_rows_read(&rows, &r)) == VR_OK &&
        (rc = vr_label_make(&d, &rows, o, st)) == VR_OK) {
        vr_writer_init(&w, g);
        rc = vr_dataset_write(&w, &d, NULL, "check_label_spill");
    }
    vr_dataset_free(&d);
    vr_rows_free(&rows);
    vr_reader_free(&r);
    fclose(f);
    fclose(g);
    return rc;
}

/* The same by the spill path, its temporary files in dir. */
static int
by_spill(const char *in, size_t inlen, const struct vr_label_opts *o,
    struct vr_label_stats *st, char **out, size_t *outlen, const char *dir,
    char *msg)
{
    FILE *f = fmemopen((void *)in, inlen, "rb");
    FILE *g = open_memstream(out, outlen);
    struct vr_reader r;
    struct vr_writer w;
    struct vr_label_spill sp;
    int rc;

    ck_assert(f && g);
    memset(&sp, 0, sizeof(sp));
    if ((rc = vr_reader_open(&r, f, "features")) == VR_OK &&
        (rc = vr_label_spill_read(&sp, &r, dir)) == VR_OK) {
        vr_writer_init(&w, g);
        rc = vr_label_spill_write(&w, &sp, o, NULL, "check_label_spill",
            st);
    }
    if (msg != NULL)
        strcpy(msg, sp.msg[0] ? sp.msg : r.msg);
    vr_label_spill_free(&sp);
    vr_reader_free(&r);
    fclose(f);
    fclose(g);
    return rc;
}

/* Both paths: the same status, bytes and statistics. */
static void
same(const char *in, size_t inlen, const struct vr_label_opts *o,
    const char *what)
{
    struct vr_label_stats s1, s2;
    char *a, *b;
    size_t alen, blen;
    int r1 = by_memory(in, inlen, o, &s1, &a, &alen);
    int r2 = by_spill(in, inlen, o, &s2, &b, &blen, NULL, NULL);

    ck_assert_msg(r1 == r2, "%s: rc %d (memory) vs %d (spill)", what, r1,
        r2);
    if (r1 == VR_OK) {
        ck_assert_msg(alen == blen && memcmp(a, b, alen) == 0,
            "%s: %zu bytes (memory) vs %zu (spill) differ", what, alen,
            blen);
        ck_assert(memcmp(s1.count, s2.count, sizeof(s1.count)) == 0);
        ck_assert_int_eq(s1.purged, s2.purged);
        ck_assert_int_eq(s1.nolabel, s2.nolabel);
        ck_assert_msg(s1.vol_median == s2.vol_median, "%s: median %.17g vs "
            "%.17g", what, s1.vol_median, s2.vol_median);
        ck_assert_uint_eq(s1.train_rows, s2.train_rows);
    } else if (r1 == VR_ERANGE) {
        ck_assert_str_eq(s1.msg, s2.msg);
    }
    free(a);
    free(b);
}

/* Random layouts and options, labelled and live. */
START_TEST(test_spill_same_bytes)
{
    static const double mean[VR_FEAT_C] = {1, 2, 3, 4, 5, 6, 7, 8};
    static const double sd[VR_FEAT_C] = {2, 2, 2, 2, 3, 3, 3, 3};
    struct vr_rng rng;
    long iters = vr_test_iters(40);
    uint64_t seed = vr_test_seed();

    vr_rng_seed(&rng, seed);
    for (long it = 0; it < iters; it++) {
        char what[160];
        size_t len;
        size_t n = 1 + (size_t)(vr_rng_uniform(&rng) * 6000);
        size_t maxseg = 1 + (size_t)(vr_rng_uniform(&rng) *
            (vr_rng_uniform(&rng) < 0.3 ? 30 : 3000));
        double vol = vr_rng_uniform(&rng) < 0.15 ? 0 : 0.003;
        size_t chunk = 1 + (size_t)(vr_rng_uniform(&rng) * 2000);
        int nstreams = 1 + (int)(vr_rng_uniform(&rng) * 3);
        char *in = feat_buf(n, maxseg, vol, chunk, nstreams, seed + (uint64_t)it,
            &len);
        struct vr_label_opts o;

        vr_label_opts_init(&o);
        o.T = 1 + (int)(vr_rng_uniform(&rng) * 80);
        o.horizon = 1 + (int)(vr_rng_uniform(&rng) * 80);
        o.lookback = 1 + (int)(vr_rng_uniform(&rng) * 400);
        o.up = o.down = 0.001 + 0.01 * vr_rng_uniform(&rng);
        o.down = -o.down;
        switch (it % 5) {
        case 1:     /* odd shares, an empty validation split */
            o.frac[0] = 0.8;
            o.frac[1] = 0;
            o.frac[2] = 0.2;
            break;
        case 2:     /* given normalisation: no fit, maybe no train */
            o.frac[0] = 0.02;
            o.frac[1] = 0.49;
            o.frac[2] = 0.49;
            o.mean = mean;
            o.std = sd;
            break;
        case 3:     /* live, all windows or the newest */
            o.live = true;
            o.mean = mean;
            o.std = sd;
            o.newest = it % 2 ? 0 : 1 + (long long)(vr_rng_uniform(&rng) *
                100);
            break;
        case 4:     /* live with a given threshold */
            o.live = true;
            o.mean = mean;
            o.std = sd;
            o.vol_threshold = 0.001;
            break;
        }
        snprintf(what, sizeof(what), "iter %ld: n %zu maxseg %zu vol %g "
            "T %d h %d L %d case %ld", it, n, maxseg, vol, o.T, o.horizon,
            o.lookback, it % 5);
        same(in, len, &o, what);
        free(in);
    }
}
END_TEST

/* Longer than a chunk (VR_CHUNK_ROWS) and than the passes' buffers, with
 * a lookback that spans buffers. */
START_TEST(test_spill_long)
{
    size_t len;
    char *in = feat_buf(150000, 70000, 0.002, 65536, 2, vr_test_seed() + 1,
        &len);
    struct vr_label_opts o;

    vr_label_opts_init(&o);
    same(in, len, &o, "150000 rows");
    o.lookback = 40000;
    o.T = 17;
    same(in, len, &o, "150000 rows, lookback 40000");
    free(in);
}
END_TEST

/* Errors: the same status as the memory path, nothing left behind. */
START_TEST(test_spill_errors)
{
    struct vr_label_stats st;
    struct vr_label_opts o;
    char *in, *out, msg[256];
    size_t len, olen;

    in = feat_buf(3000, 500, 0.002, 700, 1, vr_test_seed() + 2, &len);
    vr_label_opts_init(&o);
    /* truncated anywhere: a format error, never a short success */
    for (size_t cut = 1; cut < len; cut += 1 + cut / 3) {
        int rc = by_spill(in, cut, &o, &st, &out, &olen, NULL, NULL);
        ck_assert_msg(rc == VR_EFORMAT, "cut %zu: rc %d", cut, rc);
        free(out);
    }
    /* no sample, no train sample */
    o.T = 600;
    same(in, len, &o, "no sample");
    o.T = 10;
    o.horizon = 60;
    o.frac[0] = 0.001;
    o.frac[1] = 0.5;
    o.frac[2] = 0.499;
    same(in, len, &o, "no train sample");
    /* a temporary directory that is not there */
    vr_label_opts_init(&o);
    ck_assert_int_eq(by_spill(in, len, &o, &st, &out, &olen,
        "/nonexistent/vr-label", msg), VR_EIO);
    ck_assert(strstr(msg, "temporary file in /nonexistent/vr-label") !=
        NULL);
    ck_assert_uint_eq(olen, 0);
    free(out);
    free(in);
}
END_TEST

static Suite *
spill_suite(void)
{
    Suite *s = suite_create("label_spill");
    TCase *tc = tcase_create("spill");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_spill_same_bytes);
    tcase_add_test(tc, test_spill_long);
    tcase_add_test(tc, test_spill_errors);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return vr_test_run(spill_suite());
}
