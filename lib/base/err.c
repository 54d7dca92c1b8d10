#include <stdio.h>
#include <stdlib.h>

#include "vr.h"

const char *
vr_strerror(int err)
{
    switch (err) {
    case VR_OK:      return "success";
    case VR_EIO:     return "I/O error";
    case VR_EFORMAT: return "malformed input";
    case VR_ESHAPE:  return "wrong shape";
    case VR_ENOMEM:  return "out of memory";
    case VR_ERANGE:  return "value out of range";
    case VR_EREJECT: return "rejected";
    case VR_EUSAGE:  return "invalid argument";
    }
    return "unknown error";
}

int
vr_exit_code(int err)
{
    switch (err) {
    case VR_OK:      return VR_EXIT_OK;
    case VR_EREJECT: return VR_EXIT_REJECT;
    case VR_EUSAGE:  return VR_EXIT_USAGE;
    case VR_EIO:
    case VR_ENOMEM:  return VR_EXIT_SYS;
    default:         return VR_EXIT_DATA;
    }
}

void
vr_panic(const char *file, int line, const char *expr)
{
    fprintf(stderr, "libvr: %s:%d: assertion failed: %s\n", file, line, expr);
    abort();
}
