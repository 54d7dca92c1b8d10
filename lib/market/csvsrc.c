/*
 * csvsrc.c: candle and funding sources over CSV files and zip archives of
 * them (candles.h), parsed with libcsv, plus the candles-stream source.
 *
 * The file is read in blocks and fed to libcsv one physical line at a
 * time, so a row's line number is exact; each block's rows are converted
 * and queued, and next() pops the queue, so memory stays at one block
 * however long the file.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>
#include <zip.h>

#include "vr.h"
#include "base/mem.h"
#include "base/parse.h"
#include "market/candles.h"
#include "market/internal.h"
#include "stream/kinds.h"

#define BLOCK (1 << 16)
#define MAXF 16             /* fields kept per row; more are counted */
#define FLEN 64             /* bytes kept per field */
#define MAXFIELD (1 << 20)  /* longest field libcsv may buffer */

enum { C_TIME, C_OPEN, C_HIGH, C_LOW, C_CLOSE, C_VOLUME, C_NROLES };
enum { F_TIME, F_RATE, F_NROLES };

struct csvsrc {
    struct vr_csrc base;
    bool funding;           /* a funding file: roles F_* */
    char path[200];
    FILE *f;                /* plain file (or stdin) */
    zip_t *zip;
    zip_file_t *zf;
    zip_int64_t entry, nentries;
    bool newentry;          /* first row of a later zip entry: brk */
    struct csv_parser p;
    bool pinit;
    char *blk;
    size_t pos, len;
    bool eof;               /* no more bytes in this file/entry */
    bool done;              /* no more rows at all */
    bool atstart;           /* next byte starts a physical line */
    bool first;             /* no record seen yet in this file/entry */
    long lineno;
    /* the row being assembled by the field callback */
    char fld[MAXF][FLEN];
    size_t flen[MAXF];
    bool ftrunc[MAXF];
    int nf;
    /* column of each role, and fields a row needs */
    int col[C_NROLES];
    int nroles, need;
    /* converted rows waiting for next() */
    struct vr_candle *q;
    long *qline;
    size_t qhead, qn, qcap;
    int64_t prev;           /* last time queued, for the order check */
    bool haveprev;
    int err;                /* first error; msg holds it */
};

