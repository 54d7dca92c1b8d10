/*
 * adam.h: Adam (Kingma & Ba 2015, as torch.optim.Adam without weight
 * decay), the cosine learning-rate schedule and gradient-norm clipping.
 * The optimiser state shares the parameter slab's layout, so a step is
 * one flat loop over nparams floats.
 */
#ifndef VR_NN_ADAM_H
#define VR_NN_ADAM_H

#include <stddef.h>

struct vr_adam {
    size_t n;
    float *m, *v;       /* owned: (n) first and second moments */
    double b1, b2, eps;
    long t;             /* steps taken */
};

/* State for n parameters, moments zero, betas 0.9/0.999, eps 1e-8.
 * VR_ENOMEM on failure. */
int vr_adam_init(struct vr_adam *a, size_t n);
/*
 * One step at learning rate lr, in float32 like PyTorch:
 *   t += 1; m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2
 *   p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 *   params (n)   grads (n)
 */
void vr_adam_step(struct vr_adam *a, float *params, const float *grads,
    double lr);
void vr_adam_free(struct vr_adam *a);

/* Cosine decay of step k of K: lr (1 + cos(pi k / K)) / 2 (PyTorch's
 * CosineAnnealingLR with eta_min 0, stepped once a batch). */
double vr_adam_cosine_lr(double lr, long k, long K);
/*
 * Clip the gradient's global L2 norm to max_norm as
 * torch.nn.utils.clip_grad_norm_: scale by max_norm / (norm + 1e-6) when
 * that is below 1.  Returns the norm before clipping (sum in double).
 */
double vr_adam_clip(float *grads, size_t n, double max_norm);

#endif
