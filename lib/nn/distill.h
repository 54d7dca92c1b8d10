/*
 * distill.h: training an MLP student on the distillation loss of
 * nn/kd.h, with what makes polynomial activations train reliably.
 *
 * The loop is vr_train's (nn/train.h): Adam, cosine decay stepped once a
 * batch, shuffled batches from the seed, validation macro-F1 after every
 * epoch, early stopping, the best epoch's parameters kept.  On top:
 *
 *  - the loss of nn/kd.h against the cached teacher logits (or the
 *    teacher's argmax as labels: "hard");
 *  - a range penalty on pre-activations outside the interval [lo, hi]
 *    the polynomial was fitted on, for every polynomial layer:
 *      P = range sum_l mean_i (max(0, u_i - hi)^2 + max(0, lo - u_i)^2)
 *    (u the layer's pre-activations), added to the loss;
 *  - learnable activation coefficients: every polynomial layer's c[k]
 *    trained by Adam with the weights (d loss / d c_k = sum_i
 *    dout_i u_i^k), at lr times coef_lr;
 *  - a batch whose loss is not finite is skipped (no step), up to
 *    max_skip in a row; one more ends training instead of failing it:
 *    the best epoch so far is kept and the stats say where it diverged.
 *
 * And two helpers: a data-dependent, scale-aware initialisation (each
 * hidden layer's pre-activations centred and scaled to a target spread
 * on a batch of training windows, so that they start inside the fitted
 * interval), and a post-hoc calibration of the output biases that
 * maximises validation macro-F1 (threshold moving for the rare classes).
 */
#ifndef VR_NN_DISTILL_H
#define VR_NN_DISTILL_H

#include <stdbool.h>

#include "nn/kd.h"
#include "nn/model.h"
#include "nn/train.h"

/* The experiment's variants: presets of alpha, beta, gamma, labels. */
enum vr_distill_variant { VR_DISTILL_SCRATCH, VR_DISTILL_HARD,
    VR_DISTILL_SOFT, VR_DISTILL_COMBINED, VR_DISTILL_ZK, VR_DISTILL_NVAR };
extern const char *const vr_distill_variant_names[VR_DISTILL_NVAR];

struct vr_distill_opts {
    struct vr_train_opts train; /* epochs, batch, lr, clip, patience,
                                   seed, threads, max_steps, weights */
    struct vr_kd_opts kd;
    int variant;                /* enum vr_distill_variant, for the record */
    bool hard;                  /* labels = argmax of the teacher logits */
    double range;               /* pre-activation penalty weight; 0 off */
    double lo, hi;              /* the polynomials' interval, -4, 4 */
    bool learn;                 /* learnable activation coefficients */
    double coef_lr;             /* their lr relative to lr, 0.1 */
    long max_skip;              /* non-finite batches skipped in a row, 0 */
};

/* Defaults: vr_train_defaults, vr_kd_defaults, variant zk, range 0,
 * [-4, 4], clip 0, coef_lr 0.1, max_skip 0. */
void vr_distill_defaults(struct vr_distill_opts *o);
/* Set alpha, beta, gamma, hard and smoothing for a variant:
 *   scratch  1, 0, 0, true labels, smoothing 0.1 (vr-train's loss)
 *   hard     1, 0, 0, the teacher's argmax as labels
 *   soft     0, 1, 0       combined 0.5, 0.5, 0       zk 0.5, 0.5, 0.1 */
void vr_distill_variant(struct vr_distill_opts *o, int variant);

/* What happened during training. */
struct vr_distill_stats {
    bool diverged;              /* a batch loss was not finite */
    int diverged_epoch;         /* -1 if not */
    long diverged_step;
    double max_loss;            /* largest finite batch loss */
    double max_pre;             /* largest |pre-activation| in the last
                                   epoch (polynomial layers) */
    double out_frac;            /* share of polynomial pre-activations
                                   outside [lo, hi], last epoch */
    long steps;                 /* batches trained */
    long skipped;               /* batches skipped: loss not finite */
};

/*
 * Train m (an MLP, parameters initialised) on d's training split with
 * teacher logits tl (d->nsamples, V; may be NULL when neither beta nor
 * hard needs them), validating on the val split.  m keeps the best
 * epoch's parameters and activation coefficients, m->log the log.
 * VR_ERANGE if the training split is empty, VR_ESHAPE if d or the arch
 * does not fit, VR_EFORMAT if a teacher is needed and tl is NULL,
 * VR_ENOMEM.  A non-finite loss is reported in st, not as an error.
 */
int vr_distill(struct vr_model *m, int *best_epoch,
    struct vr_distill_stats *st, const struct vr_dataset *d, const float *tl,
    const struct vr_distill_opts *o, vr_train_cb *cb, void *ctx);

/*
 * The curriculum: starting from m as it is (a trained MLP, typically
 * ReLU), replace the activation of hidden layer 0 by act and fine-tune
 * with vr_distill, then layer 1, and so on.  st and best_epoch describe
 * the last stage.  Errors as vr_distill.
 */
int vr_distill_curriculum(struct vr_model *m, int *best_epoch,
    struct vr_distill_stats *st, const struct vr_dataset *d, const float *tl,
    const struct vr_act *act, const struct vr_distill_opts *o,
    vr_train_cb *cb, void *ctx);

/*
 * Scale-aware initialisation: on the first (at most) B training windows
 * of d, for each hidden layer in turn, shift the bias and scale the
 * weights and bias so that the layer's pre-activations have mean 0 and
 * standard deviation target.  VR_ERANGE on no training sample, VR_ENOMEM.
 */
int vr_distill_init_scale(struct vr_model *m, const struct vr_dataset *d,
    int B, double target);

/*
 * Output-bias calibration: add offsets to the output biases of SELL and
 * BUY (HOLD's fixed), searched on a grid of step 0.1 in [-4, 4] for the
 * best macro-F1 on split (normally val); the offsets are kept in m and
 * returned in off (V).  *before and *after are that split's macro-F1.
 * V must be 3.  VR_ERANGE on an empty split, VR_ENOMEM.
 */
int vr_distill_calibrate(struct vr_model *m, double *off, double *before,
    double *after, const struct vr_dataset *d, int split);
/* The same search on given logits z (n, 3) with labels y (n): off (3),
 * macro-F1 before and after (used for the teacher's cached logits). */
void vr_distill_calibrate_logits(double *off, double *before, double *after,
    const float *z, const int *y, size_t n);

/* Share of the MLP's weights (not biases) with |w| <= eps: with eps half
 * a quantisation step, 2^-(f+1), the weights that quantise to 0. */
double vr_distill_sparsity(const struct vr_model *m, double eps);
/* Number of weights and biases. */
size_t vr_distill_nparams(const struct vr_model *m);

#endif
