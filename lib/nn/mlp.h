/*
 * mlp.h: the multilayer perceptron, dims[0] -> ... -> dims[L] (the
 * baseline is 480-128-64-32-3), Linear layers in PyTorch's layout with
 * an activation slot after each hidden one.  One parameter slab with
 * named views (STYLE.md 6): lins.<l>.weight (dims[l+1], dims[l]) then
 * lins.<l>.bias (dims[l+1]), layer by layer.
 */
#ifndef VR_NN_MLP_H
#define VR_NN_MLP_H

#include <stddef.h>

#include "base/rng.h"
#include "nn/act.h"
#include "nn/param.h"

#define VR_MLP_MAXL 8

struct vr_mlp {
    int L;                          /* Linear layers */
    int dims[VR_MLP_MAXL + 1];      /* dims[0] inputs .. dims[L] classes */
    struct vr_act act[VR_MLP_MAXL]; /* after Linear l, for l < L - 1 */
    size_t nparams;
    float *params, *grads;          /* owned: nparams floats each */
    float *W[VR_MLP_MAXL];          /* views: (dims[l+1], dims[l]) */
    float *b[VR_MLP_MAXL];          /* (dims[l+1]) */
    float *dW[VR_MLP_MAXL], *db[VR_MLP_MAXL];   /* views into grads */
    int nparam;
    struct vr_param param[2 * VR_MLP_MAXL];
    /* Saved by the last forward for the backward. */
    int B, Bcap;
    const float *in;                /* (B, dims[0]) borrowed */
    float *pre[VR_MLP_MAXL];        /* (B, dims[l+1]) before the act */
    float *out[VR_MLP_MAXL];        /* (B, dims[l+1]) after it */
    float *d0, *d1;                 /* (B, max dims) gradient scratch */
    float *acts;                    /* owned slab behind the above */
};

/*
 * Shape the MLP (L Linear layers, dims[0..L], acts[0..L-2]) and allocate
 * its slabs, parameters zero.  VR_ERANGE on bad dims, VR_ENOMEM.
 */
int vr_mlp_init(struct vr_mlp *m, const int *dims, int L,
    const struct vr_act *acts);
/* PyTorch's Linear initialisation: W and b uniform in +-1/sqrt(fan_in). */
void vr_mlp_init_params(struct vr_mlp *m, struct vr_rng *rng);
/*
 * logits = MLP(x), keeping what the backward needs.
 *   x (B, dims[0]) borrowed until the backward   logits (B, dims[L])
 * VR_ENOMEM if the activations cannot grow to B rows.
 */
int vr_mlp_forward(struct vr_mlp *m, float *logits, const float *x, int B);
/* Backward of the last forward: grads += d loss / d params, given
 * dlogits (B, dims[L]).  The input gradient is not formed. */
void vr_mlp_backward(struct vr_mlp *m, const float *dlogits);
/*
 * vr_mlp_backward that, for each hidden layer l (L-2 down to 0) once the
 * activation's backward is done, calls hook(ctx, l, dpre, dout, pre, n)
 * with n = B * dims[l+1] values: dpre = d loss / d pre_l (the hook may
 * add to it, e.g. a penalty's gradient), dout = d loss / d out_l, pre the
 * pre-activations.  hook NULL is vr_mlp_backward.
 */
typedef void vr_mlp_hook(void *ctx, int l, float *dpre, const float *dout,
    const float *pre, size_t n);
void vr_mlp_backward_hook(struct vr_mlp *m, const float *dlogits,
    vr_mlp_hook *hook, void *ctx);
void vr_mlp_free(struct vr_mlp *m);

#endif
