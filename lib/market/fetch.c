/*
 * fetch.c: merge candle sources by time, check them, number segments, join
 * funding, write a candles stream chunk by chunk (candles.h).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vr.h"
#include "base/mem.h"
#include "base/parse.h"
#include "market/candles.h"
#include "market/internal.h"
#include "stream/kinds.h"

int
vr_csrc_next(struct vr_csrc *s, struct vr_candle *c)
{
    return s->next(s, c);
}

void
vr_csrc_free(struct vr_csrc *s)
{
    if (s != NULL)
        s->free(s);
}

void
vr_market_msgf(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, n, fmt, ap);
    va_end(ap);
}

int
vr_candle_check(const struct vr_candle *c, char *what, size_t n)
{
    if (c->time % VR_MINUTE_MS != 0) {
        char when[32];
        vr_format_time_ms(when, c->time);
        snprintf(what, n, "time %s (%lld) is not on a minute", when,
            (long long)c->time);
        return VR_EFORMAT;
    }
    if (!(c->open > 0 && c->high > 0 && c->low > 0 && c->close > 0 &&
        isfinite(c->open) && isfinite(c->high) && isfinite(c->low) &&
        isfinite(c->close))) {
        snprintf(what, n, "price not positive and finite (open %g high %g "
            "low %g close %g)", c->open, c->high, c->low, c->close);
        return VR_EFORMAT;
    }
    if (!(c->volume >= 0) || !isfinite(c->volume)) {
        snprintf(what, n, "volume %g is not a finite number >= 0",
            c->volume);
        return VR_EFORMAT;
    }
    if (c->high < c->low) {
        snprintf(what, n, "high %g < low %g", c->high, c->low);
        return VR_EFORMAT;
    }
    if (c->open < c->low || c->open > c->high) {
        snprintf(what, n, "open %g outside [low %g, high %g]", c->open,
            c->low, c->high);
        return VR_EFORMAT;
    }
    if (c->close < c->low || c->close > c->high) {
        snprintf(what, n, "close %g outside [low %g, high %g]", c->close,
            c->low, c->high);
        return VR_EFORMAT;
    }
    return VR_OK;
}

int
vr_candles_header(struct vr_writer *w, const char *symbol,
    const char *source, const char *self)
{
    vr_writer_header(w, "candles", NULL, self, 3);
    if (vr_pack_kv_str(&w->pk, "symbol", symbol) ||
        vr_pack_kv_str(&w->pk, "interval", "1m") ||
        vr_pack_kv_str(&w->pk, "source", source))
        w->err = w->err ? w->err : VR_EIO;
    return w->err;
}

static int
fail(struct vr_fetch *fx, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct vr_fetch *fx, int err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(fx->msg, sizeof(fx->msg), fmt, ap);
    va_end(ap);
    return err;
}

/* The output side: a chunk being filled, and the funding join. */
struct sink {
    struct vr_fetch *fx;
    struct vr_writer *w;
    struct vr_table tb;
    size_t n;
    int64_t *time;
    double *open, *high, *low, *close, *volume, *funding;
    int32_t *segment;
    /* funding as of now: rate, and the next funding row (if have) */
    double rate;
    struct vr_candle fnext;
    int fstate;             /* 1 fnext valid, 0 funding exhausted */
};

static int
sink_flush(struct sink *k)
{
    int rc;

    if (k->n == 0)
        return VR_OK;
    if ((rc = vr_table_write(k->w, &k->tb, k->n)) != VR_OK)
        return fail(k->fx, rc, "write: %s", vr_strerror(rc));
    k->n = 0;
    if (k->fx->progress != NULL)
        k->fx->progress(k->fx->progress_ctx, k->fx);
    return VR_OK;
}

/* The funding rate in force at minute t (rows of fx->funding with time
 * <= t consumed). */
static int
sink_funding(struct sink *k, int64_t t, double *rate)
{
    struct vr_csrc *f = k->fx->funding;
    int rc;

    while (k->fstate == 1 && k->fnext.time <= t) {
        k->rate = k->fnext.funding;
        if ((rc = f->next(f, &k->fnext)) < 0)
            return fail(k->fx, rc, "%s", f->msg);
        k->fstate = rc;
    }
    *rate = k->rate;
    return VR_OK;
}

