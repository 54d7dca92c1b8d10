/*
 * vr-quant: quantise an MLP model stream to the integer model that
 * vr-circuit compiles and vr-prove proves.  Uniform widths or
 * Hessian-guided mixed precision at a budget of weight bits, optional
 * quantisation-aware fine-tuning, scores against FP32 on the test split,
 * a CSV of per-layer bits and sensitivities, and a sweep of allocations
 * across budgets for the heatmap.  The arithmetic is lib/quant/qmlp.h.
 */
#include <err.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vr.h"
#include "base/mem.h"
#include "base/rng.h"
#include "cli/cli.h"
#include "nn/gemm.h"
#include "nn/metrics.h"
#include "nn/model.h"
#include "nn/train.h"
#include "quant/alloc.h"
#include "quant/hessian.h"
#include "quant/qmlp.h"
#include "quant/qmodel.h"
#include "quant/quantize.h"
#include "stream/dataset.h"

#define BMIN 2
#define BMAX 16
#define NEXTRA 14       /* header keys packed here beside qmodel's own */

static void
usage(void)
{
    fprintf(stderr, "usage: vr-quant [-fq] [-a abits] [-b bits | "
        "hessian:budget] [-C cbits] [-c csv]\n"
        "                -d dataset [-e epochs] [-l lr] [-n samples] "
        "[-p probes] [-S seed]\n"
        "                [-s sweep] [-t tol] [file]\n");
    exit(VR_EXIT_USAGE);
}

/* "-b 8" (uniform) or "-b hessian:8" (the budget of uniform 8 bits, any
 * decimal in [2, 16]). */
static void
parse_bits(const char *s, bool *hessian, double *b)
{
    const char *p = s;

    *hessian = strncmp(s, "hessian:", 8) == 0;
    if (*hessian) {
        p = s + 8;
        *b = vr_cli_double('b', p, BMIN, BMAX);
    } else
        *b = (double)vr_cli_long('b', p, BMIN, BMAX);
}

/* Bring d to the model's normalisation when the two differ (as
 * vr-train -e does): x_m = (x_d std_d + mean_d - mean_m) / std_m. */
static void
renormalise(struct vr_dataset *d, const struct vr_model *m)
{
    bool same = true;
    size_t C = (size_t)d->C;

    for (size_t c = 0; c < C; c++)
        same = same && d->mean[c] == m->mean[c] && d->std[c] == m->std[c];
    if (same)
        return;
    for (size_t i = 0; i < d->nrows * C; i++) {
        size_t c = i % C;
        d->x[i] = (float)(((double)d->x[i] * d->std[c] + d->mean[c] -
            m->mean[c]) / m->std[c]);
    }
}

/* Labelled samples of a split. */
static size_t *
labelled(const struct vr_dataset *d, int split, size_t *n)
{
    size_t *idx, k = 0;

    if (vr_dataset_split(d, split, &idx, n) != VR_OK)
        errx(VR_EXIT_SYS, "out of memory");
    for (size_t i = 0; i < *n; i++)
        if (d->label[idx[i]] >= 0)
            idx[k++] = idx[i];
    *n = k;
    return idx;
}

/*
 * Integer inference over samples idx: predictions into met (a refused
 * sample, VR_ERANGE, counts as a wrong class), agreements with the
 * predictions ref (if not NULL) counted in *agree, seen bounds folded
 * into q when fold.  Returns the number refused.
 */
static size_t
run_integer(struct vr_qmlp *q, struct vr_metrics *met, size_t *agree,
    const struct vr_dataset *d, const size_t *idx, size_t n,
    const int *ref, bool fold)
{
    struct vr_qtrace tr;
    int64_t *X = vr_mallocarray((size_t)q->lay[0].C, sizeof(int64_t));
    size_t refused = 0;

    if (X == NULL || vr_qtrace_init(&tr, q) != VR_OK)
        errx(VR_EXIT_SYS, "out of memory");
    if (met)
        vr_metrics_reset(met);
    for (size_t i = 0; i < n; i++) {
        size_t s = idx[i];
        int cls = vr_qmlp_quantize_input(q, X, vr_dataset_window_ptr(d, s));
        if (cls == VR_OK)
            cls = vr_qmlp_infer(q, fold ? &tr : NULL, NULL, X);
        if (cls == VR_ENOMEM)
            errx(VR_EXIT_SYS, "out of memory");
        if (cls < 0) {
            refused++;
            cls = (d->label[s] + 1) % VR_NCLASS;
        } else if (fold)
            vr_qmlp_bounds_add(q, &tr);
        if (met)
            vr_metrics_add(met, d->label[s], cls, d->regime[s]);
        if (ref && ref[i] == cls)
            (*agree)++;
    }
    vr_qtrace_free(&tr);
    free(X);
    return refused;
}

