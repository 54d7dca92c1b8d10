/* Unit tests for lib/market: indicators (exact seeds, chunking, segment
 * resets, bad rows) and labels (thresholds, purge, windows, norm). */
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

/* A candle series held in memory. */
struct series {
    size_t n;
    int64_t *time;
    double *close, *volume, *funding;
    int32_t *seg;
};

static void
series_alloc(struct series *s, size_t n)
{
    s->n = n;
    s->time = calloc(n, sizeof(int64_t));
    s->close = calloc(n, sizeof(double));
    s->volume = calloc(n, sizeof(double));
    s->funding = calloc(n, sizeof(double));
    s->seg = calloc(n, sizeof(int32_t));
    ck_assert(s->time && s->close && s->volume && s->funding && s->seg);
}

static void
series_free(struct series *s)
{
    free(s->time);
    free(s->close);
    free(s->volume);
    free(s->funding);
    free(s->seg);
}

/* Random walk with a new segment every seglen minutes (and a gap in time
 * there), funding NaN for the first 100 minutes. */
static void
series_random(struct series *s, size_t n, size_t seglen, uint64_t seed)
{
    struct vr_rng rng;
    double c = 20000;
    int64_t t = 1600000000000;

    vr_rng_seed(&rng, seed);
    series_alloc(s, n);
    for (size_t i = 0; i < n; i++) {
        if (i && i % seglen == 0)
            t += 3600000;
        c *= exp(0.002 * vr_rng_normal(&rng));
        s->time[i] = t;
        s->close[i] = c;
        s->volume[i] = 50 * vr_rng_uniform(&rng);
        s->funding[i] = i < 100 ? NAN : 1e-4 * vr_rng_normal(&rng);
        s->seg[i] = (int32_t)(i / seglen);
        t += 60000;
    }
}

/* Write s[from, to) as a candles stream (chunks of chunk rows) to f. */
static void
write_candles(FILE *f, const struct series *s, size_t from, size_t to,
    size_t chunk)
{
    struct vr_writer w;
    struct vr_table tb;

    vr_writer_init(&w, f);
    vr_writer_header(&w, "candles", NULL, "check_market", 1);
    vr_pack_kv_str(&w.pk, "symbol", "TEST");
    vr_table_init(&tb, vr_candle_cols, VR_CANDLE_NCOLS);
    ck_assert_int_eq(vr_table_alloc(&tb, chunk), VR_OK);
    for (size_t at = from; at < to; at += chunk) {
        size_t n = to - at < chunk ? to - at : chunk;
        for (size_t i = 0; i < n; i++) {
            VR_COL(&tb, VR_CANDLE_TIME, int64_t)[i] = s->time[at + i];
            VR_COL(&tb, VR_CANDLE_OPEN, double)[i] = s->close[at + i];
            VR_COL(&tb, VR_CANDLE_HIGH, double)[i] = s->close[at + i];
            VR_COL(&tb, VR_CANDLE_LOW, double)[i] = s->close[at + i];
            VR_COL(&tb, VR_CANDLE_CLOSE, double)[i] = s->close[at + i];
            VR_COL(&tb, VR_CANDLE_VOLUME, double)[i] = s->volume[at + i];
            VR_COL(&tb, VR_CANDLE_FUNDING, double)[i] = s->funding[at + i];
            VR_COL(&tb, VR_CANDLE_SEGMENT, int32_t)[i] = s->seg[at + i];
        }
        ck_assert_int_eq(vr_table_write(&w, &tb, n), VR_OK);
    }
    ck_assert_int_eq(vr_writer_end(&w), VR_OK);
    vr_table_free(&tb);
}

/* Run vr_feat_stream on the bytes in buf; returns its status and the
 * text (CSV) or stream output in *out. */
static int
run_feat(const char *buf, size_t len, bool raw, bool text, char **out,
    size_t *outlen, struct vr_feat_stats *st, char *msg)
{
    FILE *in = fmemopen((void *)buf, len, "rb");
    FILE *o = open_memstream(out, outlen);
    struct vr_reader r;
    struct vr_writer w;
    struct vr_feat_opts opts = {.raw = raw, .text = text ? o : NULL};
    int rc;

    ck_assert(in && o);
    rc = vr_reader_open(&r, in, "candles");
    if (rc == VR_OK) {
        vr_writer_init(&w, o);
        rc = vr_feat_stream(&w, &r, &opts, "check_market", st);
    }
    if (msg)
        strcpy(msg, r.msg);
    vr_reader_free(&r);
    fclose(in);
    fclose(o);
    return rc;
}

