/*
 * vr-distill: train the zk-friendly MLP student (480-128-64-32-3 with
 * polynomial or ReLU activations) on a dataset stream, distilling the
 * teacher's logits, and write the student's model stream.  The teacher's
 * logits are computed once per dataset and cached in a "logits" stream.
 * The work is vr_distill() and friends in lib/nn (distill.h, kd.h,
 * poly.h); this file is options, the cache, progress and the tables.
 */
#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vr.h"
#include "base/mem.h"
#include "cli/cli.h"
#include "nn/distill.h"
#include "nn/gemm.h"
#include "nn/kd.h"
#include "nn/model.h"
#include "nn/poly.h"
#include "nn/train.h"
#include "stream/dataset.h"

static void
usage(void)
{
    fprintf(stderr, "usage: vr-distill [-CfPquvx] [-A alpha] [-a act] "
        "[-B beta] [-b batch] [-c clip]\n"
        "                  [-G gamma] [-g std] [-I lo,hi] [-i model] "
        "[-j threads] [-k steps]\n"
        "                  [-L logits] [-l lr] [-n epochs] [-p patience] "
        "[-Q bits,frac]\n"
        "                  [-R l1,l2] [-r range] [-S seed] [-T temp] "
        "[-t teacher] [-V variant]\n"
        "                  [-w weights] [-z skips] [file]\n");
    exit(VR_EXIT_USAGE);
}

/* "a,b" into two doubles in [lo, hi]. */
static void
parse_pair(int opt, const char *s, double *a, double *b, double lo,
    double hi)
{
    const char *comma = strchr(s, ',');
    char buf[64];

    if (comma == NULL || (size_t)(comma - s) >= sizeof(buf))
        errx(VR_EXIT_USAGE, "-%c: want two numbers a,b, got '%s'", opt, s);
    memcpy(buf, s, (size_t)(comma - s));
    buf[comma - s] = '\0';
    *a = vr_cli_double(opt, buf, lo, hi);
    *b = vr_cli_double(opt, comma + 1, lo, hi);
}

static void
parse_weights(struct vr_train_opts *o, bool *autow, const char *s)
{
    char buf[128], *save = NULL, *tok;
    int k = 0;

    o->weighted = true;
    if (strcmp(s, "auto") == 0 || strcmp(s, "sqrt") == 0) {
        *autow = true;
        o->w[0] = s[0] == 's' ? 0.5f : 1.0f;   /* exponent, applied later */
        return;
    }
    if (strlen(s) >= sizeof(buf))
        errx(VR_EXIT_USAGE, "-w: '%s' is too long", s);
    strcpy(buf, s);
    for (tok = strtok_r(buf, ",", &save); tok != NULL;
        tok = strtok_r(NULL, ",", &save)) {
        if (k == VR_NCLASS)
            errx(VR_EXIT_USAGE, "-w: more than %d weights", VR_NCLASS);
        o->w[k++] = (float)vr_cli_double('w', tok, 1e-6, 1e6);
    }
    if (k != VR_NCLASS)
        errx(VR_EXIT_USAGE, "-w: want 'auto', 'sqrt' or %d weights "
            "SELL,HOLD,BUY", VR_NCLASS);
}

static void
progress(void *ctx, const struct vr_train_status *s)
{
    struct vr_progress *p = ctx;

    if (!s->epoch_end)
        vr_progress_live(p, "epoch %d/%d step %ld/%ld loss %.4f "
            "%.0f samples/s", s->epoch + 1, s->epochs, s->step, s->steps,
            s->loss, s->rate);
    else
        vr_progress_line(p, "epoch %d/%d: loss %.4g val macro-F1 %.4f "
            "acc %.4f (%.1f s, %.0f samples/s)%s", s->epoch + 1, s->epochs,
            s->loss, s->val_f1, s->val_acc, s->seconds, s->rate,
            s->improved ? " *" : "");
}

/* -P: the activation, its derivative and ReLU / swish beside them, 401
 * points over the interval widened by a quarter on each side, as
 * columns for gnuplot. */
