#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vr.h"
#include "base/mem.h"
#include "nn/poly.h"

#define CHEB_NODES 512
#define LSQ_NPTS 10001

const char *const vr_poly_fn_names[VR_POLY_NFN] = {"relu", "swish", "tanh"};

double
vr_poly_fn_eval(int fn, double x)
{
    switch (fn) {
    case VR_POLY_RELU:
        return x > 0 ? x : 0;
    case VR_POLY_SWISH:
        return x / (1.0 + exp(-x));
    default:
        return tanh(x);
    }
}

static double
fn_thunk(double x, void *ctx)
{
    return vr_poly_fn_eval(*(const int *)ctx, x);
}

/* c (deg+1) = the monomial coefficients in x of p(t), t = alpha x + beta,
 * for p given by monomial coefficients b[0..deg] in t. */
static void
compose_affine(double *c, const double *b, int deg, double alpha, double beta)
{
    // Horner on polynomials: c = ((b_deg t + b_{deg-1}) t + ...) + b_0
    double tmp[VR_ACT_MAXDEG + 2];
    memset(c, 0, (size_t)(deg + 1) * sizeof(double));
    c[0] = b[deg];
    for (int k = deg - 1; k >= 0; k--) {
        // c <- c * (alpha x + beta) + b_k
        memset(tmp, 0, sizeof(tmp));
        for (int j = 0; j <= deg - 1; j++) {
            tmp[j + 1] += alpha * c[j];
            tmp[j] += beta * c[j];
        }
        tmp[0] += b[k];
        memcpy(c, tmp, (size_t)(deg + 1) * sizeof(double));
    }
}

void
vr_poly_cheb_to_mono(double *c, const double *a, int deg, double lo,
    double hi)
{
    // T_0 = 1, T_1 = t, T_{k+1} = 2 t T_k - T_{k-1}, as monomials in t
    double T0[VR_ACT_MAXDEG + 1] = {1}, T1[VR_ACT_MAXDEG + 2] = {0, 1};
    double b[VR_ACT_MAXDEG + 1] = {0};

    for (int k = 0; k <= deg; k++) {
        const double *Tk = k == 0 ? T0 : T1;
        for (int j = 0; j <= deg; j++)
            b[j] += a[k] * Tk[j];
        if (k >= 1) {
            double Tn[VR_ACT_MAXDEG + 1] = {0};
            for (int j = 0; j < deg; j++)
                Tn[j + 1] = 2 * T1[j];
            for (int j = 0; j <= deg; j++)
                Tn[j] -= T0[j];
            memcpy(T0, T1, sizeof(T0));
            memcpy(T1, Tn, sizeof(Tn));
        }
    }
    // t = alpha x + beta
    compose_affine(c, b, deg, 2 / (hi - lo), -(hi + lo) / (hi - lo));
}

/* Snap coefficients that are rounding noise around an exact 0 or 1/2
 * (the symmetric-interval zeros of poly.h) to those values. */
static void
snap(double *c, int deg)
{
    for (int k = 0; k <= deg; k++) {
        if (fabs(c[k]) < 1e-12)
            c[k] = 0;
        else if (fabs(c[k] - 0.5) < 1e-12)
            c[k] = 0.5;
    }
}

static int
check_args(int deg, double lo, double hi)
{
    if (deg < 0 || deg > VR_ACT_MAXDEG || !isfinite(lo) || !isfinite(hi) ||
        !(lo < hi))
        return VR_ERANGE;
    return VR_OK;
}

int
vr_poly_cheb_fit(double *c, int deg, vr_poly_f *f, void *ctx, double lo,
    double hi)
{
    double a[VR_ACT_MAXDEG + 1] = {0};

    if (check_args(deg, lo, hi) != VR_OK)
        return VR_ERANGE;
    // a_k = 2/N sum_j f(x_j) cos(k theta_j), theta_j = pi (j + 1/2) / N
    for (int j = 0; j < CHEB_NODES; j++) {
        double th = M_PI * (j + 0.5) / CHEB_NODES, t = cos(th);
        double fx = f(0.5 * (hi - lo) * t + 0.5 * (hi + lo), ctx);
        if (!isfinite(fx))
            return VR_ERANGE;
        for (int k = 0; k <= deg; k++)
            a[k] += fx * cos(k * th);
    }
    for (int k = 0; k <= deg; k++)
        a[k] *= 2.0 / CHEB_NODES;
    a[0] *= 0.5;
    vr_poly_cheb_to_mono(c, a, deg, lo, hi);
    snap(c, deg);
    return VR_OK;
}