static char *
candles_buf(const struct series *s, size_t chunk, size_t *len)
{
    char *buf;
    FILE *f = open_memstream(&buf, len);
    write_candles(f, s, 0, s->n, chunk);
    fclose(f);
    return buf;
}

static bool
close_rel(double a, double b, double tol)
{
    return fabs(a - b) <= tol * fmax(fabs(a), fabs(b));
}

/* Linear closes 100 + i and volumes i: every seed has a closed form. */
START_TEST(test_ind_seeds_linear)
{
    struct vr_ind s;
    double out[VR_FEAT_C];

    vr_ind_reset(&s);
    for (int i = 0; i < 25; i++) {
        ck_assert_int_eq(vr_ind_push(&s, out, 100 + i, i, NAN), 0);
        if (i == 4)
            ck_assert(s.ema[0] == 102.0);      /* mean(100..104) */
        if (i == 9)
            ck_assert(s.ema[1] == 104.5);      /* mean(100..109) */
        if (i == 19)
            ck_assert(s.ema[2] == 109.5);      /* mean(100..119) */
        if (i == 5)     /* (105 - 102) * 2/6 + 102 */
            ck_assert(close_rel(s.ema[0], 103.0, 1e-15));
    }
    ck_assert_int_eq(vr_ind_push(&s, out, 125, 25, NAN), 1);
    /* EMA12 seeded with mean(114..125) = 119.5, EMA26 with mean(100..125)
     * = 112.5, both at i = 25: MACD = 7 exactly. */
    ck_assert(out[VR_F_MACD] == 7.0);
    ck_assert(out[VR_F_RSI14] == 100.0);   /* only gains */
    ck_assert(out[VR_F_VOLMA5] == 23.0);   /* mean(21..25) */
    ck_assert(out[VR_F_VOLMA10] == 20.5);  /* mean(16..25) */
    ck_assert(out[VR_F_FUNDING] == 0.0);   /* NaN funding reads as 0 */
    /* A linear series keeps every EMA lag n-independent: ema_n = c - (n-1)/2
     * once seeded. */
    ck_assert(close_rel(out[VR_F_EMA5], 123.0, 1e-14));
    ck_assert(close_rel(out[VR_F_EMA10], 120.5, 1e-14));
    ck_assert(close_rel(out[VR_F_EMA20], 115.5, 1e-14));
}
END_TEST

/* MACD on a curved series: the EMA12 is seeded at i = 25 with the mean
 * of closes 14..25 (TA-Lib's alignment), not at i = 11. */
START_TEST(test_ind_macd_alignment)
{
    struct vr_ind s;
    double out[VR_FEAT_C], c[40], fast = 0, slow = 0;

    vr_ind_reset(&s);
    for (int i = 0; i < 40; i++)
        c[i] = 1000 + (double)(i * i) / 8 + (i % 3);
    for (int i = 0; i < 25; i++)
        ck_assert_int_eq(vr_ind_push(&s, out, c[i], 1, NAN), 0);
    ck_assert_int_eq(vr_ind_push(&s, out, c[25], 1, NAN), 1);
    for (int i = 14; i <= 25; i++)
        fast += c[i];
    for (int i = 0; i <= 25; i++)
        slow += c[i];
    fast /= 12;
    slow /= 26;
    ck_assert(close_rel(out[VR_F_MACD], fast - slow, 1e-13));
    for (int i = 26; i < 40; i++) {
        fast = (c[i] - fast) * (2.0 / 13) + fast;
        slow = (c[i] - slow) * (2.0 / 27) + slow;
        ck_assert_int_eq(vr_ind_push(&s, out, c[i], 1, NAN), 1);
    }
    ck_assert(close_rel(out[VR_F_MACD], fast - slow, 1e-12));
}
END_TEST