static void
print_curves(const struct vr_act *a, double lo, double hi)
{
    double w = (hi - lo) / 4, x0 = lo - w, x1 = hi + w;

    printf("# act %s on [%g, %g]; coefficients c0..:", a->name, lo, hi);
    for (int k = 0; k < vr_act_ncoef(a); k++)
        printf(" %.17g", a->c[k]);
    printf("\n# x f(x) f'(x) relu relu' swish swish'\n");
    for (int i = 0; i <= 400; i++) {
        float x = (float)(x0 + (x1 - x0) * i / 400), y, dy = 0, one = 1;
        vr_act_forward(a, &y, &x, 1);
        vr_act_backward(a, &dy, &one, &x, 1);
        double sg = 1 / (1 + exp(-(double)x));
        printf("%.6g %.8g %.8g %.8g %d %.8g %.8g\n", (double)x, (double)y,
            (double)dy, x > 0 ? (double)x : 0.0, x > 0, x * sg,
            sg * (1 + x * (1 - sg)));
    }
    vr_cli_close_output();
}

static void
read_model(struct vr_model *m, const char *path)
{
    struct vr_reader r;
    FILE *f;
    int rc;

    vr_cli_reader_open(&r, &f, path, "model");
    if ((rc = vr_model_read(m, &r)) != VR_OK)
        vr_cli_fail(rc, path, &r);
    vr_reader_free(&r);
    fclose(f);
}

static void
check_fits(const struct vr_model *m, const struct vr_dataset *d,
    const char *path, const char *in)
{
    char msg[256];

    if (vr_model_check_input(m, d, msg, sizeof(msg)) != VR_OK)
        errx(VR_EXIT_DATA, "%s: %s (model %s)", vr_cli_name(in), msg, path);
    for (int c = 0; c < d->C; c++)
        if (d->mean[c] != m->mean[c] || d->std[c] != m->std[c])
            errx(VR_EXIT_DATA, "%s: feature %d is normalised differently "
                "from model %s", vr_cli_name(in), c, path);
}

/*
 * The teacher's logits of every sample: read from the cache lpath when it
 * exists and was made by this teacher (or when there is no teacher),
 * else computed from tpath and, if lpath is given, cached there.
 */
static float *
teacher_logits(uint64_t *tfp, const char *tpath, const char *lpath,
    const struct vr_dataset *d, const char *in, const msgpack_object *prov,
    struct vr_progress *prog, bool vflag)
{
    struct vr_model t;
    float *tl = NULL;
    uint64_t want = 0;
    int rc;

    if (tpath != NULL) {
        read_model(&t, tpath);
        check_fits(&t, d, tpath, in);
        if (t.V != VR_NCLASS)
            errx(VR_EXIT_DATA, "%s: %d classes, want %d", tpath, t.V,
                VR_NCLASS);
        want = vr_kd_model_fingerprint(&t);
    }
    if (lpath != NULL && (tpath == NULL || access(lpath, F_OK) == 0)) {
        struct vr_reader r;
        FILE *f;
        vr_cli_reader_open(&r, &f, lpath, "logits");
        rc = vr_kd_logits_read(&tl, tfp, &r, d, VR_NCLASS);
        if (rc != VR_OK && (tpath == NULL || rc != VR_ESHAPE))
            vr_cli_fail(rc == VR_ESHAPE ? VR_EFORMAT : rc, lpath, &r);
        vr_reader_free(&r);
        fclose(f);
        if (rc == VR_OK && (tpath == NULL || *tfp == want)) {
            if (vflag)
                vr_progress_line(prog, "%s: cached logits of teacher "
                    "%016" PRIx64, lpath, *tfp);
            if (tpath != NULL)
                vr_model_free(&t);
            return tl;
        }
        free(tl);
        tl = NULL;
        warnx("%s: made by another teacher or on another dataset; "
            "recomputing", lpath);
    }
    double t0 = vr_now();
    if ((rc = vr_kd_logits_compute(&tl, &t, d)) != VR_OK)
        errx(vr_exit_code(rc), "teacher %s: %s", tpath, vr_strerror(rc));
    *tfp = want;
    if (vflag)
        vr_progress_line(prog, "teacher %s: logits of %zu samples in %.1f s",
            tpath, d->nsamples, vr_now() - t0);
    if (lpath != NULL) {
        struct vr_afile a;
        struct vr_writer w;
        vr_cli_afile_open(&a, lpath);
        vr_writer_init(&w, a.f);
        if ((rc = vr_kd_logits_write(&w, tl, d->nsamples, VR_NCLASS, want,
            vr_model_arch_name(&t), vr_kd_dataset_fingerprint(d), prov,
            vr_cli_cmdline())) != VR_OK) {
            vr_cli_afile_abort(&a);
            errx(VR_EXIT_SYS, "%s: %s", lpath, strerror(errno));
        }
        vr_cli_afile_commit(&a);
    }
    vr_model_free(&t);
    return tl;
}

