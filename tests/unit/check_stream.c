/* Unit tests for lib/stream: round trips and every malformed stream. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util_test.h"
#include "vr.h"
#include "base/rng.h"
#include "stream/dataset.h"
#include "stream/kinds.h"
#include "stream/stream.h"

/* Write a small stream into a malloc'd buffer. */
static char *
make_stream(size_t *len, int ntensors)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    struct vr_writer w;
    float v[6] = {1, 2, 3, 4, 5, 6};

    vr_writer_init(&w, f);
    vr_writer_header(&w, "test", NULL, "check_stream", 2);
    vr_pack_kv_str(&w.pk, "symbol", "BTCUSDT");
    vr_pack_kv_str(&w.pk, "empty", "");     /* a zero-length write */
    for (int i = 0; i < ntensors; i++)
        vr_writer_put(&w, i % 2 ? "b" : "a", VR_DT_F32, v, 2, 3);
    ck_assert_int_eq(vr_writer_end(&w), VR_OK);
    fclose(f);
    return buf;
}

START_TEST(test_roundtrip)
{
    size_t len;
    char *buf = make_stream(&len, 3);
    FILE *f = fmemopen(buf, len, "rb");
    struct vr_reader r;
    struct vr_tensor t = {0};
    char sym[16];
    const char *name;

    ck_assert_int_eq(vr_reader_open(&r, f, "test"), VR_OK);
    ck_assert_int_eq(vr_meta_str(&r, NULL, "symbol", sym, sizeof(sym)), 0);
    ck_assert_str_eq(sym, "BTCUSDT");
    ck_assert_int_eq(vr_meta_str(&r, NULL, "empty", sym, sizeof(sym)), 0);
    ck_assert_str_eq(sym, "");
    ck_assert_int_eq(vr_reader_peek(&r, &name), 1);
    ck_assert_str_eq(name, "a");
    for (int i = 0; i < 3; i++) {
        size_t shape[2] = {2, 3};
        ck_assert_int_eq(vr_reader_next(&r, &t), 1);
        ck_assert_int_eq(vr_reader_expect(&r, &t, i % 2 ? "b" : "a",
            VR_DT_F32, 2, shape), VR_OK);
        ck_assert(((float *)t.data)[5] == 6.0f);
    }
    ck_assert_int_eq(vr_reader_next(&r, &t), 0);
    ck_assert_int_eq(vr_reader_continue(&r), 0);
    vr_reader_free(&r);
    vr_tensor_free(&t);
    fclose(f);
    free(buf);
}
END_TEST

START_TEST(test_kind_mismatch)
{
    size_t len;
    char *buf = make_stream(&len, 1);
    FILE *f = fmemopen(buf, len, "rb");
    struct vr_reader r;

    ck_assert_int_eq(vr_reader_open(&r, f, "dataset"), VR_EFORMAT);
    ck_assert(strstr(r.msg, "expected a dataset stream") != NULL);
    vr_reader_free(&r);
    fclose(f);
    free(buf);
}
END_TEST

/* Every proper prefix of a stream is rejected as malformed, never read as
 * a whole stream, and never crashes. */
START_TEST(test_truncated_everywhere)
{
    size_t len;
    char *buf = make_stream(&len, 3);
    struct vr_tensor t = {0};

    for (size_t cut = 0; cut < len; cut++) {
        FILE *f = fmemopen(buf, cut ? cut : 1, "rb");
        struct vr_reader r;
        int rc = cut ? vr_reader_open(&r, f, NULL) : VR_EFORMAT;
        if (cut == 0) {
            fclose(f);
            continue;
        }
        while (rc == VR_OK && (rc = vr_reader_next(&r, &t)) == 1)
            rc = VR_OK;
        ck_assert_msg(rc < 0, "prefix of %zu bytes accepted", cut);
        vr_reader_free(&r);
        fclose(f);
    }
    vr_tensor_free(&t);
    free(buf);
}
END_TEST

