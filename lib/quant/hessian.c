/*
 * hessian.c: exact Hessian-vector products of the MLP's cross-entropy
 * by the R-operator, and Hutchinson's trace estimate (see hessian.h).
 *
 * Notation (one row per sample, layer l = 0..L-1, f the activation):
 *   a_{-1} = x,  z_l = a_{l-1} W_l^T + b_l,  a_l = f(z_l) (a_{L-1} = z_{L-1})
 *   R{.} is the directional derivative along W -> W + t V (Pearlmutter):
 *   R{z_l} = R{a_{l-1}} W_l^T + a_{l-1} V_l^T,  R{a_l} = f'(z_l) R{z_l}
 * Backward, g_l = dL/dz_l:
 *   g_{L-1} = (p - onehot(y)) / B,  p = softmax(z_{L-1})
 *   R{g_{L-1}} = p (R{z_{L-1}} - sum_j p_j R{z_{L-1}}_j) / B
 *   dW_l = g_l^T a_{l-1},  (Hv)_l = R{dW_l} = R{g_l}^T a_{l-1} + g_l^T R{a_{l-1}}
 *   da = g_l W_l,  R{da} = R{g_l} W_l + g_l V_l
 *   g_{l-1} = f'(z_{l-1}) da,
 *   R{g_{l-1}} = f''(z_{l-1}) R{z_{l-1}} da + f'(z_{l-1}) R{da}
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "vr.h"
#include "base/mem.h"
#include "quant/hessian.h"

int
vr_hnet_init(struct vr_hnet *h, const struct vr_mlp *m)
{
    memset(h, 0, sizeof(*h));
    h->L = m->L;
    memcpy(h->dims, m->dims, sizeof(h->dims));
    memcpy(h->act, m->act, sizeof(h->act));
    for (int l = 0; l < m->L; l++) {
        size_t OC = (size_t)m->dims[l + 1], C = (size_t)m->dims[l];
        h->nw[l] = OC * C;
        h->W[l] = vr_mallocarray(OC * C, sizeof(double));
        h->b[l] = vr_mallocarray(OC, sizeof(double));
        if (h->W[l] == NULL || h->b[l] == NULL) {
            vr_hnet_free(h);
            return VR_ENOMEM;
        }
        for (size_t i = 0; i < OC * C; i++)
            h->W[l][i] = m->W[l][i];
        for (size_t i = 0; i < OC; i++)
            h->b[l][i] = m->b[l][i];
    }
    return VR_OK;
}

void
vr_hnet_free(struct vr_hnet *h)
{
    for (int l = 0; l < VR_MLP_MAXL; l++) {
        free(h->W[l]);
        free(h->b[l]);
    }
    memset(h, 0, sizeof(*h));
}

/* f, f', f'' of an activation at z, in double. */
static void
act_eval(const struct vr_act *a, double z, double *f, double *d1, double *d2)
{
    switch (a->kind) {
    case VR_ACT_RELU:
        *f = z > 0 ? z : 0;
        *d1 = z > 0 ? 1 : 0;
        *d2 = 0;
        return;
    case VR_ACT_POLY: {
        double v = 0, p1 = 0, p2 = 0;
        for (int k = a->degree; k >= 0; k--) {
            // Horner for p, p', p'' together
            p2 = p2 * z + 2 * p1;
            p1 = p1 * z + v;
            v = v * z + a->c[k];
        }
        *f = v;
        *d1 = p1;
        *d2 = p2;
        return;
    }
    default:
        *f = z;
        *d1 = 1;
        *d2 = 0;
        return;
    }
}

/* C (M, N) = alpha A B^T-ish: a thin wrapper over cblas_dgemm. */
static void
dgemm(double *C, const double *A, const double *Bm, bool ta, bool tb,
    double beta, int M, int N, int K)
{
    cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
        tb ? CblasTrans : CblasNoTrans, M, N, K, 1.0, A, ta ? M : K, Bm,
        tb ? K : N, beta, C, N);
}

