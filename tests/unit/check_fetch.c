/*
 * Unit tests for lib/market candle sources and vr_fetch_run: the number
 * and time parsers, CSV layouts (header or not, ms/us/datetime), zip,
 * bad lines with file:line messages, the funding as-of join, gaps and
 * duplicates, the synthetic market's determinism and label rate, and the
 * real files under ../shared/data.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zip.h>

#include "util_test.h"
#include "vr.h"
#include "base/parse.h"
#include "base/rng.h"
#include "market/candles.h"
#include "stream/kinds.h"
#include "stream/stream.h"

/* A check for hot loops: ck_assert reports every passing point to the
 * forked runner through a pipe, a system call each. */
#define CHECK(c) do { if (!(c)) ck_abort_msg("%s:%d: %s", __FILE__, \
    __LINE__, #c); } while (0)

static char tmpdir[64];

static void
setup(void)
{
    strcpy(tmpdir, "/tmp/check_fetch.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

/* Write text to tmpdir/name; the path, in a rotating static buffer. */
static const char *
put(const char *name, const char *text)
{
    static char bufs[8][256];
    static int k;
    char *p = bufs[k++ % 8];
    FILE *f;

    snprintf(p, 256, "%s/%s", tmpdir, name);
    ck_assert_ptr_nonnull(f = fopen(p, "wb"));
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
    return p;
}

/* Rows read back from a candles stream. */
struct rows {
    size_t n;
    int64_t *time;
    double *open, *high, *low, *close, *volume, *funding;
    int32_t *seg;
};

static void
rows_free(struct rows *r)
{
    free(r->time);
    free(r->open);
    free(r->high);
    free(r->low);
    free(r->close);
    free(r->volume);
    free(r->funding);
    free(r->seg);
    memset(r, 0, sizeof(*r));
}

#define GROW(p, n) ck_assert_ptr_nonnull((p) = realloc((p), (n) * sizeof(*(p))))

static void
rows_read(struct rows *out, const char *buf, size_t len)
{
    FILE *f = fmemopen((void *)buf, len, "rb");
    struct vr_reader r;
    struct vr_table tb;
    char s[64];
    int rc;

    memset(out, 0, sizeof(*out));
    ck_assert_int_eq(vr_reader_open(&r, f, "candles"), VR_OK);
    ck_assert_int_eq(vr_meta_str(&r, NULL, "interval", s, sizeof(s)), 0);
    ck_assert_str_eq(s, "1m");
    vr_table_init(&tb, vr_candle_cols, VR_CANDLE_NCOLS);
    while ((rc = vr_table_read(&r, &tb)) == 1) {
        size_t n = out->n + tb.n;
        GROW(out->time, n);
        GROW(out->open, n);
        GROW(out->high, n);
        GROW(out->low, n);
        GROW(out->close, n);
        GROW(out->volume, n);
        GROW(out->funding, n);
        GROW(out->seg, n);
        for (size_t i = 0; i < tb.n; i++) {
            size_t j = out->n + i;
            out->time[j] = VR_COL(&tb, VR_CANDLE_TIME, int64_t)[i];
            out->open[j] = VR_COL(&tb, VR_CANDLE_OPEN, double)[i];
            out->high[j] = VR_COL(&tb, VR_CANDLE_HIGH, double)[i];
            out->low[j] = VR_COL(&tb, VR_CANDLE_LOW, double)[i];
            out->close[j] = VR_COL(&tb, VR_CANDLE_CLOSE, double)[i];
            out->volume[j] = VR_COL(&tb, VR_CANDLE_VOLUME, double)[i];
            out->funding[j] = VR_COL(&tb, VR_CANDLE_FUNDING, double)[i];
            out->seg[j] = VR_COL(&tb, VR_CANDLE_SEGMENT, int32_t)[i];
        }
        out->n = n;
    }
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(vr_reader_next(&r, &tb.t[0]), 0);  /* the trailer */
    vr_table_free(&tb);
    vr_reader_free(&r);
    fclose(f);
}

/*
 * Run vr_fetch_run over CSV files (and a funding file, or NULL) into
 * memory.  Returns the status; on success *out holds the rows.
 */
static int
fetch_files(struct rows *out, struct vr_fetch *fx, const char **paths,
    int npaths, const char *funding)
{
    struct vr_csrc *src[16], *fund = NULL;
    struct vr_writer w;
    char msg[512], *buf = NULL;
    size_t len = 0;
    FILE *f;
    int rc;

    ck_assert_int_le(npaths, 16);
    for (int i = 0; i < npaths; i++) {
        rc = vr_csvsrc_new(&src[i], paths[i], msg, sizeof(msg));
        if (rc != VR_OK) {
            snprintf(fx->msg, sizeof(fx->msg), "%s", msg);
            for (int k = 0; k < i; k++)
                vr_csrc_free(src[k]);
            return rc;
        }
    }
    if (funding != NULL)
        ck_assert_int_eq(vr_fundsrc_new(&fund, funding, msg, sizeof(msg)),
            VR_OK);
    fx->src = src;
    fx->nsrc = (size_t)npaths;
    fx->funding = fund;
    f = open_memstream(&buf, &len);
    vr_writer_init(&w, f);
    ck_assert_int_eq(vr_candles_header(&w, "BTCUSDT", "test", "check"), 0);
    rc = vr_fetch_run(fx, &w);
    fclose(f);
    if (rc == VR_OK)
        rows_read(out, buf, len);
    free(buf);
    for (int i = 0; i < npaths; i++)
        vr_csrc_free(src[i]);
    vr_csrc_free(fund);
    return rc;
}

static int
fetch1(struct rows *out, struct vr_fetch *fx, const char *path)
{
    return fetch_files(out, fx, &path, 1, NULL);
}

/* ---- number and time parsers ---- */

START_TEST(test_parse_f64_exact)
{
    struct vr_rng rng;
    char buf[64];
    long iters = vr_test_iters(200000);

    vr_rng_seed(&rng, vr_test_seed());
    for (long i = 0; i < iters; i++) {
        double want, got;
        int ip = (int)vr_rng_below(&rng, 8), fp = (int)vr_rng_below(&rng, 10);
        unsigned long long a = vr_rng_u64(&rng) % 1000000000ULL;
        unsigned long long b = vr_rng_u64(&rng) % 10000000000ULL;
        int n = snprintf(buf, sizeof(buf), "%s%llu.%0*llu",
            i % 7 == 0 ? "-" : "", a % (unsigned long long)pow(10, ip), fp,
            b % (unsigned long long)pow(10, fp));
        if (fp == 0)
            buf[--n] = '\0';    /* no dot at all */
        want = strtod(buf, NULL);
        CHECK(vr_candle_parse_f64(&got, buf, (size_t)n) == VR_OK);
        if (got != want)
            ck_abort_msg("%s: %.17g != %.17g", buf, got, want);
    }
    /* long mantissas and exponents go the slow way, still exact */
    const char *ok[] = {"12345678901234567890.5", "1e-3", "2.5E+4",
        "0.000000000000000000000001", "00012.50"};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        double got;
        ck_assert_int_eq(vr_candle_parse_f64(&got, ok[i], strlen(ok[i])),
            VR_OK);
        ck_assert(got == strtod(ok[i], NULL));
    }
    const char *bad[] = {"", "-", ".", "1.2.3", "abc", "nan", "NaN", "inf",
        "1e999", " 1", "1x", "+"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        double got;
        ck_assert_msg(vr_candle_parse_f64(&got, bad[i], strlen(bad[i])) ==
            VR_EFORMAT, "accepted '%s'", bad[i]);
    }
}
END_TEST

START_TEST(test_parse_time)
{
    int64_t t;
#define T(s, want) do { \
        ck_assert_int_eq(vr_candle_parse_time(&t, s, strlen(s)), VR_OK); \
        ck_assert_int_eq(t, want); } while (0)
    T("1735689600", 1735689600000LL);               /* seconds */
    T("1735689600000", 1735689600000LL);            /* ms */
    T("1735689600000000", 1735689600000LL);         /* us: spot 2025+ */
    T("2025-01-01 00:00:00", 1735689600000LL);
    T("2025-01-01 00:01", 1735689660000LL);
    T("2021-03-26 03:00:00", 1616727600000LL);
    T("2025-01-01T00:00:00Z", 1735689600000LL);     /* ISO 8601 */
    T("2025-01-01T00:00:00+00:00", 1735689600000LL);
    T("2025-01-01 00:00:00.000", 1735689600000LL);
    T("2025-01-01 00:00:00.25", 1735689600250LL);
    T("1735689600000.0", 1735689600000LL);          /* pandas floats */
#undef T
    ck_assert_int_eq(vr_candle_parse_time(&t, "", 0), VR_EFORMAT);
    ck_assert_int_eq(vr_candle_parse_time(&t, "12a", 3), VR_EFORMAT);
    ck_assert_int_eq(vr_candle_parse_time(&t, "2025-13-01 00:00:00", 19),
        VR_EFORMAT);
    ck_assert_int_eq(vr_candle_parse_time(&t, "1234567890123456789", 19),
        VR_EFORMAT);
    const char *bad[] = {"1735689600000.5", "2025-01-01 00:00:00+01:00",
        "2025-01-01 00:00:00.1x", "2025-01-01 00:00:00Q", ".5", "1.2.0"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(vr_candle_parse_time(&t, bad[i], strlen(bad[i])) ==
            VR_EFORMAT, "accepted '%s'", bad[i]);
}
END_TEST

/* ---- CSV layouts ---- */

/* Three rows in every layout must give the same candles. */
START_TEST(test_layouts)
{
    const char *files[] = {
        /* generic OHLCV with a datetime header */
        "timestamp,open,high,low,close,volume\n"
        "2025-01-01 00:00:00,100,101,99,100.5,10\n"
        "2025-01-01 00:01:00,100.5,102,100,101,11.25\n"
        "2025-01-01 00:02:00,101,101.5,100.25,101.25,0\n",
        /* epoch ms header, columns reordered, CRLF line ends */
        "volume,close,low,high,open,date\r\n"
        "10,100.5,99,101,100,1735689600000\r\n"
        "11.25,101,100,102,100.5,1735689660000\r\n"
        "0,101.25,100.25,101.5,101,1735689720000\r\n",
        /* Binance spot dump, no header, microseconds, 12 columns, no
           newline at the end */
        "1735689600000000,100,101,99,100.5,10,1735689659999999,1,2,3,4,0\n"
        "1735689660000000,100.5,102,100,101,11.25,1735689719999999,1,2,3,4,0\n"
        "1735689720000000,101,101.5,100.25,101.25,0,1735689779999999,1,2,3,4,0",
        /* Binance futures dump with its header, ms */
        "open_time,open,high,low,close,volume,close_time,quote_volume,count,"
        "taker_buy_volume,taker_buy_quote_volume,ignore\n"
        "1735689600000,100,101,99,100.5,10,1735689659999,1,2,3,4,0\n"
        "1735689660000,100.5,102,100,101,11.25,1735689719999,1,2,3,4,0\n"
        "1735689720000,101,101.5,100.25,101.25,0,1735689779999,1,2,3,4,0\n",
        /* old Binance futures dump: no header, milliseconds */
        "1735689600000,100,101,99,100.5,10,1735689659999,1,2,3,4,0\n"
        "1735689660000,100.5,102,100,101,11.25,1735689719999,1,2,3,4,0\n"
        "1735689720000,101,101.5,100.25,101.25,0,1735689779999,1,2,3,4,0\n",
        /* epoch seconds, quoted fields, a byte order mark */
        "\xef\xbb\xbf\"time\",\"open\",\"high\",\"low\",\"close\",\"volume\"\n"
        "\"1735689600\",100,101,99,100.5,10\n"
        "1735689660,100.5,102,100,101,11.25\n\n"
        "1735689720,101,101.5,100.25,101.25,0\n",
    };
    for (size_t k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
        struct vr_fetch fx = {0};
        struct rows r;
        char name[32];
        snprintf(name, sizeof(name), "l%zu.csv", k);
        ck_assert_msg(fetch1(&r, &fx, put(name, files[k])) == VR_OK,
            "layout %zu: %s", k, fx.msg);
        ck_assert_uint_eq(r.n, 3);
        ck_assert_int_eq(r.time[0], 1735689600000LL);
        ck_assert_int_eq(r.time[2], 1735689720000LL);
        ck_assert(r.open[1] == 100.5 && r.high[1] == 102 && r.low[1] == 100);
        ck_assert(r.close[2] == 101.25 && r.volume[1] == 11.25);
        ck_assert(isnan(r.funding[0]));
        ck_assert_int_eq(r.seg[0], 0);
        ck_assert_int_eq(r.seg[2], 0);
        ck_assert_int_eq(fx.segments, 1);
        rows_free(&r);
    }
}
END_TEST

/* Each bad line stops the run with "file:line: what". */
START_TEST(test_bad_lines)
{
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"timestamp,open,high,low,close,volume\n"
         "2025-01-01 00:00:00,100,101,99,100,1\n"
         "2025-01-01 00:01:00,100,99,101,100,1\n", ":3: high 99 < low 101"},
        {"timestamp,open,high,low,close,volume\n"
         "2025-01-01 00:00:00,100,101,99,100,1\n"
         "2025-01-01 00:01:00,NaN,101,99,100,1\n", ":3: open: 'NaN' is not"},
        {"timestamp,open,high,low,close,volume\n"
         "2025-01-01 00:00:00,0,101,99,100,1\n", ":2: price not positive"},
        {"timestamp,open,high,low,close,volume\n"
         "2025-01-01 00:00:00,-5,101,99,100,1\n", ":2: price not positive"},
        {"timestamp,open,high,low,close,volume\n"
         "2025-01-01 00:00:00,100,101,99,100,-1\n", ":2: volume -1"},
        {"timestamp,open,high,low,close,volume\n"
         "2025-01-01 00:00:00,98,101,99,100,1\n", ":2: open 98 outside"},
        {"timestamp,open,high,low,close,volume\n"
         "2025-01-01 00:00:00,100,101,99,102,1\n", ":2: close 102 outside"},
        {"timestamp,open,high,low,close,volume\n"
         "2025-01-01 00:05:00,100,101,99,100,1\n"
         "\n"
         "2025-01-01 00:04:00,100,101,99,100,1\n", ":4: time goes backwards"},
        {"timestamp,open,high,low,close,volume\n"
         "2025-01-01 00:00:30,100,101,99,100,1\n", ":2: time 2025-01-01 "
         "00:00:30 (1735689630000) is not on a minute"},
        {"timestamp,open,high,low,close,volume\n"
         "2025-01-01 00:00:00,100,101,99\n", ":2: expected at least 6"},
        {"timestamp,open,high,low,close\n"
         "2025-01-01 00:00:00,100,101,99,100\n", ":1: header has no volume"},
        {"1735689600000,100,101,99,100\n", ":1: expected at least 6 fields"},
        {"timestamp,open,high,low,close,volume\n"
         "yesterday,100,101,99,100,1\n", ":2: time: 'yesterday'"},
        {"", "empty file"},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        struct vr_fetch fx = {0};
        struct rows r;
        char name[32], want[160];
        const char *p;
        snprintf(name, sizeof(name), "bad%zu.csv", k);
        p = put(name, cases[k].text);
        ck_assert_int_eq(fetch1(&r, &fx, p), VR_EFORMAT);
        snprintf(want, sizeof(want), "%s%s", p, cases[k].want);
        ck_assert_msg(strstr(fx.msg, cases[k].want) != NULL &&
            strncmp(fx.msg, p, strlen(p)) == 0,
            "case %zu: '%s' lacks '%s'", k, fx.msg, want);
    }
}
END_TEST

