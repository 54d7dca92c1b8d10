/*
 * vr-fetch: write a candles stream of minute candles, from the synthetic
 * market (the default), Binance dump CSV/zip files, or the Binance REST
 * API, with funding rates joined as of each minute.  See vr-fetch(1).
 */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vr.h"
#include "base/parse.h"
#include "cli/cli.h"
#include "market/candles.h"

#define MAXSRC 1024
#define DEFAULT_START 1704067200000LL   /* 2024-01-01 00:00 UTC */
#define DEFAULT_N 525600                /* 365 days */
#define DEFAULT_FILL 5

static void
usage(void)
{
    fprintf(stderr, "usage: vr-fetch [-fqR] [-B url] [-e end] [-F funding] "
        "[-g policy] [-n minutes]\n"
        "                [-o file] [-r candles] [-S seed] [-s start] "
        "[-y symbol] [file ...]\n");
    exit(VR_EXIT_USAGE);
}

static int64_t
parse_time(int opt, const char *arg)
{
    int64_t ms;

    if (vr_parse_time_ms(&ms, arg) != VR_OK)
        errx(VR_EXIT_USAGE, "-%c: '%s' is not a time (YYYY-MM-DD[ HH:MM[:SS]]"
            " or epoch s/ms/us)", opt, arg);
    return ms;
}

static void
parse_gap(struct vr_fetch *fx, const char *arg)
{
    if (strcmp(arg, "split") == 0)
        fx->gap = VR_GAP_SPLIT;
    else if (strcmp(arg, "fail") == 0)
        fx->gap = VR_GAP_FAIL;
    else if (strcmp(arg, "fill") == 0) {
        fx->gap = VR_GAP_FILL;
        fx->max_fill = DEFAULT_FILL;
    } else if (strncmp(arg, "fill:", 5) == 0) {
        fx->gap = VR_GAP_FILL;
        fx->max_fill = vr_cli_long('g', arg + 5, 1, 1000000);
    } else
        errx(VR_EXIT_USAGE, "-g: '%s' is not split, fill, fill:N or fail",
            arg);
}

/* Append s to buf (of size n), truncating with "...". */
static void
append(char *buf, size_t n, const char *s)
{
    size_t at = strlen(buf);

    if (at + strlen(s) + 4 >= n) {
        if (at + 4 < n && strcmp(buf + at - 3, "...") != 0)
            strcat(buf, "...");
        return;
    }
    strcat(buf, s);
}

static void
progress(void *ctx, const struct vr_fetch *fx)
{
    char t[32];

    vr_format_time_ms(t, fx->last);
    vr_progress_live(ctx, "%llu minutes, up to %s",
        (unsigned long long)fx->rows, t);
}

static const char *
env_or(const char *name, const char *def)
{
    const char *v = getenv(name);
    return v != NULL && *v ? v : def;
}