/* Flip every byte of a stream: the reader returns a status every time. */
START_TEST(test_corrupt_every_byte)
{
    size_t len;
    char *buf = make_stream(&len, 2);
    struct vr_tensor t = {0};

    for (size_t i = 0; i < len; i++) {
        char *b = malloc(len);
        memcpy(b, buf, len);
        b[i] ^= 0xa5;
        FILE *f = fmemopen(b, len, "rb");
        struct vr_reader r;
        int rc = vr_reader_open(&r, f, NULL);
        while (rc == VR_OK && (rc = vr_reader_next(&r, &t)) == 1)
            rc = VR_OK;
        ck_assert(rc <= 0);
        vr_reader_free(&r);
        fclose(f);
        free(b);
    }
    vr_tensor_free(&t);
    free(buf);
}
END_TEST

/* Hand-packed tensors with inconsistent headers. */
static int
read_one(void (*pack)(msgpack_packer *))
{
    char *buf = NULL;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    struct vr_writer w;
    struct vr_reader r;
    struct vr_tensor t = {0};
    int rc;

    vr_writer_init(&w, f);
    vr_writer_header(&w, "test", NULL, NULL, 0);
    pack(&w.pk);
    msgpack_pack_map(&w.pk, 1);
    vr_pack_kv_i64(&w.pk, "end", 1);
    fclose(f);
    f = fmemopen(buf, len, "rb");
    rc = vr_reader_open(&r, f, NULL);
    if (rc == VR_OK)
        rc = vr_reader_next(&r, &t);
    vr_reader_free(&r);
    vr_tensor_free(&t);
    fclose(f);
    free(buf);
    return rc;
}

static void
pack_tensor(msgpack_packer *pk, const char *dtype, const uint64_t *shape,
    int rank, size_t bytes)
{
    static const char zeros[64];
    msgpack_pack_map(pk, 4);
    vr_pack_kv_str(pk, "name", "x");
    vr_pack_kv_str(pk, "dtype", dtype);
    vr_pack_str(pk, "shape");
    msgpack_pack_array(pk, (size_t)rank);
    for (int i = 0; i < rank; i++)
        msgpack_pack_uint64(pk, shape[i]);
    vr_pack_str(pk, "data");
    msgpack_pack_bin(pk, bytes);
    msgpack_pack_bin_body(pk, zeros, bytes);
}

