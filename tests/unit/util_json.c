/* util_json.c: see util_json.h.  Recursive descent over a loaded buffer. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "util_json.h"

struct parser {
    const char *s;
    size_t pos, len;
    const char *path;
};

static void
jfail(struct parser *p, const char *what)
{
    ck_abort_msg("%s: JSON error at byte %zu: %s", p->path, p->pos, what);
}

static void
skip_ws(struct parser *p)
{
    while (p->pos < p->len && isspace((unsigned char)p->s[p->pos]))
        p->pos++;
}

static char *
parse_string(struct parser *p)
{
    size_t cap = 16, n = 0;
    char *out = malloc(cap);

    p->pos++;   /* opening quote */
    while (p->pos < p->len && p->s[p->pos] != '"') {
        char c = p->s[p->pos++];
        if (c == '\\') {
            if (p->pos >= p->len)
                jfail(p, "truncated escape");
            c = p->s[p->pos++];
            switch (c) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u':
                /* vectors are ASCII: keep \uXXXX below 0x80 only */
                if (p->pos + 4 > p->len)
                    jfail(p, "truncated \\u");
                c = (char)strtol((char[5]){p->s[p->pos], p->s[p->pos + 1],
                    p->s[p->pos + 2], p->s[p->pos + 3], 0}, NULL, 16);
                p->pos += 4;
                break;
            default: break;     /* \" \\ \/ */
            }
        }
        if (n + 2 > cap)
            out = realloc(out, cap *= 2);
        out[n++] = c;
    }
    if (p->pos >= p->len)
        jfail(p, "unterminated string");
    p->pos++;
    out[n] = 0;
    return out;
}

static void parse_value(struct parser *p, struct vr_json *v);

static void
parse_members(struct parser *p, struct vr_json *v, int obj)
{
    size_t cap = 4;
    char close = obj ? '}' : ']';

    v->kids = calloc(cap, sizeof(*v->kids));
    v->keys = obj ? calloc(cap, sizeof(char *)) : NULL;
    p->pos++;
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == close) {
        p->pos++;
        return;
    }
    for (;;) {
        if (v->n == cap) {
            cap *= 2;
            v->kids = realloc(v->kids, cap * sizeof(*v->kids));
            if (obj)
                v->keys = realloc(v->keys, cap * sizeof(char *));
        }
        skip_ws(p);
        if (obj) {
            if (p->pos >= p->len || p->s[p->pos] != '"')
                jfail(p, "expected key");
            v->keys[v->n] = parse_string(p);
            skip_ws(p);
            if (p->pos >= p->len || p->s[p->pos] != ':')
                jfail(p, "expected ':'");
            p->pos++;
        }
        memset(&v->kids[v->n], 0, sizeof(v->kids[0]));
        parse_value(p, &v->kids[v->n]);
        v->n++;
        skip_ws(p);
        if (p->pos < p->len && p->s[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->pos < p->len && p->s[p->pos] == close) {
            p->pos++;
            return;
        }
        jfail(p, "expected ',' or close");
    }
}

static void
parse_value(struct parser *p, struct vr_json *v)
{
    skip_ws(p);
    if (p->pos >= p->len)
        jfail(p, "unexpected end");
    char c = p->s[p->pos];
    if (c == '{') {
        v->type = VR_JSON_OBJ;
        parse_members(p, v, 1);
    } else if (c == '[') {
        v->type = VR_JSON_ARR;
        parse_members(p, v, 0);
    } else if (c == '"') {
        v->type = VR_JSON_STR;
        v->text = parse_string(p);
    } else if (!strncmp(p->s + p->pos, "null", 4)) {
        v->type = VR_JSON_NULL;
        p->pos += 4;
    } else if (!strncmp(p->s + p->pos, "true", 4)) {
        v->type = VR_JSON_BOOL;
        v->text = strdup("true");
        p->pos += 4;
    } else if (!strncmp(p->s + p->pos, "false", 5)) {
        v->type = VR_JSON_BOOL;
        v->text = strdup("false");
        p->pos += 5;
    } else if (c == '-' || isdigit((unsigned char)c)) {
        size_t b = p->pos;
        while (p->pos < p->len && strchr("+-.eE0123456789", p->s[p->pos]))
            p->pos++;
        v->type = VR_JSON_NUM;
        v->text = strndup(p->s + b, p->pos - b);
    } else {
        jfail(p, "unexpected character");
    }
}

struct vr_json *
vr_json_load(const char *path)
{
    FILE *f = fopen(path, "rb");
    struct parser p = {0};
    struct vr_json *j;
    char *buf;
    long n;

    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    buf = malloc((size_t)n + 1);
    ck_assert_msg(fread(buf, 1, (size_t)n, f) == (size_t)n, "read %s", path);
    fclose(f);
    buf[n] = 0;
    p.s = buf;
    p.len = (size_t)n;
    p.path = path;
    j = calloc(1, sizeof(*j));
    parse_value(&p, j);
    free(buf);
    return j;
}

static void
free_members(struct vr_json *j)
{
    for (size_t i = 0; i < j->n; i++) {
        free_members(&j->kids[i]);
        if (j->keys)
            free(j->keys[i]);
    }
    free(j->kids);
    free(j->keys);
    free(j->text);
}

void
vr_json_free(struct vr_json *j)
{
    if (j == NULL)
        return;
    free_members(j);
    free(j);
}

const struct vr_json *
vr_json_get(const struct vr_json *j, const char *path)
{
    char key[256];

    while (j && *path) {
        size_t k = strcspn(path, ".");
        if (k >= sizeof(key) || j->type != VR_JSON_OBJ)
            return NULL;
        memcpy(key, path, k);
        key[k] = 0;
        const struct vr_json *next = NULL;
        for (size_t i = 0; i < j->n; i++)
            if (!strcmp(j->keys[i], key)) {
                next = &j->kids[i];
                break;
            }
        j = next;
        path += k;
        if (*path == '.')
            path++;
    }
    return j;
}

const struct vr_json *
vr_json_req(const struct vr_json *j, const char *path)
{
    const struct vr_json *v = vr_json_get(j, path);

    ck_assert_msg(v != NULL, "JSON member %s missing", path);
    return v;
}

const struct vr_json *
vr_json_at(const struct vr_json *j, size_t i)
{
    ck_assert_msg(j->type == VR_JSON_ARR && i < j->n, "JSON index %zu", i);
    return &j->kids[i];
}

const char *
vr_json_text(const struct vr_json *j, const char *path)
{
    const struct vr_json *v = vr_json_req(j, path);

    return v->type == VR_JSON_NULL ? NULL : v->text;
}

unsigned char *
vr_test_unhex(const char *hex, size_t *len)
{
    size_t n;
    unsigned char *b;

    if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
        hex += 2;
    n = strlen(hex);
    ck_assert_msg(n % 2 == 0, "odd hex length");
    b = malloc(n / 2 + 1);
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        ck_assert_msg(isxdigit((unsigned char)hex[2 * i]) &&
            isxdigit((unsigned char)hex[2 * i + 1]), "bad hex");
        sscanf(hex + 2 * i, "%2x", &v);
        b[i] = (unsigned char)v;
    }
    *len = n / 2;
    return b;
}

char *
vr_test_hex(const unsigned char *b, size_t n)
{
    char *s = malloc(2 * n + 1);

    for (size_t i = 0; i < n; i++)
        sprintf(s + 2 * i, "%02x", b[i]);
    s[2 * n] = 0;
    return s;
}