static int
sink_put(struct sink *k, const struct vr_candle *c, int32_t seg)
{
    struct vr_fetch *fx = k->fx;
    double rate = c->funding, joined = NAN;
    int rc;

    /* the cursor moves with every row; the joined rate fills only the
     * rows whose source has none */
    if (fx->funding != NULL) {
        if ((rc = sink_funding(k, c->time, &joined)) != VR_OK)
            return rc;
        if (isnan(rate))
            rate = joined;
    }
    k->time[k->n] = c->time;
    k->open[k->n] = c->open;
    k->high[k->n] = c->high;
    k->low[k->n] = c->low;
    k->close[k->n] = c->close;
    k->volume[k->n] = c->volume;
    k->funding[k->n] = rate;
    k->segment[k->n] = seg;
    if (fx->rows == 0)
        fx->first = c->time;
    fx->last = c->time;
    fx->rows++;
    if (++k->n == VR_CHUNK_ROWS)
        return sink_flush(k);
    return VR_OK;
}

static int
sink_init(struct sink *k, struct vr_fetch *fx, struct vr_writer *w)
{
    int rc;

    memset(k, 0, sizeof(*k));
    k->fx = fx;
    k->w = w;
    k->rate = NAN;
    vr_table_init(&k->tb, vr_candle_cols, VR_CANDLE_NCOLS);
    if ((rc = vr_table_alloc(&k->tb, VR_CHUNK_ROWS)) != VR_OK)
        return fail(fx, rc, "out of memory");
    k->time = VR_COL(&k->tb, VR_CANDLE_TIME, int64_t);
    k->open = VR_COL(&k->tb, VR_CANDLE_OPEN, double);
    k->high = VR_COL(&k->tb, VR_CANDLE_HIGH, double);
    k->low = VR_COL(&k->tb, VR_CANDLE_LOW, double);
    k->close = VR_COL(&k->tb, VR_CANDLE_CLOSE, double);
    k->volume = VR_COL(&k->tb, VR_CANDLE_VOLUME, double);
    k->funding = VR_COL(&k->tb, VR_CANDLE_FUNDING, double);
    k->segment = VR_COL(&k->tb, VR_CANDLE_SEGMENT, int32_t);
    if (fx->funding != NULL) {
        if ((rc = fx->funding->next(fx->funding, &k->fnext)) < 0)
            return fail(fx, rc, "%s", fx->funding->msg);
        k->fstate = rc;
    }
    return VR_OK;
}

/*
 * The merge keeps one look-ahead candle per source and takes the earliest
 * (the lowest index on ties), a linear scan: k is a handful of files.
 */
