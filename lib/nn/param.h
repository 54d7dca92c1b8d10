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

struct vr_param {
    char name[VR_NAME_MAX];
    size_t off;         /* offset in floats into params (and grads) */
    int rank;           /* 1 or 2 */
    size_t shape[2];
    size_t n;           /* elements */
};

#endif