/* RSI: seeded with the plain means of the first 14 moves, then Wilder. */
START_TEST(test_ind_rsi_seed)
{
    struct vr_ind s;
    double out[VR_FEAT_C], c = 100;

    vr_ind_reset(&s);
    vr_ind_push(&s, out, c, 1, 0);
    for (int k = 0; k < 7; k++) {       /* +2, -1 seven times */
        vr_ind_push(&s, out, c += 2, 1, 0);
        vr_ind_push(&s, out, c -= 1, 1, 0);
    }
    ck_assert(s.gain == 1.0 && s.loss == 0.5);     /* 14/14, 7/14 */
    vr_ind_push(&s, out, c += 3, 1, 0);            /* i = 15 */
    ck_assert(close_rel(s.gain, 16.0 / 14, 1e-15));
    ck_assert(close_rel(s.loss, 6.5 / 14, 1e-15));
    for (int i = 16; i < 25; i++)
        vr_ind_push(&s, out, c, 1, 0);             /* flat: decay */
    ck_assert_int_eq(vr_ind_push(&s, out, c, 1, 0), 1);
    double g = 16.0 / 14, l = 6.5 / 14;
    for (int i = 16; i <= 25; i++) {
        g = g * 13 / 14;
        l = l * 13 / 14;
    }
    ck_assert(close_rel(out[VR_F_RSI14], 100 * g / (g + l), 1e-12));
}
END_TEST

/* Flat prices: gain + loss is 0 and TA-Lib's RSI is 0, not NaN. */
START_TEST(test_ind_flat)
{
    struct vr_ind s;
    double out[VR_FEAT_C];

    vr_ind_reset(&s);
    for (int i = 0; i < 26; i++)
        vr_ind_push(&s, out, 5000, 0, 2e-4);
    ck_assert(out[VR_F_RSI14] == 0.0 && out[VR_F_MACD] == 0.0);
    ck_assert(out[VR_F_EMA20] == 5000 && out[VR_F_VOLMA10] == 0);
    ck_assert(out[VR_F_FUNDING] == 2e-4);
    vr_feat_stationary(out, 5000);
    ck_assert(out[VR_F_EMA5] == 0 && out[VR_F_VOLMA5] == 0);
    ck_assert(out[VR_F_FUNDING] == 2e-4);
}
END_TEST

START_TEST(test_stationary)
{
    double x[VR_FEAT_C] = {110, 90, 100, 70, -5, 9, 99, -3e-4};

    vr_feat_stationary(x, 100);
    ck_assert(close_rel(x[VR_F_EMA5], 0.1, 1e-14));
    ck_assert(close_rel(x[VR_F_EMA10], -0.1, 1e-14));
    ck_assert(x[VR_F_EMA20] == 0 && x[VR_F_RSI14] == 0.7);
    ck_assert(x[VR_F_MACD] == -0.05);
    ck_assert(close_rel(x[VR_F_VOLMA5], log(10), 1e-15));
    ck_assert(close_rel(x[VR_F_VOLMA10], log(100), 1e-15));
    ck_assert(x[VR_F_FUNDING] == -3e-4);
}
END_TEST

/* However the candles are chunked, the features are the same bytes. */
START_TEST(test_feat_chunking)
{
    static const size_t chunks[] = {1, 7, 26, 1000, 65536};
    struct series s;
    struct vr_feat_stats st;
    char *ref = NULL;
    size_t reflen = 0;

    series_random(&s, 3000, 700, vr_test_seed());
    for (size_t k = 0; k < sizeof(chunks) / sizeof(chunks[0]); k++) {
        size_t len, olen;
        char *buf = candles_buf(&s, chunks[k], &len), *o;
        for (int text = 0; text < 2; text++) {
            ck_assert_int_eq(run_feat(buf, len, text, text, &o, &olen, &st,
                NULL), VR_OK);
            if (!text) {
                /* the stream's bytes, apart from the chunking of input */
                if (ref == NULL) {
                    ref = o;
                    reflen = olen;
                    continue;
                }
                ck_assert_uint_eq(olen, reflen);
                ck_assert(memcmp(o, ref, olen) == 0);
            }
            free(o);
        }
        ck_assert_int_eq(st.minutes, 3000);
        ck_assert_int_eq(st.segments, 5);   /* 700 700 700 700 200 */
        ck_assert_int_eq(st.rows, 3000 - 5 * VR_IND_WARMUP);
        free(buf);
    }
    free(ref);
    series_free(&s);
}
END_TEST

/* Segments are independent: each restarts the warm-up, and the rows of
 * segment k are those of segment k alone. */
