/* util_qmlp.c: see util_qmlp.h. */
#include "util_qmlp.h"

void
vr_test_qlayer_fill(struct vr_qlayer *q, struct vr_rng *rng, int act,
    const struct vr_test_qpoly *poly)
{
    int64_t wmax = ((int64_t)1 << (q->wbits - 1)) - 1;
    int facc = q->fin + q->fw;

    for (int i = 0; i < q->C * q->OC; i++)
        q->W[i] = (int32_t)((int64_t)vr_rng_below(rng,
            (uint64_t)(2 * wmax + 1)) - wmax);
    for (int o = 0; o < q->OC; o++)
        q->b[o] = (int64_t)vr_rng_below(rng, 2001) - 1000;
    q->kpre = facc > 0 ? (int)vr_rng_below(rng, (uint64_t)facc + 1) : 0;
    q->act = act;
    if (act != VR_QACT_POLY)
        return;
    q->deg = poly->deg_min + (int)vr_rng_below(rng, (uint64_t)poly->deg_span);
    q->fc = (int)vr_rng_below(rng, (uint64_t)poly->fc_span);
    for (int k = 0; k <= q->deg; k++)
        q->coef[k] = (int64_t)vr_rng_below(rng, 4001) - 2000;
    int fu = vr_qlayer_fu(q), top = q->fc + q->deg * fu;
    q->kpost = top > 0 ? (int)vr_rng_below(rng, (uint64_t)top + 1) : 0;
    if (top - q->kpost > poly->fout_max)
        q->kpost = top - poly->fout_max;
}

void
vr_test_qinput(int64_t *X, const struct vr_qmlp *m, struct vr_rng *rng)
{
    int64_t lim = ((int64_t)1 << (m->in_bits - 1)) - 1;

    for (int c = 0; c < m->lay[0].C; c++) {
        uint64_t r = vr_rng_below(rng, 8);
        X[c] = r == 0 ? lim : r == 1 ? -lim
            : (int64_t)vr_rng_below(rng, (uint64_t)(2 * lim + 1)) - lim;
    }
}