START_TEST(test_missing_file)
{
    struct vr_csrc *s;
    char msg[512], path[300];

    snprintf(path, sizeof(path), "%s/nope.csv", tmpdir);
    ck_assert_int_eq(vr_csvsrc_new(&s, path, msg, sizeof(msg)), VR_EIO);
    ck_assert_ptr_null(s);
    ck_assert(strstr(msg, "No such file") != NULL);
}
END_TEST

/* A zip of two CSV entries: read in order, a new segment at the second. */
START_TEST(test_zip)
{
    static const char a[] =
        "1735689600000000,100,101,99,100.5,10,0,0,0,0,0,0\n"
        "1735689660000000,100.5,102,100,101,11,0,0,0,0,0,0\n";
    static const char b[] =
        "1735689720000,101,101.5,100,101,1,0,0,0,0,0,0\n";
    char path[300];
    struct vr_fetch fx = {0};
    struct rows r;
    zip_t *z;
    int zerr;

    snprintf(path, sizeof(path), "%s/BTCUSDT-1m-2025-01.zip", tmpdir);
    ck_assert_ptr_nonnull(z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE,
        &zerr));
    ck_assert_int_ge(zip_file_add(z, "BTCUSDT-1m-2025-01.csv",
        zip_source_buffer(z, a, strlen(a), 0), 0), 0);
    ck_assert_int_ge(zip_file_add(z, "README.txt",
        zip_source_buffer(z, "x", 1, 0), 0), 0);
    ck_assert_int_ge(zip_file_add(z, "b.csv",
        zip_source_buffer(z, b, strlen(b), 0), 0), 0);
    ck_assert_int_eq(zip_close(z), 0);

    ck_assert_msg(fetch1(&r, &fx, path) == VR_OK, "%s", fx.msg);
    ck_assert_uint_eq(r.n, 3);
    ck_assert_int_eq(r.time[0], 1735689600000LL);
    ck_assert_int_eq(r.time[2], 1735689720000LL);
    ck_assert_int_eq(r.seg[1], 0);
    ck_assert_int_eq(r.seg[2], 1);
    rows_free(&r);

    /* a bad row inside a zip names the archive and the entry */
    static const char c[] = "1735689600000,100,101,99,100.5,10\n"
        "1735689660000,100,101,99,100.5,x\n";
    snprintf(path, sizeof(path), "%s/bad.zip", tmpdir);
    ck_assert_ptr_nonnull(z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE,
        &zerr));
    ck_assert_int_ge(zip_file_add(z, "c.csv",
        zip_source_buffer(z, c, strlen(c), 0), 0), 0);
    ck_assert_int_eq(zip_close(z), 0);
    memset(&fx, 0, sizeof(fx));
    ck_assert_int_eq(fetch1(&r, &fx, path), VR_EFORMAT);
    ck_assert_msg(strstr(fx.msg, "bad.zip:c.csv:2: volume: 'x'") != NULL,
        "%s", fx.msg);
}
END_TEST