START_TEST(test_feat_segment_reset)
{
    struct series s;
    struct vr_feat_stats st;
    size_t len, olen, len1, olen1;
    char *buf, *o, *buf1, *o1;

    series_random(&s, 400, 200, vr_test_seed() + 1);
    buf = candles_buf(&s, 64, &len);
    ck_assert_int_eq(run_feat(buf, len, true, true, &o, &olen, &st, NULL),
        VR_OK);
    ck_assert_int_eq(st.rows, 400 - 2 * VR_IND_WARMUP);

    /* The second segment alone, written as its own stream. */
    struct series s2 = s;
    s2.time += 200;
    s2.close += 200;
    s2.volume += 200;
    s2.funding += 200;
    s2.seg += 200;
    s2.n = 200;
    buf1 = candles_buf(&s2, 64, &len1);
    ck_assert_int_eq(run_feat(buf1, len1, true, true, &o1, &olen1, &st,
        NULL), VR_OK);
    /* Compare the lines after the header, ignoring the segment field. */
    const char *a = strchr(o, '\n') + 1, *b = strchr(o1, '\n') + 1;
    for (int k = 0; k < 200 - VR_IND_WARMUP; k++)   /* skip segment 0 */
        a = strchr(a, '\n') + 1;
    /* first row of segment 1 is its minute 25 */
    char want[32];
    snprintf(want, sizeof(want), "%lld,1,", (long long)s.time[225]);
    ck_assert(strncmp(a, want, strlen(want)) == 0);
    while (*a && *b) {
        const char *ea = strchr(a, '\n'), *eb = strchr(b, '\n');
        const char *ca = strchr(strchr(a, ',') + 1, ',');
        const char *cb = strchr(strchr(b, ',') + 1, ',');
        ck_assert_uint_eq((size_t)(ea - ca), (size_t)(eb - cb));
        ck_assert(memcmp(ca, cb, (size_t)(ea - ca)) == 0);
        a = ea + 1;
        b = eb + 1;
    }
    ck_assert(*a == '\0' && *b == '\0');

    /* Two streams concatenated: the second starts a new segment even if
     * its segment numbers repeat the first's. */
    char *cat;
    size_t catlen;
    FILE *f = open_memstream(&cat, &catlen);
    s2.seg = s.seg;      /* both segment 0 */
    write_candles(f, &s, 0, 200, 50);
    write_candles(f, &s2, 0, 200, 50);
    fclose(f);
    char *oc;
    size_t oclen;
    ck_assert_int_eq(run_feat(cat, catlen, true, true, &oc, &oclen, &st,
        NULL), VR_OK);
    ck_assert_int_eq(st.segments, 2);
    ck_assert_uint_eq(oclen, olen);
    ck_assert(memcmp(oc, o, olen) == 0);
    free(cat);
    free(oc);
    free(o);
    free(o1);
    free(buf);
    free(buf1);
    series_free(&s);
}
END_TEST

/* Bad rows and truncated streams are errors naming the row. */
START_TEST(test_feat_bad)
{
    struct series s;
    struct vr_feat_stats st;
    size_t len, olen;
    char *buf, *o, msg[256];

    series_random(&s, 300, 1000, vr_test_seed() + 2);
    s.close[120] = NAN;
    buf = candles_buf(&s, 64, &len);
    ck_assert_int_eq(run_feat(buf, len, false, false, &o, &olen, &st, msg),
        VR_EFORMAT);
    ck_assert_msg(strstr(msg, "candle row 120") != NULL, "%s", msg);
    free(o);
    free(buf);

    s.close[120] = 1;
    s.volume[7] = -1;
    buf = candles_buf(&s, 64, &len);
    ck_assert_int_eq(run_feat(buf, len, false, false, &o, &olen, &st, msg),
        VR_EFORMAT);
    ck_assert_msg(strstr(msg, "volume") != NULL, "%s", msg);
    free(o);
    free(buf);

    s.volume[7] = 1;
    s.time[50] = s.time[49];
    buf = candles_buf(&s, 64, &len);
    ck_assert_int_eq(run_feat(buf, len, false, false, &o, &olen, &st, msg),
        VR_EFORMAT);
    ck_assert_msg(strstr(msg, "time does not increase") != NULL, "%s", msg);
    free(o);

    /* every cut of the stream is an error, never a success */
    s.time[50] = s.time[49] + 60000;
    free(buf);
    buf = candles_buf(&s, 64, &len);
    for (size_t cut = 0; cut < len; cut += 1 + cut / 16) {
        int rc = run_feat(buf, cut, false, false, &o, &olen, &st, msg);
        ck_assert_msg(rc == VR_EFORMAT, "cut %zu: rc %d", cut, rc);
        free(o);
    }
    free(buf);
    series_free(&s);
}
END_TEST


