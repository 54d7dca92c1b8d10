/*
 * spill.c: vr-label in bounded memory (market/label.h).  The definitions
 * are label.c's, and so is the order of every floating-point operation,
 * so the output is the same to the byte; only the storage differs: rows
 * wait in unlinked temporary files, and each pass reads them through
 * small buffers ("cursors", pread(2) at a moving record index).
 *
 *   read     features stream -> rows file (x f32 (C), time i64: 40 bytes),
 *            closes file (f64), squared log returns file (f64: label.c's
 *            sqlr of each row), segments file (first, end i64 pairs)
 *   pass 1   segments: the candidate count N, the split boundaries'
 *            end rows
 *   pass 2   candidates in order: split, purge, label, trailing return and
 *            volatility (the sliding sum of label.c, with cursors at we
 *            and wj instead of an array), the sums for the means over the
 *            train windows' rows -> samples file (16 bytes a sample)
 *   pass 3   the train windows' rows again: squared deviations
 *   median   radix selection over the vol bits: two passes over the
 *            samples file with 65536-bucket histograms
 *   write    header, the rows normalised, the samples with their regime
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vr.h"
#include "base/mem.h"
#include "base/parse.h"
#include "market/internal.h"
#include "market/label.h"

enum { F_ROWS, F_CLOSE, F_LR2, F_SEG, NFILE };

/* One row as spilled (C = VR_FEAT_C is fixed by vr_label_spill_read). */
struct srow {
    float x[VR_FEAT_C];
    int64_t time;
};
/* One kept sample as spilled by pass 2. */
struct ssamp {
    int64_t end;
    float vol;
    int8_t label;
    uint8_t split, bear, pad;
};
_Static_assert(sizeof(struct srow) == 40, "row record");
_Static_assert(sizeof(struct ssamp) == 16, "sample record");

/* Records per write buffer and per cursor of the passes. */
#define SPILL_BUF 16384

/* An appending writer of fixed-size records, errors sticky (errno kept). */
struct spill {
    int fd;
    size_t size;            /* bytes a record */
    unsigned char *buf;     /* (SPILL_BUF * size) */
    size_t len;             /* bytes waiting in buf */
    uint64_t nrec;          /* records put */
    int errnum;             /* errno of the first failure, or 0 */
};

/* A reader of fixed-size records at any index, through a buffer that
 * holds cap records from base; moving forward is what it is made for. */
struct cur {
    int fd;
    size_t size, cap;
    unsigned char *buf;     /* (cap * size) */
    uint64_t base, cnt;     /* records [base, base + cnt) are in buf */
    uint64_t nrec;          /* records in the file */
    int errnum;
};

