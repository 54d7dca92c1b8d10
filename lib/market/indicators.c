/*
 * indicators.c: TA-Lib indicators, one minute at a time (see
 * indicators.h for the definitions), and the candles -> features driver.
 * Reference: TA-Lib 0.4 ta_EMA.c, ta_RSI.c, ta_MACD.c, ta_SMA.c.
 */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "vr.h"
#include "base/parse.h"
#include "market/indicators.h"

const char *const vr_feat_names[VR_FEAT_C] = {
    "ema5", "ema10", "ema20", "rsi14", "macd", "volma5", "volma10", "funding"
};

static const int ema_n[3] = {5, 10, 20};

/* TA-Lib's TA_IS_ZERO. */
#define IS_ZERO(v) (-0.00000001 < (v) && (v) < 0.00000001)

void
vr_ind_reset(struct vr_ind *s)
{
    memset(s, 0, sizeof(*s));
}

/* One EMA step at segment index i: sum until seeded at i = n - 1 + at
 * (the SMA of the n closes ending there), then the TA-Lib recurrence
 * ema = (c - ema) * k + ema with k = 2 / (n + 1). */
static inline double
ema_step(double e, double c, long long i, int n, long long at)
{
    long long seed = at + n - 1;

    if (i < at)
        return e;
    if (i < seed)
        return e + c;
    if (i == seed)
        return (e + c) / n;
    return (c - e) * (2.0 / (double)(n + 1)) + e;
}

int
vr_ind_push(struct vr_ind *s, double out[VR_FEAT_C], double c, double v,
    double f)
{
    long long i = s->i++;

    for (int j = 0; j < 3; j++)
        s->ema[j] = ema_step(s->ema[j], c, i, ema_n[j], 0);
    // MACD: both EMAs start at i = 25 (TA_MACD aligns the fast one).
    s->slow = ema_step(s->slow, c, i, 26, 0);
    s->fast = ema_step(s->fast, c, i, 12, 26 - 12);

    // RSI 14, Wilder: sums of the first 14 moves, then smoothing.
    if (i > 0) {
        double d = c - s->prev;
        if (i > 14) {
            s->loss *= 13;
            s->gain *= 13;
        }
        if (d < 0)
            s->loss -= d;
        else
            s->gain += d;
        if (i >= 14) {
            s->loss /= 14;
            s->gain /= 14;
        }
    }
    s->prev = c;

    s->vol[i % 10] = v;
    if (i < VR_IND_WARMUP)
        return 0;

    double sum = s->gain + s->loss, v5 = 0, v10 = 0;
    // Fresh sums, oldest first.
    for (long long k = i - 9; k <= i; k++) {
        v10 += s->vol[k % 10];
        if (k > i - 5)
            v5 += s->vol[k % 10];
    }
    out[VR_F_EMA5] = s->ema[0];
    out[VR_F_EMA10] = s->ema[1];
    out[VR_F_EMA20] = s->ema[2];
    out[VR_F_RSI14] = IS_ZERO(sum) ? 0.0 : 100.0 * (s->gain / sum);
    out[VR_F_MACD] = s->fast - s->slow;
    out[VR_F_VOLMA5] = v5 / 5;
    out[VR_F_VOLMA10] = v10 / 10;
    out[VR_F_FUNDING] = isnan(f) ? 0.0 : f;
    return 1;
}

void
vr_feat_stationary(double x[VR_FEAT_C], double c)
{
    x[VR_F_EMA5] = x[VR_F_EMA5] / c - 1;
    x[VR_F_EMA10] = x[VR_F_EMA10] / c - 1;
    x[VR_F_EMA20] = x[VR_F_EMA20] / c - 1;
    x[VR_F_RSI14] = x[VR_F_RSI14] / 100;
    x[VR_F_MACD] = x[VR_F_MACD] / c;
    x[VR_F_VOLMA5] = log1p(x[VR_F_VOLMA5]);
    x[VR_F_VOLMA10] = log1p(x[VR_F_VOLMA10]);
}

static int
write_header(struct vr_writer *w, struct vr_reader *r,
    const struct vr_feat_opts *o, const char *self)
{
    char sym[32] = "";
    const msgpack_object *sv = vr_meta_get(r->header, "symbol");

    if (sv != NULL && sv->type == MSGPACK_OBJECT_STR &&
        sv->via.str.size < sizeof(sym))
        memcpy(sym, sv->via.str.ptr, sv->via.str.size);
    if (o->text != NULL) {
        if (fprintf(o->text, "time,segment,close") < 0)
            return VR_EIO;
        for (int c = 0; c < VR_FEAT_C; c++)
            if (fprintf(o->text, ",%s", vr_feat_names[c]) < 0)
                return VR_EIO;
        return fputc('\n', o->text) == EOF ? VR_EIO : VR_OK;
    }
    vr_writer_header(w, "features", vr_meta_get(r->header, "provenance"),
        self, 4);
    if (vr_pack_kv_str(&w->pk, "symbol", sym) ||
        vr_pack_kv_strs(&w->pk, "features", vr_feat_names, VR_FEAT_C) ||
        vr_pack_kv_bool(&w->pk, "raw", o->raw) ||
        vr_pack_kv_i64(&w->pk, "warmup", VR_IND_WARMUP))
        return w->err ? w->err : (w->err = VR_EIO);
    return w->err;
}

