/*
 * vr-label: features stream in, dataset stream out: BUY/HOLD/SELL labels
 * from the forward return, (T, C) windows within segments, a
 * chronological train/val/test split with purge gaps, z-score
 * normalisation fitted on the training rows, and regime tags; or, with
 * -l, unlabelled windows for inference.  See vr-label(1).
 */
#include <err.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vr.h"
#include "cli/cli.h"
#include "market/label.h"

static void
usage(void)
{
    fprintf(stderr, "usage: vr-label [-flq] [-d down] [-H horizon] "
        "[-k newest] [-L lookback]\n"
        "                [-n normfile] [-s train:val:test] [-T steps] "
        "[-u up] [-V vol]\n"
        "                [file]\n");
    exit(VR_EXIT_USAGE);
}

/* "70:15:15" (or with commas, or fractions): three numbers >= 0 with a
 * positive sum, scaled to sum to 1. */
static void
parse_split(double frac[3], const char *arg)
{
    char buf[128], *p, *q;
    double sum = 0;

    if (strlen(arg) >= sizeof(buf))
        errx(VR_EXIT_USAGE, "-s: '%s' is not train:val:test", arg);
    strcpy(buf, arg);
    p = buf;
    for (int k = 0; k < 3; k++) {
        q = p + strcspn(p, ":,");
        if ((*q == '\0') != (k == 2))
            errx(VR_EXIT_USAGE, "-s: '%s' is not train:val:test", arg);
        *q = '\0';
        frac[k] = vr_cli_double('s', p, 0, 1e9);
        sum += frac[k];
        p = q + 1;
    }
    if (!(sum > 0) || !(frac[0] > 0))
        errx(VR_EXIT_USAGE, "-s: '%s': the train share must be positive",
            arg);
    for (int k = 0; k < 3; k++)
        frac[k] /= sum;
}

