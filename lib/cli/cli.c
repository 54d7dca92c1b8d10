#include <err.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cblas.h>

#include "base/parse.h"
#include "cli/cli.h"

static char cmdline[1024];

void
vr_cli_init(int argc, char **argv)
{
    size_t at = 0;

    for (int i = 0; i < argc && at < sizeof(cmdline) - 1; i++) {
        const char *a = i == 0 ? program_invocation_short_name : argv[i];
        int n = snprintf(cmdline + at, sizeof(cmdline) - at, "%s%s",
            i ? " " : "", a);
        if (n < 0)
            break;
        at += (size_t)n;
    }
    if (at >= sizeof(cmdline))
        cmdline[sizeof(cmdline) - 1] = '\0';
}

const char *
vr_cli_cmdline(void)
{
    return cmdline;
}

const char *
vr_cli_name(const char *path)
{
    return path == NULL || strcmp(path, "-") == 0 ? "stdin" : path;
}

long long
vr_cli_long(int opt, const char *arg, long long lo, long long hi)
{
    long long v;

    if (vr_parse_long(&v, arg, lo, hi) != VR_OK)
        errx(VR_EXIT_USAGE, "-%c: '%s' is not an integer in [%lld, %lld]",
            opt, arg, lo, hi);
    return v;
}

double
vr_cli_double(int opt, const char *arg, double lo, double hi)
{
    double v;

    if (vr_parse_double(&v, arg, lo, hi) != VR_OK)
        errx(VR_EXIT_USAGE, "-%c: '%s' is not a number in [%g, %g]", opt,
            arg, lo, hi);
    return v;
}

FILE *
vr_cli_fopen(const char *path)
{
    FILE *f;

    if (path == NULL || strcmp(path, "-") == 0)
        return stdin;
    if ((f = fopen(path, "rb")) == NULL)
        err(VR_EXIT_SYS, "%s", path);
    return f;
}

void
vr_cli_fail(int rc, const char *path, const struct vr_reader *r)
{
    const char *detail = r != NULL && r->msg[0] ? r->msg : vr_strerror(rc);

    if (rc == VR_EIO && (r == NULL || r->msg[0] == '\0'))
        err(vr_exit_code(rc), "%s", vr_cli_name(path));
    errx(vr_exit_code(rc), "%s: %s", vr_cli_name(path), detail);
}

void
vr_cli_reader_open(struct vr_reader *r, FILE **fp, const char *path,
    const char *kind)
{
    int rc;

    *fp = vr_cli_fopen(path);
    if ((rc = vr_reader_open(r, *fp, kind)) != VR_OK)
        vr_cli_fail(rc, path, r);
}

void
vr_cli_refuse_tty(bool force)
{
    if (!force && isatty(STDOUT_FILENO))
        errx(VR_EXIT_USAGE,
            "refusing to write binary data to a terminal (use -f)");
}

void
vr_cli_close_output(void)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        int e = errno;
        fclose(stdout);
        errno = e ? e : EIO;
        err(VR_EXIT_SYS, "stdout");
    }
    if (fclose(stdout) != 0)
        err(VR_EXIT_SYS, "stdout");
}

/* Temporaries to remove if the tool exits before committing them. */
#define MAX_AFILES 32
static struct vr_afile *afiles[MAX_AFILES];

static void
afile_cleanup(void)
{
    for (int i = 0; i < MAX_AFILES; i++)
        if (afiles[i] != NULL && afiles[i]->tmp != NULL)
            unlink(afiles[i]->tmp);
}

void
vr_cli_afile_open(struct vr_afile *a, const char *path)
{
    static bool registered;
    size_t n = strlen(path) + 32;
    int slot = -1;

    for (int i = 0; i < MAX_AFILES && slot < 0; i++)
        if (afiles[i] == NULL)
            slot = i;
    if (slot < 0)
        errx(VR_EXIT_SYS, "%s: too many output files", path);
    if (!registered) {
        atexit(afile_cleanup);
        registered = true;
    }
    a->path = strdup(path);
    if (a->path == NULL)
        err(VR_EXIT_SYS, "%s", path);
    /* A device, FIFO or terminal is written in place: renaming a
     * temporary over it would replace the device node itself. */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        a->tmp = NULL;
        if ((a->f = fopen(path, "wb")) == NULL)
            err(VR_EXIT_SYS, "%s", path);
        afiles[slot] = a;
        return;
    }
    a->tmp = malloc(n);
    if (a->tmp == NULL)
        err(VR_EXIT_SYS, "%s", path);
    snprintf(a->tmp, n, "%s.tmp.%ld", path, (long)getpid());
    if ((a->f = fopen(a->tmp, "wb")) == NULL)
        err(VR_EXIT_SYS, "%s", a->tmp);
    afiles[slot] = a;
}

