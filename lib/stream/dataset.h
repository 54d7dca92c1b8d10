/*
 * dataset.h: the training/inference dataset, held whole in memory.
 *
 * A dataset does not materialise its (T, C) windows: it holds the
 * normalised feature rows and, per sample, the row its window ends at.
 * Window s is rows end[s]-T+1 .. end[s], flattened (T, C) row-major, i.e.
 * feature c of step t at index t*C + c (the layout of the PyTorch
 * reference).
 *
 * Stream kind "dataset" header keys:
 *   T, C (int), features [C str], norm_mean, norm_std [C f64] (fitted on
 *   the training split; x = (raw - mean) / std), horizon (int minutes),
 *   up, down (f64 return thresholds), classes ["SELL","HOLD","BUY"],
 *   splits ["train","val","test","live"], regimes [4 str], symbol.
 */
#ifndef VR_STREAM_DATASET_H
#define VR_STREAM_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "stream/stream.h"

#define VR_MAXFEAT 16
enum { VR_SELL, VR_HOLD, VR_BUY, VR_NCLASS };
enum { VR_SPLIT_TRAIN, VR_SPLIT_VAL, VR_SPLIT_TEST, VR_SPLIT_LIVE,
    VR_NSPLIT };
/* regime = 2 * (high volatility) + (bear) */
enum { VR_REGIME_BULL_LOW, VR_REGIME_BEAR_LOW, VR_REGIME_BULL_HIGH,
    VR_REGIME_BEAR_HIGH, VR_NREGIME };
#define VR_LABEL_NONE (-1)      /* live windows carry no label */

extern const char *const vr_class_names[VR_NCLASS];
extern const char *const vr_split_names[VR_NSPLIT];
extern const char *const vr_regime_names[VR_NREGIME];

struct vr_dataset {
    int T, C;
    char feat[VR_MAXFEAT][VR_NAME_MAX];
    double mean[VR_MAXFEAT], std[VR_MAXFEAT];
    int horizon;
    double up, down;
    char symbol[32];
    size_t nrows;
    float *x;           /* (nrows, C) normalised; owned */
    int64_t *time;      /* (nrows) epoch ms; owned */
    size_t nsamples;
    int64_t *end;       /* (nsamples) row index of the window's last step */
    int8_t *label;      /* (nsamples) VR_SELL.. or VR_LABEL_NONE */
    uint8_t *split;     /* (nsamples) */
    uint8_t *regime;    /* (nsamples) */
};

/*
 * Read a whole dataset stream (header already opened on r, any kind
 * check done here).  Every sample is checked: T-1 <= end < nrows, label
 * and split and regime in range.  Ownership of the arrays passes to d;
 * free with vr_dataset_free.
 */
int vr_dataset_read(struct vr_dataset *d, struct vr_reader *r);
/*
 * Write d as a stream: header (with provenance and self as for
 * vr_writer_header), row chunks, sample chunks, trailer.
 */
int vr_dataset_write(struct vr_writer *w, const struct vr_dataset *d,
    const msgpack_object *provenance, const char *self);
/*
 * Write only the header of d's stream (everything but x, time and the
 * sample arrays is used; nsamples is the "samples" key), for writers that
 * then put the row and sample chunks themselves, in that order, and end
 * with vr_writer_end (as market/label.h's bounded-memory path does).
 */
int vr_dataset_write_header(struct vr_writer *w, const struct vr_dataset *d,
    const msgpack_object *provenance, const char *self);
/* Copy window s into out (T * C floats). */
void vr_dataset_window(const struct vr_dataset *d, float *out, size_t s);
/* Pointer to the first row of window s (T * C contiguous floats). */
const float *vr_dataset_window_ptr(const struct vr_dataset *d, size_t s);
/* Indices of the samples of a split, in order: *idx owned by caller. */
int vr_dataset_split(const struct vr_dataset *d, int split, size_t **idx,
    size_t *n);
void vr_dataset_free(struct vr_dataset *d);

#endif
