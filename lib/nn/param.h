/*
 * param.h: a named view into a model's parameter slab, as the model
 * stream names it (PyTorch's state_dict names: "lstm.weight_ih_l0",
 * "fc.bias", "lins.0.weight").
 */
#ifndef VR_NN_PARAM_H
#define VR_NN_PARAM_H

#include <stddef.h>

#include "stream/tensor.h"

#define VR_MAXPARAMS 32
/* Largest parameter count a model may have (1 GiB of floats): a model
 * stream cannot make us allocate more. */
#define VR_MAXPARAM_FLOATS ((size_t)1 << 28)

struct vr_param {
    char name[VR_NAME_MAX];
    size_t off;         /* offset in floats into params (and grads) */
    int rank;           /* 1 or 2 */
    size_t shape[2];
    size_t n;           /* elements */
};

#endif
