/*
 * train.h: the training loop and scoring, on a dataset held in memory.
 *
 * Training: cross-entropy with label smoothing and optional class
 * weights, Adam with a cosine decay over the whole run (stepped once a
 * batch), batches of shuffled training windows (Fisher-Yates from the
 * seed every epoch), optional gradient-norm clipping, validation macro-F1
 * after every epoch with early stopping after `patience` epochs without
 * improvement; the best epoch's parameters are kept.  The result depends
 * only on the data, the options and the BLAS thread count.
 */
#ifndef VR_NN_TRAIN_H
#define VR_NN_TRAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "nn/metrics.h"
#include "nn/model.h"
#include "stream/dataset.h"

struct vr_train_opts {
    int epochs;                 /* 10 */
    int batch;                  /* 256 */
    double lr;                  /* 1e-3, decayed by the cosine schedule */
    double clip;                /* max gradient L2 norm; 0 off */
    int patience;               /* epochs without improvement; 0 off */
    double smoothing;           /* label smoothing, 0.1 */
    bool weighted;              /* class weights in w */
    float w[VR_NCLASS];
    uint64_t seed;
    int threads;                /* BLAS threads, recorded */
    long max_steps;             /* batches per epoch; 0 the whole split */
};

/* The defaults above. */
void vr_train_defaults(struct vr_train_opts *o);
/* Balanced class weights n / (V n_k) over the training split ("auto");
 * a class with no sample gets weight 1.  VR_ERANGE if the split is
 * empty. */
int vr_train_balanced_weights(float *w, const struct vr_dataset *d);

/* Progress, reported to the caller's callback after every batch and at
 * the end of every epoch (epoch_end, with the validation scores). */
struct vr_train_status {
    int epoch, epochs;          /* epoch counts from 0 */
    long step, steps;           /* batches done in this epoch, per epoch */
    double loss;                /* mean training loss of the epoch so far */
    double lr;                  /* learning rate of the last step */
    double rate;                /* training samples a second, this epoch */
    double eta;                 /* seconds left, all epochs */
    bool epoch_end;
    double val_f1, val_acc;     /* epoch_end: validation scores (NaN none) */
    bool improved;              /* epoch_end: a new best */
    double seconds;             /* epoch_end: the epoch's training time */
};
typedef void vr_train_cb(void *ctx, const struct vr_train_status *s);

/*
 * Train m on d's training split, validating on its val split.  Parameters
 * must be initialised.  On return m holds the best epoch's parameters
 * (the last epoch's if there is no validation split) and m->log the log;
 * *best_epoch is that epoch.  cb may be NULL.  VR_ERANGE if the training
 * split is empty or the loss is not finite (diverged), VR_ESHAPE if d does
 * not fit m, VR_ENOMEM.
 */
int vr_train(struct vr_model *m, int *best_epoch, const struct vr_dataset *d,
    const struct vr_train_opts *o, vr_train_cb *cb, void *ctx);

/*
 * Predicted classes of samples idx[0..n) of d (argmax of the logits, the
 * first on ties), in batches of 256.  VR_ENOMEM.
 */
int vr_model_predict(struct vr_model *m, int *pred, const struct vr_dataset *d,
    const size_t *idx, size_t n);
/* Score m on a split of d (samples without a label are skipped). */
int vr_model_score(struct vr_model *m, struct vr_metrics *mt,
    const struct vr_dataset *d, int split);

#endif
