/* alloc.c: exact bit allocation on the Pareto front (see alloc.h). */
#include <stdlib.h>
#include <string.h>

#include "vr.h"
#include "base/mem.h"
#include "quant/alloc.h"

struct ent {
    unsigned long long used;
    double cost;
    size_t parent;      /* index into the previous layer's front */
    int b;
};

static int
cmp_ent(const void *pa, const void *pb)
{
    const struct ent *a = pa, *b = pb;

    if (a->used != b->used)
        return a->used < b->used ? -1 : 1;
    if (a->cost != b->cost)
        return a->cost < b->cost ? -1 : 1;
    if (a->parent != b->parent)
        return a->parent < b->parent ? -1 : 1;
    return a->b - b->b;
}

int
vr_alloc_bits(int *bits, double *best, const double *cost, const size_t *n,
    int L, int bmin, int bmax, unsigned long long budget)
{
    struct ent *front[VR_ALLOC_MAXL + 1] = {0};
    size_t nf[VR_ALLOC_MAXL + 1] = {0};
    const int W = VR_ALLOC_MAXB + 1;
    int rc = VR_OK;

    VR_ASSERT(L >= 1 && L <= VR_ALLOC_MAXL);
    VR_ASSERT(bmin >= 1 && bmin <= bmax && bmax <= VR_ALLOC_MAXB);
    front[0] = malloc(sizeof(struct ent));
    if (front[0] == NULL)
        return VR_ENOMEM;
    front[0][0] = (struct ent){ 0, 0.0, 0, 0 };
    nf[0] = 1;
    for (int l = 0; l < L; l++) {
        size_t ncand = 0, k = 0;
        struct ent *cand = vr_mallocarray(nf[l] * (size_t)(bmax - bmin + 1),
            sizeof(struct ent));
        if (cand == NULL) {
            rc = VR_ENOMEM;
            goto out;
        }
        // extend every surviving partial choice by every width
        for (size_t i = 0; i < nf[l]; i++)
            for (int b = bmin; b <= bmax; b++) {
                unsigned long long u = front[l][i].used
                    + (unsigned long long)n[l] * (unsigned long long)b;
                if (u > budget)
                    continue;
                cand[ncand++] = (struct ent){ u,
                    front[l][i].cost + cost[(size_t)l * W + b], i, b };
            }
        if (ncand == 0) {
            free(cand);
            rc = VR_ERANGE;
            goto out;
        }
        // keep the Pareto front: in order of bits used, strictly falling cost
        qsort(cand, ncand, sizeof(*cand), cmp_ent);
        for (size_t i = 0; i < ncand; i++)
            if (k == 0 || cand[i].cost < cand[k - 1].cost)
                cand[k++] = cand[i];
        front[l + 1] = cand;
        nf[l + 1] = k;
    }
    // the cheapest is the last entry of the front; walk back its parents
    size_t at = nf[L] - 1;
    *best = front[L][at].cost;
    for (int l = L; l >= 1; l--) {
        bits[l - 1] = front[l][at].b;
        at = front[l][at].parent;
    }
out:
    for (int l = 0; l <= L; l++)
        free(front[l]);
    return rc;
}
