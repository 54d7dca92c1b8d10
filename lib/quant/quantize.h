/*
 * quantize.h: from a float MLP (lib/nn) to the integer model of
 * quant/qmlp.h, and the float-side tools around it: per-layer
 * quantisation error, quantisation-aware fine-tuning, scoring.
 *
 * Scale choices (all powers of two; "fits b bits" means |v| 2^f <=
 * 2^(b-1) - 1 for the largest |v| seen on the calibration batch):
 *   input      fin = the largest f at which the input fits abits bits;
 *              in_bits = abits (inputs beyond are clamped)
 *   weights    fw from vr_fq_frac_bits at the layer's width (MSE-best
 *              of the non-clipping f and up to 3 finer ones)
 *   bias       Bq = rhe(b 2^(fin + fw)), at the accumulator's scale
 *   outputs    fout = the largest f at which the layer's float output
 *              fits abits bits; ReLU and identity layers take
 *              kpre = max(0, facc - fout)
 *   polynomial U gets the largest fu at which the float pre-activation
 *              fits abits bits (kpre = max(0, facc - fu)), coefficients
 *              cbits fractional bits, kpost = max(0, fc + d fu - fout)
 *   logits     the last layer is not rescaled (kpre = 0): the argmax
 *              sees the exact accumulator.
 * Activations are not saturated: abits sets their precision, and the
 * recorded bounds say how wide they really get.
 */
#ifndef VR_QUANT_QUANTIZE_H
#define VR_QUANT_QUANTIZE_H

#include <stddef.h>

#include "base/rng.h"
#include "nn/mlp.h"
#include "stream/dataset.h"
#include "quant/qmlp.h"

/*
 * Build q from m at weight widths wbits[l] (2..16), activation bits
 * abits (4..30) and coefficient bits cbits (0..30), with scales from the
 * calibration batch x (B, dims[0]).  m's activation buffers are used.
 * Bounds: worst case filled in, seen bounds reset.  VR_ERANGE if a scale
 * cannot be represented (e.g. a polynomial layer's fu < 0), VR_ENOMEM.
 */
int vr_quant_build(struct vr_qmlp *q, struct vr_mlp *m, const int *wbits,
    int abits, int cbits, const float *x, int B);

/* Squared error ||Q_b(W_l) - W_l||^2 of layer l's weights at b bits,
 * power-of-two scale chosen as vr_quant_build does. */
double vr_quant_werr(const struct vr_mlp *m, int l, int b);

/*
 * Replace m's weights by their fake-quantised values at wbits (keeping
 * the float masters in save, m->nparams floats), and put them back.
 */
void vr_quant_fake_weights(struct vr_mlp *m, float *save, const int *wbits);
void vr_quant_restore_weights(struct vr_mlp *m, const float *save);

/* Options of vr_quant_qat. */
struct vr_quant_qat_opts {
    int epochs;         /* 10 */
    double lr;          /* 1e-5, constant */
    int batch;          /* 256 */
    float smoothing;    /* label smoothing of the cross-entropy, 0.1 */
};
void vr_quant_qat_defaults(struct vr_quant_qat_opts *o);

/*
 * Quantisation-aware fine-tuning on the samples itrain[0..ntrain) of d
 * (windows of T*C = dims[0] floats, labels in d->label): Adam at a
 * constant lr, mini-batches shuffled by rng every epoch; the forward sees
 * fake-quantised weights (vr_quant_fake_weights), the backward passes
 * their gradient straight through to the float masters (STE).  The loss
 * is vr-train's, cross-entropy with label smoothing.
 *
 * When nval > 0 the fake-quantised model is scored (macro-F1) on the
 * samples ival[0..nval) before fine-tuning and after every epoch, and m
 * ends with the parameters of the best of those (epoch 0: m as given;
 * the first best on ties), so fine-tuning never lowers the validation
 * score; otherwise m ends with the last epoch's.  *best_epoch (if not
 * NULL) gets that epoch.  loss_out[e] (epochs entries) and val_out[e]
 * (epochs + 1 entries, NaN without validation) may be NULL.
 * VR_ESHAPE if dims[0] != T*C, VR_ENOMEM.
 */
int vr_quant_qat(struct vr_mlp *m, int *best_epoch, const int *wbits,
    const struct vr_dataset *d, const size_t *itrain, size_t ntrain,
    const size_t *ival, size_t nval, const struct vr_quant_qat_opts *o,
    struct vr_rng *rng, double *loss_out, double *val_out);

/* Macro-F1 of m with fake-quantised weights at wbits on samples idx of
 * d (m's weights are restored).  NaN if n == 0; *acc (if not NULL) gets
 * the accuracy.  VR_ENOMEM gives NaN. */
double vr_quant_fq_score(struct vr_mlp *m, double *acc, const int *wbits,
    const struct vr_dataset *d, const size_t *idx, size_t n);

#endif
