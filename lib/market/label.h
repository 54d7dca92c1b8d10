/*
 * label.h: from feature rows to a dataset (vr-label(1)): labels from the
 * forward return, (T, C) windows that never cross a segment, a
 * chronological train/val/test split with purge gaps, z-score
 * normalisation fitted on the training rows, and a regime tag per sample.
 *
 * Rows are indexed 0..n-1 in stream order; a segment is a run of rows
 * that vr-feat(1) marked contiguous.  A sample is named by its end row e:
 * its window is rows e-T+1..e, all in e's segment.
 *
 *   label     r = (close[e+h] - close[e]) / close[e], h = horizon rows
 *             (minutes), e+h in e's segment; BUY if r > up, SELL if
 *             r < down, else HOLD (both strict: r == up is HOLD).
 *   split     the labelled samples, in order, are cut by the fractions:
 *             the first floor(f0 N) are train, the next floor(f1 N) val,
 *             the rest test.  Purge: a train sample is dropped when
 *             e + h >= (end row of the first val sample), and a val one
 *             when e + h >= (end row of the first test sample), so no
 *             label horizon reaches the next split: a gap of one horizon.
 *   norm      mean and standard deviation (population, in double) of each
 *             feature over the union of the rows of the train windows,
 *             each row counted once; a standard deviation below 1e-12 is
 *             replaced by 1 (constant feature, e.g. no funding data).
 *             x = (raw - mean) / std, applied to every row.
 *   regime    j = max(e - L, first row of e's segment), L = lookback rows:
 *             bear if close[e] < close[j], else bull; realised volatility
 *             vol = sqrt(mean of the squared log returns of rows j+1..e)
 *             (0 if j == e); high volatility if vol > the median vol of
 *             the train samples (live: of the live samples, or a given
 *             threshold).  regime = 2 * high + bear (stream/dataset.h).
 *   live      no labels (VR_LABEL_NONE), split VR_SPLIT_LIVE, a sample at
 *             every row with a complete window (the label horizon is not
 *             needed), optionally only the newest ones; the normalisation
 *             must be given.
 */
#ifndef VR_MARKET_LABEL_H
#define VR_MARKET_LABEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stream/dataset.h"
#include "stream/kinds.h"
#include "stream/stream.h"

/* Feature rows held whole in memory, compactly: 52 bytes a row.  (The
 * reference implementation; vr-label(1) uses the bounded-memory
 * vr_label_spill_* below, which gives the same bytes.) */
struct vr_rows {
    int C;
    char feat[VR_MAXFEAT][VR_NAME_MAX];
    char symbol[32];
    size_t n;
    float *x;           /* (n, C) features as read (f32); owned */
    int64_t *time;      /* (n) epoch ms; owned */
    double *close;      /* (n); owned */
    size_t nseg;
    size_t *segstart;   /* (nseg + 1) first row of each segment, then n */
    size_t cap, segcap;
};

/*
 * Read a whole features stream (opened on r, kind checked by the caller;
 * concatenated features streams that follow are read too, each one
 * starting a new segment).  Checks: header "features" names C = 8
 * features; every feature finite as f32; close finite and > 0; time
 * increasing within a segment.  VR_EFORMAT with r->msg otherwise,
 * VR_ENOMEM.  Free rows with vr_rows_free whatever this returns.
 */
int vr_rows_read(struct vr_rows *rows, struct vr_reader *r);
void vr_rows_free(struct vr_rows *rows);

struct vr_label_opts {
    int T;                  /* window steps (60) */
    int horizon;            /* label horizon in rows = minutes (60) */
    double up, down;        /* return thresholds (0.02, -0.02) */
    double frac[3];         /* train, val, test fractions; sum 1 */
    int lookback;           /* regime lookback in rows (1440) */
    bool live;              /* unlabelled windows for inference */
    long long newest;       /* live: keep the newest this many (0: all) */
    double vol_threshold;   /* live: high-volatility threshold (0: median) */
    const double *mean;     /* (C) given normalisation, or NULL to fit */
    const double *std;      /* (C) */
};
/* The defaults above. */
void vr_label_opts_init(struct vr_label_opts *o);

