/*
 * label.c: feature rows -> dataset (definitions in label.h).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vr.h"
#include "base/mem.h"
#include "base/parse.h"
#include "market/label.h"

/* Room for need rows, growing by half again each time (less slack than
 * doubling for the big arrays). */
static int
grow_rows(struct vr_rows *rows, size_t need)
{
    size_t c = rows->cap < 4096 ? 4096 : rows->cap;
    void *q;

    if (need <= rows->cap)
        return VR_OK;
    while (c < need)
        c += c / 2;
    if ((q = vr_reallocarray(rows->x, c, (size_t)rows->C * sizeof(float)))
        == NULL)
        return VR_ENOMEM;
    rows->x = q;
    if ((q = vr_reallocarray(rows->time, c, sizeof(int64_t))) == NULL)
        return VR_ENOMEM;
    rows->time = q;
    if ((q = vr_reallocarray(rows->close, c, sizeof(double))) == NULL)
        return VR_ENOMEM;
    rows->close = q;
    rows->cap = c;
    return VR_OK;
}

static int
push_seg(struct vr_rows *rows, size_t at)
{
    if (rows->nseg + 1 >= rows->segcap) {
        size_t c = rows->segcap ? 2 * rows->segcap : 64;
        size_t *q = vr_reallocarray(rows->segstart, c, sizeof(size_t));
        if (q == NULL)
            return VR_ENOMEM;
        rows->segstart = q;
        rows->segcap = c;
    }
    rows->segstart[rows->nseg++] = at;
    return VR_OK;
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
vr_rows_read(struct vr_rows *rows, struct vr_reader *r)
{
    struct vr_table tb;
    size_t nf, C = VR_FEAT_C;
    bool fresh = true;
    int32_t inseg = 0;
    int rc;

    memset(rows, 0, sizeof(*rows));
    rows->C = VR_FEAT_C;
    if ((rc = vr_meta_strs(r, NULL, "features", rows->feat, VR_MAXFEAT,
        &nf)) != VR_OK)
        return rc;
    if (nf != C)
        return vr_reader_fail(r, VR_EFORMAT, "header: %zu feature names, "
            "expected %zu", nf, C);
    const msgpack_object *sv = vr_meta_get(r->header, "symbol");
    if (sv != NULL && sv->type == MSGPACK_OBJECT_STR &&
        sv->via.str.size < sizeof(rows->symbol))
        memcpy(rows->symbol, sv->via.str.ptr, sv->via.str.size);

    vr_table_init(&tb, vr_feat_cols, VR_FEAT_NCOLS);
    for (;;) {
        while ((rc = vr_table_read(r, &tb)) == 1) {
            const int64_t *t = VR_COL(&tb, VR_FEAT_TIME, int64_t);
            const int32_t *sg = VR_COL(&tb, VR_FEAT_SEGMENT, int32_t);
            const double *cl = VR_COL(&tb, VR_FEAT_CLOSE, double);
            const double *x = VR_COL(&tb, VR_FEAT_FEAT, double);
            size_t at = rows->n, need = at + tb.n;

            if ((rc = grow_rows(rows, need)) != VR_OK)
                goto out;
            for (size_t i = 0; i < tb.n; i++) {
                size_t row = at + i;
                if (fresh || sg[i] != inseg) {
                    if ((rc = push_seg(rows, row)) != VR_OK)
                        goto out;
                    inseg = sg[i];
                    fresh = false;
                } else if (t[i] <= rows->time[row - 1]) {
                    rc = row_fail(r, row, t[i], "time does not increase "
                        "within its segment");
                    goto out;
                }
                if (!(isfinite(cl[i]) && cl[i] > 0)) {
                    rc = row_fail(r, row, t[i], "close is not a positive "
                        "number");
                    goto out;
                }
                float *x_o = rows->x + row * C;
                const double *x_i = x + i * C;
                for (size_t c = 0; c < C; c++) {
                    x_o[c] = (float)x_i[c];
                    if (!isfinite(x_o[c])) {
                        char what[96];
                        snprintf(what, sizeof(what), "feature %s is not a "
                            "finite f32", rows->feat[c]);
                        rc = row_fail(r, row, t[i], what);
                        goto out;
                    }
                }
                rows->time[row] = t[i];
                rows->close[row] = cl[i];
            }
            rows->n = need;
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
    if ((rc = push_seg(rows, rows->n)) != VR_OK)
        goto out;
    rows->nseg--;       /* the sentinel is not a segment */
    rc = VR_OK;
out:
    vr_table_free(&tb);
    if (rc == VR_ENOMEM && r->msg[0] == '\0')
        vr_reader_fail(r, rc, "out of memory");
    return rc;
}

void
vr_rows_free(struct vr_rows *rows)
{
    free(rows->x);
    free(rows->time);
    free(rows->close);
    free(rows->segstart);
    memset(rows, 0, sizeof(*rows));
}

void
vr_label_opts_init(struct vr_label_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->T = 60;
    o->horizon = 60;
    o->up = 0.02;
    o->down = -0.02;
    o->frac[0] = 0.70;
    o->frac[1] = 0.15;
    o->frac[2] = 0.15;
    o->lookback = 1440;
}

int
vr_label_of(double c0, double c1, double up, double down)
{
    // c1 - c0 is exact when the two are within a factor 2 (Sterbenz), so
    // a move of exactly up (as a double) compares equal: HOLD.
    double r = (c1 - c0) / c0;

    if (r > up)
        return VR_BUY;
    if (r < down)
        return VR_SELL;
    return VR_HOLD;
}

/* The k-th smallest of a[0..n) (a is reordered): Hoare's selection. */
static float
select_kth(float *a, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;

    while (lo < hi) {
        float p = a[lo + (hi - lo) / 2];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (a[i] < p)
                i++;
            while (a[j] > p)
                j--;
            if (i <= j) {
                float t = a[i];
                a[i] = a[j];
                a[j] = t;
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            break;
    }
    return a[k];
}

/* Median of a[0..n) (reordered); the mean of the middle two if n is
 * even.  n > 0. */
static double
median(float *a, size_t n)
{
    size_t k = n / 2;
    double m = select_kth(a, n, k);

    if (n % 2 == 0) {
        float lower = a[0];
        for (size_t i = 1; i < k; i++)
            if (a[i] > lower)
                lower = a[i];
        m = (m + lower) / 2;
    }
    return m;
}

/* Squared log return of row i (i > its segment's first row). */
static inline double
sqlr(const double *cl, int64_t i)
{
    double lr = log(cl[i] / cl[i - 1]);
    return lr * lr;
}

/* Mean and population std of each feature over the rows covered by the
 * train samples' windows (each row once), in double. */
static void
fit_norm(double *mean, double *std, size_t *nrows, const float *x, int C,
    const int64_t *end, const uint8_t *split, size_t N, int T)
{
    double sum[VR_MAXFEAT] = {0}, ss[VR_MAXFEAT] = {0};
    size_t cnt = 0;
    int64_t next = 0;

    // Pass 1: means.  Train samples come first and in row order, so the
    // union of their windows is walked with one "covered up to" mark.
    for (size_t s = 0; s < N && split[s] == VR_SPLIT_TRAIN; s++) {
        int64_t from = end[s] - T + 1 > next ? end[s] - T + 1 : next;
        for (int64_t i = from; i <= end[s]; i++, cnt++)
            for (int c = 0; c < C; c++)
                sum[c] += x[(size_t)i * (size_t)C + (size_t)c];
        if (end[s] + 1 > next)
            next = end[s] + 1;
    }
    for (int c = 0; c < C; c++)
        mean[c] = sum[c] / (double)cnt;
    // Pass 2: squared deviations about the mean.
    next = 0;
    for (size_t s = 0; s < N && split[s] == VR_SPLIT_TRAIN; s++) {
        int64_t from = end[s] - T + 1 > next ? end[s] - T + 1 : next;
        for (int64_t i = from; i <= end[s]; i++)
            for (int c = 0; c < C; c++) {
                double dv = x[(size_t)i * (size_t)C + (size_t)c] - mean[c];
                ss[c] += dv * dv;
            }
        if (end[s] + 1 > next)
            next = end[s] + 1;
    }
    for (int c = 0; c < C; c++) {
        std[c] = sqrt(ss[c] / (double)cnt);
        if (!(std[c] >= 1e-12))
            std[c] = 1;
    }
    *nrows = cnt;
}

int
vr_label_make(struct vr_dataset *d, struct vr_rows *rows,
    const struct vr_label_opts *o, struct vr_label_stats *st)
{
    const size_t n = rows->n, C = (size_t)rows->C;
    const long long T = o->T, h = o->live ? 0 : o->horizon;
    const double *cl = rows->close;
    int64_t *end = NULL;
    int8_t *label = NULL;
    uint8_t *split = NULL, *regime = NULL;
    float *vol = NULL, *tmp = NULL;
    size_t N = 0;
    int rc = VR_ENOMEM;

    memset(d, 0, sizeof(*d));
    memset(st, 0, sizeof(*st));
    VR_ASSERT(T >= 1 && h >= 0 && o->lookback >= 1);

    // Candidates: every end row whose window (and, labelled, whose
    // horizon) lies inside its segment.
    if ((end = vr_mallocarray(n ? n : 1, sizeof(int64_t))) == NULL)
        goto out;
    for (size_t k = 0; k < rows->nseg; k++) {
        long long s0 = (long long)rows->segstart[k];
        long long s1 = (long long)rows->segstart[k + 1];
        for (long long e = s0 + T - 1; e + h < s1; e++)
            end[N++] = e;
    }
    st->nolabel = (long long)(n - N);
    if (o->live && o->newest > 0 && N > (size_t)o->newest) {
        memmove(end, end + (N - (size_t)o->newest),
            (size_t)o->newest * sizeof(int64_t));
        N = (size_t)o->newest;
    }
    if (N == 0) {
        snprintf(st->msg, sizeof(st->msg), "no sample: %zu rows in %zu "
            "segments, none with a window of %lld rows%s", n, rows->nseg, T,
            o->live ? "" : " and the label horizon after it");
        rc = VR_ERANGE;
        goto out;
    }
    label = vr_mallocarray(N, 1);
    split = vr_mallocarray(N, 1);
    regime = vr_mallocarray(N, 1);
    vol = vr_mallocarray(N, sizeof(float));
    if (!label || !split || !regime || !vol)
        goto out;

    // Labels and the chronological split, then the purge.
    if (o->live) {
        memset(label, VR_LABEL_NONE, N);
        memset(split, VR_SPLIT_LIVE, N);
    } else {
        size_t ntr = (size_t)floor(o->frac[0] * (double)N);
        size_t nva = (size_t)floor(o->frac[1] * (double)N);
        size_t first[VR_NSPLIT + 1];
        if (ntr + nva > N)
            nva = N - ntr;
        first[VR_SPLIT_TRAIN] = 0;
        first[VR_SPLIT_VAL] = ntr;
        first[VR_SPLIT_TEST] = ntr + nva;
        first[VR_SPLIT_LIVE] = N;
        for (size_t s = 0; s < N; s++) {
            split[s] = s < ntr ? VR_SPLIT_TRAIN : s < ntr + nva ?
                VR_SPLIT_VAL : VR_SPLIT_TEST;
            label[s] = (int8_t)vr_label_of(cl[end[s]], cl[end[s] + h],
                o->up, o->down);
        }
        // The boundary after split k is the end row of the first sample
        // of the next split that has any.
        int64_t bound[VR_NSPLIT];
        for (int k = VR_SPLIT_TRAIN; k < VR_SPLIT_TEST; k++) {
            bound[k] = INT64_MAX;
            for (int j = k + 1; j <= VR_SPLIT_TEST; j++)
                if (first[j] < first[j + 1]) {
                    bound[k] = end[first[j]];
                    break;
                }
        }
        size_t m = 0;
        for (size_t s = 0; s < N; s++) {
            if (split[s] != VR_SPLIT_TEST && end[s] + h >= bound[split[s]])
                continue;
            end[m] = end[s];
            label[m] = label[s];
            split[m] = split[s];
            m++;
        }
        st->purged = (long long)(N - m);
        N = m;
    }

    // Regime: trailing return and realised volatility over the lookback.
    // The sum of the squared log returns of rows wj+1..we slides along
    // with the samples (which come in row order), restarting at each
    // segment; each term is added and later removed as the same double.
    size_t seg = 0, wseg = SIZE_MAX, ntrain = 0;
    int64_t wj = 0, we = 0;
    double S = 0;
    for (size_t s = 0; s < N; s++) {
        int64_t e = end[s];
        while ((int64_t)rows->segstart[seg + 1] <= e)
            seg++;
        int64_t s0 = (int64_t)rows->segstart[seg];
        int64_t j = e - o->lookback < s0 ? s0 : e - o->lookback;
        if (wseg != seg) {
            wseg = seg;
            wj = we = s0;
            S = 0;
        }
        for (; we < e; we++)
            S += sqlr(cl, we + 1);
        for (; wj < j; wj++)
            S -= sqlr(cl, wj + 1);
        vol[s] = e > j ? (float)sqrt((S > 0 ? S : 0) / (double)(e - j)) : 0;
        regime[s] = cl[e] < cl[j];
        ntrain += split[s] == VR_SPLIT_TRAIN;
    }
    if (!o->live && ntrain == 0 && o->mean == NULL) {
        snprintf(st->msg, sizeof(st->msg), "no train sample to fit the "
            "normalisation on (%zu samples)", N);
        rc = VR_ERANGE;
        goto out;
    }
    if (o->live && o->vol_threshold > 0) {
        st->vol_median = o->vol_threshold;
    } else {
        /* train samples come first; without any, all samples */
        size_t m = o->live || ntrain == 0 ? N : ntrain;
        if ((tmp = vr_mallocarray(m, sizeof(float))) == NULL)
            goto out;
        memcpy(tmp, vol, m * sizeof(float));
        st->vol_median = median(tmp, m);
    }
    for (size_t s = 0; s < N; s++)
        regime[s] = (uint8_t)(regime[s] + 2 * (vol[s] > st->vol_median));

    // Normalisation: given, or fitted on the train windows' rows.
    if (o->mean != NULL) {
        memcpy(d->mean, o->mean, C * sizeof(double));
        memcpy(d->std, o->std, C * sizeof(double));
    } else {
        fit_norm(d->mean, d->std, &st->train_rows, rows->x, (int)C, end,
            split, N, (int)T);
    }
    for (size_t i = 0; i < n; i++) {
        float *x_i = rows->x + i * C;
        for (size_t c = 0; c < C; c++)
            x_i[c] = (float)((x_i[c] - d->mean[c]) / d->std[c]);
    }

    for (size_t s = 0; s < N; s++)
        st->count[split[s]][label[s] + 1]++;
    d->T = (int)T;
    d->C = (int)C;
    memcpy(d->feat, rows->feat, sizeof(d->feat));
    d->horizon = o->horizon;
    d->up = o->up;
    d->down = o->down;
    memcpy(d->symbol, rows->symbol, sizeof(d->symbol));
    d->nrows = n;
    d->x = rows->x;
    d->time = rows->time;
    rows->x = NULL;
    rows->time = NULL;
    d->nsamples = N;
    d->end = end;
    d->label = label;
    d->split = split;
    d->regime = regime;
    end = NULL;
    label = NULL;
    split = regime = NULL;
    rc = VR_OK;
out:
    free(end);
    free(label);
    free(split);
    free(regime);
    free(vol);
    free(tmp);
    return rc;
}

int
vr_label_norm_read(struct vr_reader *r, double *mean, double *std, int C,
    const char (*feat)[VR_NAME_MAX])
{
    char names[VR_MAXFEAT][VR_NAME_MAX];
    size_t nf;
    int rc;

    if ((rc = vr_meta_f64s(r, NULL, "norm_mean", mean, (size_t)C)) ||
        (rc = vr_meta_f64s(r, NULL, "norm_std", std, (size_t)C)))
        return rc;
    for (int c = 0; c < C; c++)
        if (!isfinite(mean[c]) || !isfinite(std[c]) || !(std[c] > 0))
            return vr_reader_fail(r, VR_EFORMAT, "header: norm_mean/norm_std "
                "[%d] not finite with std > 0", c);
    if (vr_meta_get(r->header, "features") == NULL)
        return VR_OK;
    if ((rc = vr_meta_strs(r, NULL, "features", names, VR_MAXFEAT, &nf)))
        return rc;
    if (nf != (size_t)C)
        return vr_reader_fail(r, VR_EFORMAT, "header: %zu features, the "
            "features stream has %d", nf, C);
    for (int c = 0; c < C; c++)
        if (strcmp(names[c], feat[c]) != 0)
            return vr_reader_fail(r, VR_EFORMAT, "header: feature %d is "
                "\"%s\", the features stream has \"%s\"", c, names[c],
                feat[c]);
    return VR_OK;
}