/* ---- labels ---- */

/* Strictly above up is BUY, strictly below down is SELL: a move of
 * exactly +2 % or -2 % is HOLD. */
START_TEST(test_label_edges)
{
    ck_assert_int_eq(vr_label_of(100, 102, 0.02, -0.02), VR_HOLD);
    ck_assert_int_eq(vr_label_of(100, 98, 0.02, -0.02), VR_HOLD);
    ck_assert_int_eq(vr_label_of(50, 51, 0.02, -0.02), VR_HOLD);
    ck_assert_int_eq(vr_label_of(25000, 25500, 0.02, -0.02), VR_HOLD);
    ck_assert_int_eq(vr_label_of(100, 102.000001, 0.02, -0.02), VR_BUY);
    ck_assert_int_eq(vr_label_of(100, 97.999999, 0.02, -0.02), VR_SELL);
    ck_assert_int_eq(vr_label_of(100, 100, 0.02, -0.02), VR_HOLD);
    ck_assert_int_eq(vr_label_of(100, 101, 0.005, -0.005), VR_BUY);
}
END_TEST

/* Rows in memory: segments of the given lengths, close from a seeded
 * random walk, feature c of row i = c * 1000 + i. */
static void
rows_make(struct vr_rows *rows, const size_t *len, size_t nseg,
    uint64_t seed)
{
    struct vr_rng rng;
    size_t n = 0;
    double c = 100;

    vr_rng_seed(&rng, seed);
    for (size_t k = 0; k < nseg; k++)
        n += len[k];
    memset(rows, 0, sizeof(*rows));
    rows->C = VR_FEAT_C;
    for (int f = 0; f < VR_FEAT_C; f++)
        strcpy(rows->feat[f], vr_feat_names[f]);
    strcpy(rows->symbol, "TEST");
    rows->n = rows->cap = n;
    rows->x = calloc(n * VR_FEAT_C, sizeof(float));
    rows->time = calloc(n, sizeof(int64_t));
    rows->close = calloc(n, sizeof(double));
    rows->segstart = calloc(nseg + 1, sizeof(size_t));
    rows->nseg = nseg;
    rows->segcap = nseg + 1;
    for (size_t k = 0, at = 0; k <= nseg; at += k < nseg ? len[k] : 0, k++)
        rows->segstart[k] = at;
    for (size_t i = 0; i < n; i++) {
        c *= exp(0.01 * vr_rng_normal(&rng));
        rows->close[i] = c;
        rows->time[i] = 1600000000000 + 60000 * (int64_t)i;
        for (int f = 0; f < VR_FEAT_C; f++)
            rows->x[i * VR_FEAT_C + f] = (float)(f * 1000 + (double)i);
    }
}

static size_t
seg_of(const struct vr_rows *rows, int64_t i)
{
    size_t k = 0;
    while ((int64_t)rows->segstart[k + 1] <= i)
        k++;
    return k;
}

/* The purge leaves exactly one horizon between the splits, and no label
 * horizon reaches into the next split. */