/* Random mutations of valid files: every outcome is a clean success with
 * valid candles or VR_EFORMAT naming the file, never a crash (run under
 * make asan too). */
START_TEST(test_mutations)
{
    static const char *base[] = {
        "timestamp,open,high,low,close,volume\n"
        "2025-01-01 00:00:00,100,101,99,100.5,10\n"
        "2025-01-01 00:01:00,100.5,102,100,101,11.25\n"
        "2025-01-01 00:03:00,101,101.5,100.25,101.25,0\n",
        "1735689600000000,100,101,99,100.5,10,1735689659999999,1,2,3,4,0\n"
        "1735689660000000,100.5,102,100,101,11.25,1735689719999999,1,2,3,4,0\n"
        "1735689660000000,100.5,102,100,101,11.25,1735689719999999,1,2,3,4,0\n",
    };
    static const char alphabet[] = "0123456789,,\n\r\"-.eE+ :aN\x00\xff";
    struct vr_rng rng;
    long iters = vr_test_iters(500);
    char text[512];
    long nok = 0;

    vr_rng_seed(&rng, vr_test_seed());
    for (long it = 0; it < iters; it++) {
        const char *b = base[it % 2];
        size_t len = strlen(b);
        struct vr_fetch fx = {0};
        struct rows r;
        const char *p;
        FILE *f;
        int rc;

        memcpy(text, b, len);
        for (int k = 0, nm = 1 + (int)vr_rng_below(&rng, 3); k < nm; k++)
            text[vr_rng_below(&rng, len)] =
                alphabet[vr_rng_below(&rng, sizeof(alphabet) - 1)];
        p = put("mut.csv", "");
        ck_assert_ptr_nonnull(f = fopen(p, "wb"));
        fwrite(text, 1, len, f);
        fclose(f);
        fx.gap = (enum vr_gap)(it % 3);
        fx.max_fill = 2;
        rc = fetch1(&r, &fx, p);
        ck_assert_msg(rc == VR_OK || rc == VR_EFORMAT, "rc %d", rc);
        if (rc == VR_EFORMAT) {
            ck_assert_msg(strncmp(fx.msg, p, strlen(p)) == 0, "%s", fx.msg);
            continue;
        }
        nok++;
        for (size_t i = 0; i < r.n; i++) {
            CHECK(r.low[i] > 0 && r.low[i] <= r.high[i]);
            CHECK(r.open[i] >= r.low[i] && r.open[i] <= r.high[i]);
            CHECK(r.close[i] >= r.low[i] && r.close[i] <= r.high[i]);
            CHECK(r.volume[i] >= 0);
            CHECK(r.time[i] % 60000 == 0);
            if (i > 0)
                CHECK(r.time[i] > r.time[i - 1]);
        }
        rows_free(&r);
    }
    /* some mutations are harmless (a digit for a digit) */
    ck_assert_int_gt(nok, 0);
}
END_TEST

