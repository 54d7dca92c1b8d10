/*
 * vr-train: train the LSTM teacher or the MLP baseline on a dataset
 * stream and write the model stream; or, with -e, score a saved model on
 * a split of a dataset.  The work is vr_train() and vr_model_score() in
 * lib/nn; this file is options, progress and the metrics table.
 */
#include <err.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vr.h"
#include "cli/cli.h"
#include "nn/gemm.h"
#include "nn/model.h"
#include "nn/train.h"
#include "stream/dataset.h"

static void
usage(void)
{
    fprintf(stderr, "usage: vr-train [-fqv] [-a act] [-b batch] [-c clip] "
        "[-e model] [-k steps]\n"
        "                [-l lr] [-m lstm | mlp] [-n epochs] [-p patience] "
        "[-S seed]\n"
        "                [-s split] [-t threads] [-w weights] [file]\n");
    exit(VR_EXIT_USAGE);
}

static int
parse_split(const char *s)
{
    for (int k = 0; k < VR_NSPLIT; k++)
        if (strcmp(s, vr_split_names[k]) == 0)
            return k;
    errx(VR_EXIT_USAGE, "-s: '%s' is not train, val, test or live", s);
}

/* "auto" or three comma-separated positive numbers. */
static void
parse_weights(struct vr_train_opts *o, bool *autow, const char *s)
{
    char buf[128], *save = NULL, *tok;
    int k = 0;

    o->weighted = true;
    if (strcmp(s, "auto") == 0) {
        *autow = true;
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
        errx(VR_EXIT_USAGE, "-w: want 'auto' or %d weights SELL,HOLD,BUY",
            VR_NCLASS);
}

static void
fmt_time(char *buf, size_t n, double s)
{
    if (!isfinite(s) || s < 0)
        snprintf(buf, n, "?");
    else if (s < 60)
        snprintf(buf, n, "%.0fs", s);
    else if (s < 3600)
        snprintf(buf, n, "%dm%02ds", (int)(s / 60), (int)fmod(s, 60));
    else
        snprintf(buf, n, "%dh%02dm", (int)(s / 3600), (int)fmod(s / 60, 60));
}

static void
progress(void *ctx, const struct vr_train_status *s)
{
    struct vr_progress *p = ctx;
    char eta[32];

    fmt_time(eta, sizeof(eta), s->eta);
    if (!s->epoch_end)
        vr_progress_live(p, "epoch %d/%d step %ld/%ld loss %.4f "
            "%.0f samples/s ETA %s", s->epoch + 1, s->epochs, s->step,
            s->steps, s->loss, s->rate, eta);
    else
        vr_progress_line(p, "epoch %d/%d: loss %.4f val macro-F1 %.4f "
            "acc %.4f (%.1f s, %.0f samples/s)%s", s->epoch + 1, s->epochs,
            s->loss, s->val_f1, s->val_acc, s->seconds, s->rate,
            s->improved ? " *" : "");
}

/* Bring d to the model's normalisation: x_m = (x_d std_d + mean_d -
 * mean_m) / std_m, when the two differ. */
static bool
renormalise(struct vr_dataset *d, const struct vr_model *m)
{
    bool same = true;
    size_t C = (size_t)d->C;

    for (size_t c = 0; c < C; c++)
        same = same && d->mean[c] == m->mean[c] && d->std[c] == m->std[c];
    if (same)
        return false;
    for (size_t i = 0; i < d->nrows * C; i++) {
        size_t c = i % C;
        d->x[i] = (float)(((double)d->x[i] * d->std[c] + d->mean[c] -
            m->mean[c]) / m->std[c]);
    }
    return true;
}

/* Read the dataset on path; r stays open for its header (provenance). */
static void
read_dataset(struct vr_dataset *d, struct vr_reader *r, const char *path)
{
    FILE *f;
    int rc;

    vr_cli_reader_open(r, &f, path, "dataset");
    if ((rc = vr_dataset_read(d, r)) != VR_OK)
        vr_cli_fail(rc, path, r);
}

/* The table, then the majority-class baseline beside it: always the
 * class most frequent in the training split. */
static void
print_table(const struct vr_metrics *mt, const struct vr_dataset *d,
    int split)
{
    struct vr_metrics base;
    struct vr_scores s;
    size_t cnt[VR_NCLASS] = {0};
    int maj = VR_HOLD;

    if (vr_metrics_print(stderr, mt, vr_split_names[split]) != VR_OK)
        err(VR_EXIT_SYS, "stderr");
    for (size_t i = 0; i < d->nsamples; i++)
        if (d->split[i] == VR_SPLIT_TRAIN && d->label[i] >= 0)
            cnt[d->label[i]]++;
    for (int k = 0; k < VR_NCLASS; k++)
        if (cnt[k] > cnt[maj])
            maj = k;
    vr_metrics_reset(&base);
    for (size_t i = 0; i < d->nsamples; i++)
        if (d->split[i] == split && d->label[i] >= 0)
            vr_metrics_add(&base, d->label[i], maj, d->regime[i]);
    vr_metrics_scores(&s, &base, VR_METRICS_ALL);
    fprintf(stderr, "baseline (always %s): acc %.4f, macro-F1 %.4f\n",
        vr_class_names[maj], s.accuracy, s.macro_f1);
}

int
main(int argc, char **argv)
{
    struct vr_train_opts o;
    struct vr_dataset d;
    struct vr_model m;
    struct vr_metrics met[VR_NSPLIT];
    struct vr_progress prog;
    struct vr_reader dr;
    struct vr_act act;
    const char *eval = NULL, *actname = "relu", *in;
    bool fflag = false, qflag = false, vflag = false, autow = false;
    enum vr_arch arch = VR_ARCH_LSTM;
    int split = VR_SPLIT_TEST, ch, rc, best;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

    vr_cli_blas_setup(argv);
    vr_cli_init(argc, argv);
    vr_train_defaults(&o);
    o.threads = ncpu > 0 && ncpu < 64 ? (int)ncpu : 1;
    while ((ch = getopt(argc, argv, "a:b:c:e:fk:l:m:n:p:qS:s:t:vw:")) != -1) {
        switch (ch) {
        case 'a':
            actname = optarg;
            break;
        case 'b':
            o.batch = (int)vr_cli_long(ch, optarg, 1, 65536);
            break;
        case 'c':
            o.clip = vr_cli_double(ch, optarg, 0, 1e9);
            break;
        case 'e':
            eval = optarg;
            break;
        case 'f':
            fflag = true;
            break;
        case 'k':
            o.max_steps = vr_cli_long(ch, optarg, 0, 1000000000);
            break;
        case 'l':
            o.lr = vr_cli_double(ch, optarg, 1e-9, 10);
            break;
        case 'm':
            if (strcmp(optarg, "lstm") == 0)
                arch = VR_ARCH_LSTM;
            else if (strcmp(optarg, "mlp") == 0)
                arch = VR_ARCH_MLP;
            else
                errx(VR_EXIT_USAGE, "-m: '%s' is neither lstm nor mlp",
                    optarg);
            break;
        case 'n':
            o.epochs = (int)vr_cli_long(ch, optarg, 1, 100000);
            break;
        case 'p':
            o.patience = (int)vr_cli_long(ch, optarg, 0, 100000);
            break;
        case 'q':
            qflag = true;
            break;
        case 'S':
            o.seed = (uint64_t)vr_cli_long(ch, optarg, 0, INT64_MAX);
            break;
        case 's':
            split = parse_split(optarg);
            break;
        case 't':
            o.threads = (int)vr_cli_long(ch, optarg, 1, 64);
            break;
        case 'v':
            vflag = true;
            break;
        case 'w':
            parse_weights(&o, &autow, optarg);
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
    if (vr_act_lookup(&act, actname) != VR_OK)
        errx(VR_EXIT_USAGE, "-a: unknown activation '%s'", actname);
    if (eval == NULL)
        vr_cli_refuse_tty(fflag);
    vr_gemm_set_threads(o.threads);
    vr_progress_init(&prog, qflag);
    if (vflag)
        vr_progress_line(&prog, "OpenBLAS core %s, %d threads",
            vr_cli_blas_core(), o.threads);

    if (eval != NULL) {
        /* Scoring: the model from -e, the dataset from file or stdin. */
        struct vr_reader r;
        FILE *f;
        char msg[256];
        vr_cli_reader_open(&r, &f, eval, "model");
        if ((rc = vr_model_read(&m, &r)) != VR_OK)
            vr_cli_fail(rc, eval, &r);
        vr_reader_free(&r);
        fclose(f);
        read_dataset(&d, &dr, in);
        if (vr_model_check_input(&m, &d, msg, sizeof(msg)) != VR_OK)
            errx(VR_EXIT_DATA, "%s: %s", vr_cli_name(in), msg);
        if (renormalise(&d, &m) && vflag)
            vr_progress_line(&prog, "%s: renormalised to the model's "
                "feature scaling", vr_cli_name(in));
        if ((rc = vr_model_score(&m, &met[split], &d, split)) != VR_OK)
            vr_cli_fail(rc, in, NULL);
        if (!qflag)
            print_table(&met[split], &d, split);
        vr_model_free(&m);
        vr_dataset_free(&d);
        vr_reader_free(&dr);
        return VR_EXIT_OK;
    }

    read_dataset(&d, &dr, in);
    if (autow && vr_train_balanced_weights(o.w, &d) != VR_OK)
        errx(VR_EXIT_DATA, "%s: no labelled training samples",
            vr_cli_name(in));
    {
        struct vr_act acts[3] = {act, act, act};
        int mlp[5] = {d.T * d.C, 128, 64, 32, VR_NCLASS};
        int lstm[4] = {d.C, 128, 128, VR_NCLASS};
        struct vr_rng rng;
        if ((long long)d.T * d.C > 65536)
            errx(VR_EXIT_DATA, "%s: windows of %d x %d are too large",
                vr_cli_name(in), d.T, d.C);
        rc = arch == VR_ARCH_MLP ? vr_model_init(&m, arch, mlp, 5, acts, &d) :
            vr_model_init(&m, arch, lstm, 4, NULL, &d);
        if (rc != VR_OK)
            errx(vr_exit_code(rc), "model: %s", vr_strerror(rc));
        vr_rng_seed(&rng, o.seed);
        vr_model_init_params(&m, &rng);
    }
    if (vflag)
        vr_progress_line(&prog, "%s: %zu samples, windows %d x %d; %s with "
            "%zu parameters; class weights %.3g %.3g %.3g", vr_cli_name(in),
            d.nsamples, d.T, d.C, vr_model_arch_name(&m), m.nparams,
            (double)o.w[0], (double)o.w[1], (double)o.w[2]);
    rc = vr_train(&m, &best, &d, &o, progress, &prog);
    if (rc == VR_ERANGE)
        errx(VR_EXIT_DATA, "%s: no labelled training samples, or the loss "
            "diverged", vr_cli_name(in));
    if (rc != VR_OK)
        errx(vr_exit_code(rc), "training: %s", vr_strerror(rc));

    struct vr_model_extra x = {{NULL}, &o, best};
    for (int s = VR_SPLIT_VAL; s <= VR_SPLIT_TEST; s++) {
        if ((rc = vr_model_score(&m, &met[s], &d, s)) != VR_OK)
            errx(vr_exit_code(rc), "scoring: %s", vr_strerror(rc));
        x.metrics[s] = &met[s];
        if (!qflag)
            print_table(&met[s], &d, s);
    }
    struct vr_writer w;
    vr_writer_init(&w, stdout);
    if ((rc = vr_model_write(&w, &m, &x,
        vr_meta_get(dr.header, "provenance"), vr_cli_cmdline())) != VR_OK)
        vr_cli_fail(rc, "stdout", NULL);
    vr_cli_close_output();
    vr_model_free(&m);
    vr_dataset_free(&d);
    vr_reader_free(&dr);
    return VR_EXIT_OK;
}
