/*
 * hessian.h: curvature of the MLP's loss with respect to each layer's
 * weights: exact Hessian-vector products (Pearlmutter's R-operator,
 * "Fast exact multiplication by the Hessian", Neural Computation 1994)
 * and Hutchinson's estimate of the trace of each diagonal block,
 * Tr(H_ll) = E[v_l . (H v)_l] for v Rademacher over all weights.
 *
 * The loss is the plain cross-entropy of the logits, mean over the batch
 * (no smoothing), and only the Linear weights are perturbed (the
 * direction on the biases is zero), as in the PyTorch reference's
 * hutchinson().  Everything runs in double on a double copy of the
 * model, so finite differences can check it tightly.
 */
#ifndef VR_QUANT_HESSIAN_H
#define VR_QUANT_HESSIAN_H

#include <stddef.h>

#include "base/rng.h"
#include "nn/mlp.h"

/* A double copy of an MLP's parameters and activations. */
struct vr_hnet {
    int L;
    int dims[VR_MLP_MAXL + 1];
    struct vr_act act[VR_MLP_MAXL];     /* after layer l < L - 1 */
    double *W[VR_MLP_MAXL];             /* (dims[l+1], dims[l]) owned */
    double *b[VR_MLP_MAXL];             /* (dims[l+1]) owned */
    size_t nw[VR_MLP_MAXL];             /* weights of layer l */
};

/* Copy m into h (double).  VR_ENOMEM. */
int vr_hnet_init(struct vr_hnet *h, const struct vr_mlp *m);
void vr_hnet_free(struct vr_hnet *h);

/*
 * Loss of h on (x, y), its gradient g and the product Hv = H v of the
 * Hessian with v, both with respect to the weights only.
 *   x (B, dims[0])   y (B) classes   v[l], g[l], Hv[l] (dims[l+1], dims[l])
 * g or Hv may be NULL (not wanted); v may be NULL when Hv is.  Scratch is
 * allocated inside: VR_ENOMEM.  *loss (if not NULL) gets the loss.
 */
int vr_hnet_hvp(const struct vr_hnet *h, double *loss, double **g,
    double **Hv, double *const *v, const float *x, const int *y, int B);

/* Hutchinson's estimate of Tr(H_ll) for every layer. */
struct vr_hutch {
    int L;
    int probes;                 /* probes used */
    bool converged;             /* every layer met rtol */
    double trace[VR_MLP_MAXL];  /* mean of the probes' v_l . (H v)_l */
    double se[VR_MLP_MAXL];     /* standard error of that mean */
    double *est;                /* (probes, L) each probe's estimate, owned */
};

/*
 * Draw Rademacher probes from rng until every layer's standard error is
 * at most rtol * |trace| (after at least min_probes) or max_probes are
 * used.  x, y, B as for vr_hnet_hvp.  VR_ENOMEM.  Free with
 * vr_hutch_free.
 */
int vr_hutch_run(struct vr_hutch *out, const struct vr_hnet *h,
    const float *x, const int *y, int B, int min_probes, int max_probes,
    double rtol, struct vr_rng *rng);
void vr_hutch_free(struct vr_hutch *out);

#endif
