/*
 * cli.h: what every tool shares.  The only library code that prints or
 * exits.  Diagnostics go through err(3)/warnx(3) as "vr-x: file: what".
 */
#ifndef VR_CLI_CLI_H
#define VR_CLI_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "vr.h"
#include "stream/stream.h"

/* Remember argv for provenance and messages.  Call first in main. */
void vr_cli_init(int argc, char **argv);
/* The command line as one string ("vr-feat -r"), for provenance. */
const char *vr_cli_cmdline(void);

/* Name of a path for messages: "stdin" / "stdout" for "-". */
const char *vr_cli_name(const char *path);

/* Parse an option argument in [lo, hi] or exit 2 naming the option. */
long long vr_cli_long(int opt, const char *arg, long long lo, long long hi);
double vr_cli_double(int opt, const char *arg, double lo, double hi);

/* fopen for reading ("-" is stdin) or exit 4 naming the file. */
FILE *vr_cli_fopen(const char *path);
/* Open a stream on path and check its kind (NULL: any), or exit 3/4 with
 * the reader's message. */
void vr_cli_reader_open(struct vr_reader *r, FILE **fp, const char *path,
    const char *kind);
/* Exit with the code for rc and a message naming path and, when r is
 * not NULL, the reader's detail. */
_Noreturn void vr_cli_fail(int rc, const char *path, const struct vr_reader *r);

/* Refuse binary output to a terminal unless force (exit 2). */
void vr_cli_refuse_tty(bool force);
/* Flush and close stdout; exit 4 on a write error (e.g. /dev/full). */
void vr_cli_close_output(void);

/*
 * Atomic output files: written to "path.tmp.PID" and renamed over path by
 * _commit, so a reader never sees half a file.  Temporaries still open at
 * exit (an error path) are removed.  A path that exists and is not a
 * regular file (a device such as /dev/stdout or /dev/full, a FIFO) is
 * written in place instead, never replaced.
 */
struct vr_afile {
    char *path, *tmp;
    FILE *f;
};
/* Open for writing or exit 4. */
void vr_cli_afile_open(struct vr_afile *a, const char *path);
/* Flush, fsync, close and rename, or exit 4 (removing the temporary). */
void vr_cli_afile_commit(struct vr_afile *a);
/* Close and remove the temporary. */
void vr_cli_afile_abort(struct vr_afile *a);

/*
 * Progress on stderr: a live line redrawn at most 10 times a second when
 * stderr is a terminal, else one plain line per call of _line.  Nothing
 * when quiet.
 */
struct vr_progress {
    bool tty, quiet;
    double t0, last;
    int width;
};
void vr_progress_init(struct vr_progress *p, bool quiet);
/* Seconds since _init (monotonic). */
double vr_progress_elapsed(const struct vr_progress *p);
/* Live status ("epoch 3/20 step 120/1367 loss 0.61 ...") on a tty only. */
void vr_progress_live(struct vr_progress *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A finished line: ends any live line, printed on a tty and off it. */
void vr_progress_line(struct vr_progress *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Monotonic seconds. */
double vr_now(void);

/*
 * Give OpenBLAS its fast kernels without any setting on the user's side.
 * Debian's OpenBLAS 0.3.21 does not know recent CPUs and falls back to
 * older kernels; it reads OPENBLAS_CORETYPE once, when it is loaded.  So
 * if that variable is unset and the CPU has AVX-512 (F, BW, DQ, VL) or
 * AVX2 + FMA while OpenBLAS picked a weaker core, set it to "SkylakeX"
 * or "Haswell" and re-execute the program once (/proc/self/exe, same
 * argv).  Call first in main.  Silent; does nothing when the exec fails.
 */
void vr_cli_blas_setup(char **argv);
/* The OpenBLAS core in use, e.g. "SkylakeX" (for -v). */
const char *vr_cli_blas_core(void);
/* The faster core this CPU could use when OpenBLAS runs a weaker one
 * (e.g. OPENBLAS_CORETYPE=Haswell set on an AVX-512 CPU), else NULL:
 * for a hint in verbose output. */
const char *vr_cli_blas_better(void);

#endif