/* An unterminated quote does not buffer the rest of a huge file. */
START_TEST(test_runaway_field)
{
    size_t n = 3u << 20;
    char *text = malloc(n + 64);
    struct vr_fetch fx = {0};
    struct rows r;

    ck_assert_ptr_nonnull(text);
    strcpy(text, "timestamp,open,high,low,close,volume\n\"");
    memset(text + strlen(text), 'a', n);
    text[n] = '\0';
    ck_assert_int_eq(fetch1(&r, &fx, put("runaway.csv", text)), VR_EFORMAT);
    ck_assert_msg(strstr(fx.msg, "unterminated quote") != NULL, "%s", fx.msg);
    free(text);
}
END_TEST

/* ---- merge, duplicates, gaps ---- */

static const char *
minutes_csv(const char *name, const int *mins, int n)
{
    static char text[8192];
    size_t at = 0;

    at += (size_t)snprintf(text, sizeof(text),
        "timestamp,open,high,low,close,volume\n");
    for (int i = 0; i < n; i++)
        at += (size_t)snprintf(text + at, sizeof(text) - at,
            "%lld,%d,%d,%d,%d,1\n",
            1735689600000LL + mins[i] * 60000LL, 100 + mins[i],
            101 + mins[i], 99 + mins[i], 100 + mins[i]);
    return put(name, text);
}

