/*
 * vr.h: status codes, exit codes and version of libvr.
 *
 * Library functions return an int status: VR_OK (0) or a negative
 * enum vr_err.  Functions that count return values >= 0.  Pointer
 * arguments are borrowed unless a header says otherwise; only _init,
 * _new and _read hand out ownership, and _free is a no-op on a zeroed
 * struct.
 */
#ifndef VR_VR_H
#define VR_VR_H

#define VR_VERSION "0.1.0"
#define VR_FORMAT_VERSION 1

enum vr_err {
    VR_OK = 0,
    VR_EIO = -1,        /* I/O failure; errno as the failing call set it */
    VR_EFORMAT = -2,    /* malformed or truncated input */
    VR_ESHAPE = -3,     /* tensor shape or dtype not as required */
    VR_ENOMEM = -4,     /* allocation failed or size overflow */
    VR_ERANGE = -5,     /* value out of range */
    VR_EREJECT = -6,    /* well-formed input that answers "no" */
    VR_EUSAGE = -7      /* bad arguments from the caller's user */
};

enum vr_exit {
    VR_EXIT_OK = 0,
    VR_EXIT_REJECT = 1,
    VR_EXIT_USAGE = 2,
    VR_EXIT_DATA = 3,
    VR_EXIT_SYS = 4
};

/* Name of a status, for messages.  Never NULL. */
const char *vr_strerror(int err);
/* The exit code a tool uses for a status (the one mapping, in base/err.c). */
int vr_exit_code(int err);

/* Called on a failed VR_ASSERT: prints file, line, expression; aborts. */
_Noreturn void vr_panic(const char *file, int line, const char *expr);

#define VR_ASSERT(c) \
    do { if (!(c)) vr_panic(__FILE__, __LINE__, #c); } while (0)
#ifdef VR_VERIFY    /* make VERIFY=1: expensive invariants */
#define VR_VERIFY_CHECK(c) VR_ASSERT(c)
#else
#define VR_VERIFY_CHECK(c) ((void)0)
#endif

#endif