START_TEST(test_label_purge)
{
    static const size_t len[] = {1000};
    struct vr_rows rows;
    struct vr_dataset d;
    struct vr_label_opts o;
    struct vr_label_stats st;

    rows_make(&rows, len, 1, vr_test_seed());
    vr_label_opts_init(&o);
    o.T = 10;
    o.horizon = 20;
    o.lookback = 50;
    ck_assert_int_eq(vr_label_make(&d, &rows, &o, &st), VR_OK);
    /* 971 candidates (ends 9..979): 679 train, 145 val, 147 test */
    ck_assert_int_eq(st.purged, 2 * 20);
    ck_assert_int_eq(d.nsamples, 971 - 40);
    ck_assert_int_eq(st.count[VR_SPLIT_TRAIN][0], 0);
    int64_t last[VR_NSPLIT] = {-1, -1, -1, -1}, first[VR_NSPLIT];
    for (int k = 0; k < VR_NSPLIT; k++)
        first[k] = -1;
    for (size_t s = 0; s < d.nsamples; s++) {
        int sp = d.split[s];
        if (first[sp] < 0)
            first[sp] = d.end[s];
        last[sp] = d.end[s];
        ck_assert(s == 0 || d.end[s] > d.end[s - 1]);
        ck_assert(s == 0 || d.split[s] >= d.split[s - 1]);
    }
    ck_assert_int_eq(first[VR_SPLIT_TRAIN], 9);
    ck_assert_int_eq(first[VR_SPLIT_VAL], 9 + 679);
    ck_assert_int_eq(first[VR_SPLIT_TEST], 9 + 679 + 145);
    /* the last kept train label (end + h) is the row before val starts */
    ck_assert_int_eq(last[VR_SPLIT_TRAIN] + 20, first[VR_SPLIT_VAL] - 1);
    ck_assert_int_eq(last[VR_SPLIT_VAL] + 20, first[VR_SPLIT_TEST] - 1);
    ck_assert_int_eq(last[VR_SPLIT_TEST], 979);
    vr_dataset_free(&d);

    /* No val split: one purge gap, between train and test. */
    vr_rows_free(&rows);
    rows_make(&rows, len, 1, vr_test_seed());
    o.frac[0] = 0.8;
    o.frac[1] = 0;
    o.frac[2] = 0.2;
    ck_assert_int_eq(vr_label_make(&d, &rows, &o, &st), VR_OK);
    ck_assert_int_eq(st.purged, 20);
    ck_assert_int_eq(st.count[VR_SPLIT_VAL][0] + st.count[VR_SPLIT_VAL][1] +
        st.count[VR_SPLIT_VAL][2] + st.count[VR_SPLIT_VAL][3], 0);
    vr_dataset_free(&d);
    vr_rows_free(&rows);
}
END_TEST

/* No window and no label horizon crosses a segment; every label is the
 * label of its forward move. */
START_TEST(test_label_segments)
{
    static const size_t len[] = {50, 5, 100, 16, 300};
    struct vr_rows rows;
    struct vr_dataset d;
    struct vr_label_opts o;
    struct vr_label_stats st;
    long long want = 0;

    rows_make(&rows, len, 5, vr_test_seed() + 3);
    vr_label_opts_init(&o);
    o.T = 10;
    o.horizon = 7;
    o.up = 0.01;
    o.down = -0.01;
    for (int k = 0; k < 5; k++)
        if (len[k] >= 10 + 7)
            want += (long long)len[k] - 10 + 1 - 7;
    ck_assert_int_eq(vr_label_make(&d, &rows, &o, &st), VR_OK);
    ck_assert_int_eq((long long)d.nsamples + st.purged, want);
    for (size_t s = 0; s < d.nsamples; s++) {
        int64_t e = d.end[s];
        ck_assert_uint_eq(seg_of(&rows, e - 9), seg_of(&rows, e));
        ck_assert_uint_eq(seg_of(&rows, e + 7), seg_of(&rows, e));
        ck_assert_int_eq(d.label[s], vr_label_of(rows.close[e],
            rows.close[e + 7], 0.01, -0.01));
    }
    vr_dataset_free(&d);
    vr_rows_free(&rows);
}
END_TEST

/* The normalisation is fitted on the rows of the train windows only:
 * changing any later row changes nothing, and the values are the
 * mean/std of rows 0..(last train end). */
