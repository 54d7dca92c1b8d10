/*
 * indicators.h: the eight per-minute features of vr-feat(1), computed
 * streaming with TA-Lib's definitions, and the candles -> features stream
 * driver.
 *
 * Index i below counts minutes from the start of the current segment
 * (i = 0 is its first minute).  With c the close and v the volume:
 *
 *   EMA n     k = 2 / (n + 1); seed at i = n - 1 with the simple mean of
 *             c[0..n-1]; then ema = (c - ema) * k + ema  (TA_EMA).
 *   RSI 14    d = c[i] - c[i-1], gain = max(d, 0), loss = max(-d, 0);
 *             at i = 14 the averages are the simple means of the first 14
 *             gains and losses; then Wilder: avg = (avg * 13 + x) / 14.
 *             rsi = 100 * g / (g + l), and 0 when g + l is within 1e-8 of
 *             zero (TA_RSI, TA_IS_ZERO).
 *   MACD      EMA12 - EMA26 as TA_MACD(12, 26, 9) computes its MACD line:
 *             both EMAs start at i = 25, the EMA26 seeded with the mean of
 *             c[0..25] and the EMA12 seeded with the mean of c[14..25]
 *             (TA-Lib moves the fast EMA's start to the slow one's, so
 *             the EMA12 here is NOT the EMA12 seeded at i = 11).  The
 *             first MACD value is at i = 25.  TA_MACD also delays its
 *             output by the signal's 8 minutes; we do not, since the
 *             signal line is not a feature.
 *   VolMA n   simple mean of v[i-n+1..i] (n = 5, 10), summed afresh from
 *             the window each minute (TA_SMA keeps a running sum; the two
 *             agree to rounding).
 *   funding   the candles' funding column, 0 where it is NaN (no funding
 *             rate known for that minute).
 *
 * A row is produced once every indicator is defined, i.e. from i = 25
 * (VR_IND_WARMUP minutes of warm-up are dropped per segment).  The state
 * is reset at every segment change, so a gap or a file boundary starts a
 * new warm-up and no indicator reaches across it.
 */
#ifndef VR_MARKET_INDICATORS_H
#define VR_MARKET_INDICATORS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "stream/kinds.h"
#include "stream/stream.h"

/* Feature columns of a features row, in order. */
enum { VR_F_EMA5, VR_F_EMA10, VR_F_EMA20, VR_F_RSI14, VR_F_MACD,
    VR_F_VOLMA5, VR_F_VOLMA10, VR_F_FUNDING };
extern const char *const vr_feat_names[VR_FEAT_C];

/* Minutes of a segment dropped before the first row (MACD's lookback). */
#define VR_IND_WARMUP 25

struct vr_ind {
    long long i;            /* minutes pushed since the last reset */
    double ema[3];          /* EMA 5, 10, 20 (sums until seeded) */
    double fast, slow;      /* MACD's EMA12 and EMA26 (sums until seeded) */
    double prev;            /* previous close, for RSI */
    double gain, loss;      /* RSI averages (sums until seeded) */
    double vol[10];         /* last 10 volumes, ring indexed by i % 10 */
};

/* Start a new segment: forget everything. */
void vr_ind_reset(struct vr_ind *s);
/*
 * Push one minute.  Returns 1 and sets out to the eight TA-Lib values
 * (order VR_F_*) once the warm-up is over, else 0 (out untouched).
 * close must be finite and positive, volume finite and >= 0, funding
 * finite or NaN; the caller checks.
 */
int vr_ind_push(struct vr_ind *s, double out[VR_FEAT_C], double close,
    double volume, double funding);
/*
 * The stationary transform (vr-feat's default), in place on a row of
 * TA-Lib values:  ema_n / close - 1, rsi / 100, macd / close,
 * log1p(volma_n), funding unchanged.
 */
void vr_feat_stationary(double feat[VR_FEAT_C], double close);

struct vr_feat_opts {
    bool raw;               /* TA-Lib values rather than the transform */
    FILE *text;             /* not NULL: write CSV text here, no stream */
};
struct vr_feat_stats {
    long long minutes;      /* candle rows read */
    long long rows;         /* feature rows written */
    long long segments;     /* segments seen (after renumbering) */
};

/*
 * Read a candles stream from r (opened, kind checked by the caller; any
 * concatenated candles streams that follow are read too, each starting
 * a new segment) and write the features stream to w, header included
 * (provenance: r's followed by self), or, when o->text is set, CSV with a
 * header line to o->text (times as epoch ms, numbers as %.17g).
 *
 * Output segments are renumbered 0, 1, ... in the order vr-feat starts
 * them: a change of the input segment or a new concatenated stream
 * starts the next one.  Checks every row: time must increase within a
 * segment, close be finite and > 0, volume finite and >= 0, funding
 * finite or NaN; VR_EFORMAT with r->msg naming the row otherwise.
 * VR_EIO (errno set) if writing fails.
 */
int vr_feat_stream(struct vr_writer *w, struct vr_reader *r,
    const struct vr_feat_opts *o, const char *self,
    struct vr_feat_stats *st);

#endif