int
vr_fetch_run(struct vr_fetch *fx, struct vr_writer *w)
{
    struct vr_candle *head = NULL, last = {0};
    long *line = NULL;
    int *state = NULL;
    struct sink k;
    size_t lastsrc = 0;
    bool have = false, bounded = fx->to > fx->from;
    int32_t seg = -1;
    int rc;

    fx->rows = fx->dups = fx->gaps = fx->gap_minutes = fx->filled = 0;
    fx->segments = 0;
    fx->first = fx->last = 0;
    fx->msg[0] = '\0';
    if ((rc = sink_init(&k, fx, w)) != VR_OK)
        goto out;
    head = vr_callocarray(fx->nsrc ? fx->nsrc : 1, sizeof(*head));
    line = vr_callocarray(fx->nsrc ? fx->nsrc : 1, sizeof(*line));
    state = vr_callocarray(fx->nsrc ? fx->nsrc : 1, sizeof(*state));
    if (head == NULL || line == NULL || state == NULL) {
        rc = fail(fx, VR_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < fx->nsrc; i++) {
        struct vr_csrc *s = fx->src[i];
        if ((rc = s->next(s, &head[i])) < 0) {
            fail(fx, rc, "%s", s->msg);
            goto out;
        }
        state[i] = rc;
        line[i] = s->line;
    }
    for (;;) {
        size_t i = SIZE_MAX;
        struct vr_candle c;
        long cline;
        bool newseg;

        if (fx->limit > 0 && fx->rows >= (uint64_t)fx->limit)
            break;
        for (size_t j = 0; j < fx->nsrc; j++)
            if (state[j] == 1 && (i == SIZE_MAX || head[j].time < head[i].time))
                i = j;
        if (i == SIZE_MAX)
            break;
        c = head[i];
        cline = line[i];
        if ((rc = fx->src[i]->next(fx->src[i], &head[i])) < 0) {
            fail(fx, rc, "%s", fx->src[i]->msg);
            goto out;
        }
        state[i] = rc;
        line[i] = fx->src[i]->line;

        if (c.time < fx->from || (bounded && c.time >= fx->to)) {
            /* a break inside the dropped part still splits */
            if (have && c.brk && i == lastsrc)
                last.brk = true;
            continue;
        }
        if (have && c.time == last.time) {
            fx->dups++;
            continue;
        }
        newseg = !have || c.brk || (i != lastsrc && !fx->src[i]->cont) ||
            last.brk;
        if (have && !newseg && c.time - last.time > VR_MINUTE_MS) {
            int64_t miss = (c.time - last.time) / VR_MINUTE_MS - 1;
            fx->gaps++;
            fx->gap_minutes += (uint64_t)miss;
            if (fx->gap == VR_GAP_FAIL) {
                char when[32];
                vr_format_time_ms(when, last.time);
                rc = fail(fx, VR_EFORMAT, "%s:%ld: gap of %lld minute%s "
                    "after %s", fx->src[i]->name, cline, (long long)miss,
                    miss == 1 ? "" : "s", when);
                goto out;
            }
            if (fx->gap == VR_GAP_FILL && miss <= fx->max_fill) {
                struct vr_candle f = last;
                f.open = f.high = f.low = last.close;
                f.volume = 0;
                f.brk = false;
                for (int64_t m = 0; m < miss; m++) {
                    if (fx->limit > 0 && fx->rows >= (uint64_t)fx->limit)
                        break;
                    f.time += VR_MINUTE_MS;
                    if ((rc = sink_put(&k, &f, seg)) != VR_OK)
                        goto out;
                    fx->filled++;
                }
                if (fx->limit > 0 && fx->rows >= (uint64_t)fx->limit)
                    break;
            } else
                newseg = true;
        }
        if (newseg)
            seg++;
        c.brk = false;
        if ((rc = sink_put(&k, &c, seg)) != VR_OK)
            goto out;
        last = c;
        lastsrc = i;
        have = true;
    }
    fx->segments = seg + 1;
    if ((rc = sink_flush(&k)) != VR_OK)
        goto out;
    if ((rc = vr_writer_end(w)) != VR_OK)
        fail(fx, rc, "write: %s", vr_strerror(rc));
out:
    vr_table_free(&k.tb);
    free(head);
    free(line);
    free(state);
    return rc;
}

/* A merge of sources as one source: one look-ahead row each. */
struct mergesrc {
    struct vr_csrc base;
    size_t n;
    struct vr_csrc **src;
    struct vr_candle *head;
    int *state;             /* -1 not started, 1 head valid, 0 done */
};

static int
merge_next(struct vr_csrc *b, struct vr_candle *c)
{
    struct mergesrc *m = (struct mergesrc *)b;
    size_t i = SIZE_MAX;
    int rc;

    for (size_t j = 0; j < m->n; j++) {
        if (m->state[j] < 0) {
            if ((rc = m->src[j]->next(m->src[j], &m->head[j])) < 0) {
                vr_market_msgf(b->msg, sizeof(b->msg), "%s", m->src[j]->msg);
                return rc;
            }
            m->state[j] = rc;
        }
        if (m->state[j] == 1 && (i == SIZE_MAX ||
            m->head[j].time < m->head[i].time))
            i = j;
    }
    if (i == SIZE_MAX)
        return 0;
    *c = m->head[i];
    b->line = m->src[i]->line;
    vr_market_msgf(b->name, sizeof(b->name), "%s", m->src[i]->name);
    m->state[i] = -1;       /* refill on the next call */
    return 1;
}

static void
merge_free(struct vr_csrc *b)
{
    struct mergesrc *m = (struct mergesrc *)b;

    for (size_t i = 0; i < m->n; i++)
        vr_csrc_free(m->src[i]);
    free(m->src);
    free(m->head);
    free(m->state);
    free(m);
}

int
vr_mergesrc_new(struct vr_csrc **out, struct vr_csrc **srcs, size_t n)
{
    struct mergesrc *m = calloc(1, sizeof(*m));

    *out = NULL;
    if (m != NULL) {
        m->src = vr_callocarray(n ? n : 1, sizeof(*m->src));
        m->head = vr_callocarray(n ? n : 1, sizeof(*m->head));
        m->state = vr_callocarray(n ? n : 1, sizeof(*m->state));
    }
    if (m == NULL || m->src == NULL || m->head == NULL || m->state == NULL) {
        if (m != NULL) {
            free(m->src);
            free(m->head);
            free(m->state);
            free(m);
        }
        for (size_t i = 0; i < n; i++)
            vr_csrc_free(srcs[i]);
        return VR_ENOMEM;
    }
    m->base.next = merge_next;
    m->base.free = merge_free;
    m->n = n;
    for (size_t i = 0; i < n; i++) {
        m->src[i] = srcs[i];
        m->state[i] = -1;
    }
    vr_market_msgf(m->base.name, sizeof(m->base.name), "%s",
        n ? srcs[0]->name : "merge");
    *out = &m->base;
    return VR_OK;
}
