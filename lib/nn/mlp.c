#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vr.h"
#include "base/mem.h"
#include "nn/dense.h"
#include "nn/mlp.h"

int
vr_mlp_init(struct vr_mlp *m, const int *dims, int L,
    const struct vr_act *acts)
{
    size_t off = 0;

    memset(m, 0, sizeof(*m));
    if (L < 1 || L > VR_MLP_MAXL)
        return VR_ERANGE;
    for (int l = 0; l <= L; l++)
        if (dims[l] < 1 || dims[l] > 65536)
            return VR_ERANGE;
    m->L = L;
    memcpy(m->dims, dims, (size_t)(L + 1) * sizeof(int));
    for (int l = 0; l < L - 1; l++)
        m->act[l] = acts[l];
    for (int l = 0; l < L; l++) {
        struct vr_param *w = &m->param[2 * l], *b = &m->param[2 * l + 1];
        snprintf(w->name, sizeof(w->name), "lins.%d.weight", l);
        w->rank = 2;
        w->shape[0] = (size_t)dims[l + 1];
        w->shape[1] = (size_t)dims[l];
        w->n = w->shape[0] * w->shape[1];
        w->off = off;
        off += w->n;
        snprintf(b->name, sizeof(b->name), "lins.%d.bias", l);
        b->rank = 1;
        b->shape[0] = b->n = (size_t)dims[l + 1];
        b->off = off;
        off += b->n;
    }
    m->nparam = 2 * L;
    m->nparams = off;
    if (off > VR_MAXPARAM_FLOATS)
        return VR_ERANGE;
    m->params = vr_callocarray(off, sizeof(float));
    m->grads = vr_callocarray(off, sizeof(float));
    if (m->params == NULL || m->grads == NULL) {
        vr_mlp_free(m);
        return VR_ENOMEM;
    }
    for (int l = 0; l < L; l++) {
        m->W[l] = m->params + m->param[2 * l].off;
        m->b[l] = m->params + m->param[2 * l + 1].off;
        m->dW[l] = m->grads + m->param[2 * l].off;
        m->db[l] = m->grads + m->param[2 * l + 1].off;
    }
    return VR_OK;
}

void
vr_mlp_init_params(struct vr_mlp *m, struct vr_rng *rng)
{
    for (int l = 0; l < m->L; l++) {
        double k = 1.0 / sqrt((double)m->dims[l]);
        size_t nw = (size_t)m->dims[l + 1] * (size_t)m->dims[l];
        for (size_t i = 0; i < nw; i++)
            m->W[l][i] = (float)((2.0 * vr_rng_uniform(rng) - 1.0) * k);
        for (int i = 0; i < m->dims[l + 1]; i++)
            m->b[l][i] = (float)((2.0 * vr_rng_uniform(rng) - 1.0) * k);
    }
}

/* Make room for B rows of activations. */
static int
reserve(struct vr_mlp *m, int B)
{
    size_t per = 0, wmax = 0;

    if (B <= m->Bcap)
        return VR_OK;
    for (int l = 1; l <= m->L; l++) {
        per += 2 * (size_t)m->dims[l];
        if ((size_t)m->dims[l] > wmax)
            wmax = (size_t)m->dims[l];
    }
    per += 2 * wmax;
    float *a = vr_mallocarray((size_t)B, per * sizeof(float));
    if (a == NULL)
        return VR_ENOMEM;
    free(m->acts);
    m->acts = a;
    for (int l = 0; l < m->L; l++) {
        size_t n = (size_t)B * (size_t)m->dims[l + 1];
        m->pre[l] = a;
        m->out[l] = a + n;
        a += 2 * n;
    }
    m->d0 = a;
    m->d1 = a + (size_t)B * wmax;
    m->Bcap = B;
    return VR_OK;
}

int
vr_mlp_forward(struct vr_mlp *m, float *logits, const float *x, int B)
{
    int rc, L = m->L;

    if ((rc = reserve(m, B)) != VR_OK)
        return rc;
    m->in = x;
    m->B = B;
    for (int l = 0; l < L; l++) {
        const float *in = l == 0 ? x : m->out[l - 1];
        int C = m->dims[l], OC = m->dims[l + 1];
        size_t n = (size_t)B * (size_t)OC;
        // pre_l (B, OC) = in (B, C) W_l^T + b_l;  out_l = act_l(pre_l)
        vr_dense_forward(m->pre[l], in, C, m->W[l], m->b[l], B, C, OC);
        if (l < L - 1)
            vr_act_forward(&m->act[l], m->out[l], m->pre[l], n);
        else
            memcpy(m->out[l], m->pre[l], n * sizeof(float));
    }
    memcpy(logits, m->out[L - 1], (size_t)B * (size_t)m->dims[L] *
        sizeof(float));
    return VR_OK;
}

void
vr_mlp_backward(struct vr_mlp *m, const float *dlogits)
{
    vr_mlp_backward_hook(m, dlogits, NULL, NULL);
}

void
vr_mlp_backward_hook(struct vr_mlp *m, const float *dlogits,
    vr_mlp_hook *hook, void *ctx)
{
    int B = m->B;
    const float *dout = dlogits;        /* d loss / d pre_l */

    // d1 receives d loss / d out_{l-1}, d0 d loss / d pre_{l-1}; the
    // dense backward reads dout (d0) before the act overwrites it
    for (int l = m->L - 1; l >= 0; l--) {
        const float *in = l == 0 ? m->in : m->out[l - 1];
        int C = m->dims[l], OC = m->dims[l + 1];
        if (l == 0) {
            vr_dense_backward(NULL, C, m->dW[l], m->db[l], dout, in, C,
                m->W[l], B, C, OC);
            break;
        }
        size_t n = (size_t)B * (size_t)C;
        memset(m->d1, 0, n * sizeof(float));
        vr_dense_backward(m->d1, C, m->dW[l], m->db[l], dout, in, C,
            m->W[l], B, C, OC);
        memset(m->d0, 0, n * sizeof(float));
        vr_act_backward(&m->act[l - 1], m->d0, m->d1, m->pre[l - 1], n);
        if (hook != NULL)
            hook(ctx, l - 1, m->d0, m->d1, m->pre[l - 1], n);
        dout = m->d0;
    }
}

void
vr_mlp_free(struct vr_mlp *m)
{
    free(m->params);
    free(m->grads);
    free(m->acts);
    m->params = m->grads = m->acts = NULL;
    m->Bcap = 0;
}
