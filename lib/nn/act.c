#include <math.h>
#include <string.h>

#include "vr.h"
#include "nn/act.h"
#include "nn/internal.h"

static const struct {
    const char *name;
    int ncoef;
    double c[VR_ACT_MAXDEG + 1];
} polys[] = {
    {"sq", 4, {0.0, 0.0, 1.0, 0.0}},
    {"cubic", 4, {0.0, 1.0, 0.0, 0.1}},
    /* ../shared/reference/nn/reference.py polyfit_coeffs, on [-4, 4] */
    {"relu3", 4, {0.3750374775022494, 0.5, 0.11717578593632846, 0.0}},
    {"swish3", 4, {0.1449611556440952, 0.5, 0.12602002452152328, 0.0}},
    /* (x + sqrt(x^2 + eps)) / 2 to degree 3 at 0, eps = 1 (nn/poly.h) */
    {"srelu3", 4, {0.5, 0.5, 0.25, 0.0}},
};

int
vr_act_lookup(struct vr_act *a, const char *name)
{
    memset(a, 0, sizeof(*a));
    if (strcmp(name, "identity") == 0 || strcmp(name, "relu") == 0) {
        a->kind = name[0] == 'r' ? VR_ACT_RELU : VR_ACT_IDENTITY;
        strcpy(a->name, name);
        return VR_OK;
    }
    for (size_t i = 0; i < sizeof(polys) / sizeof(polys[0]); i++)
        if (strcmp(name, polys[i].name) == 0)
            return vr_act_poly(a, name, polys[i].c, polys[i].ncoef);
    return VR_ERANGE;
}

int
vr_act_poly(struct vr_act *a, const char *name, const double *c, int ncoef)
{
    memset(a, 0, sizeof(*a));
    if (ncoef < 1 || ncoef > VR_ACT_MAXDEG + 1 ||
        strlen(name) >= VR_ACT_NAMEMAX || name[0] == '\0')
        return VR_ERANGE;
    for (int k = 0; k < ncoef; k++)
        if (!isfinite(c[k]))
            return VR_ERANGE;
    strcpy(a->name, name);
    a->kind = VR_ACT_POLY;
    a->degree = ncoef - 1;
    memcpy(a->c, c, (size_t)ncoef * sizeof(double));
    return VR_OK;
}

int
vr_act_ncoef(const struct vr_act *a)
{
    return a->kind == VR_ACT_POLY ? a->degree + 1 : 0;
}

VR_VECTORIZE void
vr_act_forward(const struct vr_act *a, float *out, const float *in, size_t n)
{
    switch (a->kind) {
    case VR_ACT_IDENTITY:
        if (out != in)
            memmove(out, in, n * sizeof(float));
        break;
    case VR_ACT_RELU:
        for (size_t i = 0; i < n; i++)
            out[i] = in[i] > 0.0f ? in[i] : 0.0f;
        break;
    case VR_ACT_POLY: {
        float c[VR_ACT_MAXDEG + 1];
        for (int k = 0; k <= a->degree; k++)
            c[k] = (float)a->c[k];
        // y = ((c3 x + c2) x + c1) x + c0
        for (size_t i = 0; i < n; i++) {
            float x = in[i], y = c[a->degree];
            for (int k = a->degree - 1; k >= 0; k--)
                y = y * x + c[k];
            out[i] = y;
        }
        break;
    }
    }
}

VR_VECTORIZE void
vr_act_backward(const struct vr_act *a, float *din, const float *dout,
    const float *in, size_t n)
{
    switch (a->kind) {
    case VR_ACT_IDENTITY:
        for (size_t i = 0; i < n; i++)
            din[i] += dout[i];
        break;
    case VR_ACT_RELU:
        for (size_t i = 0; i < n; i++)
            din[i] += in[i] > 0.0f ? dout[i] : 0.0f;
        break;
    case VR_ACT_POLY: {
        // f'(x) = (3 c3 x + 2 c2) x + c1, Horner again
        float d[VR_ACT_MAXDEG + 1];
        int deg = a->degree;
        if (deg == 0)
            break;
        for (int k = 1; k <= deg; k++)
            d[k - 1] = (float)(k * a->c[k]);
        for (size_t i = 0; i < n; i++) {
            float x = in[i], y = d[deg - 1];
            for (int k = deg - 2; k >= 0; k--)
                y = y * x + d[k];
            din[i] += dout[i] * y;
        }
        break;
    }
    }
}

/* Apply f to n floats: whole vectors, then the tail through a padded
 * copy so every element sees the same code. */
#define VR_V16_MAP(out, in, n, f) do {                                  \
    size_t i_ = 0;                                                      \
    for (; i_ + VR_VW <= (n); i_ += VR_VW)                              \
        vr_v16_store((out) + i_, f(vr_v16_load((in) + i_)));            \
    if (i_ < (n)) {                                                     \
        float b_[VR_VW] = {0};                                          \
        memcpy(b_, (in) + i_, ((n) - i_) * sizeof(float));              \
        vr_v16_store(b_, f(vr_v16_load(b_)));                           \
        memcpy((out) + i_, b_, ((n) - i_) * sizeof(float));             \
    }                                                                   \
} while (0)

void
vr_act_sigmoid(float *out, const float *in, size_t n)
{
    VR_V16_MAP(out, in, n, vr_v16_sigmoid);
}

void
vr_act_tanh(float *out, const float *in, size_t n)
{
    VR_V16_MAP(out, in, n, vr_v16_tanh);
}
