/*
 * sjson.h: a small strict JSON (RFC 8259) reader and the decimal-string
 * numbers of snarkjs's files.
 *
 * vr_sjson_parse builds a tree in one arena allocation: objects keep their
 * keys in order, strings are NUL-terminated (escapes decoded; \u0000 and
 * invalid UTF-16 surrogates refused), numbers keep their text.  Depth is
 * limited to VR_SJSON_MAXDEPTH; trailing commas, comments, leading zeros,
 * control characters in strings and trailing garbage are errors.
 */
#ifndef VR_SNARK_SJSON_H
#define VR_SNARK_SJSON_H

#include <stddef.h>
#include <stdint.h>

#define VR_SJSON_MAXDEPTH 64

enum vr_sjson_type { VR_SJSON_NULL, VR_SJSON_BOOL, VR_SJSON_NUMBER,
    VR_SJSON_STRING, VR_SJSON_ARRAY, VR_SJSON_OBJECT };

struct vr_sjson {
    enum vr_sjson_type type;
    int b;                      /* BOOL */
    const char *s;              /* STRING value or NUMBER text */
    size_t n;                   /* ARRAY/OBJECT: number of children */
    struct vr_sjson *kids;       /* ARRAY/OBJECT: children */
    const char **keys;          /* OBJECT: keys, parallel to kids */
};

struct vr_sjson_doc {
    struct vr_sjson *root;
    void *arena;                /* owned */
};

/*
 * Parse text[0..len).  VR_EFORMAT with vr_snark_errmsg() naming the line
 * and column, VR_ENOMEM.  Free with vr_sjson_free.
 */
int vr_sjson_parse(struct vr_sjson_doc *d, const char *text, size_t len);
void vr_sjson_free(struct vr_sjson_doc *d);
/* Member of an object, or NULL (also when o is not an object). */
const struct vr_sjson *vr_sjson_get(const struct vr_sjson *o, const char *key);
/* Element i of an array of exactly n elements, or NULL otherwise. */
const struct vr_sjson *vr_sjson_at(const struct vr_sjson *a, size_t n, size_t i);

/*
 * A decimal string (JSON string of digits, no sign, no leading zero)
 * below the 4-limb modulus m: out = its value in plain limbs.
 * VR_EFORMAT if not a string of digits, VR_ERANGE if >= m.
 */
int vr_sjson_dec(uint64_t out[4], const struct vr_sjson *v, const uint64_t m[4]);
/* Write the plain 4-limb value x in decimal into buf (>= 80 bytes). */
void vr_dec_format(char *buf, const uint64_t x[4]);

#endif
