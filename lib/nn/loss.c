#include <math.h>
#include <stddef.h>

#include "nn/loss.h"

static double
weight(const float *w, int k)
{
    return w == NULL ? 1.0 : (double)w[k];
}

double
vr_loss_ce_forward(float *probs, const float *logits, const int *y,
    const float *w, float eps, int B, int V)
{
    double num = 0, den = 0;

    for (int n = 0; n < B; n++) {
        const float *z_n = logits + (size_t)n * V;
        float *p_n = probs + (size_t)n * V;
        // log p_k = z_k - max - log sum_j exp(z_j - max)
        double mx = z_n[0], s = 0, lse, smooth = 0;
        for (int k = 1; k < V; k++)
            if (z_n[k] > mx)
                mx = z_n[k];
        for (int k = 0; k < V; k++)
            s += exp((double)z_n[k] - mx);
        lse = mx + log(s);
        for (int k = 0; k < V; k++) {
            double lp = (double)z_n[k] - lse;
            p_n[k] = (float)exp(lp);
            smooth -= lp;
        }
        // -sum_k q_k log p_k, weighted by the sample's class
        double wy = weight(w, y[n]);
        num += wy * ((1.0 - eps) * (lse - (double)z_n[y[n]]) +
            eps / V * smooth);
        den += wy;
    }
    return num / den;
}

void
vr_loss_ce_backward(float *dlogits, const float *probs, const int *y,
    const float *w, float eps, float scale, int B, int V)
{
    double den = 0;

    for (int n = 0; n < B; n++)
        den += weight(w, y[n]);
    for (int n = 0; n < B; n++) {
        const float *p_n = probs + (size_t)n * V;
        float *d_n = dlogits + (size_t)n * V;
        double wy = weight(w, y[n]);
        // d/dz_j = w[y] (p_j - q_j) / sum w
        for (int j = 0; j < V; j++) {
            double q = (1.0 - eps) * (j == y[n]) + eps / V;
            d_n[j] += (float)(scale * wy * ((double)p_n[j] - q) / den);
        }
    }
}

/* log softmax(z / tau) of one row into lp (V <= 64), in double. */
static void
log_softmax_row(double *lp, const float *z, float tau, int V)
{
    double mx = (double)z[0] / tau, s = 0;

    for (int k = 1; k < V; k++)
        if ((double)z[k] / tau > mx)
            mx = (double)z[k] / tau;
    for (int k = 0; k < V; k++)
        s += exp((double)z[k] / tau - mx);
    for (int k = 0; k < V; k++)
        lp[k] = (double)z[k] / tau - mx - log(s);
}

#define KD_MAXV 64

double
vr_loss_kd_forward(float *ps, const float *logits, const float *teacher,
    float tau, int B, int V)
{
    double lt[KD_MAXV], ls[KD_MAXV], acc = 0;

    if (V > KD_MAXV)
        return NAN;
    for (int n = 0; n < B; n++) {
        log_softmax_row(lt, teacher + (size_t)n * V, tau, V);
        log_softmax_row(ls, logits + (size_t)n * V, tau, V);
        for (int k = 0; k < V; k++) {
            acc += exp(lt[k]) * (lt[k] - ls[k]);
            ps[(size_t)n * V + k] = (float)exp(ls[k]);
        }
    }
    return (double)tau * tau * acc / B;
}

void
vr_loss_kd_backward(float *dlogits, const float *ps, const float *teacher,
    float tau, float scale, int B, int V)
{
    double lt[KD_MAXV];

    if (V > KD_MAXV)
        return;
    for (int n = 0; n < B; n++) {
        log_softmax_row(lt, teacher + (size_t)n * V, tau, V);
        for (int k = 0; k < V; k++)
            dlogits[(size_t)n * V + k] += (float)((double)scale * tau / B *
                ((double)ps[(size_t)n * V + k] - exp(lt[k])));
    }
}