struct vr_label_stats {
    long long count[VR_NSPLIT][VR_NCLASS + 1];  /* [split][label + 1] */
    long long purged;       /* samples dropped at the split boundaries */
    long long nolabel;      /* rows without a full window or horizon */
    double vol_median;      /* the high-volatility threshold used */
    size_t train_rows;      /* rows the normalisation was fitted on */
    char msg[160];          /* why, when vr_label_make gives VR_ERANGE */
};

/*
 * Make the dataset d from rows.  Ownership of rows->x and rows->time
 * passes to d (the features are normalised in place); rows keeps the
 * rest and is still freed with vr_rows_free.  VR_ERANGE if there are no
 * samples at all, or no train samples to fit the normalisation on;
 * VR_ENOMEM.  On error d is left empty (free it anyway).
 */
int vr_label_make(struct vr_dataset *d, struct vr_rows *rows,
    const struct vr_label_opts *o, struct vr_label_stats *st);

/*
 * The same dataset in bounded memory, whatever the length of the input
 * (market/spill.c).  vr_label_spill_read reads the features stream into
 * four unlinked temporary files in tmpdir (NULL: P_tmpdir): the rows
 * (f32 features and time, 40 bytes a row), the closes (f64), the squared
 * log returns (f64) and the segments (first row, end row);
 * vr_label_spill_write then makes passes
 * over them with fixed-size buffers (a fourth file holds 16 bytes a
 * sample) and writes the dataset stream: exactly the bytes that
 * vr_label_make and vr_dataset_write would write from the same input and
 * options.  Memory is a few MB, independent of the rows, T, the horizon
 * and the lookback; the files never outlive the process (they are
 * unlinked at creation) and are closed by vr_label_spill_free.
 */
struct vr_label_spill {
    int C;
    char feat[VR_MAXFEAT][VR_NAME_MAX];
    char symbol[32];
    size_t n;           /* rows */
    size_t nseg;        /* segments */
    int fd[4];          /* rows, closes, their squared log returns,
                           segments: the first nfd are open */
    int nfd;
    char dir[4096];     /* tmpdir */
    char msg[256];      /* what failed, when a temporary file gave VR_EIO */
};

/*
 * Read a features stream as vr_rows_read does (same checks, same
 * messages in r->msg) into the temporary files.  VR_EIO with sp->msg set
 * (and errno) when a temporary file cannot be made or written; any other
 * error comes from the stream, with r->msg.  Free sp with
 * vr_label_spill_free whatever this returns.
 */
int vr_label_spill_read(struct vr_label_spill *sp, struct vr_reader *r,
    const char *tmpdir);
/*
 * Write the dataset of the spilled rows to w, header (with provenance
 * and self as for vr_writer_header) to trailer, and fill st as
 * vr_label_make does.  Nothing is written before every pass but the last
 * has succeeded.  VR_ERANGE (st->msg) as vr_label_make; VR_EIO with
 * sp->msg set when a temporary file fails, otherwise the first error of
 * w (its output); VR_ENOMEM.
 */
int vr_label_spill_write(struct vr_writer *w, struct vr_label_spill *sp,
    const struct vr_label_opts *o, const msgpack_object *provenance,
    const char *self, struct vr_label_stats *st);
/* Close the temporary files (a zeroed sp is fine). */
void vr_label_spill_free(struct vr_label_spill *sp);

/* The label of a forward move from c0 to c1 (see above). */
int vr_label_of(double c0, double c1, double up, double down);

/*
 * Normalisation from the header of another stream (a dataset or a
 * model): norm_mean and norm_std arrays of C numbers, std > 0; if the
 * header has "features" they must equal feat.  VR_EFORMAT with r->msg.
 */
int vr_label_norm_read(struct vr_reader *r, double *mean, double *std, int C,
    const char (*feat)[VR_NAME_MAX]);

#endif