/* Scores of the teacher's cached logits on a split. */
static void
teacher_scores(struct vr_metrics *mt, const float *tl,
    const struct vr_dataset *d, int split)
{
    vr_metrics_reset(mt);
    for (size_t s = 0; s < d->nsamples; s++) {
        if (d->split[s] != split || d->label[s] < 0)
            continue;
        const float *z = tl + s * VR_NCLASS;
        int p = 0;
        for (int k = 1; k < VR_NCLASS; k++)
            if (z[k] > z[p])
                p = k;
        vr_metrics_add(mt, d->label[s], p, d->regime[s]);
    }
}

/* The teacher's test scores after the calibration of -x, fitted on its
 * val logits (what -x does to the student, done to the teacher). */
static void
calibrated_teacher(struct vr_metrics *mt, const float *tl,
    const struct vr_dataset *d)
{
    size_t n = 0;
    float *z = vr_mallocarray(d->nsamples ? d->nsamples : 1,
        VR_NCLASS * sizeof(float));
    int *y = vr_mallocarray(d->nsamples ? d->nsamples : 1, sizeof(int));
    double off[VR_NCLASS], before, after;

    if (z == NULL || y == NULL)
        err(VR_EXIT_SYS, "calibration");
    for (size_t s = 0; s < d->nsamples; s++)
        if (d->split[s] == VR_SPLIT_VAL && d->label[s] >= 0) {
            memcpy(z + n * VR_NCLASS, tl + s * VR_NCLASS,
                VR_NCLASS * sizeof(float));
            y[n++] = d->label[s];
        }
    vr_distill_calibrate_logits(off, &before, &after, z, y, n);
    vr_metrics_reset(mt);
    for (size_t s = 0; s < d->nsamples; s++) {
        if (d->split[s] != VR_SPLIT_TEST || d->label[s] < 0)
            continue;
        double v[VR_NCLASS];
        int p = 0;
        for (int k = 0; k < VR_NCLASS; k++)
            v[k] = tl[s * VR_NCLASS + (size_t)k] + off[k];
        for (int k = 1; k < VR_NCLASS; k++)
            if (v[k] > v[p])
                p = k;
        vr_metrics_add(mt, d->label[s], p, d->regime[s]);
    }
    free(z);
    free(y);
}

/* What goes into the model header's "distill" map. */
struct record {
    const struct vr_distill_opts *o;
    const char *act_spec;
    int bits, frac;
    double init_std;
    bool curriculum, calibrated;
    double off[VR_NCLASS], cal_before, cal_after;
    const struct vr_distill_stats *st;
    bool has_teacher;
    uint64_t tfp;
    double sparsity;
    size_t nparams;
    const struct vr_metrics *tmet[VR_NSPLIT];
};

