/* sjson.c: strict JSON tree reader and 256-bit decimal conversion. */
#include <stdlib.h>
#include <string.h>

#include "vr.h"
#include "snark/internal.h"
#include "snark/sjson.h"

__extension__ typedef unsigned __int128 u128;

/*
 * Two passes over the text: the first validates and counts nodes and
 * string bytes, the second builds the tree in one arena sized from the
 * counts.  Both share the recursive descent below, with build == 0 or 1.
 */
struct jp {
    const char *t, *end, *p;
    int build;
    size_t nodes, bytes;        /* pass 1 totals */
    struct vr_sjson *nfree;      /* pass 2 allocation cursors */
    const char **kfree;
    char *sfree;
};

static int
jfail(struct jp *j, const char *what)
{
    size_t line = 1, col = 1;

    for (const char *q = j->t; q < j->p && q < j->end; q++) {
        if (*q == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    return vr_snark_fail("JSON line %zu column %zu: %s", line, col, what);
}

static void
ws(struct jp *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
        *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static int
hex4(struct jp *j, unsigned *u)
{
    *u = 0;
    for (int i = 0; i < 4; i++) {
        char c = j->p < j->end ? *j->p++ : 0;
        *u <<= 4;
        if (c >= '0' && c <= '9') *u |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') *u |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') *u |= (unsigned)(c - 'A' + 10);
        else return jfail(j, "bad \\u escape");
    }
    return VR_OK;
}

/* A string at j->p (the opening quote); *out set in pass 2. */
static int
jstring(struct jp *j, const char **out)
{
    char *o = j->build ? j->sfree : NULL;
    size_t n = 0;

    j->p++;
    for (;;) {
        unsigned char c;
        unsigned u;
        char enc[4];
        int k = 0;

        if (j->p >= j->end)
            return jfail(j, "unterminated string");
        c = (unsigned char)*j->p++;
        if (c == '"')
            break;
        if (c < 0x20)
            return jfail(j, "control character in string");
        if (c != '\\') {
            enc[k++] = (char)c;
        } else {
            if (j->p >= j->end)
                return jfail(j, "unterminated string");
            c = (unsigned char)*j->p++;
            switch (c) {
            case '"': case '\\': case '/': enc[k++] = (char)c; break;
            case 'b': enc[k++] = '\b'; break;
            case 'f': enc[k++] = '\f'; break;
            case 'n': enc[k++] = '\n'; break;
            case 'r': enc[k++] = '\r'; break;
            case 't': enc[k++] = '\t'; break;
            case 'u':
                if (hex4(j, &u) != VR_OK)
                    return VR_EFORMAT;
                if (u >= 0xd800 && u < 0xdc00) {
                    unsigned lo;
                    if (j->end - j->p < 2 || j->p[0] != '\\' || j->p[1] != 'u')
                        return jfail(j, "lone surrogate");
                    j->p += 2;
                    if (hex4(j, &lo) != VR_OK)
                        return VR_EFORMAT;
                    if (lo < 0xdc00 || lo >= 0xe000)
                        return jfail(j, "bad surrogate pair");
                    u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
                } else if (u >= 0xdc00 && u < 0xe000) {
                    return jfail(j, "lone surrogate");
                }
                if (u == 0)
                    return jfail(j, "\\u0000 in string");
                if (u < 0x80) {
                    enc[k++] = (char)u;
                } else if (u < 0x800) {
                    enc[k++] = (char)(0xc0 | u >> 6);
                    enc[k++] = (char)(0x80 | (u & 0x3f));
                } else if (u < 0x10000) {
                    enc[k++] = (char)(0xe0 | u >> 12);
                    enc[k++] = (char)(0x80 | (u >> 6 & 0x3f));
                    enc[k++] = (char)(0x80 | (u & 0x3f));
                } else {
                    enc[k++] = (char)(0xf0 | u >> 18);
                    enc[k++] = (char)(0x80 | (u >> 12 & 0x3f));
                    enc[k++] = (char)(0x80 | (u >> 6 & 0x3f));
                    enc[k++] = (char)(0x80 | (u & 0x3f));
                }
                break;
            default:
                return jfail(j, "bad escape");
            }
        }
        if (o)
            memcpy(o + n, enc, (size_t)k);
        n += (size_t)k;
    }
    if (o) {
        o[n] = 0;
        *out = o;
        j->sfree += n + 1;
    } else {
        j->bytes += n + 1;
    }
    return VR_OK;
}

static int jvalue(struct jp *j, struct vr_sjson *v, int depth);

static int
lit(struct jp *j, const char *w)
{
    size_t n = strlen(w);

    if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
        return jfail(j, "unexpected character");
    j->p += n;
    return VR_OK;
}

static int
jnumber(struct jp *j, struct vr_sjson *v)
{
    const char *s = j->p;

    if (j->p < j->end && *j->p == '-')
        j->p++;
    if (j->p >= j->end || *j->p < '0' || *j->p > '9')
        return jfail(j, "bad number");
    if (*j->p == '0') {
        j->p++;
        if (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            return jfail(j, "leading zero in number");
    } else {
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    }
    if (j->p < j->end && *j->p == '.') {
        j->p++;
        if (j->p >= j->end || *j->p < '0' || *j->p > '9')
            return jfail(j, "bad number");
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
            j->p++;
        if (j->p >= j->end || *j->p < '0' || *j->p > '9')
            return jfail(j, "bad number");
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    }
    if (j->build) {
        size_t n = (size_t)(j->p - s);
        memcpy(j->sfree, s, n);
        j->sfree[n] = 0;
        v->s = j->sfree;
        j->sfree += n + 1;
    } else {
        j->bytes += (size_t)(j->p - s) + 1;
    }
    return VR_OK;
}

/* Array or object: count children in pass 1, fill them in pass 2. */
static int
jcompound(struct jp *j, struct vr_sjson *v, int depth, int obj)
{
    char close = obj ? '}' : ']';
    size_t n = 0;
    const char *start = j->p;
    struct vr_sjson *kids = NULL;
    const char **keys = NULL;

    if (depth >= VR_SJSON_MAXDEPTH)
        return jfail(j, "nesting too deep");
    if (j->build) {
        // Count the children first (the text is known valid), then take
        // them from the arena so siblings stay contiguous.
        struct jp c = *j;
        c.build = 0;
        c.p++;
        ws(&c);
        if (c.p < c.end && *c.p != close) {
            for (;;) {
                struct vr_sjson tmp;
                if (obj) {
                    jstring(&c, NULL);
                    ws(&c);
                    c.p++;
                    ws(&c);
                }
                jvalue(&c, &tmp, depth + 1);
                n++;
                ws(&c);
                if (*c.p == ',') {
                    c.p++;
                    ws(&c);
                    continue;
                }
                break;
            }
        }
        kids = j->nfree;
        j->nfree += n;
        if (obj) {
            keys = j->kfree;
            j->kfree += n;
        }
        v->kids = kids;
        v->keys = keys;
        v->n = n;
        n = 0;
    }
    (void)start;
    j->p++;
    ws(j);
    if (j->p < j->end && *j->p == close) {
        j->p++;
        return VR_OK;
    }
    for (;;) {
        struct vr_sjson tmp, *kid = kids ? &kids[n] : &tmp;
        if (obj) {
            if (j->p >= j->end || *j->p != '"')
                return jfail(j, "expected a key");
            if (jstring(j, keys ? &keys[n] : NULL) != VR_OK)
                return VR_EFORMAT;
            ws(j);
            if (j->p >= j->end || *j->p != ':')
                return jfail(j, "expected ':'");
            j->p++;
            ws(j);
        }
        if (jvalue(j, kid, depth + 1) != VR_OK)
            return VR_EFORMAT;
        n++;
        if (!j->build) {
            j->nodes++;
            if (obj)
                j->nodes++;     /* a key slot, counted as a node's size */
        }
        ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            ws(j);
            continue;
        }
        if (j->p < j->end && *j->p == close) {
            j->p++;
            return VR_OK;
        }
        return jfail(j, obj ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static int
jvalue(struct jp *j, struct vr_sjson *v, int depth)
{
    memset(v, 0, sizeof(*v));
    if (j->p >= j->end)
        return jfail(j, "unexpected end of input");
    switch (*j->p) {
    case '{':
        v->type = VR_SJSON_OBJECT;
        return jcompound(j, v, depth, 1);
    case '[':
        v->type = VR_SJSON_ARRAY;
        return jcompound(j, v, depth, 0);
    case '"':
        v->type = VR_SJSON_STRING;
        return jstring(j, &v->s);
    case 't':
        v->type = VR_SJSON_BOOL;
        v->b = 1;
        return lit(j, "true");
    case 'f':
        v->type = VR_SJSON_BOOL;
        return lit(j, "false");
    case 'n':
        v->type = VR_SJSON_NULL;
        return lit(j, "null");
    default:
        v->type = VR_SJSON_NUMBER;
        return jnumber(j, v);
    }
}

int
vr_sjson_parse(struct vr_sjson_doc *d, const char *text, size_t len)
{
    struct jp j = {text, text + len, text, 0, 1, 0, NULL, NULL, NULL};
    struct vr_sjson tmp;
    size_t nodes, need;
    char *a;

    memset(d, 0, sizeof(*d));
    ws(&j);
    if (jvalue(&j, &tmp, 0) != VR_OK)
        return VR_EFORMAT;
    ws(&j);
    if (j.p != j.end)
        return jfail(&j, "trailing characters");
    nodes = j.nodes;
    // Arena: nodes (kids, +1 root), key pointers, string bytes.
    need = (nodes + 1) * sizeof(struct vr_sjson) + nodes * sizeof(char *) +
        j.bytes;
    if ((a = malloc(need)) == NULL)
        return VR_ENOMEM;
    j.p = text;
    j.build = 1;
    j.nfree = (struct vr_sjson *)a;
    d->root = j.nfree++;
    j.kfree = (const char **)(a + (nodes + 1) * sizeof(struct vr_sjson));
    j.sfree = (char *)(j.kfree + nodes);
    ws(&j);
    jvalue(&j, d->root, 0);
    d->arena = a;
    return VR_OK;
}

void
vr_sjson_free(struct vr_sjson_doc *d)
{
    free(d->arena);
    memset(d, 0, sizeof(*d));
}

const struct vr_sjson *
vr_sjson_get(const struct vr_sjson *o, const char *key)
{
    if (o == NULL || o->type != VR_SJSON_OBJECT)
        return NULL;
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->keys[i], key) == 0)
            return &o->kids[i];
    return NULL;
}

const struct vr_sjson *
vr_sjson_at(const struct vr_sjson *a, size_t n, size_t i)
{
    if (a == NULL || a->type != VR_SJSON_ARRAY || a->n != n || i >= n)
        return NULL;
    return &a->kids[i];
}

/* x = x * 10 + d on 4 limbs; false on overflow past 2^256. */
static int
mul10_add(uint64_t x[4], unsigned d)
{
    u128 c = d;

    for (int i = 0; i < 4; i++) {
        c += (u128)x[i] * 10;
        x[i] = (uint64_t)c;
        c >>= 64;
    }
    return c == 0;
}

/* a < b on 4 limbs. */
static int
lt(const uint64_t a[4], const uint64_t b[4])
{
    for (int i = 3; i >= 0; i--)
        if (a[i] != b[i])
            return a[i] < b[i];
    return 0;
}

int
vr_sjson_dec(uint64_t out[4], const struct vr_sjson *v, const uint64_t m[4])
{
    const char *s;

    if (v == NULL || v->type != VR_SJSON_STRING)
        return vr_snark_fail("expected a decimal string");
    s = v->s;
    if (*s == 0 || (s[0] == '0' && s[1] != 0))
        return vr_snark_fail("\"%.20s\": not a canonical decimal number", s);
    memset(out, 0, 32);
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return vr_snark_fail("\"%.20s\": not a decimal number", v->s);
        if (!mul10_add(out, (unsigned)(*s - '0')))
            return vr_snark_failc(VR_ERANGE, "\"%.20s...\": too large", v->s);
    }
    if (!lt(out, m))
        return vr_snark_failc(VR_ERANGE, "\"%.20s...\": not below the "
            "field modulus", v->s);
    return VR_OK;
}

void
vr_dec_format(char *buf, const uint64_t x[4])
{
    uint64_t t[4] = {x[0], x[1], x[2], x[3]};
    char tmp[80];
    int n = 0;

    do {
        // t /= 10, digit = remainder, most significant limb first.
        u128 rem = 0;
        for (int i = 3; i >= 0; i--) {
            u128 cur = rem << 64 | t[i];
            t[i] = (uint64_t)(cur / 10);
            rem = cur % 10;
        }
        tmp[n++] = (char)('0' + (int)rem);
    } while (t[0] | t[1] | t[2] | t[3]);
    for (int i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = 0;
}