START_TEST(test_label_norm_train_only)
{
    static const size_t len[] = {400};
    struct vr_rows rows;
    struct vr_dataset d, d2;
    struct vr_label_opts o;
    struct vr_label_stats st;
    int64_t lastend = 0;

    rows_make(&rows, len, 1, vr_test_seed() + 4);
    vr_label_opts_init(&o);
    o.T = 30;
    o.horizon = 10;
    ck_assert_int_eq(vr_label_make(&d, &rows, &o, &st), VR_OK);
    for (size_t s = 0; s < d.nsamples; s++)
        if (d.split[s] == VR_SPLIT_TRAIN)
            lastend = d.end[s];
    /* rows 0..lastend: feature c is c*1000 + i; mean c*1000 + lastend/2,
     * population std sqrt(((lastend+1)^2 - 1) / 12) */
    double m = (double)lastend + 1;
    ck_assert_uint_eq(st.train_rows, (size_t)m);
    for (int c = 0; c < VR_FEAT_C; c++) {
        ck_assert(close_rel(d.mean[c], c * 1000 + (double)lastend / 2,
            1e-12));
        ck_assert(close_rel(d.std[c], sqrt((m * m - 1) / 12), 1e-12));
    }
    /* normalised in place: row 0 feature 3 */
    ck_assert(close_rel(d.x[3], (3000 - d.mean[3]) / d.std[3], 1e-6));

    /* Wreck every row after the train windows: same fit. */
    vr_rows_free(&rows);
    rows_make(&rows, len, 1, vr_test_seed() + 4);
    for (size_t i = (size_t)lastend + 1; i < rows.n; i++)
        for (int c = 0; c < VR_FEAT_C; c++)
            rows.x[i * VR_FEAT_C + c] = 1e6f;
    ck_assert_int_eq(vr_label_make(&d2, &rows, &o, &st), VR_OK);
    for (int c = 0; c < VR_FEAT_C; c++)
        ck_assert(d2.mean[c] == d.mean[c] && d2.std[c] == d.std[c]);
    vr_dataset_free(&d);
    vr_dataset_free(&d2);
    vr_rows_free(&rows);
}
END_TEST

/* Regimes: bear/bull from the trailing return, high volatility above
 * the train median (so about half the train samples are high). */
START_TEST(test_label_regime)
{
    static const size_t len[] = {3000};
    struct vr_rows rows;
    struct vr_dataset d;
    struct vr_label_opts o;
    struct vr_label_stats st;
    size_t high = 0, ntrain = 0;

    rows_make(&rows, len, 1, vr_test_seed() + 5);
    vr_label_opts_init(&o);
    o.T = 5;
    o.horizon = 5;
    o.lookback = 100;
    ck_assert_int_eq(vr_label_make(&d, &rows, &o, &st), VR_OK);
    for (size_t s = 0; s < d.nsamples; s++) {
        int64_t e = d.end[s], j = e - 100 < 0 ? 0 : e - 100;
        ck_assert_int_eq(d.regime[s] & 1, rows.close[e] < rows.close[j]);
        if (d.split[s] == VR_SPLIT_TRAIN) {
            ntrain++;
            high += d.regime[s] >> 1;
        }
    }
    ck_assert(high <= ntrain / 2 && high + 2 >= ntrain / 2);
    vr_dataset_free(&d);
    vr_rows_free(&rows);
}
END_TEST

/* Live: every complete window (or the newest k), no labels, the given
 * normalisation; the dataset round-trips through its stream. */
START_TEST(test_label_live)
{
    static const size_t len[] = {100, 3, 60};
    struct vr_rows rows;
    struct vr_dataset d, back;
    struct vr_label_opts o;
    struct vr_label_stats st;
    double mean[VR_FEAT_C], sd[VR_FEAT_C];

    for (int c = 0; c < VR_FEAT_C; c++) {
        mean[c] = c;
        sd[c] = 2;
    }
    rows_make(&rows, len, 3, vr_test_seed() + 6);
    vr_label_opts_init(&o);
    o.live = true;
    o.mean = mean;
    o.std = sd;
    ck_assert_int_eq(vr_label_make(&d, &rows, &o, &st), VR_OK);
    ck_assert_uint_eq(d.nsamples, (100 - 59) + (60 - 59));
    ck_assert_int_eq(d.end[d.nsamples - 1], 162);
    for (size_t s = 0; s < d.nsamples; s++)
        ck_assert(d.label[s] == VR_LABEL_NONE &&
            d.split[s] == VR_SPLIT_LIVE);
    ck_assert(d.x[8 * 5 + 2] == (float)((2000 + 5 - 2) / 2.0));

    char *buf;
    size_t blen;
    FILE *f = open_memstream(&buf, &blen);
    struct vr_writer w;
    struct vr_reader r;
    vr_writer_init(&w, f);
    ck_assert_int_eq(vr_dataset_write(&w, &d, NULL, "check_market"), VR_OK);
    fclose(f);
    f = fmemopen(buf, blen, "rb");
    ck_assert_int_eq(vr_reader_open(&r, f, "dataset"), VR_OK);
    ck_assert_int_eq(vr_dataset_read(&back, &r), VR_OK);
    ck_assert_uint_eq(back.nsamples, d.nsamples);
    ck_assert(memcmp(vr_dataset_window_ptr(&back, 1),
        vr_dataset_window_ptr(&d, 1), 60 * 8 * sizeof(float)) == 0);
    vr_dataset_free(&back);
    vr_reader_free(&r);
    fclose(f);
    free(buf);
    vr_dataset_free(&d);

    vr_rows_free(&rows);
    rows_make(&rows, len, 3, vr_test_seed() + 6);
    o.newest = 5;
    ck_assert_int_eq(vr_label_make(&d, &rows, &o, &st), VR_OK);
    ck_assert_uint_eq(d.nsamples, 5);
    ck_assert_int_eq(d.end[0], 96);     /* newest five: 96..99, then 162 */
    ck_assert_int_eq(d.end[3], 99);
    ck_assert_int_eq(d.end[4], 162);
    vr_dataset_free(&d);

    /* too short for any window */
    static const size_t tiny[] = {30, 40};
    vr_rows_free(&rows);
    rows_make(&rows, tiny, 2, 1);
    o.newest = 0;
    ck_assert_int_eq(vr_label_make(&d, &rows, &o, &st), VR_ERANGE);
    ck_assert(strstr(st.msg, "no sample") != NULL);
    vr_dataset_free(&d);
    vr_rows_free(&rows);
}
END_TEST