static int
pack_record(msgpack_packer *pk, const void *ctx)
{
    const struct record *r = ctx;
    const struct vr_distill_opts *o = r->o;
    char fp[17];
    double iv[2] = {o->lo, o->hi};

    snprintf(fp, sizeof(fp), "%016" PRIx64, r->tfp);
    if (vr_pack_str(pk, "distill") || msgpack_pack_map(pk, 27) ||
        vr_pack_kv_str(pk, "variant",
            vr_distill_variant_names[o->variant]) ||
        vr_pack_kv_str(pk, "act", r->act_spec) ||
        vr_pack_kv_f64(pk, "alpha", o->kd.alpha) ||
        vr_pack_kv_f64(pk, "beta", o->kd.beta) ||
        vr_pack_kv_f64(pk, "temperature", o->kd.T) ||
        vr_pack_kv_f64(pk, "gamma", o->kd.gamma) ||
        vr_pack_kv_f64(pk, "l1", o->kd.l1) ||
        vr_pack_kv_f64(pk, "l2", o->kd.l2) ||
        vr_pack_kv_f64(pk, "tau", o->kd.tau) ||
        vr_pack_kv_i64(pk, "bits", r->bits) ||
        vr_pack_kv_i64(pk, "frac", r->frac) ||
        vr_pack_kv_bool(pk, "hard_labels", o->hard) ||
        vr_pack_kv_f64(pk, "ce_smoothing", o->kd.smoothing) ||
        vr_pack_kv_f64(pk, "range_penalty", o->range) ||
        vr_pack_kv_f64s(pk, "interval", iv, 2) ||
        vr_pack_kv_bool(pk, "learn_coeffs", o->learn) ||
        vr_pack_kv_f64(pk, "init_std", r->init_std) ||
        vr_pack_kv_bool(pk, "curriculum", r->curriculum) ||
        vr_pack_kv_f64s(pk, "calibration", r->off, VR_NCLASS) ||
        vr_pack_kv_str(pk, "teacher", r->has_teacher ? fp : "none") ||
        vr_pack_kv_bool(pk, "diverged", r->st->diverged) ||
        vr_pack_kv_i64(pk, "skipped_batches", r->st->skipped) ||
        vr_pack_kv_f64(pk, "max_loss", r->st->max_loss) ||
        vr_pack_kv_f64(pk, "max_preact", r->st->max_pre) ||
        vr_pack_kv_f64(pk, "out_of_interval", r->st->out_frac) ||
        vr_pack_kv_f64(pk, "sparsity", r->sparsity) ||
        vr_pack_kv_i64(pk, "nparams", (long long)r->nparams))
        return -1;
    if (vr_pack_str(pk, "teacher_metrics") ||
        msgpack_pack_map(pk, (r->tmet[VR_SPLIT_VAL] != NULL) +
        (r->tmet[VR_SPLIT_TEST] != NULL)))
        return -1;
    for (int s = VR_SPLIT_VAL; s <= VR_SPLIT_TEST; s++)
        if (r->tmet[s] != NULL && (vr_pack_str(pk, vr_split_names[s]) ||
            vr_metrics_pack(pk, r->tmet[s])))
            return -1;
    return 0;
}

static void
summary_row(const char *who, const char *act, const struct vr_metrics *mt,
    const char *rest)
{
    struct vr_scores sc;

    vr_metrics_scores(&sc, mt, VR_METRICS_ALL);
    fprintf(stderr, "%-10s %-12s %8.4f %9.4f %s\n", who, act, sc.accuracy,
        sc.macro_f1, rest);
}

