/*
 * metrics.h: classification scores, overall and per regime tag.
 *
 * A confusion matrix per regime (and one over all samples) is the whole
 * state; accuracy, per-class precision, recall and F1 and macro-F1 (the
 * unweighted mean of the three F1, a class with no true and no predicted
 * samples counting 0, as the reference) are derived from it.
 */
#ifndef VR_NN_METRICS_H
#define VR_NN_METRICS_H

#include <stdio.h>

#include <msgpack.h>

#include "stream/dataset.h"

#define VR_METRICS_ALL VR_NREGIME   /* index of the overall matrix */

struct vr_metrics {
    long cm[VR_NREGIME + 1][VR_NCLASS][VR_NCLASS];  /* [regime][true][pred] */
};

struct vr_scores {
    long n;
    double accuracy, macro_f1;
    double precision[VR_NCLASS], recall[VR_NCLASS], f1[VR_NCLASS];
};

void vr_metrics_reset(struct vr_metrics *m);
/* Count one sample: true class y, predicted class pred (0..2), regime
 * tag 0..VR_NREGIME-1. */
void vr_metrics_add(struct vr_metrics *m, int y, int pred, int regime);
/* Scores of one regime, or of all samples with VR_METRICS_ALL. */
void vr_metrics_scores(struct vr_scores *s, const struct vr_metrics *m,
    int regime);
/*
 * The table on f: one row for all samples and one per regime (n,
 * accuracy, macro-F1, precision/recall/F1 of SELL HOLD BUY), then the
 * overall confusion matrix.  title names the split.  VR_EIO on a write
 * error.
 */
int vr_metrics_print(FILE *f, const struct vr_metrics *m, const char *title);
/*
 * Pack as a msgpack map: {"n", "accuracy", "macro_f1", "precision" [3],
 * "recall" [3], "f1" [3], "confusion" [9] (row-major, true x predicted),
 * "regimes": {name: the same map without "regimes"}}.  -1 on error.
 */
int vr_metrics_pack(msgpack_packer *pk, const struct vr_metrics *m);

#endif
