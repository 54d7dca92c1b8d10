#include <math.h>
#include <stdlib.h>

#include "vr.h"
#include "base/mem.h"
#include "nn/adam.h"
#include "nn/internal.h"

int
vr_adam_init(struct vr_adam *a, size_t n)
{
    a->n = n;
    a->m = vr_callocarray(n ? n : 1, sizeof(float));
    a->v = vr_callocarray(n ? n : 1, sizeof(float));
    a->b1 = 0.9;
    a->b2 = 0.999;
    a->eps = 1e-8;
    a->t = 0;
    if (a->m == NULL || a->v == NULL) {
        vr_adam_free(a);
        return VR_ENOMEM;
    }
    return VR_OK;
}

void
vr_adam_step(struct vr_adam *a, float *params, const float *grads, double lr)
{
    a->t++;
    double bc1 = 1.0 - pow(a->b1, (double)a->t);
    double bc2 = 1.0 - pow(a->b2, (double)a->t);
    float step = (float)(lr / bc1), bc2s = (float)sqrt(bc2);
    float b1 = (float)a->b1, b2 = (float)a->b2, eps = (float)a->eps;
    float c1 = (float)(1.0 - a->b1), c2 = (float)(1.0 - a->b2);
    size_t i = 0;

    // m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;
    // p -= step m / (sqrt(v) / sqrt(bc2) + eps), 16 at a time
    for (; i + VR_VW <= a->n; i += VR_VW) {
        vr_v16f g = vr_v16_load(grads + i);
        vr_v16f m = vr_v16_load(a->m + i) * b1 + g * c1;
        vr_v16f v = vr_v16_load(a->v + i) * b2 + g * g * c2;
        vr_v16_store(a->m + i, m);
        vr_v16_store(a->v + i, v);
        vr_v16_store(params + i, vr_v16_load(params + i) -
            step * (m / (vr_v16_sqrt(v) / bc2s + eps)));
    }
    for (; i < a->n; i++) {
        float g = grads[i];
        a->m[i] = a->m[i] * b1 + g * c1;
        a->v[i] = a->v[i] * b2 + g * g * c2;
        params[i] -= step * (a->m[i] / (sqrtf(a->v[i]) / bc2s + eps));
    }
}

void
vr_adam_free(struct vr_adam *a)
{
    free(a->m);
    free(a->v);
    a->m = a->v = NULL;
    a->n = 0;
}

double
vr_adam_cosine_lr(double lr, long k, long K)
{
    if (K <= 0)
        return lr;
    return lr * (1.0 + cos(M_PI * (double)k / (double)K)) / 2.0;
}

double
vr_adam_clip(float *grads, size_t n, double max_norm)
{
    double ss = 0;

    for (size_t i = 0; i < n; i++)
        ss += (double)grads[i] * grads[i];
    double norm = sqrt(ss);
    double coef = max_norm / (norm + 1e-6);
    if (coef < 1.0)
        for (size_t i = 0; i < n; i++)
            grads[i] = (float)(grads[i] * coef);
    return norm;
}