int
main(int argc, char **argv)
{
    struct vr_fetch fx = {0};
    struct vr_csrc *src[MAXSRC], *fund = NULL, *resume = NULL;
    struct vr_rest_opts ro = {0};
    struct vr_afile af = {0};
    struct vr_writer w;
    struct vr_progress pg;
    char source[1024] = "", msg[512];
    const char *symbol = "BTCUSDT", *fundpath[MAXSRC], *outpath = NULL;
    const char *base = NULL, *resumepath = NULL;
    bool fflag = false, qflag = false, rest = false, have_end = false;
    bool have_start = false;
    long long n = 0, seed = 1;
    int64_t start = DEFAULT_START, end = 0;
    size_t nsrc = 0, nfund = 0;
    FILE *out;
    int ch, rc;

    vr_cli_init(argc, argv);
    while ((ch = getopt(argc, argv, "B:e:F:fg:n:o:qRr:S:s:y:")) != -1) {
        switch (ch) {
        case 'B':
            base = optarg;
            break;
        case 'e':
            end = parse_time('e', optarg);
            have_end = true;
            break;
        case 'F':
            if (nfund == MAXSRC)
                errx(VR_EXIT_USAGE, "-F: more than %d files", MAXSRC);
            fundpath[nfund++] = optarg;
            break;
        case 'f':
            fflag = true;
            break;
        case 'g':
            parse_gap(&fx, optarg);
            break;
        case 'n':
            n = vr_cli_long('n', optarg, 1, 1LL << 40);
            break;
        case 'o':
            outpath = optarg;
            break;
        case 'q':
            qflag = true;
            break;
        case 'R':
            rest = true;
            break;
        case 'r':
            resumepath = optarg;
            break;
        case 'S':
            seed = vr_cli_long('S', optarg, 0, (long long)(~0ULL >> 1));
            break;
        case 's':
            start = parse_time('s', optarg);
            have_start = true;
            break;
        case 'y':
            symbol = optarg;
            if (!*symbol || strlen(symbol) > 20 ||
                strspn(symbol, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") !=
                strlen(symbol))
                errx(VR_EXIT_USAGE, "-y: '%s' is not a symbol (A-Z, 0-9)",
                    optarg);
            break;
        default:
            usage();
        }
    }
    argc -= optind;
    argv += optind;
    if (argc > MAXSRC)
        errx(VR_EXIT_USAGE, "more than %d files", MAXSRC);
    if (rest && argc > 0)
        errx(VR_EXIT_USAGE, "-R takes no file operands");
    if (resumepath != NULL && !rest)
        errx(VR_EXIT_USAGE, "-r resumes a REST download: it needs -R");
    if (have_end && end <= start && (rest || argc == 0))
        errx(VR_EXIT_USAGE, "-e: end is not after the start");
    if (outpath == NULL)
        vr_cli_refuse_tty(fflag);

    if (nfund > 0) {
        /* several funding files (monthly dumps) are merged by time */
        static struct vr_csrc *fs[MAXSRC];
        for (size_t i = 0; i < nfund; i++)
            if ((rc = vr_fundsrc_new(&fs[i], fundpath[i], msg,
                sizeof(msg))) != VR_OK)
                errx(vr_exit_code(rc), "%s", msg);
        if (nfund == 1)
            fund = fs[0];
        else if ((rc = vr_mergesrc_new(&fund, fs, nfund)) != VR_OK)
            errx(vr_exit_code(rc), "funding: %s", vr_strerror(rc));
    }

    if (rest) {
        ro.base = base ? base : env_or("VR_BINANCE_URL",
            "https://api.binance.com");
        ro.fapi = base ? base : env_or("VR_BINANCE_FAPI_URL",
            "https://fapi.binance.com");
        ro.symbol = symbol;
        ro.start = start;
        ro.end = have_end ? end : (int64_t)time(NULL) * 1000 / 60000 * 60000;
        if (resumepath != NULL) {
            /* copy the old candles through, fetch after their last minute */
            struct vr_candle c;
            int64_t last = 0;
            bool any = false;
            if ((rc = vr_streamsrc_new(&resume, resumepath, msg,
                sizeof(msg))) != VR_OK)
                errx(vr_exit_code(rc), "%s", msg);
            while ((rc = vr_csrc_next(resume, &c)) == 1) {
                last = c.time;
                any = true;
            }
            if (rc < 0)
                errx(vr_exit_code(rc), "%s", resume->msg);
            vr_csrc_free(resume);
            if ((rc = vr_streamsrc_new(&resume, resumepath, msg,
                sizeof(msg))) != VR_OK)
                errx(vr_exit_code(rc), "%s", msg);
            if (any && (!have_start || last + VR_MINUTE_MS > ro.start))
                ro.start = last + VR_MINUTE_MS;
            src[nsrc++] = resume;
        }
        if (ro.end > ro.start) {
            if ((rc = vr_rest_klines_new(&src[nsrc], &ro, msg,
                sizeof(msg))) != VR_OK)
                errx(vr_exit_code(rc), "%s", msg);
            /* a resumed download continues the old file's segment */
            src[nsrc]->cont = resume != NULL;
            nsrc++;
            if (fund == NULL && (rc = vr_rest_funding_new(&fund, &ro, msg,
                sizeof(msg))) != VR_OK)
                errx(vr_exit_code(rc), "%s", msg);
        }
        snprintf(source, sizeof(source), "binance-rest %s", ro.base);
    } else if (argc > 0) {
        strcpy(source, "csv");
        for (int i = 0; i < argc; i++) {
            if ((rc = vr_csvsrc_new(&src[nsrc], argv[i], msg,
                sizeof(msg))) != VR_OK)
                errx(vr_exit_code(rc), "%s", msg);
            nsrc++;
            append(source, sizeof(source), " ");
            append(source, sizeof(source), argv[i]);
        }
        if (have_start)
            fx.from = start;
        if (have_end) {
            fx.to = end;
            if (!have_start)
                fx.from = INT64_MIN;
        }
        fx.limit = n;
    } else {
        if (have_end)
            n = (end - start) / VR_MINUTE_MS;
        if ((rc = vr_synth_new(&src[nsrc], (uint64_t)seed, start,
            n > 0 ? n : DEFAULT_N)) != VR_OK)
            errx(vr_exit_code(rc), "synthetic market: %s", vr_strerror(rc));
        nsrc++;
        snprintf(source, sizeof(source), "synthetic seed %lld", seed);
    }
    for (size_t i = 0; i < nfund; i++) {
        append(source, sizeof(source), i ? " " : " funding ");
        append(source, sizeof(source), fundpath[i]);
    }

    if (outpath != NULL) {
        vr_cli_afile_open(&af, outpath);
        out = af.f;
    } else
        out = stdout;
    vr_writer_init(&w, out);
    fx.src = src;
    fx.nsrc = nsrc;
    fx.funding = fund;
    vr_progress_init(&pg, qflag);
    fx.progress = progress;
    fx.progress_ctx = &pg;
    if ((rc = vr_candles_header(&w, symbol, source, vr_cli_cmdline())) !=
        VR_OK)
        errx(VR_EXIT_SYS, "%s: %s", outpath ? outpath : "stdout",
            vr_strerror(rc));
    rc = vr_fetch_run(&fx, &w);
    if (rc != VR_OK) {
        if (rc == VR_EIO && strncmp(fx.msg, "write", 5) == 0)
            errx(VR_EXIT_SYS, "%s: write error",
                outpath ? outpath : "stdout");
        errx(vr_exit_code(rc), "%s", fx.msg);
    }
    if (outpath != NULL)
        vr_cli_afile_commit(&af);
    else
        vr_cli_close_output();

    if (fx.dups > 0)
        warnx("dropped %llu duplicate minute%s",
            (unsigned long long)fx.dups, fx.dups == 1 ? "" : "s");
    {
        char t0[32], t1[32];
        vr_format_time_ms(t0, fx.first);
        vr_format_time_ms(t1, fx.last);
        vr_progress_line(&pg, "%llu minutes, %s .. %s, %d segment%s, "
            "%llu gap%s (%llu minutes missing, %llu filled)",
            (unsigned long long)fx.rows, fx.rows ? t0 : "-",
            fx.rows ? t1 : "-", fx.segments, fx.segments == 1 ? "" : "s",
            (unsigned long long)fx.gaps, fx.gaps == 1 ? "" : "s",
            (unsigned long long)fx.gap_minutes,
            (unsigned long long)fx.filled);
        if (rest)
            vr_progress_line(&pg, "%ld requests, %ld retried, %ld "
                "rate-limit waits", ro.requests, ro.retries, ro.waits);
    }
    for (size_t i = 0; i < nsrc; i++)
        vr_csrc_free(src[i]);
    vr_csrc_free(fund);
    return VR_EXIT_OK;
}