int
vr_hnet_hvp(const struct vr_hnet *h, double *loss, double **g,
    double **Hv, double *const *v, const float *x, const int *y, int B)
{
    int L = h->L, V = h->dims[L], rc = VR_OK;
    double *z[VR_MLP_MAXL] = {0}, *a[VR_MLP_MAXL + 1] = {0};
    double *Rz[VR_MLP_MAXL] = {0}, *Ra[VR_MLP_MAXL + 1] = {0};
    double *gl = NULL, *Rgl = NULL, *da = NULL, *Rda = NULL;
    size_t maxd = 0;
    bool want_r = Hv != NULL;

    VR_ASSERT(!want_r || v != NULL);
    for (int l = 0; l <= L; l++)
        if ((size_t)h->dims[l] > maxd)
            maxd = (size_t)h->dims[l];
    // a[0] = x and R{a[0]} = 0; a[l+1] = f(z[l])
    a[0] = vr_mallocarray((size_t)B * (size_t)h->dims[0], sizeof(double));
    Ra[0] = vr_callocarray((size_t)B * (size_t)h->dims[0], sizeof(double));
    gl = vr_mallocarray((size_t)B * maxd, sizeof(double));
    Rgl = vr_mallocarray((size_t)B * maxd, sizeof(double));
    da = vr_mallocarray((size_t)B * maxd, sizeof(double));
    Rda = vr_mallocarray((size_t)B * maxd, sizeof(double));
    if (!a[0] || !Ra[0] || !gl || !Rgl || !da || !Rda) {
        rc = VR_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < (size_t)B * (size_t)h->dims[0]; i++)
        a[0][i] = x[i];
    for (int l = 0; l < L; l++) {
        size_t n = (size_t)B * (size_t)h->dims[l + 1];
        z[l] = vr_mallocarray(n, sizeof(double));
        Rz[l] = vr_mallocarray(n, sizeof(double));
        a[l + 1] = vr_mallocarray(n, sizeof(double));
        Ra[l + 1] = vr_mallocarray(n, sizeof(double));
        if (!z[l] || !Rz[l] || !a[l + 1] || !Ra[l + 1]) {
            rc = VR_ENOMEM;
            goto out;
        }
    }

    // forward and R-forward
    for (int l = 0; l < L; l++) {
        int C = h->dims[l], OC = h->dims[l + 1];
        // z = a W^T + b
        for (int n = 0; n < B; n++)
            memcpy(z[l] + (size_t)n * OC, h->b[l], (size_t)OC * sizeof(double));
        dgemm(z[l], a[l], h->W[l], false, true, 1.0, B, OC, C);
        if (want_r) {
            // R{z} = R{a} W^T + a V^T
            dgemm(Rz[l], Ra[l], h->W[l], false, true, 0.0, B, OC, C);
            dgemm(Rz[l], a[l], v[l], false, true, 1.0, B, OC, C);
        }
        for (size_t i = 0; i < (size_t)B * OC; i++) {
            double f, d1, d2;
            if (l < L - 1)
                act_eval(&h->act[l], z[l][i], &f, &d1, &d2);
            else
                f = z[l][i], d1 = 1, d2 = 0;
            a[l + 1][i] = f;
            Ra[l + 1][i] = want_r ? d1 * Rz[l][i] : 0;
        }
    }

    // loss, g and R{g} of the logits
    double sum = 0;
    for (int n = 0; n < B; n++) {
        const double *z_n = z[L - 1] + (size_t)n * V;
        const double *Rz_n = Rz[L - 1] + (size_t)n * V;
        double mx = z_n[0], se = 0, pR = 0;
        for (int j = 1; j < V; j++)
            if (z_n[j] > mx)
                mx = z_n[j];
        for (int j = 0; j < V; j++)
            se += exp(z_n[j] - mx);
        sum += -(z_n[y[n]] - mx - log(se));
        double *g_n = gl + (size_t)n * V, *Rg_n = Rgl + (size_t)n * V;
        for (int j = 0; j < V; j++) {
            g_n[j] = exp(z_n[j] - mx) / se;
            if (want_r)
                pR += g_n[j] * Rz_n[j];
        }
        for (int j = 0; j < V; j++) {
            if (want_r)
                Rg_n[j] = g_n[j] * (Rz_n[j] - pR) / B;
            g_n[j] = (g_n[j] - (j == y[n])) / B;
        }
    }
    if (loss)
        *loss = sum / B;

    // backward and R-backward
    for (int l = L - 1; l >= 0; l--) {
        int C = h->dims[l], OC = h->dims[l + 1];
        if (g)
            dgemm(g[l], gl, a[l], true, false, 0.0, OC, C, B);
        if (want_r) {
            // Hv = R{g}^T a + g^T R{a}
            dgemm(Hv[l], Rgl, a[l], true, false, 0.0, OC, C, B);
            dgemm(Hv[l], gl, Ra[l], true, false, 1.0, OC, C, B);
        }
        if (l == 0)
            break;
        // da = g W, R{da} = R{g} W + g V
        dgemm(da, gl, h->W[l], false, false, 0.0, B, C, OC);
        if (want_r) {
            dgemm(Rda, Rgl, h->W[l], false, false, 0.0, B, C, OC);
            dgemm(Rda, gl, v[l], false, false, 1.0, B, C, OC);
        }
        for (size_t i = 0; i < (size_t)B * C; i++) {
            double f, d1, d2;
            act_eval(&h->act[l - 1], z[l - 1][i], &f, &d1, &d2);
            gl[i] = d1 * da[i];
            if (want_r)
                Rgl[i] = d2 * Rz[l - 1][i] * da[i] + d1 * Rda[i];
        }
    }
out:
    for (int l = 0; l <= L; l++) {
        free(a[l]);
        free(Ra[l]);
        if (l < L) {
            free(z[l]);
            free(Rz[l]);
        }
    }
    free(gl);
    free(Rgl);
    free(da);
    free(Rda);
    return rc;
}