static int
cfail(struct csvsrc *s, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Record the first error as "name:line: what". */
static int
cfail(struct csvsrc *s, int err, const char *fmt, ...)
{
    char what[300];
    va_list ap;

    if (s->err)
        return s->err;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (s->lineno > 0)
        vr_market_msgf(s->base.msg, sizeof(s->base.msg), "%s:%ld: %s",
            s->base.name, s->lineno, what);
    else
        vr_market_msgf(s->base.msg, sizeof(s->base.msg), "%s: %s", s->base.name,
            what);
    s->err = err;
    return err;
}

/* Powers of ten exactly representable in a double. */
static const double pow10tab[23] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
    1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/*
 * Clinger's fast path (W. D. Clinger, "How to read floating point numbers
 * accurately", PLDI 1990): a decimal m * 10^-e with m < 2^53 and e <= 22
 * is one correctly rounded division of two exact doubles, so it equals
 * strtod's result.  Anything else goes to strtod.
 */
int
vr_candle_parse_f64(double *v, const char *s, size_t len)
{
    uint64_t m = 0;
    int digits = 0, frac = 0;
    size_t i = 0;
    bool neg = false, dot = false;

    if (len > 0 && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        i++;
    }
    for (; i < len; i++) {
        char ch = s[i];
        if (ch >= '0' && ch <= '9') {
            if (digits >= 19)
                goto slow;
            m = m * 10 + (uint64_t)(ch - '0');
            if (m != 0)
                digits++;
            if (dot)
                frac++;
        } else if (ch == '.' && !dot)
            dot = true;
        else
            goto slow;
    }
    if (len == 0 || (i == 1 && (s[0] == '-' || s[0] == '+')) ||
        (dot && len == 1 + (size_t)(s[0] == '-' || s[0] == '+')))
        return VR_EFORMAT;
    if (m >= (1ULL << 53) || frac > 22)
        goto slow;
    *v = (double)m / pow10tab[frac];
    if (neg)
        *v = -*v;
    return VR_OK;
slow:
    {
        char buf[FLEN + 1], *end;
        double d;
        if (len == 0 || len > FLEN || isspace((unsigned char)s[0]))
            return VR_EFORMAT;
        memcpy(buf, s, len);
        buf[len] = '\0';
        errno = 0;
        d = strtod(buf, &end);
        if (end != buf + len || !isfinite(d))
            return VR_EFORMAT;
        *v = d;
        return VR_OK;
    }
}

int
vr_candle_parse_time(int64_t *ms, const char *s, size_t len)
{
    uint64_t v = 0;

    if (len == 0)
        return VR_EFORMAT;
    if (len >= 10 && s[4] == '-') {
        /* ISO 8601 in UTC: an optional "Z" or "+00:00", and an optional
         * fraction of the second after "YYYY-MM-DD HH:MM:SS" */
        char buf[20];
        size_t n = len;
        int64_t frac = 0;
        int rc;
        if (n > 19 && s[n - 1] == 'Z')
            n--;
        else if (n >= 19 + 6 && memcmp(s + n - 6, "+00:00", 6) == 0)
            n -= 6;
        if (n > 20 && s[19] == '.') {
            for (size_t i = 20; i < n; i++) {
                if (s[i] < '0' || s[i] > '9')
                    return VR_EFORMAT;
                if (i < 23)
                    frac = frac * 10 + (s[i] - '0');
            }
            for (size_t i = n; i < 23; i++)
                frac *= 10;
            n = 19;
        }
        if (n >= sizeof(buf))
            return VR_EFORMAT;
        memcpy(buf, s, n);
        buf[n] = '\0';
        if ((rc = vr_parse_time_ms(ms, buf)) != VR_OK)
            return rc;
        *ms += frac;
        return VR_OK;
    }
    /* an epoch number, perhaps written as a float with a zero fraction */
    for (size_t i = 1; i < len; i++)
        if (s[i] == '.') {
            for (size_t k = i + 1; k < len; k++)
                if (s[k] != '0')
                    return VR_EFORMAT;
            len = i;
            break;
        }
    if (len > 18)
        return VR_EFORMAT;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return VR_EFORMAT;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    /* seconds below 1e11 (year 5138), ms below 1e14, else microseconds */
    if (v < 100000000000ULL)
        *ms = (int64_t)v * 1000;
    else if (v < 100000000000000ULL)
        *ms = (int64_t)v;
    else
        *ms = (int64_t)(v / 1000);
    return VR_OK;
}

static bool
name_is(const char *f, const char *const *names)
{
    for (; *names; names++)
        if (strcasecmp(f, *names) == 0)
            return true;
    return false;
}

static const char *const time_names[] = {"timestamp", "date", "time",
    "open_time", "opentime", "datetime", "open time", "calc_time",
    "fundingtime", "funding_time", NULL};
static const char *const rate_names[] = {"last_funding_rate",
    "fundingrate", "funding_rate", "rate", NULL};

/* First record of a file: a header (map the columns) or data (the fixed
 * layout).  Returns 1 if it was a header, 0 if data, < 0 on error. */
static int
decide_layout(struct csvsrc *s)
{
    static const char *const cname[C_NROLES] = {"time", "open", "high",
        "low", "close", "volume"};
    int64_t t;
    char *f0 = s->fld[0];
    bool data;

    for (int r = 0; r < s->nroles; r++)
        s->col[r] = -1;
    data = vr_candle_parse_time(&t, f0, s->flen[0]) == VR_OK;
    if (data) {
        if (s->funding) {
            if (s->nf < 2)
                return cfail(s, VR_EFORMAT, "expected at least 2 fields "
                    "(time, rate), got %d", s->nf);
            s->col[F_TIME] = 0;
            s->col[F_RATE] = s->nf >= 3 ? 2 : 1;
        } else {
            if (s->nf < 6)
                return cfail(s, VR_EFORMAT, "expected at least 6 fields "
                    "(time, open, high, low, close, volume), got %d", s->nf);
            for (int r = 0; r < C_NROLES; r++)
                s->col[r] = r;
        }
    } else {
        for (int i = 0; i < s->nf && i < MAXF; i++) {
            const char *f = s->fld[i];
            int r = -1;
            if (name_is(f, time_names))
                r = 0;
            else if (s->funding && name_is(f, rate_names))
                r = F_RATE;
            else if (!s->funding)
                for (int k = 1; k < C_NROLES; k++)
                    if (strcasecmp(f, cname[k]) == 0)
                        r = k;
            if (r >= 0 && s->col[r] < 0)
                s->col[r] = i;
        }
        for (int r = 0; r < s->nroles; r++)
            if (s->col[r] < 0)
                return cfail(s, VR_EFORMAT, "header has no %s column",
                    s->funding ? (r == F_TIME ? "time (calc_time)" :
                    "rate (last_funding_rate)") : cname[r]);
    }
    s->need = 0;
    for (int r = 0; r < s->nroles; r++)
        if (s->col[r] + 1 > s->need)
            s->need = s->col[r] + 1;
    return data ? 0 : 1;
}

static int
queue_push(struct csvsrc *s, const struct vr_candle *c)
{
    if (s->qn == s->qcap) {
        size_t cap = s->qcap ? 2 * s->qcap : 1024;
        struct vr_candle *q = vr_reallocarray(s->q, cap, sizeof(*q));
        long *ql;
        if (q == NULL)
            return cfail(s, VR_ENOMEM, "out of memory");
        s->q = q;
        if ((ql = vr_reallocarray(s->qline, cap, sizeof(*ql))) == NULL)
            return cfail(s, VR_ENOMEM, "out of memory");
        s->qline = ql;
        s->qcap = cap;
    }
    s->q[s->qn] = *c;
    s->qline[s->qn] = s->lineno;
    s->qn++;
    return VR_OK;
}

static const char *
field_name(const struct csvsrc *s, int role)
{
    static const char *const cn[C_NROLES] = {"time", "open", "high", "low",
        "close", "volume"};
    return s->funding ? (role == F_TIME ? "time" : "rate") : cn[role];
}

/* Convert one data row and queue it. */
static void
take_row(struct csvsrc *s)
{
    struct vr_candle c;
    double v[C_NROLES];
    char when[32];

    if (s->nf < s->need) {
        cfail(s, VR_EFORMAT, "expected at least %d fields, got %d", s->need,
            s->nf);
        return;
    }
    for (int r = 0; r < s->nroles; r++) {
        int i = s->col[r];
        if (s->ftrunc[i]) {
            cfail(s, VR_EFORMAT, "%s: field too long", field_name(s, r));
            return;
        }
    }
    if (vr_candle_parse_time(&c.time, s->fld[s->col[0]],
        s->flen[s->col[0]]) != VR_OK) {
        cfail(s, VR_EFORMAT, "time: '%s' is not an epoch time or "
            "YYYY-MM-DD HH:MM:SS", s->fld[s->col[0]]);
        return;
    }
    for (int r = 1; r < s->nroles; r++) {
        int i = s->col[r];
        if (vr_candle_parse_f64(&v[r], s->fld[i], s->flen[i]) != VR_OK) {
            cfail(s, VR_EFORMAT, "%s: '%s' is not a finite number",
                field_name(s, r), s->fld[i]);
            return;
        }
    }
    if (s->haveprev && c.time < s->prev) {
        char before[32];
        vr_format_time_ms(when, c.time);
        vr_format_time_ms(before, s->prev);
        cfail(s, VR_EFORMAT, "time goes backwards: %s after %s", when,
            before);
        return;
    }
    c.brk = s->newentry;
    if (s->funding) {
        c.open = c.high = c.low = c.close = c.volume = 0;
        c.funding = v[F_RATE];
        if (fabs(c.funding) >= 1) {
            cfail(s, VR_EFORMAT, "rate: %g is not a funding rate",
                c.funding);
            return;
        }
    } else {
        c.open = v[C_OPEN];
        c.high = v[C_HIGH];
        c.low = v[C_LOW];
        c.close = v[C_CLOSE];
        c.volume = v[C_VOLUME];
        c.funding = NAN;
        char what[200];
        if (vr_candle_check(&c, what, sizeof(what)) != VR_OK) {
            cfail(s, VR_EFORMAT, "%s", what);
            return;
        }
    }
    s->newentry = false;
    s->prev = c.time;
    s->haveprev = true;
    queue_push(s, &c);
}

static void
cb_field(void *data, size_t len, void *ctx)
{
    struct csvsrc *s = ctx;
    int i = s->nf++;

    if (i >= MAXF)
        return;
    if (len >= FLEN) {
        s->ftrunc[i] = true;
        len = FLEN - 1;
    } else
        s->ftrunc[i] = false;
    if (len)
        memcpy(s->fld[i], data, len);
    s->fld[i][len] = '\0';
    s->flen[i] = len;
}

static void
cb_row(int term, void *ctx)
{
    struct csvsrc *s = ctx;

    (void)term;
    if (s->err == 0) {
        if (s->first) {
            int rc = decide_layout(s);
            s->first = false;
            if (rc == 0)
                take_row(s);
        } else
            take_row(s);
    }
    s->nf = 0;
}

/* Read the next block of the current file or zip entry. */
static int
read_block(struct csvsrc *s)
{
    s->pos = 0;
    if (s->zf != NULL) {
        zip_int64_t n = zip_fread(s->zf, s->blk, BLOCK);
        if (n < 0)
            return cfail(s, VR_EFORMAT, "zip: %s",
                zip_error_strerror(zip_file_get_error(s->zf)));
        s->len = (size_t)n;
    } else {
        s->len = fread(s->blk, 1, BLOCK, s->f);
        if (s->len == 0 && ferror(s->f)) {
            int e = errno;
            cfail(s, VR_EIO, "%s", strerror(e));
            errno = e;
            return VR_EIO;
        }
    }
    if (s->len == 0)
        s->eof = true;
    return VR_OK;
}

static bool
is_csv_name(const char *n)
{
    size_t len = strlen(n);
    return len > 4 && strcasecmp(n + len - 4, ".csv") == 0;
}

/* Open the next *.csv entry of the zip: 1, 0 if none left, < 0 error. */
static int
next_entry(struct csvsrc *s)
{
    if (s->zf != NULL) {
        zip_fclose(s->zf);
        s->zf = NULL;
    }
    while (++s->entry < s->nentries) {
        const char *n = zip_get_name(s->zip, (zip_uint64_t)s->entry, 0);
        if (n == NULL || !is_csv_name(n))
            continue;
        if ((s->zf = zip_fopen_index(s->zip, (zip_uint64_t)s->entry, 0)) ==
            NULL)
            return cfail(s, VR_EFORMAT, "%s: %s", n,
                zip_strerror(s->zip));
        vr_market_msgf(s->base.name, sizeof(s->base.name), "%s:%s", s->path, n);
        return 1;
    }
    return 0;
}

/* Start a new file or zip entry: fresh parser, header detection. */
static int
start_file(struct csvsrc *s)
{
    if (s->pinit)
        csv_free(&s->p);
    if (csv_init(&s->p, 0) != 0)
        return cfail(s, VR_ENOMEM, "out of memory");
    /* libcsv grows its field buffer by this much (128 bytes by default:
     * quadratic copying on a long field) */
    csv_set_blk_size(&s->p, BLOCK);
    s->pinit = true;
    s->pos = s->len = 0;
    s->eof = false;
    s->atstart = true;
    s->first = true;
    s->lineno = 0;
    s->nf = 0;
    return VR_OK;
}

/* Feed input until at least one row is queued or the input ends. */
static int
fill(struct csvsrc *s)
{
    s->qhead = s->qn = 0;
    while (s->qn == 0 && !s->err && !s->done) {
        if (s->pos == s->len) {
            if (!s->eof && read_block(s) != VR_OK)
                break;
            if (!s->eof)
                continue;
            /* end of this file or entry; a last line without newline is
             * flushed by csv_fini */
            if (csv_fini(&s->p, cb_field, cb_row, s) != 0)
                cfail(s, VR_EFORMAT, "%s", csv_strerror(csv_error(&s->p)));
            if (s->err)
                break;
            if (s->first && s->zip == NULL) {
                s->lineno = 0;
                cfail(s, VR_EFORMAT, "empty file");
                break;
            }
            if (s->zip != NULL) {
                int rc = next_entry(s);
                if (rc < 0 || (rc > 0 && start_file(s) != VR_OK))
                    break;
                if (rc > 0) {
                    s->newentry = true;
                    continue;
                }
            }
            s->done = true;
            break;
        }
        /* one physical line (or the rest of the block) */
        const char *p = s->blk + s->pos;
        const char *nl = memchr(p, '\n', s->len - s->pos);
        size_t n = nl ? (size_t)(nl - p) + 1 : s->len - s->pos;
        if (s->atstart && s->lineno++ == 0 && n >= 3 &&
            memcmp(p, "\xef\xbb\xbf", 3) == 0) {
            /* a UTF-8 byte order mark */
            p += 3;
            n -= 3;
            s->pos += 3;
        }
        if (csv_parse(&s->p, p, n, cb_field, cb_row, s) != n) {
            cfail(s, VR_EFORMAT, "%s", csv_strerror(csv_error(&s->p)));
            break;
        }
        s->pos += n;
        s->atstart = nl != NULL;
        /* libcsv buffers the field being read: a runaway field (an
         * unterminated quote) must not take all memory */
        if (csv_get_buffer_size(&s->p) > MAXFIELD) {
            cfail(s, VR_EFORMAT, "field longer than %d bytes (an "
                "unterminated quote?)", MAXFIELD);
            break;
        }
    }
    return s->qhead < s->qn ? 1 : s->err ? s->err : 0;
}

static int
csv_next(struct vr_csrc *b, struct vr_candle *c)
{
    struct csvsrc *s = (struct csvsrc *)b;
    int rc = s->qhead < s->qn ? 1 : fill(s);

    if (rc <= 0)
        return rc;
    *c = s->q[s->qhead];
    b->line = s->qline[s->qhead];
    s->qhead++;
    return 1;
}

static void
csv_freesrc(struct vr_csrc *b)
{
    struct csvsrc *s = (struct csvsrc *)b;

    if (s->pinit)
        csv_free(&s->p);
    if (s->zf != NULL)
        zip_fclose(s->zf);
    if (s->zip != NULL)
        zip_discard(s->zip);
    if (s->f != NULL && s->f != stdin)
        fclose(s->f);
    free(s->blk);
    free(s->q);
    free(s->qline);
    free(s);
}

static int
open_any(struct vr_csrc **out, const char *path, bool funding, char *msg,
    size_t msgsize)
{
    struct csvsrc *s;
    unsigned char magic[4];
    size_t got;
    int rc;

    *out = NULL;
    if ((s = calloc(1, sizeof(*s))) == NULL ||
        (s->blk = malloc(BLOCK)) == NULL) {
        free(s);
        vr_market_msgf(msg, msgsize, "%s: out of memory", path);
        return VR_ENOMEM;
    }
    s->base.next = csv_next;
    s->base.free = csv_freesrc;
    s->funding = funding;
    s->nroles = funding ? F_NROLES : C_NROLES;
    s->entry = -1;
    vr_market_msgf(s->path, sizeof(s->path), "%s", strcmp(path, "-") ? path :
        "stdin");
    vr_market_msgf(s->base.name, sizeof(s->base.name), "%s", s->path);
    if (strcmp(path, "-") == 0)
        s->f = stdin;
    else if ((s->f = fopen(path, "rb")) == NULL) {
        int e = errno;
        vr_market_msgf(msg, msgsize, "%s: %s", path, strerror(e));
        csv_freesrc(&s->base);
        errno = e;
        return VR_EIO;
    }
    got = s->f == stdin ? 0 : fread(magic, 1, 4, s->f);
    if (got == 4 && memcmp(magic, "PK\3\4", 4) == 0) {
        int zerr = 0;
        fclose(s->f);
        s->f = NULL;
        if ((s->zip = zip_open(path, ZIP_RDONLY, &zerr)) == NULL) {
            zip_error_t ze;
            zip_error_init_with_code(&ze, zerr);
            vr_market_msgf(msg, msgsize, "%s: %s", path, zip_error_strerror(&ze));
            zip_error_fini(&ze);
            csv_freesrc(&s->base);
            return VR_EFORMAT;
        }
        s->nentries = zip_get_num_entries(s->zip, 0);
        if ((rc = next_entry(s)) <= 0) {
            vr_market_msgf(msg, msgsize, "%s", rc < 0 ? s->base.msg : "");
            if (rc == 0)
                vr_market_msgf(msg, msgsize, "%s: no .csv file in the zip", path);
            csv_freesrc(&s->base);
            return VR_EFORMAT;
        }
    } else if (s->f != stdin) {
        /* put back what we peeked at */
        memcpy(s->blk, magic, got);
        s->len = got;
        if (fseek(s->f, 0, SEEK_SET) != 0) {
            /* not seekable (a pipe): keep the bytes read as the block */
            rc = start_file(s);
            s->len = got;
            goto started;
        }
    }
    rc = start_file(s);
started:
    if (rc != VR_OK) {
        vr_market_msgf(msg, msgsize, "%s", s->base.msg);
        csv_freesrc(&s->base);
        return rc;
    }
    *out = &s->base;
    return VR_OK;
}

int
vr_csvsrc_new(struct vr_csrc **s, const char *path, char *msg,
    size_t msgsize)
{
    return open_any(s, path, false, msg, msgsize);
}

int
vr_fundsrc_new(struct vr_csrc **s, const char *path, char *msg,
    size_t msgsize)
{
    return open_any(s, path, true, msg, msgsize);
}

/* A candles stream file as a source. */
struct streamsrc {
    struct vr_csrc base;
    FILE *f;
    struct vr_reader r;
    struct vr_table tb;
    size_t i;
    int32_t seg;
    bool haveseg, end;
};

static int
stream_next(struct vr_csrc *b, struct vr_candle *c)
{
    struct streamsrc *s = (struct streamsrc *)b;
    struct vr_table *tb = &s->tb;
    int rc;

    while (s->i >= tb->n || s->end) {
        if (s->end)
            return 0;
        rc = vr_table_read(&s->r, tb);
        if (rc < 0) {
            vr_market_msgf(b->msg, sizeof(b->msg), "%s: %s", b->name, s->r.msg);
            return rc;
        }
        if (rc == 0) {
            const char *name;
            if ((rc = vr_reader_peek(&s->r, &name)) != 0) {
                vr_market_msgf(b->msg, sizeof(b->msg), "%s: %s", b->name,
                    rc < 0 ? s->r.msg : "unexpected tensor in a candles "
                    "stream");
                return rc < 0 ? rc : VR_EFORMAT;
            }
            s->end = true;
            return 0;
        }
        s->i = 0;
    }
    size_t i = s->i++;
    c->time = VR_COL(tb, VR_CANDLE_TIME, int64_t)[i];
    c->open = VR_COL(tb, VR_CANDLE_OPEN, double)[i];
    c->high = VR_COL(tb, VR_CANDLE_HIGH, double)[i];
    c->low = VR_COL(tb, VR_CANDLE_LOW, double)[i];
    c->close = VR_COL(tb, VR_CANDLE_CLOSE, double)[i];
    c->volume = VR_COL(tb, VR_CANDLE_VOLUME, double)[i];
    c->funding = VR_COL(tb, VR_CANDLE_FUNDING, double)[i];
    int32_t seg = VR_COL(tb, VR_CANDLE_SEGMENT, int32_t)[i];
    c->brk = s->haveseg && seg != s->seg;
    s->seg = seg;
    s->haveseg = true;
    b->line++;
    return 1;
}

static void
stream_free(struct vr_csrc *b)
{
    struct streamsrc *s = (struct streamsrc *)b;

    vr_reader_free(&s->r);
    vr_table_free(&s->tb);
    if (s->f != NULL)
        fclose(s->f);
    free(s);
}

int
vr_streamsrc_new(struct vr_csrc **out, const char *path, char *msg,
    size_t msgsize)
{
    struct streamsrc *s;
    int rc;

    *out = NULL;
    if ((s = calloc(1, sizeof(*s))) == NULL) {
        vr_market_msgf(msg, msgsize, "%s: out of memory", path);
        return VR_ENOMEM;
    }
    s->base.next = stream_next;
    s->base.free = stream_free;
    vr_market_msgf(s->base.name, sizeof(s->base.name), "%s", path);
    vr_table_init(&s->tb, vr_candle_cols, VR_CANDLE_NCOLS);
    if ((s->f = fopen(path, "rb")) == NULL) {
        int e = errno;
        vr_market_msgf(msg, msgsize, "%s: %s", path, strerror(e));
        free(s);
        errno = e;
        return VR_EIO;
    }
    if ((rc = vr_reader_open(&s->r, s->f, "candles")) != VR_OK) {
        vr_market_msgf(msg, msgsize, "%s: %s", path, s->r.msg);
        stream_free(&s->base);
        return rc;
    }
    *out = &s->base;
    return VR_OK;
}