START_TEST(test_duplicates_and_merge)
{
    int a[] = {0, 1, 1, 2, 3}, b[] = {3, 4, 5, 10, 11};
    const char *paths[2];
    struct vr_fetch fx = {0};
    struct rows r;

    paths[0] = minutes_csv("a.csv", a, 5);
    paths[1] = minutes_csv("b.csv", b, 5);
    /* given in reverse order: the merge sorts by time */
    const char *rev[2] = {paths[1], paths[0]};
    ck_assert_msg(fetch_files(&r, &fx, rev, 2, NULL) == VR_OK, "%s", fx.msg);
    ck_assert_uint_eq(r.n, 8);      /* 0 1 2 3 4 5 10 11 */
    ck_assert_uint_eq(fx.dups, 2);  /* the second 1, and 3 in both */
    for (size_t i = 1; i < r.n; i++)
        ck_assert_int_gt(r.time[i], r.time[i - 1]);
    /* segments: a (0..2) then 3 from b (file boundary: b wins the tie as
     * the first source), 4 5, gap, 10 11 */
    ck_assert_int_eq(r.seg[0], 0);
    ck_assert_int_eq(r.seg[2], 0);
    ck_assert_int_eq(r.seg[3], 1);
    ck_assert_int_eq(r.seg[5], 1);
    ck_assert_int_eq(r.seg[6], 2);
    ck_assert_int_eq(fx.segments, 3);
    ck_assert_uint_eq(fx.gaps, 1);
    ck_assert_uint_eq(fx.gap_minutes, 4);
    rows_free(&r);
}
END_TEST

START_TEST(test_gap_policies)
{
    int m[] = {0, 1, 4, 5, 20};   /* gaps of 2 and 14 minutes */
    const char *p = minutes_csv("g.csv", m, 5);
    struct vr_fetch fx = {0};
    struct rows r;

    /* split: a segment per run */
    ck_assert_int_eq(fetch1(&r, &fx, p), VR_OK);
    ck_assert_uint_eq(r.n, 5);
    ck_assert_int_eq(r.seg[1], 0);
    ck_assert_int_eq(r.seg[2], 1);
    ck_assert_int_eq(r.seg[4], 2);
    ck_assert_uint_eq(fx.gaps, 2);
    ck_assert_uint_eq(fx.gap_minutes, 16);
    rows_free(&r);

    /* fill up to 5: the 2-minute gap is filled, the 14-minute one splits */
    memset(&fx, 0, sizeof(fx));
    fx.gap = VR_GAP_FILL;
    fx.max_fill = 5;
    ck_assert_int_eq(fetch1(&r, &fx, p), VR_OK);
    ck_assert_uint_eq(r.n, 7);
    ck_assert_uint_eq(fx.filled, 2);
    ck_assert_int_eq(r.time[2], 1735689600000LL + 2 * 60000);
    ck_assert(r.open[2] == 101 && r.high[2] == 101 && r.low[2] == 101 &&
        r.close[3] == 101 && r.volume[2] == 0);
    ck_assert_int_eq(r.seg[4], 0);
    ck_assert_int_eq(r.seg[6], 1);
    rows_free(&r);

    /* fail: the first gap stops the run at its line */
    memset(&fx, 0, sizeof(fx));
    fx.gap = VR_GAP_FAIL;
    ck_assert_int_eq(fetch1(&r, &fx, p), VR_EFORMAT);
    ck_assert_msg(strstr(fx.msg, "g.csv:4: gap of 2 minutes after "
        "2025-01-01 00:01:00") != NULL, "%s", fx.msg);
}
END_TEST

/* The funding rate in force at each minute: the last one at or before. */
START_TEST(test_funding_join)
{
    int m[] = {0, 1, 2, 3, 4, 5};
    const char *p = minutes_csv("f.csv", m, 6);
    /* no header, 3 columns; a rate at minute 2 and 4 (+ 17 ms) */
    char ftext[256];
    snprintf(ftext, sizeof(ftext), "%lld,8,0.0001\n%lld,8,-0.00025\n",
        1735689600000LL + 2 * 60000, 1735689600000LL + 4 * 60000 + 17);
    const char *fp = put("fund.csv", ftext);
    struct vr_fetch fx = {0};
    struct rows r;

    ck_assert_msg(fetch_files(&r, &fx, &p, 1, fp) == VR_OK, "%s", fx.msg);
    ck_assert_uint_eq(r.n, 6);
    ck_assert(isnan(r.funding[0]) && isnan(r.funding[1]));
    ck_assert(r.funding[2] == 0.0001 && r.funding[3] == 0.0001);
    ck_assert(r.funding[4] == 0.0001);      /* 00:04:00.017 is after 00:04 */
    ck_assert(r.funding[5] == -0.00025);
    rows_free(&r);

    /* the funding dump header */
    fp = put("fund2.csv", "calc_time,funding_interval_hours,"
        "last_funding_rate\n1735689600000,8,0.0003\n");
    memset(&fx, 0, sizeof(fx));
    ck_assert_int_eq(fetch_files(&r, &fx, &p, 1, fp), VR_OK);
    ck_assert(r.funding[0] == 0.0003 && r.funding[5] == 0.0003);
    rows_free(&r);

    /* a funding file going backwards is an error with its line */
    snprintf(ftext, sizeof(ftext), "%lld,8,0.0001\n%lld,8,0.0001\n",
        1735689600000LL + 3 * 60000, 1735689600000LL);
    fp = put("fund3.csv", ftext);
    memset(&fx, 0, sizeof(fx));
    ck_assert_int_eq(fetch_files(&r, &fx, &p, 1, fp), VR_EFORMAT);
    ck_assert_msg(strstr(fx.msg, "fund3.csv:2: time goes backwards") !=
        NULL, "%s", fx.msg);
}
END_TEST