/* An unlinked temporary file in dir, or -1 with errno. */
static int
tmp_open(const char *dir)
{
    char path[PATH_MAX];
    int fd;

#ifdef O_TMPFILE
    if ((fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) >= 0)
        return fd;
    if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
        return -1;
#endif
    if ((size_t)snprintf(path, sizeof(path), "%s/vr-label.XXXXXX", dir) >=
        sizeof(path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if ((fd = mkostemp(path, O_CLOEXEC)) < 0)
        return -1;
    if (unlink(path) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

static int
spill_init(struct spill *s, int fd, size_t size)
{
    memset(s, 0, sizeof(*s));
    s->fd = fd;
    s->size = size;
    if ((s->buf = vr_mallocarray(SPILL_BUF, size)) == NULL)
        return VR_ENOMEM;
    return VR_OK;
}

static void
spill_flush(struct spill *s)
{
    const unsigned char *p = s->buf;
    size_t left = s->len;

    while (left > 0 && s->errnum == 0) {
        ssize_t k = write(s->fd, p, left);
        if (k < 0) {
            if (errno != EINTR)
                s->errnum = errno;
            continue;
        }
        p += k;
        left -= (size_t)k;
    }
    s->len = 0;
}

static inline void
spill_put(struct spill *s, const void *rec)
{
    if (s->len + s->size > SPILL_BUF * s->size)
        spill_flush(s);
    memcpy(s->buf + s->len, rec, s->size);
    s->len += s->size;
    s->nrec++;
}

static void
spill_done(struct spill *s)
{
    free(s->buf);
    s->buf = NULL;
}

static int
cur_init(struct cur *c, int fd, size_t size, size_t cap, uint64_t nrec)
{
    memset(c, 0, sizeof(*c));
    c->fd = fd;
    c->size = size;
    c->cap = cap;
    c->nrec = nrec;
    if ((c->buf = vr_callocarray(cap, size)) == NULL)
        return VR_ENOMEM;
    return VR_OK;
}

static void
cur_done(struct cur *c)
{
    free(c->buf);
    c->buf = NULL;
}

/*
 * Record i (valid until the next call).  A failed read (or an index past
 * the end, which only a file changed under us could give) sets errnum and
 * yields zeroed records from then on: the pass runs out harmlessly and
 * its caller reports the error before anything is written.
 */
static const void *
cur_at(struct cur *c, uint64_t i)
{
    if (i - c->base < c->cnt)
        return c->buf + (size_t)(i - c->base) * c->size;
    if (c->errnum != 0 || i >= c->nrec) {
        if (c->errnum == 0)
            c->errnum = EIO;
        memset(c->buf, 0, c->size);
        c->cnt = 0;
        return c->buf;
    }
    uint64_t want = c->nrec - i < c->cap ? c->nrec - i : c->cap;
    size_t bytes = (size_t)want * c->size, got = 0;
    off_t off = (off_t)(i * c->size);
    while (got < bytes) {
        ssize_t k = pread(c->fd, c->buf + got, bytes - got, off + (off_t)got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            c->errnum = k < 0 ? errno : EIO;
            memset(c->buf, 0, c->size);
            c->cnt = 0;
            return c->buf;
        }
        got += (size_t)k;
    }
    c->base = i;
    c->cnt = want;
    return c->buf;
}

static inline double
cur_f64(struct cur *c, uint64_t i)
{
    double v;

    memcpy(&v, cur_at(c, i), sizeof(v));
    return v;
}

/* VR_EIO with sp->msg and errno for a temporary file's failure e. */
static int
tmp_fail(struct vr_label_spill *sp, int e)
{
    vr_market_msgf(sp->msg, sizeof(sp->msg), "temporary file in %s: %s",
        sp->dir, strerror(e));
    errno = e;
    return VR_EIO;
}

static int
row_fail(struct vr_reader *r, size_t row, int64_t t, const char *what)
{
    char ts[32];

    vr_format_time_ms(ts, t);
    return vr_reader_fail(r, VR_EFORMAT, "feature row %zu (%s UTC): %s", row,
        ts, what);
}

int
vr_label_spill_read(struct vr_label_spill *sp, struct vr_reader *r,
    const char *tmpdir)
{
    static const size_t rsize[NFILE] = {sizeof(struct srow), sizeof(double),
        sizeof(double), 2 * sizeof(int64_t)};
    struct spill out[NFILE];
    struct vr_table tb;
    size_t nf, C = VR_FEAT_C;
    bool fresh = true;
    int32_t inseg = 0;
    int64_t seg[2] = {0, 0}, tprev = 0;
    double cprev = 0;
    int rc, nout = 0;

    memset(sp, 0, sizeof(*sp));
    sp->C = VR_FEAT_C;
    if (tmpdir == NULL || tmpdir[0] == '\0')
        tmpdir = P_tmpdir;
    vr_table_init(&tb, vr_feat_cols, VR_FEAT_NCOLS);
    if ((size_t)snprintf(sp->dir, sizeof(sp->dir), "%s", tmpdir) >=
        sizeof(sp->dir)) {
        rc = tmp_fail(sp, ENAMETOOLONG);
        goto out;
    }
    for (; sp->nfd < NFILE; sp->nfd++)
        if ((sp->fd[sp->nfd] = tmp_open(tmpdir)) < 0) {
            rc = tmp_fail(sp, errno);
            goto out;
        }
    for (; nout < NFILE; nout++)
        if ((rc = spill_init(&out[nout], sp->fd[nout], rsize[nout])) != VR_OK) {
            nout++;
            goto out;
        }

    if ((rc = vr_meta_strs(r, NULL, "features", sp->feat, VR_MAXFEAT,
        &nf)) != VR_OK)
        goto out;
    if (nf != C) {
        rc = vr_reader_fail(r, VR_EFORMAT, "header: %zu feature names, "
            "expected %zu", nf, C);
        goto out;
    }
    const msgpack_object *sv = vr_meta_get(r->header, "symbol");
    if (sv != NULL && sv->type == MSGPACK_OBJECT_STR &&
        sv->via.str.size < sizeof(sp->symbol))
        memcpy(sp->symbol, sv->via.str.ptr, sv->via.str.size);

    for (;;) {
        while ((rc = vr_table_read(r, &tb)) == 1) {
            const int64_t *t = VR_COL(&tb, VR_FEAT_TIME, int64_t);
            const int32_t *sg = VR_COL(&tb, VR_FEAT_SEGMENT, int32_t);
            const double *cl = VR_COL(&tb, VR_FEAT_CLOSE, double);
            const double *x = VR_COL(&tb, VR_FEAT_FEAT, double);

            for (size_t i = 0; i < tb.n; i++) {
                size_t row = sp->n;
                struct srow o;
                if (fresh || sg[i] != inseg) {
                    // A segment ends where the next begins.
                    if (row > 0) {
                        seg[1] = (int64_t)row;
                        spill_put(&out[F_SEG], seg);
                    }
                    seg[0] = (int64_t)row;
                    sp->nseg++;
                    inseg = sg[i];
                    fresh = false;
                } else if (t[i] <= tprev) {
                    rc = row_fail(r, row, t[i], "time does not increase "
                        "within its segment");
                    goto out;
                }
                if (!(isfinite(cl[i]) && cl[i] > 0)) {
                    rc = row_fail(r, row, t[i], "close is not a positive "
                        "number");
                    goto out;
                }
                const double *x_i = x + i * C;
                for (size_t c = 0; c < C; c++) {
                    o.x[c] = (float)x_i[c];
                    if (!isfinite(o.x[c])) {
                        char what[96];
                        snprintf(what, sizeof(what), "feature %s is not a "
                            "finite f32", sp->feat[c]);
                        rc = row_fail(r, row, t[i], what);
                        goto out;
                    }
                }
                o.time = t[i];
                tprev = t[i];
                spill_put(&out[F_ROWS], &o);
                spill_put(&out[F_CLOSE], &cl[i]);
                // label.c's sqlr(), once a row here rather than twice in
                // pass 2 (0 for a segment's first row, which no sum uses)
                double lr = (int64_t)row > seg[0] ? log(cl[i] / cprev) : 0;
                double lr2 = lr * lr;
                spill_put(&out[F_LR2], &lr2);
                cprev = cl[i];
                sp->n++;
            }
            for (int k = 0; k < NFILE; k++)
                if (out[k].errnum != 0) {
                    rc = tmp_fail(sp, out[k].errnum);
                    goto out;
                }
        }
        if (rc < 0)
            goto out;
        const char *name;
        if ((rc = vr_reader_peek(r, &name)) != 0) {
            if (rc > 0)
                rc = vr_reader_fail(r, VR_EFORMAT, "unexpected tensor \"%s\" "
                    "in a features stream", name);
            goto out;
        }
        if ((rc = vr_reader_continue(r)) < 0)
            goto out;
        if (rc == 0)
            break;
        fresh = true;
    }
    if (sp->n > 0) {
        seg[1] = (int64_t)sp->n;
        spill_put(&out[F_SEG], seg);
    }
    rc = VR_OK;
    for (int k = 0; k < NFILE; k++) {
        spill_flush(&out[k]);
        if (out[k].errnum != 0 && rc == VR_OK)
            rc = tmp_fail(sp, out[k].errnum);
    }
out:
    for (int k = 0; k < nout; k++)
        spill_done(&out[k]);
    vr_table_free(&tb);
    if (rc == VR_ENOMEM && r->msg[0] == '\0')
        vr_reader_fail(r, rc, "out of memory");
    return rc;
}

void
vr_label_spill_free(struct vr_label_spill *sp)
{
    for (int k = 0; k < sp->nfd; k++)
        close(sp->fd[k]);
    sp->nfd = 0;
}

/* Candidates of the segment [s0, s1): end rows s0+T-1 .. s1-h-1. */
static inline int64_t
seg_cands(int64_t s0, int64_t s1, int64_t T, int64_t h)
{
    int64_t c = s1 - h - (s0 + T - 1);

    return c > 0 ? c : 0;
}

/*
 * Pass 1: the candidate count, and the end rows of the candidates whose
 * indices are q[0] <= q[1] <= .. (nq of them, each < the count).
 */
static int
pass_segments(struct vr_label_spill *sp, int64_t T, int64_t h, uint64_t *N,
    const uint64_t *q, int64_t *qend, int nq)
{
    struct cur cs;
    uint64_t cum = 0;
    int k = 0, rc;

    if ((rc = cur_init(&cs, sp->fd[F_SEG], 2 * sizeof(int64_t), SPILL_BUF,
        sp->nseg)) != VR_OK)
        return rc;
    for (uint64_t g = 0; g < sp->nseg; g++) {
        int64_t s[2];
        memcpy(s, cur_at(&cs, g), sizeof(s));
        uint64_t c = (uint64_t)seg_cands(s[0], s[1], T, h);
        for (; k < nq && q[k] < cum + c; k++)
            qend[k] = s[0] + T - 1 + (int64_t)(q[k] - cum);
        cum += c;
    }
    *N = cum;
    rc = cs.errnum ? tmp_fail(sp, cs.errnum) : VR_OK;
    cur_done(&cs);
    return rc;
}

/* Rank r (0-based) in a 65536-bucket histogram: its bucket, and *r
 * becomes its rank within that bucket. */
static uint32_t
hist_find(const uint64_t *hist, uint64_t *r)
{
    uint32_t b = 0;

    while (*r >= hist[b]) {
        *r -= hist[b];
        b++;
        VR_ASSERT(b < 65536);
    }
    return b;
}

/*
 * The k-th and (k-1)-th smallest vols of the first m samples (k < m; the
 * (k-1)-th only if k > 0).  The vols are floats >= +0 (never NaN:
 * label.c's formula maps a NaN sum to 0), which order as their bit
 * patterns do, so two passes find them exactly: the high 16 bits first,
 * then the low 16 bits within the bucket (or two buckets) found.
 */
static int
vol_select(struct vr_label_spill *sp, int fd, uint64_t m, uint64_t k,
    float *vk, float *vk1)
{
    struct cur c;
    uint64_t *hist, r[2] = {k, k ? k - 1 : 0};
    uint32_t hi[2], lo[2];
    int rc;

    VR_ASSERT(k < m);
    if ((hist = vr_callocarray(3 * 65536, sizeof(uint64_t))) == NULL)
        return VR_ENOMEM;
    if ((rc = cur_init(&c, fd, sizeof(struct ssamp), SPILL_BUF, m)) != VR_OK)
        goto out;
    for (uint64_t s = 0; s < m; s++) {
        const struct ssamp *p = cur_at(&c, s);
        uint32_t b;
        memcpy(&b, &p->vol, sizeof(b));
        VR_ASSERT(b <= 0x7f800000u);
        hist[b >> 16]++;
    }
    hi[0] = hist_find(hist, &r[0]);
    hi[1] = hist_find(hist, &r[1]);
    // Low halves of the two buckets (the same one, usually).
    uint64_t *lh[2] = {hist + 65536, hi[1] == hi[0] ? hist + 65536 :
        hist + 2 * 65536};
    for (uint64_t s = 0; s < m; s++) {
        const struct ssamp *p = cur_at(&c, s);
        uint32_t b;
        memcpy(&b, &p->vol, sizeof(b));
        if (b >> 16 == hi[0])
            lh[0][b & 0xffff]++;
        else if (b >> 16 == hi[1])
            lh[1][b & 0xffff]++;
    }
    lo[0] = hist_find(lh[0], &r[0]);
    lo[1] = hist_find(lh[1], &r[1]);
    uint32_t b0 = hi[0] << 16 | lo[0], b1 = hi[1] << 16 | lo[1];
    memcpy(vk, &b0, sizeof(*vk));
    memcpy(vk1, &b1, sizeof(*vk1));
    rc = c.errnum ? tmp_fail(sp, c.errnum) : VR_OK;
out:
    cur_done(&c);
    free(hist);
    return rc;
}

int
vr_label_spill_write(struct vr_writer *w, struct vr_label_spill *sp,
    const struct vr_label_opts *o, const msgpack_object *prov,
    const char *self, struct vr_label_stats *st)
{
    const size_t n = sp->n, C = (size_t)sp->C;
    const int64_t T = o->T, h = o->live ? 0 : o->horizon, L = o->lookback;
    const bool fit = o->mean == NULL;
    struct vr_dataset d;
    struct spill so;
    struct cur ce, ch, cc, cw, cj, cn, cs, cg;
    uint64_t N, skip = 0, ntr = 0, nva = 0, q[2], kept = 0, ntrain = 0;
    int64_t bound[VR_NSPLIT] = {INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX};
    int64_t qend[2];
    double sum[VR_MAXFEAT] = {0}, ss[VR_MAXFEAT] = {0};
    size_t cnt = 0;
    float *xb = NULL;
    int64_t *tb = NULL, *eb = NULL;
    int8_t *lb = NULL;
    uint8_t *pb = NULL, *rb = NULL;
    int fd = -1, rc;

    memset(st, 0, sizeof(*st));
    memset(&d, 0, sizeof(d));
    memset(&so, 0, sizeof(so));
    memset(&ce, 0, sizeof(ce));
    ch = cc = cw = cj = cn = cs = cg = ce;
    VR_ASSERT(T >= 1 && h >= 0 && L >= 1 && C == VR_FEAT_C);

    // Pass 1: how many candidates, so the split and (live) the newest.
    if ((rc = pass_segments(sp, T, h, &N, NULL, NULL, 0)) != VR_OK)
        return rc;
    st->nolabel = (long long)(n - N);
    if (o->live && o->newest > 0 && N > (uint64_t)o->newest) {
        skip = N - (uint64_t)o->newest;
        N = (uint64_t)o->newest;
    }
    if (N == 0) {
        snprintf(st->msg, sizeof(st->msg), "no sample: %zu rows in %zu "
            "segments, none with a window of %lld rows%s", n, sp->nseg,
            (long long)T, o->live ? "" : " and the label horizon after it");
        return VR_ERANGE;
    }
    if (!o->live) {
        uint64_t first[VR_NSPLIT + 1];
        int nq = 0, which[2];
        ntr = (uint64_t)floor(o->frac[0] * (double)N);
        nva = (uint64_t)floor(o->frac[1] * (double)N);
        if (ntr + nva > N)
            nva = N - ntr;
        first[VR_SPLIT_TRAIN] = 0;
        first[VR_SPLIT_VAL] = ntr;
        first[VR_SPLIT_TEST] = ntr + nva;
        first[VR_SPLIT_LIVE] = N;
        // The boundary after split k: the end row of the first sample of
        // the next split that has any.
        for (int k = VR_SPLIT_TRAIN; k < VR_SPLIT_TEST; k++)
            for (int j = k + 1; j <= VR_SPLIT_TEST; j++)
                if (first[j] < first[j + 1]) {
                    q[nq] = first[j];
                    which[nq++] = k;
                    break;
                }
        if (nq > 0 && (rc = pass_segments(sp, T, h, &N, q, qend, nq)) !=
            VR_OK)
            return rc;
        for (int k = 0; k < nq; k++)
            bound[which[k]] = qend[k];
    }

    // Pass 2: the samples, in row order, to the samples file.
    if ((fd = tmp_open(sp->dir)) < 0)
        return tmp_fail(sp, errno);
    if ((rc = spill_init(&so, fd, sizeof(struct ssamp))) ||
        (rc = cur_init(&cg, sp->fd[F_SEG], 2 * sizeof(int64_t), SPILL_BUF,
        sp->nseg)) ||
        (rc = cur_init(&ce, sp->fd[F_CLOSE], 8, SPILL_BUF, n)) ||
        (rc = cur_init(&ch, sp->fd[F_CLOSE], 8, SPILL_BUF, n)) ||
        (rc = cur_init(&cc, sp->fd[F_CLOSE], 8, SPILL_BUF, n)) ||
        (rc = cur_init(&cw, sp->fd[F_LR2], 8, SPILL_BUF, n)) ||
        (rc = cur_init(&cj, sp->fd[F_LR2], 8, SPILL_BUF, n)) ||
        (rc = cur_init(&cn, sp->fd[F_ROWS], sizeof(struct srow), SPILL_BUF,
        n)))
        goto out;
    {
        uint64_t qi = 0;
        int64_t wj = 0, we = 0, next = 0;
        uint64_t wseg = UINT64_MAX;
        double S = 0;
        for (uint64_t g = 0; g < sp->nseg && cg.errnum == 0; g++) {
            int64_t sg[2];
            memcpy(sg, cur_at(&cg, g), sizeof(sg));
            const int64_t s0 = sg[0], s1 = sg[1];
            for (int64_t e = s0 + T - 1; e + h < s1; e++, qi++) {
                struct ssamp p = {0};
                if (qi < skip)
                    continue;
                uint64_t qs = qi - skip;
                if (o->live) {
                    p.split = VR_SPLIT_LIVE;
                    p.label = VR_LABEL_NONE;
                } else {
                    p.split = qs < ntr ? VR_SPLIT_TRAIN : qs < ntr + nva ?
                        VR_SPLIT_VAL : VR_SPLIT_TEST;
                    if (p.split != VR_SPLIT_TEST && e + h >= bound[p.split])
                        continue;
                    p.label = (int8_t)vr_label_of(cur_f64(&ce, (uint64_t)e),
                        cur_f64(&ch, (uint64_t)(e + h)), o->up, o->down);
                }
                // Regime: label.c's sliding sum of squared log returns of
                // rows wj+1..we, restarted at each segment.
                int64_t j = e - L < s0 ? s0 : e - L;
                if (wseg != g) {
                    wseg = g;
                    wj = we = s0;
                    S = 0;
                }
                for (; we < e; we++)
                    S += cur_f64(&cw, (uint64_t)(we + 1));
                for (; wj < j; wj++)
                    S -= cur_f64(&cj, (uint64_t)(wj + 1));
                p.vol = e > j ? (float)sqrt((S > 0 ? S : 0) /
                    (double)(e - j)) : 0;
                p.bear = cur_f64(&ce, (uint64_t)e) <
                    cur_f64(&cc, (uint64_t)j);
                p.end = e;
                // The means: the union of the train windows, each row
                // once, in row order (label.c's fit_norm, pass 1).
                if (fit && p.split == VR_SPLIT_TRAIN) {
                    int64_t from = e - T + 1 > next ? e - T + 1 : next;
                    for (int64_t i = from; i <= e; i++, cnt++) {
                        const struct srow *x = cur_at(&cn, (uint64_t)i);
                        for (size_t c = 0; c < C; c++)
                            sum[c] += x->x[c];
                    }
                    if (e + 1 > next)
                        next = e + 1;
                }
                ntrain += p.split == VR_SPLIT_TRAIN;
                st->count[p.split][p.label + 1]++;
                spill_put(&so, &p);
                kept++;
            }
        }
        spill_flush(&so);
        int e = cg.errnum ? cg.errnum : ce.errnum ? ce.errnum : ch.errnum ?
            ch.errnum : cc.errnum ? cc.errnum : cw.errnum ? cw.errnum :
            cj.errnum ? cj.errnum : cn.errnum ? cn.errnum : so.errnum;
        if (e != 0) {
            rc = tmp_fail(sp, e);
            goto out;
        }
    }
    if (!o->live)
        st->purged = (long long)(N - kept);
    N = kept;
    if (!o->live && ntrain == 0 && fit) {
        snprintf(st->msg, sizeof(st->msg), "no train sample to fit the "
            "normalisation on (%zu samples)", (size_t)N);
        rc = VR_ERANGE;
        goto out;
    }

    // The high-volatility threshold: the median of the train samples'
    // vols (they come first; without any, of all samples), as label.c's
    // median(): the middle one, or the mean of the middle two.
    if (o->live && o->vol_threshold > 0) {
        st->vol_median = o->vol_threshold;
    } else {
        uint64_t m = o->live || ntrain == 0 ? N : ntrain;
        float vk, vk1;
        if ((rc = vol_select(sp, fd, m, m / 2, &vk, &vk1)) != VR_OK)
            goto out;
        double md = vk;
        if (m % 2 == 0)
            md = (md + vk1) / 2;
        st->vol_median = md;
    }

    // Pass 3: the standard deviations, over the same rows in the same
    // order (label.c's fit_norm, pass 2).
    if (fit) {
        for (size_t c = 0; c < C; c++)
            d.mean[c] = sum[c] / (double)cnt;
        if ((rc = cur_init(&cs, fd, sizeof(struct ssamp), SPILL_BUF, N)))
            goto out;
        int64_t next = 0;
        for (uint64_t s = 0; s < ntrain && cs.errnum == 0; s++) {
            const struct ssamp *p = cur_at(&cs, s);
            int64_t e = p->end;
            int64_t from = e - T + 1 > next ? e - T + 1 : next;
            for (int64_t i = from; i <= e && cn.errnum == 0; i++) {
                const struct srow *x = cur_at(&cn, (uint64_t)i);
                for (size_t c = 0; c < C; c++) {
                    double dv = x->x[c] - d.mean[c];
                    ss[c] += dv * dv;
                }
            }
            if (e + 1 > next)
                next = e + 1;
        }
        if (cs.errnum || cn.errnum) {
            rc = tmp_fail(sp, cs.errnum ? cs.errnum : cn.errnum);
            goto out;
        }
        for (size_t c = 0; c < C; c++) {
            d.std[c] = sqrt(ss[c] / (double)cnt);
            if (!(d.std[c] >= 1e-12))
                d.std[c] = 1;
        }
        st->train_rows = cnt;
        cur_done(&cs);
    } else {
        memcpy(d.mean, o->mean, C * sizeof(double));
        memcpy(d.std, o->std, C * sizeof(double));
    }

    // Write: header, row chunks, sample chunks, as vr_dataset_write.
    d.T = (int)T;
    d.C = (int)C;
    memcpy(d.feat, sp->feat, sizeof(d.feat));
    d.horizon = o->horizon;
    d.up = o->up;
    d.down = o->down;
    memcpy(d.symbol, sp->symbol, sizeof(d.symbol));
    d.nrows = n;
    d.nsamples = (size_t)N;
    cur_done(&cn);
    if ((rc = cur_init(&cn, sp->fd[F_ROWS], sizeof(struct srow),
        VR_CHUNK_ROWS, n)) ||
        (rc = cur_init(&cs, fd, sizeof(struct ssamp), VR_CHUNK_ROWS, N)))
        goto out;
    xb = vr_mallocarray(VR_CHUNK_ROWS, C * sizeof(float));
    tb = vr_mallocarray(VR_CHUNK_ROWS, sizeof(int64_t));
    eb = vr_mallocarray(VR_CHUNK_ROWS, sizeof(int64_t));
    lb = vr_mallocarray(VR_CHUNK_ROWS, 1);
    pb = vr_mallocarray(VR_CHUNK_ROWS, 1);
    rb = vr_mallocarray(VR_CHUNK_ROWS, 1);
    if (!xb || !tb || !eb || !lb || !pb || !rb) {
        rc = VR_ENOMEM;
        goto out;
    }
    if ((rc = vr_dataset_write_header(w, &d, prov, self)) != VR_OK)
        goto out;
    for (size_t at = 0; at < n; at += VR_CHUNK_ROWS) {
        size_t k = n - at < VR_CHUNK_ROWS ? n - at : VR_CHUNK_ROWS;
        for (size_t i = 0; i < k; i++) {
            const struct srow *x = cur_at(&cn, at + i);
            float *x_o = xb + i * C;
            for (size_t c = 0; c < C; c++)
                x_o[c] = (float)((x->x[c] - d.mean[c]) / d.std[c]);
            tb[i] = x->time;
        }
        if (cn.errnum) {
            rc = tmp_fail(sp, cn.errnum);
            goto out;
        }
        vr_writer_put(w, "x", VR_DT_F32, xb, k, C);
        if ((rc = vr_writer_put(w, "time", VR_DT_I64, tb, k, 0)) != VR_OK)
            goto out;
    }
    for (size_t at = 0; at < N; at += VR_CHUNK_ROWS) {
        size_t k = N - at < VR_CHUNK_ROWS ? N - at : VR_CHUNK_ROWS;
        for (size_t i = 0; i < k; i++) {
            const struct ssamp *p = cur_at(&cs, at + i);
            eb[i] = p->end;
            lb[i] = p->label;
            pb[i] = p->split;
            rb[i] = (uint8_t)(p->bear + 2 * (p->vol > st->vol_median));
        }
        if (cs.errnum) {
            rc = tmp_fail(sp, cs.errnum);
            goto out;
        }
        vr_writer_put(w, "end", VR_DT_I64, eb, k, 0);
        vr_writer_put(w, "label", VR_DT_I8, lb, k, 0);
        vr_writer_put(w, "split", VR_DT_U8, pb, k, 0);
        if ((rc = vr_writer_put(w, "regime", VR_DT_U8, rb, k, 0)) != VR_OK)
            goto out;
    }
    rc = vr_writer_end(w);
out:
    spill_done(&so);
    cur_done(&cg);
    cur_done(&ce);
    cur_done(&ch);
    cur_done(&cc);
    cur_done(&cw);
    cur_done(&cj);
    cur_done(&cn);
    cur_done(&cs);
    free(xb);
    free(tb);
    free(eb);
    free(lb);
    free(pb);
    free(rb);
    if (fd >= 0)
        close(fd);
    return rc;
}