static void
pack_f64s(msgpack_packer *pk, const char *key, const double *v, int n,
    int *bad)
{
    *bad |= vr_pack_kv_f64s(pk, key, v, (size_t)n);
}

int
main(int argc, char **argv)
{
    const char *in, *dpath = NULL, *csv = NULL, *sweep = NULL, *spec = "8";
    bool fflag = false, qflag = false, hessian;
    int abits = 16, cbits = 16, epochs = 10, probes = 100, ch, rc, L;
    long ncal = 1024;
    double lr = 1e-5, tol = 0.05, bavg;
    uint64_t seed = 0;
    struct vr_reader mr, dr;
    FILE *mf, *df;
    struct vr_model m;
    struct vr_dataset d;
    struct vr_progress prog;
    struct vr_rng rng;

    vr_cli_blas_setup(argv);
    vr_cli_init(argc, argv);
    while ((ch = getopt(argc, argv, "a:b:C:c:d:e:fl:n:p:qS:s:t:")) != -1) {
        switch (ch) {
        case 'a':
            abits = (int)vr_cli_long(ch, optarg, 4, 30);
            break;
        case 'b':
            spec = optarg;
            break;
        case 'C':
            cbits = (int)vr_cli_long(ch, optarg, 0, 30);
            break;
        case 'c':
            csv = optarg;
            break;
        case 'd':
            dpath = optarg;
            break;
        case 'e':
            epochs = (int)vr_cli_long(ch, optarg, 0, 10000);
            break;
        case 'f':
            fflag = true;
            break;
        case 'l':
            lr = vr_cli_double(ch, optarg, 0, 10);
            break;
        case 'n':
            ncal = vr_cli_long(ch, optarg, 2, 1 << 24);
            break;
        case 'p':
            probes = (int)vr_cli_long(ch, optarg, 2, 1000000);
            break;
        case 'q':
            qflag = true;
            break;
        case 'S':
            seed = (uint64_t)vr_cli_long(ch, optarg, 0, INT64_MAX);
            break;
        case 's':
            sweep = optarg;
            break;
        case 't':
            tol = vr_cli_double(ch, optarg, 0, 1e9);
            break;
        default:
            usage();
        }
    }
    argc -= optind;
    argv += optind;
    if (argc > 1 || dpath == NULL)
        usage();
    in = argc == 1 ? argv[0] : "-";
    if (strcmp(in, "-") == 0 && strcmp(dpath, "-") == 0)
        errx(VR_EXIT_USAGE, "the model and -d cannot both be stdin");
    parse_bits(spec, &hessian, &bavg);
    vr_cli_refuse_tty(fflag);
    vr_progress_init(&prog, qflag);
    vr_rng_seed(&rng, seed);

    // the float model and the dataset
    vr_cli_reader_open(&mr, &mf, in, "model");
    if ((rc = vr_model_read(&m, &mr)) != VR_OK)
        vr_cli_fail(rc, in, &mr);
    if (m.arch != VR_ARCH_MLP)
        errx(VR_EXIT_DATA, "%s: a %s model; vr-quant quantises MLPs",
            vr_cli_name(in), vr_model_arch_name(&m));
    L = m.mlp.L;
    if (L > VR_QMLP_MAXL || L > VR_ALLOC_MAXL)
        errx(VR_EXIT_DATA, "%s: %d layers, at most %d", vr_cli_name(in), L,
            VR_QMLP_MAXL);
    vr_cli_reader_open(&dr, &df, dpath, "dataset");
    if ((rc = vr_dataset_read(&d, &dr)) != VR_OK)
        vr_cli_fail(rc, dpath, &dr);
    {
        char msg[256];
        if (vr_model_check_input(&m, &d, msg, sizeof(msg)) != VR_OK)
            errx(VR_EXIT_DATA, "%s: %s", vr_cli_name(dpath), msg);
    }
    renormalise(&d, &m);

    size_t ntrain, ntest, *itrain = labelled(&d, VR_SPLIT_TRAIN, &ntrain);
    size_t *itest = labelled(&d, VR_SPLIT_TEST, &ntest);
    size_t nval, *ival = labelled(&d, VR_SPLIT_VAL, &nval);
    if (ntrain < 2)
        errx(VR_EXIT_DATA, "%s: fewer than 2 labelled training samples",
            vr_cli_name(dpath));

    // calibration set: ncal training windows drawn without replacement
    size_t nc = (size_t)ncal < ntrain ? (size_t)ncal : ntrain;
    size_t TC = (size_t)d.T * (size_t)d.C;
    size_t *perm = vr_mallocarray(ntrain, sizeof(size_t));
    float *xcal = vr_mallocarray(nc * TC, sizeof(float));
    int *ycal = vr_mallocarray(nc, sizeof(int));
    if (!perm || !xcal || !ycal)
        errx(VR_EXIT_SYS, "out of memory");
    memcpy(perm, itrain, ntrain * sizeof(size_t));
    for (size_t i = 0; i < nc; i++) {
        size_t j = i + (size_t)vr_rng_below(&rng, ntrain - i), t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
        memcpy(xcal + i * TC, vr_dataset_window_ptr(&d, perm[i]),
            TC * sizeof(float));
        ycal[i] = d.label[perm[i]];
    }
    free(perm);

    // FP32 baseline on the test split
    struct vr_metrics met_fp, met_q;
    struct vr_scores sc_fp, sc_q;
    int *pred_fp = vr_mallocarray(ntest ? ntest : 1, sizeof(int));
    if (pred_fp == NULL)
        errx(VR_EXIT_SYS, "out of memory");
    if ((rc = vr_model_predict(&m, pred_fp, &d, itest, ntest)) != VR_OK)
        vr_cli_fail(rc, in, NULL);
    vr_metrics_reset(&met_fp);
    for (size_t i = 0; i < ntest; i++)
        vr_metrics_add(&met_fp, d.label[itest[i]], pred_fp[i],
            d.regime[itest[i]]);
    vr_metrics_scores(&sc_fp, &met_fp, VR_METRICS_ALL);

    // sensitivities: Hutchinson traces of each layer's Hessian block
    size_t nw[VR_QMLP_MAXL];
    unsigned long long nwsum = 0;
    for (int l = 0; l < L; l++) {
        nw[l] = (size_t)m.mlp.dims[l] * (size_t)m.mlp.dims[l + 1];
        nwsum += nw[l];
    }
    struct vr_hutch hu = {0};
    double sens[VR_QMLP_MAXL] = {0}, hsec = 0;
    bool have_h = hessian || csv != NULL || sweep != NULL;
    if (have_h) {
        struct vr_hnet h;
        double t0 = vr_now();
        if (vr_hnet_init(&h, &m.mlp) != VR_OK)
            errx(VR_EXIT_SYS, "out of memory");
        rc = vr_hutch_run(&hu, &h, xcal, ycal, (int)nc,
            probes < 10 ? probes : 10, probes, tol, &rng);
        if (rc != VR_OK)
            errx(vr_exit_code(rc), "Hutchinson: %s", vr_strerror(rc));
        vr_hnet_free(&h);
        hsec = vr_now() - t0;
        for (int l = 0; l < L; l++) {
            sens[l] = fabs(hu.trace[l]) / (double)nw[l];
            vr_progress_line(&prog, "layer %d: %zu weights, Tr H %.6g +- "
                "%.2g (%d probes%s), S = |Tr H| / n = %.4g", l, nw[l],
                hu.trace[l], hu.se[l], hu.probes,
                hu.converged ? "" : ", not converged", sens[l]);
        }
        vr_progress_line(&prog, "Hutchinson: %d probes on %zu samples, "
            "%.1f s", hu.probes, nc, hsec);
    }

    // quantisation error of every layer at every width, and the costs
    double cost[VR_QMLP_MAXL * (VR_ALLOC_MAXB + 1)] = {0};
    double qerr[VR_QMLP_MAXL][VR_ALLOC_MAXB + 1] = {{0}};
    for (int l = 0; l < L; l++)
        for (int b = BMIN; b <= BMAX; b++) {
            qerr[l][b] = vr_quant_werr(&m.mlp, l, b);
            cost[l * (VR_ALLOC_MAXB + 1) + b] = sens[l] * qerr[l][b];
        }

    // the widths
    int bits[VR_QMLP_MAXL];
    unsigned long long budget = (unsigned long long)floor(bavg *
        (double)nwsum), used = 0;
    if (hessian) {
        double best;
        rc = vr_alloc_bits(bits, &best, cost, nw, L, BMIN, BMAX, budget);
        if (rc != VR_OK)
            errx(VR_EXIT_USAGE, "-b %s: no allocation fits the budget", spec);
    } else
        for (int l = 0; l < L; l++)
            bits[l] = (int)bavg;
    for (int l = 0; l < L; l++)
        used += nw[l] * (unsigned)bits[l];

    // the sweep of allocations across budgets (for the heatmap)
    if (sweep) {
        struct vr_afile a;
        vr_cli_afile_open(&a, sweep);
        fprintf(a.f, "budget_bits_per_weight,layer,weights,bits,cost\n");
        for (int k = 2 * BMIN; k <= 2 * BMAX; k++) {
            int sb[VR_QMLP_MAXL];
            double best;
            unsigned long long bb = (unsigned long long)floor(k / 2.0 *
                (double)nwsum);
            if (vr_alloc_bits(sb, &best, cost, nw, L, BMIN, BMAX, bb)
                != VR_OK)
                continue;
            for (int l = 0; l < L; l++)
                fprintf(a.f, "%.1f,%d,%zu,%d,%.6g\n", k / 2.0, l, nw[l],
                    sb[l], best);
        }
        vr_cli_afile_commit(&a);
    }

    // the float model it came from, before fine-tuning
    float *orig = vr_mallocarray(m.nparams, sizeof(float));
    if (orig == NULL)
        errx(VR_EXIT_SYS, "out of memory");
    memcpy(orig, m.params, m.nparams * sizeof(float));

    // quantisation-aware fine-tuning, the best epoch on validation kept
    struct vr_quant_qat_opts qo;
    int best_epoch = 0;
    double *qloss = vr_callocarray((size_t)epochs + 1, sizeof(double));
    double *qval = vr_callocarray((size_t)epochs + 1, sizeof(double));
    if (qloss == NULL || qval == NULL)
        errx(VR_EXIT_SYS, "out of memory");
    vr_quant_qat_defaults(&qo);
    qo.epochs = epochs;
    qo.lr = lr;
    if (epochs > 0) {
        double t0 = vr_now();
        rc = vr_quant_qat(&m.mlp, &best_epoch, bits, &d, itrain, ntrain,
            ival, nval, &qo, &rng, qloss, qval);
        if (rc != VR_OK)
            errx(vr_exit_code(rc), "fine-tuning: %s", vr_strerror(rc));
        for (int e = 0; e < epochs; e++)
            if (!isfinite(qloss[e]))
                errx(VR_EXIT_DATA, "fine-tuning diverged at epoch %d "
                    "(try a smaller -l)", e + 1);
        for (int e = 1; e <= epochs; e++)
            vr_progress_line(&prog, "fine-tuning epoch %d/%d: loss %.4f "
                "val macro-F1 %.4f (before: %.4f)%s", e, epochs,
                qloss[e - 1], qval[e], qval[0], e == best_epoch ? " *" : "");
        vr_progress_line(&prog, "fine-tuning: kept epoch %d (%s), %.1f s",
            best_epoch, best_epoch ? "best validation macro-F1"
            : "no epoch beat the model as given", vr_now() - t0);
    }

    // the integer model, its seen bounds (training split), its scores
    struct vr_qmlp q;
    rc = vr_quant_build(&q, &m.mlp, bits, abits, cbits, xcal, (int)nc);
    if (rc == VR_ERANGE)
        errx(VR_EXIT_DATA, "%s: a scale cannot be represented (weights or "
            "activations out of range)", vr_cli_name(in));
    if (rc != VR_OK)
        errx(vr_exit_code(rc), "quantising: %s", vr_strerror(rc));
    size_t agree = 0;
    size_t refused_train = run_integer(&q, NULL, NULL, &d, itrain, ntrain,
        NULL, true);
    size_t refused = run_integer(&q, &met_q, &agree, &d, itest, ntest,
        pred_fp, false);
    double agreef = ntest ? (double)agree / (double)ntest : 1.0;
    vr_metrics_scores(&sc_q, &met_q, VR_METRICS_ALL);

    // the table
    if (!qflag) {
        char wb[64] = "", lbl[32];
        int at = 0;
        for (int l = 0; l < L; l++)
            at += snprintf(wb + at, sizeof(wb) - (size_t)at, "%s%d",
                l ? "/" : "", bits[l]);
        snprintf(lbl, sizeof(lbl), "%s%s", hessian ? "hessian:" : "W", spec +
            (hessian ? 8 : 0));
        fprintf(stderr, "%-14s %-12s %6s %9s %7s %7s %7s %7s %7s %7s\n",
            "variant", "bits/layer", "bits/w", "wbits", "acc", "mF1",
            "dacc", "dmF1", "agree", "refused");
        fprintf(stderr, "%-14s %-12s %6.2f %9llu %7.4f %7.4f %7s %7s %7s "
            "%7s\n", "FP32", "32", 32.0, 32ULL * nwsum, sc_fp.accuracy,
            sc_fp.macro_f1, "-", "-", "-", "-");
        fprintf(stderr, "%-14s %-12s %6.2f %9llu %7.4f %7.4f %+7.4f "
            "%+7.4f %7.4f %7zu\n", lbl, wb, (double)used / (double)nwsum,
            used, sc_q.accuracy, sc_q.macro_f1,
            sc_q.accuracy - sc_fp.accuracy, sc_q.macro_f1 - sc_fp.macro_f1,
            agreef, refused);
        for (int l = 0; l < L; l++) {
            const struct vr_qlayer *ql = &q.lay[l];
            fprintf(stderr, "layer %d: W%d fw %d fin %d kpre %d kpost %d "
                "fout %d; bits seen/worst Z %d/%d U %d/%d P %d/%d A %d/%d\n",
                l, ql->wbits, ql->fw, ql->fin, ql->kpre, ql->kpost,
                vr_qlayer_fout(ql),
                ql->bound[VR_QST_Z].seen_bits, ql->bound[VR_QST_Z].wc_bits,
                ql->bound[VR_QST_U].seen_bits, ql->bound[VR_QST_U].wc_bits,
                ql->bound[VR_QST_P].seen_bits, ql->bound[VR_QST_P].wc_bits,
                ql->bound[VR_QST_A].seen_bits, ql->bound[VR_QST_A].wc_bits);
        }
        if (refused_train)
            fprintf(stderr, "%zu training samples out of range\n",
                refused_train);
    }

    // the CSV of per-layer bits and sensitivities
    if (csv) {
        struct vr_afile a;
        vr_cli_afile_open(&a, csv);
        fprintf(a.f, "layer,weights,bits,trace,trace_se,probes,sensitivity,"
            "qerr,cost\n");
        for (int l = 0; l < L; l++)
            fprintf(a.f, "%d,%zu,%d,%.8g,%.4g,%d,%.8g,%.8g,%.8g\n", l, nw[l],
                bits[l], hu.trace[l], hu.se[l], hu.probes, sens[l],
                qerr[l][bits[l]], cost[l * (VR_ALLOC_MAXB + 1) + bits[l]]);
        vr_cli_afile_commit(&a);
    }

    // the qmodel stream
    struct vr_writer w;
    const char *names[VR_QMLP_MAXL], *feats[VR_MAXFEAT];
    msgpack_packer *pk = &w.pk;
    int bad = 0;
    for (int l = 0; l < L; l++)
        names[l] = l < L - 1 ? m.mlp.act[l].name : "none";
    for (int c = 0; c < m.C; c++)
        feats[c] = m.feat[c];
    vr_writer_init(&w, stdout);
    if (vr_qmodel_write_header(&w, &q, names, vr_meta_get(mr.header,
        "provenance"), vr_cli_cmdline(), NEXTRA) != VR_OK)
        vr_cli_fail(VR_EIO, "stdout", NULL);
    bad |= vr_pack_kv_obj(pk, "model", mr.header);
    bad |= vr_pack_kv_i64(pk, "T", m.T);
    bad |= vr_pack_kv_i64(pk, "C", m.C);
    bad |= vr_pack_kv_strs(pk, "features", feats, (size_t)m.C);
    pack_f64s(pk, "norm_mean", m.mean, m.C, &bad);
    pack_f64s(pk, "norm_std", m.std, m.C, &bad);
    bad |= vr_pack_kv_str(pk, "mode", hessian ? "hessian" : "uniform");
    bad |= vr_pack_kv_i64(pk, "budget_bits", (long long)budget);
    bad |= vr_pack_kv_i64(pk, "weight_bits", (long long)used);
    bad |= vr_pack_kv_i64(pk, "abits", abits);
    bad |= vr_pack_kv_i64(pk, "cbits", cbits);
    bad |= vr_pack_str(pk, "hutchinson") || msgpack_pack_map(pk, 6);
    bad |= vr_pack_kv_i64(pk, "probes", hu.probes);
    bad |= vr_pack_kv_bool(pk, "converged", hu.converged);
    bad |= vr_pack_kv_i64(pk, "samples", have_h ? (long long)nc : 0);
    pack_f64s(pk, "trace", hu.trace, have_h ? L : 0, &bad);
    pack_f64s(pk, "trace_se", hu.se, have_h ? L : 0, &bad);
    pack_f64s(pk, "sensitivity", sens, have_h ? L : 0, &bad);
    bad |= vr_pack_str(pk, "qat") || msgpack_pack_map(pk, 6);
    bad |= vr_pack_kv_i64(pk, "epochs", epochs);
    bad |= vr_pack_kv_f64(pk, "lr", lr);
    bad |= vr_pack_kv_f64(pk, "smoothing", qo.smoothing);
    bad |= vr_pack_kv_i64(pk, "best_epoch", best_epoch);
    pack_f64s(pk, "loss", qloss, epochs, &bad);
    pack_f64s(pk, "val_macro_f1", qval, epochs > 0 ? epochs + 1 : 0, &bad);
    bad |= vr_pack_str(pk, "scores") || msgpack_pack_map(pk, 5);
    bad |= vr_pack_kv_f64(pk, "agree_fp32", agreef);
    bad |= vr_pack_str(pk, "fp32") || vr_metrics_pack(pk, &met_fp);
    bad |= vr_pack_str(pk, "quant") || vr_metrics_pack(pk, &met_q);
    bad |= vr_pack_kv_i64(pk, "refused_test", (long long)refused);
    bad |= vr_pack_kv_i64(pk, "refused_train", (long long)refused_train);
    if (bad)
        vr_cli_fail(VR_EIO, "stdout", NULL);
    for (int k = 0; k < m.nparam; k++) {
        const struct vr_param *p = &m.param[k];
        if (vr_writer_put(&w, p->name, VR_DT_F32, orig + p->off, p->shape[0],
            p->rank == 2 ? p->shape[1] : 0) != VR_OK)
            vr_cli_fail(VR_EIO, "stdout", NULL);
    }
    if (vr_qmodel_write_tensors(&w, &q) != VR_OK
        || vr_writer_end(&w) != VR_OK)
        vr_cli_fail(VR_EIO, "stdout", NULL);
    vr_cli_close_output();

    vr_qmlp_free(&q);
    vr_hutch_free(&hu);
    free(orig);
    free(qloss);
    free(qval);
    free(ival);
    free(xcal);
    free(ycal);
    free(itrain);
    free(itest);
    free(pred_fp);
    vr_model_free(&m);
    vr_dataset_free(&d);
    vr_reader_free(&mr);
    vr_reader_free(&dr);
    fclose(mf);
    fclose(df);
    return VR_EXIT_OK;
}