int
main(int argc, char **argv)
{
    struct vr_label_opts o;
    struct vr_label_stats st;
    struct vr_label_spill sp;
    struct vr_reader r, nr;
    struct vr_writer w;
    struct vr_progress pr;
    double mean[VR_MAXFEAT], sd[VR_MAXFEAT];
    bool fflag = false, qflag = false;
    const char *path, *npath = NULL, *tmpdir = getenv("TMPDIR");
    FILE *f, *nf = NULL;
    int ch, rc;

    vr_cli_init(argc, argv);
    vr_label_opts_init(&o);
    while ((ch = getopt(argc, argv, "d:fH:k:lL:n:qs:T:u:V:")) != -1) {
        switch (ch) {
        case 'd':
            o.down = -vr_cli_double(ch, optarg, 0, 1000) / 100;
            break;
        case 'f':
            fflag = true;
            break;
        case 'H':
            o.horizon = (int)vr_cli_long(ch, optarg, 1, 1000000);
            break;
        case 'k':
            o.newest = vr_cli_long(ch, optarg, 1, (long long)1 << 40);
            break;
        case 'l':
            o.live = true;
            break;
        case 'L':
            o.lookback = (int)vr_cli_long(ch, optarg, 1, 10000000);
            break;
        case 'n':
            npath = optarg;
            break;
        case 'q':
            qflag = true;
            break;
        case 's':
            parse_split(o.frac, optarg);
            break;
        case 'T':
            o.T = (int)vr_cli_long(ch, optarg, 1, 100000);
            break;
        case 'u':
            o.up = vr_cli_double(ch, optarg, 0, 1000) / 100;
            break;
        case 'V':
            o.vol_threshold = vr_cli_double(ch, optarg, 1e-300, 1e300);
            break;
        default:
            usage();
        }
    }
    argc -= optind;
    argv += optind;
    if (argc > 1)
        usage();
    if (o.live && npath == NULL)
        errx(VR_EXIT_USAGE, "-l needs -n normfile: live windows use the "
            "training normalisation");
    if (!o.live && (o.newest || o.vol_threshold > 0))
        errx(VR_EXIT_USAGE, "-k and -V apply to live mode (-l) only");
    path = argc == 1 ? argv[0] : "-";
    if (npath != NULL && strcmp(npath, "-") == 0 && strcmp(path, "-") == 0)
        errx(VR_EXIT_USAGE, "-n and the input cannot both be stdin");
    vr_cli_refuse_tty(fflag);
    vr_progress_init(&pr, qflag);

    if (npath != NULL)
        vr_cli_reader_open(&nr, &nf, npath, NULL);
    vr_cli_reader_open(&r, &f, path, "features");
    if ((rc = vr_label_spill_read(&sp, &r, tmpdir)) != VR_OK) {
        if (sp.msg[0] != '\0')
            errx(VR_EXIT_SYS, "%s", sp.msg);
        vr_cli_fail(rc, path, &r);
    }
    const msgpack_object *raw = vr_meta_get(r.header, "raw");
    if (raw != NULL && raw->type == MSGPACK_OBJECT_BOOLEAN && raw->via.boolean)
        warnx("%s: raw TA-Lib features (vr-feat -r) are not stationary",
            vr_cli_name(path));
    if (npath != NULL) {
        if ((rc = vr_label_norm_read(&nr, mean, sd, sp.C,
            (const char (*)[VR_NAME_MAX])sp.feat)) != VR_OK)
            vr_cli_fail(rc, npath, &nr);
        o.mean = mean;
        o.std = sd;
    }
    // The rows wait in temporary files; nothing is written to stdout
    // before every pass over them but the last has succeeded.
    vr_writer_init(&w, stdout);
    rc = vr_label_spill_write(&w, &sp, &o, vr_meta_get(r.header,
        "provenance"), vr_cli_cmdline(), &st);
    if (rc == VR_ERANGE)
        errx(VR_EXIT_DATA, "%s: %s", vr_cli_name(path), st.msg);
    if (rc != VR_OK && sp.msg[0] != '\0')
        errx(VR_EXIT_SYS, "%s", sp.msg);
    if (rc == VR_EIO)
        err(VR_EXIT_SYS, "stdout");
    if (rc != VR_OK)
        vr_cli_fail(rc, path, NULL);
    vr_cli_close_output();

    vr_progress_line(&pr, "%zu rows in %zu segments, T %d, horizon %d, "
        "BUY > %+g%%, SELL < %+g%%, %.0f rows/s", sp.n, sp.nseg, o.T,
        o.horizon, 100 * o.up, 100 * o.down,
        (double)sp.n / (vr_progress_elapsed(&pr) + 1e-9));
    vr_progress_line(&pr, "%-6s %9s %9s %9s %9s", "split", "samples",
        vr_class_names[VR_SELL], vr_class_names[VR_HOLD],
        vr_class_names[VR_BUY]);
    for (int s = 0; s < VR_NSPLIT; s++) {
        const long long *c = st.count[s];
        long long tot = c[0] + c[1] + c[2] + c[3];
        if (o.live != (s == VR_SPLIT_LIVE))
            continue;
        vr_progress_line(&pr, "%-6s %9lld %9lld %9lld %9lld",
            vr_split_names[s], tot, c[1 + VR_SELL], c[1 + VR_HOLD],
            c[1 + VR_BUY]);
    }
    if (o.live)
        vr_progress_line(&pr, "high volatility above %.6g (%s)",
            st.vol_median, o.vol_threshold > 0 ? "-V" : "median of these "
            "windows");
    else
        vr_progress_line(&pr, "%lld samples purged at split boundaries; "
            "high volatility above %.6g (train median); normalisation %s",
            st.purged, st.vol_median, npath ? "from -n" : "fitted on the "
            "train windows' rows");

    vr_label_spill_free(&sp);
    vr_reader_free(&r);
    if (f != stdin)
        fclose(f);
    if (npath != NULL) {
        vr_reader_free(&nr);
        if (nf != stdin)
            fclose(nf);
    }
    return VR_EXIT_OK;
}