static void p_ok(msgpack_packer *pk) { uint64_t s[] = {2, 4}; pack_tensor(pk, "f32", s, 2, 32); }
static void p_short(msgpack_packer *pk) { uint64_t s[] = {2, 4}; pack_tensor(pk, "f32", s, 2, 31); }
static void p_dtype(msgpack_packer *pk) { uint64_t s[] = {2}; pack_tensor(pk, "f16", s, 1, 4); }
static void p_overflow(msgpack_packer *pk)
{
    uint64_t s[] = {1ULL << 32, 1ULL << 32, 1ULL << 32};
    pack_tensor(pk, "f64", s, 3, 8);
}
static void p_huge(msgpack_packer *pk) { uint64_t s[] = {UINT64_MAX}; pack_tensor(pk, "u8", s, 1, 8); }
static void p_rank(msgpack_packer *pk)
{
    uint64_t s[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    pack_tensor(pk, "u8", s, 9, 1);
}
static void p_notmap(msgpack_packer *pk) { msgpack_pack_array(pk, 0); }
static void p_noname(msgpack_packer *pk)
{
    msgpack_pack_map(pk, 1);
    vr_pack_kv_str(pk, "dtype", "u8");
}

START_TEST(test_bad_tensors)
{
    ck_assert_int_eq(read_one(p_ok), 1);
    ck_assert_int_eq(read_one(p_short), VR_EFORMAT);
    ck_assert_int_eq(read_one(p_dtype), VR_EFORMAT);
    ck_assert_int_eq(read_one(p_overflow), VR_EFORMAT);
    ck_assert_int_eq(read_one(p_huge), VR_EFORMAT);
    ck_assert_int_eq(read_one(p_rank), VR_EFORMAT);
    ck_assert_int_eq(read_one(p_notmap), VR_EFORMAT);
    ck_assert_int_eq(read_one(p_noname), VR_EFORMAT);
}
END_TEST

START_TEST(test_not_a_stream)
{
    const char *inputs[] = {"", "hello", "\x80", "\x81\xa5magic\xa3xyz"};
    for (size_t i = 0; i < sizeof(inputs) / sizeof(*inputs); i++) {
        size_t n = strlen(inputs[i]);
        FILE *f = fmemopen((void *)inputs[i], n ? n : 1, "rb");
        struct vr_reader r;
        if (n == 0) {
            fclose(f);
            f = fopen("/dev/null", "rb");
        }
        ck_assert_int_eq(vr_reader_open(&r, f, NULL), VR_EFORMAT);
        vr_reader_free(&r);
        fclose(f);
    }
}
END_TEST

START_TEST(test_concatenated)
{
    size_t l1, l2;
    char *a = make_stream(&l1, 1), *b = make_stream(&l2, 2);
    char *ab = malloc(l1 + l2);
    struct vr_reader r;
    struct vr_tensor t = {0};
    int n = 0, rc;

    memcpy(ab, a, l1);
    memcpy(ab + l1, b, l2);
    FILE *f = fmemopen(ab, l1 + l2, "rb");
    ck_assert_int_eq(vr_reader_open(&r, f, "test"), VR_OK);
    do {
        while ((rc = vr_reader_next(&r, &t)) == 1)
            n++;
        ck_assert_int_eq(rc, 0);
    } while ((rc = vr_reader_continue(&r)) == 1);
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(n, 3);
    vr_reader_free(&r);
    vr_tensor_free(&t);
    fclose(f);
    free(a);
    free(b);
    free(ab);
}
END_TEST

START_TEST(test_table)
{
    char *buf = NULL;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    struct vr_writer w;
    struct vr_table tb;
    struct vr_reader r;
    size_t total = 0;
    int rc;

    vr_writer_init(&w, f);
    vr_writer_header(&w, "candles", NULL, NULL, 0);
    vr_table_init(&tb, vr_candle_cols, VR_CANDLE_NCOLS);
    for (int chunk = 0; chunk < 3; chunk++) {
        ck_assert_int_eq(vr_table_alloc(&tb, 100 + (size_t)chunk), VR_OK);
        for (size_t i = 0; i < tb.n; i++) {
            VR_COL(&tb, VR_CANDLE_TIME, int64_t)[i] = (int64_t)(total + i) * 60000;
            for (int c = VR_CANDLE_OPEN; c <= VR_CANDLE_FUNDING; c++)
                VR_COL(&tb, c, double)[i] = (double)(total + i);
            VR_COL(&tb, VR_CANDLE_SEGMENT, int32_t)[i] = chunk;
        }
        ck_assert_int_eq(vr_table_write(&w, &tb, tb.n), VR_OK);
        total += tb.n;
    }
    ck_assert_int_eq(vr_writer_end(&w), VR_OK);
    fclose(f);
    f = fmemopen(buf, len, "rb");
    ck_assert_int_eq(vr_reader_open(&r, f, "candles"), VR_OK);
    total = 0;
    while ((rc = vr_table_read(&r, &tb)) == 1) {
        ck_assert(VR_COL(&tb, VR_CANDLE_CLOSE, double)[tb.n - 1] ==
            (double)(total + tb.n - 1));
        total += tb.n;
    }
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(total, 303);
    vr_reader_free(&r);
    vr_table_free(&tb);
    fclose(f);
    free(buf);
}
END_TEST

static void
fill_dataset(struct vr_dataset *d, size_t nrows, size_t nsamples)
{
    struct vr_rng rng;

    memset(d, 0, sizeof(*d));
    d->T = 60;
    d->C = 8;
    for (int c = 0; c < 8; c++) {
        snprintf(d->feat[c], VR_NAME_MAX, "f%d", c);
        d->mean[c] = c;
        d->std[c] = 1 + c;
    }
    d->horizon = 60;
    d->up = 0.02;
    d->down = -0.02;
    strcpy(d->symbol, "BTCUSDT");
    d->nrows = nrows;
    d->x = malloc(nrows * 8 * sizeof(float));
    d->time = malloc(nrows * sizeof(int64_t));
    vr_rng_seed(&rng, 7);
    for (size_t i = 0; i < nrows * 8; i++)
        d->x[i] = (float)vr_rng_normal(&rng);
    for (size_t i = 0; i < nrows; i++)
        d->time[i] = (int64_t)i * 60000;
    d->nsamples = nsamples;
    d->end = malloc(nsamples * 8);
    d->label = malloc(nsamples);
    d->split = malloc(nsamples);
    d->regime = malloc(nsamples);
    for (size_t s = 0; s < nsamples; s++) {
        d->end[s] = 59 + (int64_t)s;
        d->label[s] = (int8_t)(s % 3);
        d->split[s] = (uint8_t)(s * 3 / nsamples);
        d->regime[s] = (uint8_t)(s % 4);
    }
}

START_TEST(test_dataset_roundtrip)
{
    struct vr_dataset d, e;
    char *buf = NULL;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    struct vr_writer w;
    struct vr_reader r;
    float win[480];

    fill_dataset(&d, 70000, 69000);   /* more than one chunk of each */
    vr_writer_init(&w, f);
    ck_assert_int_eq(vr_dataset_write(&w, &d, NULL, "test"), VR_OK);
    fclose(f);
    f = fmemopen(buf, len, "rb");
    ck_assert_int_eq(vr_reader_open(&r, f, "dataset"), VR_OK);
    ck_assert_int_eq(vr_dataset_read(&e, &r), VR_OK);
    ck_assert_int_eq(e.nrows, d.nrows);
    ck_assert_int_eq(e.nsamples, d.nsamples);
    ck_assert(memcmp(e.x, d.x, d.nrows * 8 * sizeof(float)) == 0);
    ck_assert(memcmp(e.end, d.end, d.nsamples * 8) == 0);
    ck_assert(memcmp(e.label, d.label, d.nsamples) == 0);
    ck_assert(e.std[7] == 8.0);
    vr_dataset_window(&e, win, 10);
    ck_assert(win[0] == d.x[10 * 8] && win[479] == d.x[69 * 8 + 7]);
    vr_reader_free(&r);
    vr_dataset_free(&d);
    vr_dataset_free(&e);
    fclose(f);
    free(buf);
}
END_TEST

START_TEST(test_dataset_bad_end)
{
    struct vr_dataset d, e;
    char *buf = NULL;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    struct vr_writer w;
    struct vr_reader r;

    fill_dataset(&d, 100, 10);
    d.end[3] = 58;      /* window would start before row 0 */
    vr_writer_init(&w, f);
    vr_dataset_write(&w, &d, NULL, NULL);
    fclose(f);
    f = fmemopen(buf, len, "rb");
    ck_assert_int_eq(vr_reader_open(&r, f, "dataset"), VR_OK);
    ck_assert_int_eq(vr_dataset_read(&e, &r), VR_EFORMAT);
    ck_assert(strstr(r.msg, "sample 3") != NULL);
    vr_reader_free(&r);
    vr_dataset_free(&d);
    fclose(f);
    free(buf);
}
END_TEST

static Suite *
stream_suite(void)
{
    Suite *s = suite_create("stream");
    TCase *tc = tcase_create("stream");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_roundtrip);
    tcase_add_test(tc, test_kind_mismatch);
    tcase_add_test(tc, test_truncated_everywhere);
    tcase_add_test(tc, test_corrupt_every_byte);
    tcase_add_test(tc, test_bad_tensors);
    tcase_add_test(tc, test_not_a_stream);
    tcase_add_test(tc, test_concatenated);
    tcase_add_test(tc, test_table);
    tcase_add_test(tc, test_dataset_roundtrip);
    tcase_add_test(tc, test_dataset_bad_end);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return vr_test_run(stream_suite());
}