int
vr_hutch_run(struct vr_hutch *out, const struct vr_hnet *h, const float *x,
    const int *y, int B, int min_probes, int max_probes, double rtol,
    struct vr_rng *rng)
{
    double *v[VR_MLP_MAXL] = {0}, *Hv[VR_MLP_MAXL] = {0};
    double s1[VR_MLP_MAXL] = {0}, s2[VR_MLP_MAXL] = {0};
    int L = h->L, rc = VR_OK;

    VR_ASSERT(min_probes >= 2 && max_probes >= min_probes);
    memset(out, 0, sizeof(*out));
    out->L = L;
    out->est = vr_mallocarray((size_t)max_probes * (size_t)L, sizeof(double));
    if (out->est == NULL)
        return VR_ENOMEM;
    for (int l = 0; l < L; l++) {
        v[l] = vr_mallocarray(h->nw[l], sizeof(double));
        Hv[l] = vr_mallocarray(h->nw[l], sizeof(double));
        if (v[l] == NULL || Hv[l] == NULL) {
            rc = VR_ENOMEM;
            goto out;
        }
    }
    for (int k = 0; k < max_probes; k++) {
        for (int l = 0; l < L; l++) {
            // Rademacher: one random bit per weight, 64 per draw
            uint64_t bits = 0;
            for (size_t i = 0; i < h->nw[l]; i++) {
                if (i % 64 == 0)
                    bits = vr_rng_u64(rng);
                v[l][i] = (bits & 1) ? 1.0 : -1.0;
                bits >>= 1;
            }
        }
        if ((rc = vr_hnet_hvp(h, NULL, NULL, Hv, v, x, y, B)) != VR_OK)
            goto out;
        bool conv = true;
        out->probes = k + 1;
        for (int l = 0; l < L; l++) {
            double e = 0;
            for (size_t i = 0; i < h->nw[l]; i++)
                e += v[l][i] * Hv[l][i];
            out->est[(size_t)k * L + l] = e;
            s1[l] += e;
            s2[l] += e * e;
            double n = k + 1, mean = s1[l] / n;
            double var = n > 1 ? (s2[l] - n * mean * mean) / (n - 1) : INFINITY;
            out->trace[l] = mean;
            out->se[l] = sqrt(var > 0 ? var : 0) / sqrt(n);
            if (!(out->se[l] <= rtol * fabs(mean)))
                conv = false;
        }
        out->converged = conv;
        if (conv && k + 1 >= min_probes)
            break;
    }
out:
    for (int l = 0; l < L; l++) {
        free(v[l]);
        free(Hv[l]);
    }
    if (rc != VR_OK)
        vr_hutch_free(out);
    return rc;
}

void
vr_hutch_free(struct vr_hutch *out)
{
    free(out->est);
    memset(out, 0, sizeof(*out));
}