/* vr_rows_read over a features stream from vr_feat_stream. */
START_TEST(test_rows_read)
{
    struct series s;
    struct vr_feat_stats fst;
    struct vr_rows rows;
    struct vr_reader r;
    size_t len, olen;
    char *buf, *o;

    series_random(&s, 2000, 600, vr_test_seed() + 7);
    buf = candles_buf(&s, 333, &len);
    ck_assert_int_eq(run_feat(buf, len, false, false, &o, &olen, &fst, NULL),
        VR_OK);
    FILE *f = fmemopen(o, olen, "rb");
    ck_assert_int_eq(vr_reader_open(&r, f, "features"), VR_OK);
    ck_assert_int_eq(vr_rows_read(&rows, &r), VR_OK);
    ck_assert_uint_eq(rows.n, 2000 - 4 * VR_IND_WARMUP);
    ck_assert_uint_eq(rows.nseg, 4);
    ck_assert_uint_eq(rows.segstart[1], 600 - VR_IND_WARMUP);
    ck_assert_str_eq(rows.feat[VR_F_MACD], "macd");
    ck_assert_str_eq(rows.symbol, "TEST");
    vr_rows_free(&rows);
    vr_reader_free(&r);
    fclose(f);
    /* truncated: an error, never a short success */
    for (size_t cut = 0; cut < olen; cut += 1 + cut / 8) {
        f = fmemopen(o, cut ? cut : 1, "rb");
        int rc = vr_reader_open(&r, f, "features");
        if (rc == VR_OK)
            rc = vr_rows_read(&rows, &r);
        ck_assert_msg(rc == VR_EFORMAT, "cut %zu: rc %d", cut, rc);
        vr_rows_free(&rows);
        vr_reader_free(&r);
        fclose(f);
    }
    free(o);
    free(buf);
    series_free(&s);
}
END_TEST

static Suite *
market_suite(void)
{
    Suite *s = suite_create("market");
    TCase *tc = tcase_create("indicators");

    tcase_add_test(tc, test_ind_seeds_linear);
    tcase_add_test(tc, test_ind_macd_alignment);
    tcase_add_test(tc, test_ind_rsi_seed);
    tcase_add_test(tc, test_ind_flat);
    tcase_add_test(tc, test_stationary);
    tcase_add_test(tc, test_feat_chunking);
    tcase_add_test(tc, test_feat_segment_reset);
    tcase_add_test(tc, test_feat_bad);
    suite_add_tcase(s, tc);
    tc = tcase_create("labels");
    tcase_add_test(tc, test_label_edges);
    tcase_add_test(tc, test_label_purge);
    tcase_add_test(tc, test_label_segments);
    tcase_add_test(tc, test_label_norm_train_only);
    tcase_add_test(tc, test_label_regime);
    tcase_add_test(tc, test_label_live);
    tcase_add_test(tc, test_rows_read);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return vr_test_run(market_suite());
}