/* A candles stream read back as a source keeps its rows, funding and
 * segments (what -r relies on). */
START_TEST(test_stream_source)
{
    int a[] = {0, 1, 2, 5, 6}, b[] = {8, 9};
    const char *paths[2];
    char ftext[128], out[300], msg[512];
    struct vr_fetch fx = {0}, fy = {0};
    struct vr_csrc *src[2], *fund, *ss;
    struct vr_writer w;
    struct rows r1, r2;
    char *buf = NULL;
    size_t len = 0;
    FILE *f;

    paths[0] = minutes_csv("sa.csv", a, 5);
    paths[1] = minutes_csv("sb.csv", b, 2);
    snprintf(ftext, sizeof(ftext), "%lld,8,0.0002\n",
        1735689600000LL + 6 * 60000);
    const char *fp = put("sf.csv", ftext);
    /* written to a file as vr-fetch -o would */
    snprintf(out, sizeof(out), "%s/s.vr", tmpdir);
    ck_assert_int_eq(vr_csvsrc_new(&src[0], paths[0], msg, sizeof(msg)), 0);
    ck_assert_int_eq(vr_csvsrc_new(&src[1], paths[1], msg, sizeof(msg)), 0);
    ck_assert_int_eq(vr_fundsrc_new(&fund, fp, msg, sizeof(msg)), 0);
    fx.src = src;
    fx.nsrc = 2;
    fx.funding = fund;
    ck_assert_ptr_nonnull(f = fopen(out, "wb"));
    vr_writer_init(&w, f);
    vr_candles_header(&w, "BTCUSDT", "test", "check");
    ck_assert_int_eq(vr_fetch_run(&fx, &w), VR_OK);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_int_eq(fx.segments, 3);
    vr_csrc_free(src[0]);
    vr_csrc_free(src[1]);
    vr_csrc_free(fund);

    /* through the stream source, with a funding file that must not
     * overwrite the stream's own rates */
    ck_assert_int_eq(vr_streamsrc_new(&ss, out, msg, sizeof(msg)), VR_OK);
    fp = put("sf2.csv", "0,8,0.0009\n");
    ck_assert_int_eq(vr_fundsrc_new(&fund, fp, msg, sizeof(msg)), 0);
    fy.src = &ss;
    fy.nsrc = 1;
    fy.funding = fund;
    f = open_memstream(&buf, &len);
    vr_writer_init(&w, f);
    vr_candles_header(&w, "BTCUSDT", "test", "check");
    ck_assert_int_eq(vr_fetch_run(&fy, &w), VR_OK);
    fclose(f);
    vr_csrc_free(ss);
    vr_csrc_free(fund);
    rows_read(&r2, buf, len);
    free(buf);
    buf = NULL;

    ck_assert_ptr_nonnull(f = fopen(out, "rb"));
    fseek(f, 0, SEEK_END);
    len = (size_t)ftell(f);
    rewind(f);
    ck_assert_ptr_nonnull(buf = malloc(len));
    ck_assert_uint_eq(fread(buf, 1, len, f), len);
    fclose(f);
    rows_read(&r1, buf, len);
    free(buf);

    ck_assert_uint_eq(r1.n, 7);
    ck_assert_uint_eq(r2.n, 7);
    ck_assert_int_eq(fy.segments, 3);
    for (size_t i = 0; i < r1.n; i++) {
        ck_assert_int_eq(r1.time[i], r2.time[i]);
        ck_assert_int_eq(r1.seg[i], r2.seg[i]);
        ck_assert(r1.close[i] == r2.close[i]);
        /* NaN where the first run had none: the join fills those */
        if (isnan(r1.funding[i]))
            ck_assert(r2.funding[i] == 0.0009);
        else
            ck_assert(r2.funding[i] == r1.funding[i]);
    }
    ck_assert(r1.funding[4] == 0.0002);     /* minute 6 */
    ck_assert(isnan(r1.funding[3]));        /* minute 5 */
    rows_free(&r1);
    rows_free(&r2);

    /* a truncated stream is an error, not a shorter history */
    {
        char tr[300];
        FILE *g;
        snprintf(tr, sizeof(tr), "%s/t.vr", tmpdir);
        ck_assert_ptr_nonnull(f = fopen(out, "rb"));
        ck_assert_ptr_nonnull(g = fopen(tr, "wb"));
        for (int ch, k = 0; (ch = fgetc(f)) != EOF && k < 300; k++)
            fputc(ch, g);
        fclose(f);
        fclose(g);
        ck_assert_int_eq(vr_streamsrc_new(&ss, tr, msg, sizeof(msg)), 0);
        struct vr_candle c;
        int rc;
        while ((rc = vr_csrc_next(ss, &c)) == 1)
            ;
        ck_assert_int_eq(rc, VR_EFORMAT);
        ck_assert_msg(strstr(ss->msg, "t.vr: ") != NULL, "%s", ss->msg);
        vr_csrc_free(ss);
    }
}
END_TEST