static int
flush_rows(struct vr_writer *w, const struct vr_feat_opts *o,
    struct vr_table *out, size_t n)
{
    if (n == 0)
        return VR_OK;
    if (o->text == NULL)
        return vr_table_write(w, out, n);
    const int64_t *t = VR_COL(out, VR_FEAT_TIME, int64_t);
    const int32_t *sg = VR_COL(out, VR_FEAT_SEGMENT, int32_t);
    const double *cl = VR_COL(out, VR_FEAT_CLOSE, double);
    const double *x = VR_COL(out, VR_FEAT_FEAT, double);
    for (size_t i = 0; i < n; i++) {
        const double *x_i = x + i * VR_FEAT_C;
        if (fprintf(o->text, "%" PRId64 ",%" PRId32 ",%.17g", t[i], sg[i],
            cl[i]) < 0)
            return VR_EIO;
        for (int c = 0; c < VR_FEAT_C; c++)
            if (fprintf(o->text, ",%.17g", x_i[c]) < 0)
                return VR_EIO;
        if (fputc('\n', o->text) == EOF)
            return VR_EIO;
    }
    return VR_OK;
}

static int
bad_row(struct vr_reader *r, long long row, int64_t t, const char *what)
{
    char ts[32];

    vr_format_time_ms(ts, t);
    return vr_reader_fail(r, VR_EFORMAT, "candle row %lld (%s UTC): %s",
        row, ts, what);
}

int
vr_feat_stream(struct vr_writer *w, struct vr_reader *r,
    const struct vr_feat_opts *o, const char *self,
    struct vr_feat_stats *st)
{
    struct vr_table in, out;
    struct vr_ind ind;
    size_t nout = 0;
    bool fresh = true;
    int32_t inseg = 0, outseg = -1;
    int64_t last = 0;
    int rc;

    memset(st, 0, sizeof(*st));
    vr_table_init(&in, vr_candle_cols, VR_CANDLE_NCOLS);
    vr_table_init(&out, vr_feat_cols, VR_FEAT_NCOLS);
    if ((rc = vr_table_alloc(&out, VR_CHUNK_ROWS)) != VR_OK)
        goto done;
    if ((rc = write_header(w, r, o, self)) != VR_OK)
        goto done;
    for (;;) {
        while ((rc = vr_table_read(r, &in)) == 1) {
            const int64_t *t = VR_COL(&in, VR_CANDLE_TIME, int64_t);
            const double *cl = VR_COL(&in, VR_CANDLE_CLOSE, double);
            const double *vo = VR_COL(&in, VR_CANDLE_VOLUME, double);
            const double *fu = VR_COL(&in, VR_CANDLE_FUNDING, double);
            const int32_t *sg = VR_COL(&in, VR_CANDLE_SEGMENT, int32_t);
            int64_t *ot = VR_COL(&out, VR_FEAT_TIME, int64_t);
            int32_t *os = VR_COL(&out, VR_FEAT_SEGMENT, int32_t);
            double *oc = VR_COL(&out, VR_FEAT_CLOSE, double);
            double *ox = VR_COL(&out, VR_FEAT_FEAT, double);

            for (size_t i = 0; i < in.n; i++) {
                long long row = st->minutes++;
                if (fresh || sg[i] != inseg) {
                    vr_ind_reset(&ind);
                    inseg = sg[i];
                    outseg++;
                    fresh = false;
                } else if (t[i] <= last) {
                    rc = bad_row(r, row, t[i], "time does not increase "
                        "within its segment");
                    goto done;
                }
                last = t[i];
                if (!(isfinite(cl[i]) && cl[i] > 0)) {
                    rc = bad_row(r, row, t[i], "close is not a positive "
                        "number");
                    goto done;
                }
                if (!(isfinite(vo[i]) && vo[i] >= 0)) {
                    rc = bad_row(r, row, t[i], "volume is not a number "
                        ">= 0");
                    goto done;
                }
                if (isinf(fu[i])) {
                    rc = bad_row(r, row, t[i], "funding is infinite");
                    goto done;
                }
                double *x_o = ox + nout * VR_FEAT_C;
                if (!vr_ind_push(&ind, x_o, cl[i], vo[i], fu[i]))
                    continue;
                if (!o->raw)
                    vr_feat_stationary(x_o, cl[i]);
                ot[nout] = t[i];
                os[nout] = outseg;
                oc[nout] = cl[i];
                if (++nout == VR_CHUNK_ROWS) {
                    if ((rc = flush_rows(w, o, &out, nout)) != VR_OK)
                        goto done;
                    st->rows += (long long)nout;
                    nout = 0;
                }
            }
        }
        if (rc < 0)
            goto done;
        const char *name;
        if ((rc = vr_reader_peek(r, &name)) != 0) {
            if (rc > 0)
                rc = vr_reader_fail(r, VR_EFORMAT, "unexpected tensor \"%s\" "
                    "in a candles stream", name);
            goto done;
        }
        // A concatenated stream is a new file: a new segment.
        if ((rc = vr_reader_continue(r)) < 0)
            goto done;
        if (rc == 0)
            break;
        fresh = true;
    }
    if ((rc = flush_rows(w, o, &out, nout)) != VR_OK)
        goto done;
    st->rows += (long long)nout;
    st->segments = outseg + 1;
    if (o->text != NULL)
        rc = fflush(o->text) == 0 ? VR_OK : VR_EIO;
    else
        rc = vr_writer_end(w);
done:
    vr_table_free(&in);
    vr_table_free(&out);
    if (rc == VR_ENOMEM && r->msg[0] == '\0')
        vr_reader_fail(r, rc, "out of memory");
    return rc;
}
