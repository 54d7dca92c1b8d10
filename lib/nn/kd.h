/*
 * kd.h: the distillation loss of vr-distill and the teacher-logit cache.
 *
 * Loss of a student MLP on a batch (Hinton et al. 2015, plus a penalty
 * for what a circuit pays):
 *
 *   total = alpha CE(z, y) + beta T^2 KL(softmax(zt / T) || softmax(z / T))
 *           + gamma (l1 sum |W| + l2 sum max(0, |w| - tau))
 *
 * CE is plain cross-entropy (optionally label-smoothed, 0 in the
 * reference) averaged over the batch; KL is PyTorch's kl_div with
 * reduction "batchmean" (nn/loss.h); the regulariser runs over the
 * Linear weights only, never the biases.  The l1 term makes zeros, which
 * a circuit gets for free; the hinge keeps weights inside the range the
 * quantiser gives a b-bit fixed-point weight with f fractional bits:
 *
 *   tau = (2^(b-1) - 1) / 2^f        (b = 8, f = 8: 127/256 = 0.496)
 *
 * Teacher logits: computed once per dataset (vr_kd_logits_compute) and
 * kept as a stream of kind "logits": header keys teacher (a fingerprint
 * of the teacher model: FNV-1a 64 of its parameters, in hex), teacher_arch,
 * dataset (fingerprint of the dataset's samples: end, label, split),
 * nsamples, V; one tensor "logits" f32 (nsamples, V), row s the teacher's
 * logits of sample s (all samples, every split).
 */
#ifndef VR_NN_KD_H
#define VR_NN_KD_H

#include <stdint.h>

#include "nn/model.h"
#include "stream/dataset.h"
#include "stream/stream.h"

struct vr_kd_opts {
    double alpha, beta;     /* 0.5, 0.5 */
    double T;               /* temperature, 3 */
    double gamma;           /* 0.1 */
    double l1, l2, tau;     /* 1e-4, 1e-2, 127/256 */
    double smoothing;       /* label smoothing of the CE term, 0 */
};

/* The defaults above. */
void vr_kd_defaults(struct vr_kd_opts *o);
/* tau = (2^(bits-1) - 1) / 2^frac; bits in 2..32, frac in -32..64. */
double vr_kd_tau(int bits, int frac);

/* The parts of one evaluation of the loss. */
struct vr_kd_loss {
    double ce, kl;          /* kl already times T^2 */
    double reg;             /* l1 sum|W| + l2 sum max(0, |w| - tau) */
    double total;
};

/*
 * The loss of student logits z (B, V) against labels y (B) and teacher
 * logits zt (B, V, or NULL when beta is 0), with m's weights in the
 * regulariser (m may be NULL when gamma is 0).  Accumulates the
 * gradient d total / d z into dz (B, V) and, when m is not NULL and
 * gamma > 0, d total / d W into m->grads.  scratch (2 B V floats).
 * The subgradient of |w| at 0 is 0 (PyTorch's).  Returns the total (NaN
 * if a logit is not finite); parts in *out when out is not NULL.
 */
double vr_kd_loss(struct vr_kd_loss *out, float *dz, struct vr_mlp *m,
    float *scratch, const float *z, const int *y, const float *zt,
    const struct vr_kd_opts *o, int B, int V);

/*
 * The regulariser alone over m's weights: returns l1 sum|W| + l2 sum
 * max(0, |w| - tau) (double sums); when dW_scale != 0 also accumulates
 * dW_scale times its gradient into m->grads.
 */
double vr_kd_reg(struct vr_mlp *m, double l1, double l2, double tau,
    double dW_scale);

/* FNV-1a 64 of a model's parameter slab (dims and arch mixed in). */
uint64_t vr_kd_model_fingerprint(const struct vr_model *m);
/* FNV-1a 64 of a dataset's samples (T, C, nsamples, end, label, split). */
uint64_t vr_kd_dataset_fingerprint(const struct vr_dataset *d);

/*
 * The teacher's logits of every sample of d, in batches of 256:
 * *logits (d->nsamples, teacher->V) owned by the caller.  VR_ESHAPE if d
 * does not fit the teacher, VR_ENOMEM.
 */
int vr_kd_logits_compute(float **logits, struct vr_model *teacher,
    const struct vr_dataset *d);
/* Write the "logits" stream (header as above, provenance and self as
 * vr_writer_header). */
int vr_kd_logits_write(struct vr_writer *w, const float *logits,
    size_t nsamples, int V, uint64_t teacher_fp, const char *teacher_arch,
    uint64_t dataset_fp, const msgpack_object *provenance, const char *self);
/*
 * Read a "logits" stream opened on r for dataset d: nsamples, V and the
 * dataset fingerprint must match d (VR_ESHAPE with r->msg otherwise,
 * naming what differs), every logit finite (VR_EFORMAT).  *logits owned
 * by the caller; *teacher_fp the teacher's fingerprint.
 */
int vr_kd_logits_read(float **logits, uint64_t *teacher_fp,
    struct vr_reader *r, const struct vr_dataset *d, int V);

#endif