int
main(int argc, char **argv)
{
    struct vr_distill_opts o;
    struct vr_distill_stats st;
    struct vr_dataset d;
    struct vr_model m;
    struct vr_metrics met[VR_NSPLIT], tmet[VR_NSPLIT];
    struct vr_progress prog;
    struct vr_reader dr;
    struct vr_act act;
    struct record rec;
    const char *actspec = "relu", *in, *tpath = NULL, *lpath = NULL;
    const char *init = NULL;
    bool fflag = false, qflag = false, vflag = false, autow = false;
    bool curves = false, curriculum = false, calibrate = false;
    double A = NAN, Bt = NAN, G = NAN, gstd = NAN, q1 = 8, q2 = 8;
    double l1 = NAN, l2 = NAN;
    int ch, rc, best, variant = VR_DISTILL_ZK;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    float *tl = NULL;
    uint64_t tfp = 0;

    vr_cli_blas_setup(argv);
    vr_cli_init(argc, argv);
    vr_distill_defaults(&o);
    o.train.clip = 1;
    o.range = 1;
    o.max_skip = 20;
    o.train.threads = ncpu > 0 && ncpu < 64 ? (int)ncpu : 1;
    while ((ch = getopt(argc, argv,
        "A:a:B:b:Cc:fG:g:I:i:j:k:L:l:n:Pp:Q:qR:r:S:T:t:uV:vw:xz:")) != -1) {
        switch (ch) {
        case 'A':
            A = vr_cli_double(ch, optarg, 0, 1e6);
            break;
        case 'a':
            actspec = optarg;
            break;
        case 'B':
            Bt = vr_cli_double(ch, optarg, 0, 1e6);
            break;
        case 'b':
            o.train.batch = (int)vr_cli_long(ch, optarg, 1, 65536);
            break;
        case 'C':
            curriculum = true;
            break;
        case 'c':
            o.train.clip = vr_cli_double(ch, optarg, 0, 1e9);
            break;
        case 'f':
            fflag = true;
            break;
        case 'G':
            G = vr_cli_double(ch, optarg, 0, 1e6);
            break;
        case 'g':
            gstd = vr_cli_double(ch, optarg, 0, 1e6);
            break;
        case 'I':
            parse_pair(ch, optarg, &o.lo, &o.hi, -1e6, 1e6);
            if (!(o.lo < o.hi))
                errx(VR_EXIT_USAGE, "-I: want lo < hi");
            break;
        case 'i':
            init = optarg;
            break;
        case 'j':
            o.train.threads = (int)vr_cli_long(ch, optarg, 1, 64);
            break;
        case 'k':
            o.train.max_steps = vr_cli_long(ch, optarg, 0, 1000000000);
            break;
        case 'L':
            lpath = optarg;
            break;
        case 'l':
            o.train.lr = vr_cli_double(ch, optarg, 1e-9, 10);
            break;
        case 'n':
            o.train.epochs = (int)vr_cli_long(ch, optarg, 1, 100000);
            break;
        case 'P':
            curves = true;
            break;
        case 'p':
            o.train.patience = (int)vr_cli_long(ch, optarg, 0, 100000);
            break;
        case 'Q':
            parse_pair(ch, optarg, &q1, &q2, -32, 64);
            if (q1 < 2 || q1 > 32 || q1 != floor(q1) || q2 != floor(q2))
                errx(VR_EXIT_USAGE, "-Q: want bits in 2..32 and integer "
                    "fractional bits");
            break;
        case 'q':
            qflag = true;
            break;
        case 'R':
            parse_pair(ch, optarg, &l1, &l2, 0, 1e6);
            break;
        case 'r':
            o.range = vr_cli_double(ch, optarg, 0, 1e9);
            break;
        case 'S':
            o.train.seed = (uint64_t)vr_cli_long(ch, optarg, 0, INT64_MAX);
            break;
        case 'T':
            o.kd.T = vr_cli_double(ch, optarg, 1e-3, 1e3);
            break;
        case 't':
            tpath = optarg;
            break;
        case 'u':
            o.learn = true;
            break;
        case 'V':
            for (variant = 0; variant < VR_DISTILL_NVAR; variant++)
                if (strcmp(optarg, vr_distill_variant_names[variant]) == 0)
                    break;
            if (variant == VR_DISTILL_NVAR)
                errx(VR_EXIT_USAGE, "-V: '%s' is not scratch, hard, soft, "
                    "combined or zk", optarg);
            break;
        case 'v':
            vflag = true;
            break;
        case 'w':
            parse_weights(&o.train, &autow, optarg);
            break;
        case 'x':
            calibrate = true;
            break;
        case 'z':
            o.max_skip = vr_cli_long(ch, optarg, 0, 1000000000);
            break;
        default:
            usage();
        }
    }
    argc -= optind;
    argv += optind;
    if (argc > 1)
        usage();
    in = argc == 1 ? argv[0] : "-";
    if (vr_poly_parse(&act, &o.lo, &o.hi, actspec) != VR_OK)
        errx(VR_EXIT_USAGE, "-a: unknown or malformed activation '%s'",
            actspec);
    if (curves) {
        if (!(o.lo < o.hi))
            errx(VR_EXIT_USAGE, "-I: want lo < hi");
        print_curves(&act, o.lo, o.hi);
        return VR_EXIT_OK;
    }
    {
        /* the variant's preset, then the explicit options over it */
        double T = o.kd.T;
        vr_distill_variant(&o, variant);
        o.kd.T = T;
        if (!isnan(A))
            o.kd.alpha = A;
        if (!isnan(Bt))
            o.kd.beta = Bt;
        if (!isnan(G))
            o.kd.gamma = G;
        if (!isnan(l1))
            o.kd.l1 = l1;
        if (!isnan(l2))
            o.kd.l2 = l2;
        o.kd.tau = vr_kd_tau((int)q1, (int)q2);
    }
    if (curriculum && init == NULL)
        errx(VR_EXIT_USAGE, "-C needs a trained MLP to start from (-i)");
    if ((o.hard || o.kd.beta != 0) && tpath == NULL && lpath == NULL)
        errx(VR_EXIT_USAGE, "variant %s needs the teacher (-t) or its "
            "cached logits (-L)", vr_distill_variant_names[o.variant]);
    if (isnan(gstd))
        gstd = act.kind == VR_ACT_POLY ? 1 : 0;
    vr_cli_refuse_tty(fflag);
    vr_gemm_set_threads(o.train.threads);
    vr_progress_init(&prog, qflag);
    if (vflag)
        vr_progress_line(&prog, "OpenBLAS core %s, %d threads",
            vr_cli_blas_core(), o.train.threads);

    vr_cli_reader_open(&dr, &(FILE *){NULL}, in, "dataset");
    if ((rc = vr_dataset_read(&d, &dr)) != VR_OK)
        vr_cli_fail(rc, in, &dr);
    if (autow) {
        double e = o.train.w[0];
        if (vr_train_balanced_weights(o.train.w, &d) != VR_OK)
            errx(VR_EXIT_DATA, "%s: no labelled training samples",
                vr_cli_name(in));
        for (int k = 0; k < VR_NCLASS; k++)
            o.train.w[k] = (float)pow(o.train.w[k], e);
    }
    if (tpath != NULL || lpath != NULL)
        tl = teacher_logits(&tfp, tpath, lpath, &d, in,
            vr_meta_get(dr.header, "provenance"), &prog, vflag);
    if (!(o.hard || o.kd.beta != 0) && tl != NULL && vflag)
        vr_progress_line(&prog, "variant %s does not use the teacher",
            vr_distill_variant_names[o.variant]);

    if (init != NULL) {
        read_model(&m, init);
        check_fits(&m, &d, init, in);
        if (m.arch != VR_ARCH_MLP || m.V != VR_NCLASS)
            errx(VR_EXIT_DATA, "%s: not an MLP with %d classes", init,
                VR_NCLASS);
        if (!curriculum)
            for (int l = 0; l < m.mlp.L - 1; l++)
                m.mlp.act[l] = act;
    } else {
        struct vr_act acts[3] = {act, act, act};
        int dims[5] = {d.T * d.C, 128, 64, 32, VR_NCLASS};
        struct vr_rng rng;
        if ((long long)d.T * d.C > 65536)
            errx(VR_EXIT_DATA, "%s: windows of %d x %d are too large",
                vr_cli_name(in), d.T, d.C);
        if ((rc = vr_model_init(&m, VR_ARCH_MLP, dims, 5, acts, &d)) !=
            VR_OK)
            errx(vr_exit_code(rc), "model: %s", vr_strerror(rc));
        vr_rng_seed(&rng, o.train.seed);
        vr_model_init_params(&m, &rng);
    }
    if (gstd > 0 && !curriculum && (rc = vr_distill_init_scale(&m, &d, 1024,
        gstd)) != VR_OK)
        errx(vr_exit_code(rc), "%s: initialisation: %s", vr_cli_name(in),
            vr_strerror(rc));
    if (vflag)
        vr_progress_line(&prog, "%s: %zu samples; student %s, %zu "
            "parameters; variant %s (alpha %g beta %g T %g gamma %g tau "
            "%.4g)", vr_cli_name(in), d.nsamples, act.name, m.nparams,
            vr_distill_variant_names[o.variant], o.kd.alpha, o.kd.beta,
            o.kd.T, o.kd.gamma, o.kd.tau);
    rc = curriculum ? vr_distill_curriculum(&m, &best, &st, &d, tl, &act, &o,
        progress, &prog) : vr_distill(&m, &best, &st, &d, tl, &o, progress,
        &prog);
    if (rc == VR_ERANGE)
        errx(VR_EXIT_DATA, "%s: no labelled training samples",
            vr_cli_name(in));
    if (rc != VR_OK)
        errx(vr_exit_code(rc), "training: %s", vr_strerror(rc));
    if (st.diverged)
        warnx("the loss stopped being finite at epoch %d step %ld (largest "
            "finite batch loss %.3g, %ld batches skipped); kept epoch %d",
            st.diverged_epoch + 1, st.diverged_step + 1, st.max_loss,
            st.skipped, best + 1);
    else if (st.skipped && vflag)
        vr_progress_line(&prog, "%ld batches with a non-finite loss skipped",
            st.skipped);

    memset(&rec, 0, sizeof(rec));
    if (calibrate) {
        if ((rc = vr_distill_calibrate(&m, rec.off, &rec.cal_before,
            &rec.cal_after, &d, VR_SPLIT_VAL)) != VR_OK)
            errx(vr_exit_code(rc), "calibration: %s", vr_strerror(rc));
        if (vflag)
            vr_progress_line(&prog, "calibration: output bias SELL %+.2f "
                "BUY %+.2f; val macro-F1 %.4f -> %.4f", rec.off[0],
                rec.off[2], rec.cal_before, rec.cal_after);
    }
    rec.o = &o;
    rec.act_spec = actspec;
    rec.bits = (int)q1;
    rec.frac = (int)q2;
    rec.init_std = gstd;
    rec.curriculum = curriculum;
    rec.calibrated = calibrate;
    rec.st = &st;
    rec.has_teacher = tl != NULL;
    rec.tfp = tfp;
    rec.sparsity = vr_distill_sparsity(&m, ldexp(1.0, -(int)q2 - 1));
    rec.nparams = vr_distill_nparams(&m);
    struct vr_model_extra x = {{NULL}, &o.train, best};
    for (int s = VR_SPLIT_VAL; s <= VR_SPLIT_TEST; s++) {
        if ((rc = vr_model_score(&m, &met[s], &d, s)) != VR_OK)
            errx(vr_exit_code(rc), "scoring: %s", vr_strerror(rc));
        x.metrics[s] = &met[s];
        if (tl != NULL) {
            teacher_scores(&tmet[s], tl, &d, s);
            rec.tmet[s] = &tmet[s];
        }
        if (!qflag && vr_metrics_print(stderr, &met[s], vr_split_names[s]))
            err(VR_EXIT_SYS, "stderr");
    }
    if (!qflag) {
        char rest[160];
        fprintf(stderr, "%-10s %-12s %8s %9s %8s %8s %-8s %9s %7s %9s\n",
            "test", "act", "accuracy", "macro-F1", "params", "sparsity",
            "diverged", "max|u|", "out%", "max-loss");
        char dv[32];
        if (st.diverged)
            snprintf(dv, sizeof(dv), "yes");
        else if (st.skipped)
            snprintf(dv, sizeof(dv), "skip%ld", st.skipped);
        else
            snprintf(dv, sizeof(dv), "no");
        snprintf(rest, sizeof(rest), "%8zu %8.4f %-8s %9.3g %7.3f %9.3g",
            rec.nparams, rec.sparsity, dv, st.max_pre, 100 * st.out_frac,
            st.max_loss);
        summary_row(vr_distill_variant_names[o.variant], act.name,
            &met[VR_SPLIT_TEST], rest);
        if (tl != NULL)
            summary_row("teacher", "", &tmet[VR_SPLIT_TEST], "");
        if (tl != NULL && calibrate) {
            struct vr_metrics cm;
            calibrated_teacher(&cm, tl, &d);
            summary_row("teacher+x", "", &cm, "");
        }
    }
    struct vr_writer w;
    vr_writer_init(&w, stdout);
    if ((rc = vr_model_write_kv(&w, &m, &x, vr_meta_get(dr.header,
        "provenance"), vr_cli_cmdline(), 2, pack_record, &rec)) != VR_OK)
        vr_cli_fail(rc, "stdout", NULL);
    vr_cli_close_output();
    free(tl);
    vr_model_free(&m);
    vr_dataset_free(&d);
    vr_reader_free(&dr);
    return VR_EXIT_OK;
}
