/*
 * vr-feat: candles stream in, features stream out: EMA 5/10/20, RSI 14,
 * MACD (12, 26), volume MA 5/10 and the funding rate each minute, with
 * TA-Lib's definitions, in a stationary form unless -r.  See vr-feat(1).
 */
#include <err.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "vr.h"
#include "cli/cli.h"
#include "market/indicators.h"

static void
usage(void)
{
    fprintf(stderr, "usage: vr-feat [-fqrt] [file]\n");
    exit(VR_EXIT_USAGE);
}

int
main(int argc, char **argv)
{
    struct vr_feat_opts o = {0};
    struct vr_feat_stats st;
    struct vr_reader r;
    struct vr_writer w;
    struct vr_progress pr;
    bool fflag = false, qflag = false, tflag = false;
    const char *path;
    FILE *f;
    int ch, rc;

    vr_cli_init(argc, argv);
    while ((ch = getopt(argc, argv, "fqrt")) != -1) {
        switch (ch) {
        case 'f':
            fflag = true;
            break;
        case 'q':
            qflag = true;
            break;
        case 'r':
            o.raw = true;
            break;
        case 't':
            tflag = true;
            break;
        default:
            usage();
        }
    }
    argc -= optind;
    argv += optind;
    if (argc > 1)
        usage();
    path = argc == 1 ? argv[0] : "-";
    if (!tflag)
        vr_cli_refuse_tty(fflag);
    vr_progress_init(&pr, qflag);

    vr_cli_reader_open(&r, &f, path, "candles");
    if (tflag)
        o.text = stdout;
    vr_writer_init(&w, stdout);
    if ((rc = vr_feat_stream(&w, &r, &o, vr_cli_cmdline(), &st)) != VR_OK) {
        if (rc == VR_EIO && r.msg[0] == '\0')
            err(VR_EXIT_SYS, "stdout");
        vr_cli_fail(rc, path, &r);
    }
    vr_reader_free(&r);
    if (f != stdin)
        fclose(f);
    vr_cli_close_output();
    vr_progress_line(&pr, "%lld minutes in %lld segments, %lld rows out "
        "(%lld warm-up minutes dropped), %.0f minutes/s", st.minutes,
        st.segments, st.rows, st.minutes - st.rows,
        st.minutes / (vr_progress_elapsed(&pr) + 1e-9));
    return VR_EXIT_OK;
}