/* ---- synthetic market ---- */

static char *
synth_bytes(uint64_t seed, int64_t n, size_t *len)
{
    struct vr_csrc *s;
    struct vr_fetch fx = {0};
    struct vr_writer w;
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);

    ck_assert_int_eq(vr_synth_new(&s, seed, 1704067200000LL, n), VR_OK);
    fx.src = &s;
    fx.nsrc = 1;
    vr_writer_init(&w, f);
    vr_candles_header(&w, "BTCUSDT", "synthetic", "check");
    ck_assert_int_eq(vr_fetch_run(&fx, &w), VR_OK);
    ck_assert_uint_eq(fx.rows, (uint64_t)n);
    fclose(f);
    vr_csrc_free(s);
    return buf;
}

START_TEST(test_synth_deterministic)
{
    size_t la, lb, lc;
    char *a = synth_bytes(7, 100000, &la), *b = synth_bytes(7, 100000, &lb);
    char *c = synth_bytes(8, 100000, &lc);
    struct rows r;

    ck_assert_uint_eq(la, lb);
    ck_assert(memcmp(a, b, la) == 0);
    ck_assert(la != lc || memcmp(a, c, la) != 0);
    /* every candle is valid, contiguous, one segment, funding set */
    rows_read(&r, a, la);
    ck_assert_uint_eq(r.n, 100000);
    for (size_t i = 0; i < r.n; i++) {
        CHECK(r.time[i] == 1704067200000LL + (int64_t)i * 60000);
        CHECK(r.low[i] > 0 && r.low[i] <= r.open[i] &&
            r.low[i] <= r.close[i] && r.high[i] >= r.open[i] &&
            r.high[i] >= r.close[i] && r.volume[i] > 0);
        CHECK(isfinite(r.funding[i]) && fabs(r.funding[i]) < 0.01);
        CHECK(r.seg[i] == 0);
        if (i > 0)
            CHECK(r.open[i] == r.close[i - 1]);
    }
    rows_free(&r);
    free(a);
    free(b);
    free(c);
}
END_TEST

/*
 * The share of 60-minute forward returns beyond +/-2 % must be 3-10 %,
 * so that BUY and SELL labels are rare but learnable.  Measured over a
 * year of minutes for three seeds, and per seed.  Learnable: after an
 * hour that rose (fell) more than 2 %, the next hour must rise (fall)
 * more than 2 % far more often than it does on average (the runs'
 * momentum); a random walk would give the average.
 */
START_TEST(test_synth_label_rate)
{
    const int64_t n = 525600, H = 60;
    double *close = malloc((size_t)n * sizeof(*close));
    uint64_t big = 0, total = 0, up = 0, down = 0, regimes[4] = {0};
    uint64_t after_up = 0, up_up = 0, after_down = 0, down_down = 0;
    int64_t fund_changes = 0;

    ck_assert_ptr_nonnull(close);
    for (uint64_t seed = 1; seed <= 3; seed++) {
        struct vr_csrc *s;
        struct vr_candle c;
        uint64_t sbig = 0;
        double prevf = NAN;
        ck_assert_int_eq(vr_synth_new(&s, seed, 1704067200000LL, n), VR_OK);
        for (int64_t i = 0; i < n; i++) {
            CHECK(vr_csrc_next(s, &c) == 1);
            close[i] = c.close;
            regimes[vr_synth_regime(s)]++;
            if (c.funding != prevf) {
                /* funding changes only at 00, 08, 16 UTC */
                CHECK(c.time % (8 * 3600000LL) == 0);
                fund_changes++;
            }
            prevf = c.funding;
        }
        ck_assert_int_eq(vr_csrc_next(s, &c), 0);
        vr_csrc_free(s);
        for (int64_t i = 0; i + H < n; i++) {
            double r = close[i + H] / close[i] - 1;
            sbig += fabs(r) > 0.02;
            up += r > 0.02;
            down += r < -0.02;
            if (i >= H) {
                double past = close[i] / close[i - H] - 1;
                after_up += past > 0.02;
                up_up += past > 0.02 && r > 0.02;
                after_down += past < -0.02;
                down_down += past < -0.02 && r < -0.02;
            }
        }
        double frac = (double)sbig / (double)(n - H);
        fprintf(stderr, "synthetic seed %llu: %.2f %% of 60-minute returns "
            "beyond +/-2 %%\n", (unsigned long long)seed, 100 * frac);
        ck_assert_msg(frac >= 0.03 && frac <= 0.10, "seed %llu: %.4f",
            (unsigned long long)seed, frac);
        big += sbig;
        total += (uint64_t)(n - H);
    }
    double frac = (double)big / (double)total;
    fprintf(stderr, "synthetic: %.2f %% beyond +/-2 %% (%.2f %% up), "
        "regime minutes %llu %llu %llu %llu\n", 100 * frac,
        100 * (double)up / (double)total, (unsigned long long)regimes[0],
        (unsigned long long)regimes[1], (unsigned long long)regimes[2],
        (unsigned long long)regimes[3]);
    ck_assert(frac >= 0.03 && frac <= 0.10);
    /* momentum: P(up > 2 % | past hour up > 2 %) vs P(up > 2 %) */
    double pu = (double)up / (double)total, pd = (double)down / (double)total;
    double puu = (double)up_up / (double)after_up;
    double pdd = (double)down_down / (double)after_down;
    fprintf(stderr, "synthetic: next hour > +2 %% %.1f %% after an hour "
        "> +2 %% (%.1f %% on average); < -2 %% %.1f %% after < -2 %% "
        "(%.1f %%)\n", 100 * puu, 100 * pu, 100 * pdd, 100 * pd);
    ck_assert_uint_gt(after_up, 1000);
    ck_assert_uint_gt(after_down, 1000);
    ck_assert_msg(puu > 0.2 && puu > 5 * pu, "%.4f vs %.4f", puu, pu);
    ck_assert_msg(pdd > 0.2 && pdd > 5 * pd, "%.4f vs %.4f", pdd, pd);
    /* both directions occur, every regime is visited */
    ck_assert(up > big / 5 && up < big * 4 / 5);
    for (int k = 0; k < 4; k++)
        ck_assert_uint_gt(regimes[k], (uint64_t)n / 20);
    /* about three funding settlements a day */
    ck_assert_int_ge(fund_changes, 3 * 3 * 365 - 10);
    free(close);
}
END_TEST