static void
afile_forget(struct vr_afile *a)
{
    for (int i = 0; i < MAX_AFILES; i++)
        if (afiles[i] == a)
            afiles[i] = NULL;
    free(a->path);
    free(a->tmp);
    a->path = a->tmp = NULL;
    a->f = NULL;
}

void
vr_cli_afile_commit(struct vr_afile *a)
{
    if (a->tmp == NULL) {       /* written in place (not a regular file) */
        if (fflush(a->f) != 0 || ferror(a->f) || fclose(a->f) != 0)
            err(VR_EXIT_SYS, "%s", a->path);
        afile_forget(a);
        return;
    }
    if (fflush(a->f) != 0 || ferror(a->f) || fsync(fileno(a->f)) != 0 ||
        fclose(a->f) != 0) {
        int e = errno;
        unlink(a->tmp);
        errno = e;
        err(VR_EXIT_SYS, "%s", a->path);
    }
    if (rename(a->tmp, a->path) != 0) {
        int e = errno;
        unlink(a->tmp);
        errno = e;
        err(VR_EXIT_SYS, "%s", a->path);
    }
    afile_forget(a);
}

void
vr_cli_afile_abort(struct vr_afile *a)
{
    if (a->f != NULL)
        fclose(a->f);
    if (a->tmp != NULL)
        unlink(a->tmp);
    afile_forget(a);
}

double
vr_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void
vr_progress_init(struct vr_progress *p, bool quiet)
{
    p->quiet = quiet;
    p->tty = !quiet && isatty(STDERR_FILENO);
    p->t0 = vr_now();
    p->last = 0;
    p->width = 0;
}

double
vr_progress_elapsed(const struct vr_progress *p)
{
    return vr_now() - p->t0;
}

void
vr_progress_live(struct vr_progress *p, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    double t;
    int n;

    if (!p->tty)
        return;
    t = vr_now();
    if (t - p->last < 0.1)
        return;
    p->last = t;
    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (n > (int)sizeof(buf) - 1)
        n = (int)sizeof(buf) - 1;
    fprintf(stderr, "\r%s: %s%*s", program_invocation_short_name, buf,
        p->width > n ? p->width - n : 0, "");
    p->width = n;
}

void
vr_progress_line(struct vr_progress *p, const char *fmt, ...)
{
    va_list ap;

    if (p->quiet)
        return;
    if (p->tty && p->width) {
        fprintf(stderr, "\r%*s\r", p->width + 32, "");
        p->width = 0;
    }
    fprintf(stderr, "%s: ", program_invocation_short_name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

const char *
vr_cli_blas_core(void)
{
    return openblas_get_corename();
}

/* The core this CPU deserves, if OpenBLAS runs a weaker one. */
static const char *
blas_want(const char *core)
{
    static const char *const avx512[] = {"SkylakeX", "Cooperlake",
        "SapphireRapids"};
    static const char *const avx2[] = {"Haswell", "Zen", "SkylakeX",
        "Cooperlake", "SapphireRapids"};
    const char *const *ok = NULL;
    const char *want = NULL;
    size_t nok = 0;

    if (core == NULL)
        return NULL;
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") &&
        __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vl")) {
        want = "SkylakeX";
        ok = avx512;
        nok = sizeof(avx512) / sizeof(avx512[0]);
    } else if (__builtin_cpu_supports("avx2") &&
        __builtin_cpu_supports("fma")) {
        want = "Haswell";
        ok = avx2;
        nok = sizeof(avx2) / sizeof(avx2[0]);
    }
    for (size_t i = 0; want != NULL && i < nok; i++)
        if (strcasecmp(core, ok[i]) == 0)
            return NULL;
    return want;
}

const char *
vr_cli_blas_better(void)
{
    return blas_want(openblas_get_corename());
}

void
vr_cli_blas_setup(char **argv)
{
    const char *want;

    if (getenv("OPENBLAS_CORETYPE") != NULL ||
        (want = blas_want(openblas_get_corename())) == NULL)
        return;
    if (setenv("OPENBLAS_CORETYPE", want, 1) != 0)
        return;
    execv("/proc/self/exe", argv);
    unsetenv("OPENBLAS_CORETYPE");      /* exec failed: go on as we are */
}
