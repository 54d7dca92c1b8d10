#include <string.h>

#include "vr.h"
#include "nn/metrics.h"

void
vr_metrics_reset(struct vr_metrics *m)
{
    memset(m, 0, sizeof(*m));
}

void
vr_metrics_add(struct vr_metrics *m, int y, int pred, int regime)
{
    VR_ASSERT(y >= 0 && y < VR_NCLASS && pred >= 0 && pred < VR_NCLASS);
    VR_ASSERT(regime >= 0 && regime < VR_NREGIME);
    m->cm[regime][y][pred]++;
    m->cm[VR_METRICS_ALL][y][pred]++;
}

void
vr_metrics_scores(struct vr_scores *s, const struct vr_metrics *m,
    int regime)
{
    const long (*cm)[VR_NCLASS] = m->cm[regime];
    long correct = 0;

    memset(s, 0, sizeof(*s));
    for (int k = 0; k < VR_NCLASS; k++) {
        long tp = cm[k][k], fp = 0, fn = 0;
        for (int j = 0; j < VR_NCLASS; j++) {
            s->n += cm[k][j];
            if (j != k) {
                fp += cm[j][k];
                fn += cm[k][j];
            }
        }
        correct += tp;
        s->precision[k] = tp + fp ? (double)tp / (double)(tp + fp) : 0;
        s->recall[k] = tp + fn ? (double)tp / (double)(tp + fn) : 0;
        s->f1[k] = 2 * tp + fp + fn ? 2.0 * (double)tp /
            (double)(2 * tp + fp + fn) : 0;
        s->macro_f1 += s->f1[k] / VR_NCLASS;
    }
    s->accuracy = s->n ? (double)correct / (double)s->n : 0;
}

int
vr_metrics_print(FILE *f, const struct vr_metrics *m, const char *title)
{
    struct vr_scores s;
    const long (*cm)[VR_NCLASS] = m->cm[VR_METRICS_ALL];

    fprintf(f, "%-13s %8s %6s %6s  %-17s %-17s %s\n", title, "n", "acc",
        "mF1", "SELL P/R/F1", "HOLD P/R/F1", "BUY P/R/F1");
    // the overall row first, then the regimes that have samples
    for (int r = 0; r <= VR_NREGIME; r++) {
        int g = r == 0 ? VR_METRICS_ALL : r - 1;
        vr_metrics_scores(&s, m, g);
        if (s.n == 0 && g != VR_METRICS_ALL)
            continue;
        fprintf(f, "%-13s %8ld %6.4f %6.4f ", g == VR_METRICS_ALL ? "all" :
            vr_regime_names[g], s.n, s.accuracy, s.macro_f1);
        for (int k = 0; k < VR_NCLASS; k++)
            fprintf(f, " %.3f/%.3f/%.3f", s.precision[k], s.recall[k],
                s.f1[k]);
        fputc('\n', f);
    }
    fprintf(f, "confusion (rows true, columns predicted SELL HOLD BUY):\n");
    for (int k = 0; k < VR_NCLASS; k++)
        fprintf(f, "  %-4s %9ld %9ld %9ld\n", vr_class_names[k], cm[k][0],
            cm[k][1], cm[k][2]);
    return ferror(f) ? VR_EIO : VR_OK;
}

static int
pack_scores(msgpack_packer *pk, const struct vr_metrics *m, int g)
{
    struct vr_scores s;
    double cmv[VR_NCLASS * VR_NCLASS];

    vr_metrics_scores(&s, m, g);
    for (int k = 0; k < VR_NCLASS * VR_NCLASS; k++)
        cmv[k] = (double)m->cm[g][k / VR_NCLASS][k % VR_NCLASS];
    return vr_pack_kv_i64(pk, "n", s.n) ||
        vr_pack_kv_f64(pk, "accuracy", s.accuracy) ||
        vr_pack_kv_f64(pk, "macro_f1", s.macro_f1) ||
        vr_pack_kv_f64s(pk, "precision", s.precision, VR_NCLASS) ||
        vr_pack_kv_f64s(pk, "recall", s.recall, VR_NCLASS) ||
        vr_pack_kv_f64s(pk, "f1", s.f1, VR_NCLASS) ||
        vr_pack_kv_f64s(pk, "confusion", cmv, VR_NCLASS * VR_NCLASS) ? -1 : 0;
}

int
vr_metrics_pack(msgpack_packer *pk, const struct vr_metrics *m)
{
    if (msgpack_pack_map(pk, 8) || pack_scores(pk, m, VR_METRICS_ALL) ||
        vr_pack_str(pk, "regimes") || msgpack_pack_map(pk, VR_NREGIME))
        return -1;
    for (int g = 0; g < VR_NREGIME; g++)
        if (vr_pack_str(pk, vr_regime_names[g]) ||
            msgpack_pack_map(pk, 7) || pack_scores(pk, m, g))
            return -1;
    return 0;
}