/* ---- the real files under ../shared/data/btcusdt ---- */

START_TEST(test_real_spot_2021)
{
    const char *p = vr_test_shared("data/btcusdt/spot-1m-2021.csv");
    struct vr_fetch fx = {0};
    struct rows r;
    double t0 = 0;

    if (access(p, R_OK) != 0) {
        fprintf(stderr, "skipping: %s missing\n", p);
        return;
    }
    t0 = (double)clock() / CLOCKS_PER_SEC;
    ck_assert_msg(fetch1(&r, &fx, p) == VR_OK, "%s", fx.msg);
    fprintf(stderr, "spot-1m-2021.csv: %zu rows parsed and written in "
        "%.3f s CPU\n", r.n, (double)clock() / CLOCKS_PER_SEC - t0);
    /* the README: 50,000 rows, 2 gaps of 434 minutes in all */
    ck_assert_uint_eq(r.n, 50000);
    ck_assert_uint_eq(fx.gaps, 2);
    ck_assert_uint_eq(fx.gap_minutes, 434);
    ck_assert_int_eq(fx.segments, 3);
    ck_assert_int_eq(r.time[0], 1616727600000LL);   /* 2021-03-26 03:00 */
    ck_assert(r.open[0] == 51696.7 && r.high[0] == 51926.17 &&
        r.low[0] == 51696.7 && r.close[0] == 51827.72 &&
        r.volume[0] == 73.9024);
    rows_free(&r);
}
END_TEST

/* The perpetual file joined with the funding dump, against a plain
 * re-reading of the funding file with sscanf. */
START_TEST(test_real_perp_funding)
{
    char fpath[4096], ppath[4096];
    const char *p = ppath;
    struct vr_fetch fx = {0};
    struct rows r;
    FILE *f;
    char line[256];
    long long ft[8000];
    double fr[8000];
    int nf = 0;

    snprintf(ppath, sizeof(ppath), "%s",
        vr_test_shared("data/btcusdt/perp-1m-2025-05.csv"));
    snprintf(fpath, sizeof(fpath), "%s",
        vr_test_shared("data/btcusdt/perp-funding-8h.csv"));
    if (access(p, R_OK) != 0 || access(fpath, R_OK) != 0) {
        fprintf(stderr, "skipping: shared data missing\n");
        return;
    }
    ck_assert_ptr_nonnull(f = fopen(fpath, "r"));
    while (fgets(line, sizeof(line), f) && nf < 8000) {
        int hours;
        if (sscanf(line, "%lld,%d,%lf", &ft[nf], &hours, &fr[nf]) == 3)
            nf++;
    }
    fclose(f);
    ck_assert_int_eq(nf, 7323);
    ck_assert_msg(fetch_files(&r, &fx, &p, 1, fpath) == VR_OK, "%s", fx.msg);
    ck_assert_uint_eq(r.n, 43199);
    ck_assert_int_eq(fx.segments, 1);
    for (size_t i = 0, k = 0; i < r.n; i++) {
        while (k + 1 < (size_t)nf && ft[k + 1] <= r.time[i])
            k++;
        CHECK(ft[k] <= r.time[i]);
        if (r.funding[i] != fr[k])
            ck_abort_msg("row %zu: funding %g, want %g", i, r.funding[i],
                fr[k]);
    }
    rows_free(&r);
}
END_TEST

static Suite *
suite(void)
{
    Suite *s = suite_create("fetch");
    TCase *tc = tcase_create("parse");

    tcase_add_test(tc, test_parse_f64_exact);
    tcase_add_test(tc, test_parse_time);
    suite_add_tcase(s, tc);

    tc = tcase_create("files");
    /* in the runner, so the directory goes even when a test fails */
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_layouts);
    tcase_add_test(tc, test_bad_lines);
    tcase_add_test(tc, test_missing_file);
    tcase_add_test(tc, test_zip);
    tcase_add_test(tc, test_mutations);
    tcase_add_test(tc, test_runaway_field);
    tcase_add_test(tc, test_duplicates_and_merge);
    tcase_add_test(tc, test_gap_policies);
    tcase_add_test(tc, test_funding_join);
    tcase_add_test(tc, test_stream_source);
    suite_add_tcase(s, tc);

    tc = tcase_create("synth");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_synth_deterministic);
    tcase_add_test(tc, test_synth_label_rate);
    suite_add_tcase(s, tc);

    tc = tcase_create("real");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_real_spot_2021);
    tcase_add_test(tc, test_real_perp_funding);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return vr_test_run(suite());
}