int
vr_poly_lsq_fit(double *c, int deg, vr_poly_f *f, void *ctx, double lo,
    double hi, int npts)
{
    int n = deg + 1;
    double *A, *y, b[VR_ACT_MAXDEG + 1];

    if (check_args(deg, lo, hi) != VR_OK || npts <= deg || npts > 10000000)
        return VR_ERANGE;
    A = vr_mallocarray((size_t)npts * (size_t)n, sizeof(double));
    y = vr_mallocarray((size_t)npts, sizeof(double));
    if (A == NULL || y == NULL) {
        free(A);
        free(y);
        return VR_ENOMEM;
    }
    // rows: t_i^k, t_i = -1 + 2 i / (npts - 1); right side f(x_i)
    for (int i = 0; i < npts; i++) {
        double t = -1.0 + 2.0 * i / (npts - 1), p = 1;
        double x = lo + (hi - lo) * i / (npts - 1);
        y[i] = f(x, ctx);
        if (!isfinite(y[i])) {
            free(A);
            free(y);
            return VR_ERANGE;
        }
        for (int k = 0; k < n; k++, p *= t)
            A[(size_t)i * n + k] = p;
    }
    // Householder QR, applied to y as we go (Golub & Van Loan 5.3.2)
    for (int k = 0; k < n; k++) {
        double norm = 0, s, vtv;
        for (int i = k; i < npts; i++)
            norm += A[(size_t)i * n + k] * A[(size_t)i * n + k];
        norm = sqrt(norm);
        s = A[(size_t)k * n + k] > 0 ? -norm : norm;
        // v = a_k - s e_k, stored in place of column k below the diagonal
        A[(size_t)k * n + k] -= s;
        vtv = 0;
        for (int i = k; i < npts; i++)
            vtv += A[(size_t)i * n + k] * A[(size_t)i * n + k];
        for (int j = k + 1; j <= n; j++) {
            double dot = 0;
            for (int i = k; i < npts; i++)
                dot += A[(size_t)i * n + k] *
                    (j < n ? A[(size_t)i * n + j] : y[i]);
            dot = vtv > 0 ? 2 * dot / vtv : 0;
            for (int i = k; i < npts; i++) {
                if (j < n)
                    A[(size_t)i * n + j] -= dot * A[(size_t)i * n + k];
                else
                    y[i] -= dot * A[(size_t)i * n + k];
            }
        }
        A[(size_t)k * n + k] = s;   /* R's diagonal */
    }
    // back substitution R b = Q^T y
    for (int k = n - 1; k >= 0; k--) {
        double acc = y[k];
        for (int j = k + 1; j < n; j++)
            acc -= A[(size_t)k * n + j] * b[j];
        b[k] = acc / A[(size_t)k * n + k];
    }
    free(A);
    free(y);
    compose_affine(c, b, deg, 2 / (hi - lo), -(hi + lo) / (hi - lo));
    snap(c, deg);
    return VR_OK;
}

int
vr_poly_taylor_srelu(double *c, double eps)
{
    if (!(eps > 0) || !isfinite(eps))
        return VR_ERANGE;
    // sqrt(x^2 + eps) = sqrt(eps) + x^2 / (2 sqrt(eps)) + O(x^4)
    c[0] = sqrt(eps) / 2;
    c[1] = 0.5;
    c[2] = 1 / (4 * sqrt(eps));
    c[3] = 0;
    return VR_OK;
}

/* A number ending at the next ':' or the end; *s moves past it. */
static int
take_num(double *v, const char **s)
{
    char *end;
    *v = strtod(*s, &end);
    if (end == *s || (*end != ':' && *end != '\0') || !isfinite(*v))
        return VR_ERANGE;
    *s = *end == ':' ? end + 1 : end;
    return VR_OK;
}

int
vr_poly_parse(struct vr_act *a, double *lo, double *hi, const char *spec)
{
    double c[VR_ACT_MAXDEG + 1], deg, l = *lo, h = *hi;
    const char *s;
    int fn, cheb, rc;
    char name[VR_ACT_NAMEMAX];

    if (strncmp(spec, "srelu3:", 7) == 0) {
        double eps;
        s = spec + 7;
        if (take_num(&eps, &s) != VR_OK || *s != '\0' ||
            vr_poly_taylor_srelu(c, eps) != VR_OK)
            return VR_ERANGE;
        return vr_act_poly(a, "srelu3", c, 4);
    }
    cheb = strncmp(spec, "cheb:", 5) == 0;
    if (!cheb && strncmp(spec, "lsq:", 4) != 0)
        return vr_act_lookup(a, spec);
    s = spec + (cheb ? 5 : 4);
    for (fn = 0; fn < VR_POLY_NFN; fn++) {
        size_t k = strlen(vr_poly_fn_names[fn]);
        if (strncmp(s, vr_poly_fn_names[fn], k) == 0 && s[k] == ':') {
            s += k + 1;
            break;
        }
    }
    if (fn == VR_POLY_NFN || take_num(&deg, &s) != VR_OK || deg != floor(deg)
        || deg < 1 || deg > VR_ACT_MAXDEG)
        return VR_ERANGE;
    if (*s != '\0' && (take_num(&l, &s) != VR_OK ||
        take_num(&h, &s) != VR_OK || *s != '\0'))
        return VR_ERANGE;
    rc = cheb ? vr_poly_cheb_fit(c, (int)deg, fn_thunk, &fn, l, h) :
        vr_poly_lsq_fit(c, (int)deg, fn_thunk, &fn, l, h, LSQ_NPTS);
    if (rc != VR_OK)
        return rc;
    snprintf(name, sizeof(name), "%s_%s%d", cheb ? "cheb" : "lsq",
        vr_poly_fn_names[fn], (int)deg);
    if ((rc = vr_act_poly(a, name, c, (int)deg + 1)) != VR_OK)
        return rc;
    *lo = l;
    *hi = h;
    return VR_OK;
}

void
vr_poly_coef_backward(double *dc, const float *dout, const float *x,
    size_t n, int deg)
{
    for (size_t i = 0; i < n; i++) {
        double p = dout[i], xi = x[i];
        for (int k = 0; k <= deg; k++, p *= xi)
            dc[k] += p;
    }
}
