/*
 * util_json.h: a small JSON reader for the test vectors under ../shared
 * (test-only: the library has no JSON).  Numbers are kept as their text so
 * that 254-bit decimals survive; callers convert with GMP.
 */
#ifndef VR_TEST_UTIL_JSON_H
#define VR_TEST_UTIL_JSON_H

#include <stddef.h>

enum vr_json_type {
    VR_JSON_NULL, VR_JSON_BOOL, VR_JSON_NUM, VR_JSON_STR, VR_JSON_ARR,
    VR_JSON_OBJ
};

struct vr_json {
    enum vr_json_type type;
    char *text;                 /* STR: the string; NUM: its text;
                                   BOOL: "true" or "false" */
    size_t n;                   /* ARR/OBJ: number of members */
    struct vr_json *kids;       /* ARR/OBJ: members */
    char **keys;                /* OBJ: member names */
};

/* Parse a file (a path under ../shared via vr_test_shared, or any path).
 * Aborts the test (ck_abort) on I/O or syntax errors.  Free with
 * vr_json_free. */
struct vr_json *vr_json_load(const char *path);
void vr_json_free(struct vr_json *j);
/* Member by dotted path ("Fr.samples"); NULL if absent. */
const struct vr_json *vr_json_get(const struct vr_json *j, const char *path);
/* Like vr_json_get, but aborts the test when absent. */
const struct vr_json *vr_json_req(const struct vr_json *j, const char *path);
/* Element i of an array (aborts when out of range or not an array). */
const struct vr_json *vr_json_at(const struct vr_json *j, size_t i);
/* Text of a string/number member at path; NULL for JSON null. Aborts
 * if absent. */
const char *vr_json_text(const struct vr_json *j, const char *path);

/* Decode hex (optional 0x, even length) into a malloc'd buffer; *len set.
 * Aborts on bad hex. */
unsigned char *vr_test_unhex(const char *hex, size_t *len);
/* Encode n bytes as lowercase hex into a malloc'd string. */
char *vr_test_hex(const unsigned char *b, size_t n);

#endif
