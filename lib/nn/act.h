/*
 * act.h: the activation slot of the MLP (and the LSTM's gate functions).
 *
 * One type covers ReLU and the polynomial family of the distillation
 * issue: a polynomial c0 + c1 x + c2 x^2 + c3 x^3 is evaluated by Horner
 * in float32, highest power first, ((c3 x + c2) x + c1) x + c0, as the
 * PyTorch reference does, and its derivative c1 + 2 c2 x + 3 c3 x^2 the
 * same way.  Coefficients are double on the wire and in the struct and
 * rounded to float once, when used.
 *
 * Known names: "identity", "relu", "sq" (x^2), "cubic" (x + 0.1 x^3),
 * "relu3" and "swish3" (degree-3 least-squares fits of ReLU and of
 * x sigmoid(x) on [-4, 4], coefficients from the reference), "srelu3"
 * (degree-3 Taylor form of (x + sqrt(x^2 + 1)) / 2 at 0: 1/2 + x/2 +
 * x^2/4).  nn/poly.h makes fits of any degree up to VR_ACT_MAXDEG.
 */
#ifndef VR_NN_ACT_H
#define VR_NN_ACT_H

#include <stdbool.h>
#include <stddef.h>

#define VR_ACT_MAXDEG 8         /* = vr-quant's VR_QACT_MAXDEG */
#define VR_ACT_NAMEMAX 16

enum vr_act_kind { VR_ACT_IDENTITY, VR_ACT_RELU, VR_ACT_POLY };

struct vr_act {
    char name[VR_ACT_NAMEMAX];
    enum vr_act_kind kind;
    int degree;                     /* VR_ACT_POLY: 0..VR_ACT_MAXDEG */
    double c[VR_ACT_MAXDEG + 1];    /* VR_ACT_POLY: c[k] multiplies x^k */
};

/* The activation of a known name.  VR_ERANGE if the name is unknown. */
int vr_act_lookup(struct vr_act *a, const char *name);
/*
 * A polynomial activation named name with ncoef coefficients c0, c1, ...
 * (ncoef in 1..VR_ACT_MAXDEG+1, all finite).  VR_ERANGE otherwise.
 */
int vr_act_poly(struct vr_act *a, const char *name, const double *c,
    int ncoef);
/* Number of coefficients stored for a (0 for identity and ReLU). */
int vr_act_ncoef(const struct vr_act *a);

/* out = f(in), n elements.  out may alias in. */
void vr_act_forward(const struct vr_act *a, float *out, const float *in,
    size_t n);
/* din += dout * f'(in), n elements; in is the forward's input.  ReLU's
 * derivative at 0 is 0, as in PyTorch. */
void vr_act_backward(const struct vr_act *a, float *din, const float *dout,
    const float *in, size_t n);

/* out = 1 / (1 + e^-in) and out = tanh(in), vectorised, about 2 ulp;
 * out may alias in.  These are the LSTM's gate functions. */
void vr_act_sigmoid(float *out, const float *in, size_t n);
void vr_act_tanh(float *out, const float *in, size_t n);

#endif
