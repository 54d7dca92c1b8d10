#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vr.h"
#include "base/mem.h"
#include "stream/stream.h"

#define READ_CHUNK (1 << 20)

int
vr_reader_fail(struct vr_reader *r, int err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
    va_end(ap);
    r->state = -1;
    return err;
}

static bool
key_is(const msgpack_object *k, const char *s)
{
    size_t n = strlen(s);
    return k->type == MSGPACK_OBJECT_STR && k->via.str.size == n &&
        memcmp(k->via.str.ptr, s, n) == 0;
}

const msgpack_object *
vr_meta_get(const msgpack_object *map, const char *key)
{
    if (map == NULL || map->type != MSGPACK_OBJECT_MAP)
        return NULL;
    for (uint32_t i = 0; i < map->via.map.size; i++)
        if (key_is(&map->via.map.ptr[i].key, key))
            return &map->via.map.ptr[i].val;
    return NULL;
}

/*
 * Unpack the next object into out: 1 on success, 0 at a clean end of file
 * (no partial object pending), < 0 on error.
 */
static int
unpack(struct vr_reader *r, msgpack_unpacked *out)
{
    for (;;) {
        msgpack_unpack_return ret = msgpack_unpacker_next(&r->up, out);
        if (ret == MSGPACK_UNPACK_SUCCESS)
            return 1;
        if (ret == MSGPACK_UNPACK_NOMEM_ERROR)
            return vr_reader_fail(r, VR_ENOMEM, "object %zu: out of memory",
                r->index);
        if (ret != MSGPACK_UNPACK_CONTINUE)
            return vr_reader_fail(r, VR_EFORMAT,
                "object %zu: not valid msgpack", r->index);
        if (msgpack_unpacker_message_size(&r->up) > VR_OBJECT_MAXBYTES)
            return vr_reader_fail(r, VR_EFORMAT,
                "object %zu: larger than %zu bytes", r->index,
                (size_t)VR_OBJECT_MAXBYTES);
        if (msgpack_unpacker_buffer_capacity(&r->up) < READ_CHUNK &&
            !msgpack_unpacker_reserve_buffer(&r->up, READ_CHUNK))
            return vr_reader_fail(r, VR_ENOMEM, "object %zu: out of memory",
                r->index);
        size_t got = fread(msgpack_unpacker_buffer(&r->up), 1,
            msgpack_unpacker_buffer_capacity(&r->up), r->f);
        if (got == 0) {
            if (ferror(r->f))
                return vr_reader_fail(r, VR_EIO, "read error: %s",
                    strerror(errno));
            if (msgpack_unpacker_message_size(&r->up) == 0)
                return 0;
            return vr_reader_fail(r, VR_EFORMAT,
                "truncated stream: object %zu cut short", r->index);
        }
        msgpack_unpacker_buffer_consumed(&r->up, got);
    }
}

/* Check a header object; kind (if not NULL) is the kind it must have. */
static int
check_header(struct vr_reader *r, const msgpack_object *h, const char *kind)
{
    const msgpack_object *v;

    if (h->type != MSGPACK_OBJECT_MAP)
        return vr_reader_fail(r, VR_EFORMAT,
            "not a VeriRegime stream: header is not a map");
    v = vr_meta_get(h, "magic");
    if (v == NULL || !key_is(v, VR_MAGIC))
        return vr_reader_fail(r, VR_EFORMAT,
            "not a VeriRegime stream: header has no magic \"%s\"", VR_MAGIC);
    v = vr_meta_get(h, "version");
    if (v == NULL || v->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
        return vr_reader_fail(r, VR_EFORMAT, "header: no version");
    if (v->via.u64 != VR_FORMAT_VERSION)
        return vr_reader_fail(r, VR_EFORMAT,
            "header: format version %llu, this program reads %d",
            (unsigned long long)v->via.u64, VR_FORMAT_VERSION);
    v = vr_meta_get(h, "kind");
    if (v == NULL || v->type != MSGPACK_OBJECT_STR ||
        v->via.str.size >= sizeof(r->kind))
        return vr_reader_fail(r, VR_EFORMAT, "header: no kind");
    if (kind != NULL && (strlen(kind) != v->via.str.size ||
        memcmp(kind, v->via.str.ptr, v->via.str.size) != 0))
        return vr_reader_fail(r, VR_EFORMAT,
            "expected a %s stream, got a %.*s stream", kind,
            (int)v->via.str.size, v->via.str.ptr);
    if (r->header == NULL) {
        memcpy(r->kind, v->via.str.ptr, v->via.str.size);
        r->kind[v->via.str.size] = '\0';
        r->version = VR_FORMAT_VERSION;
    }
    return VR_OK;
}

int
vr_reader_open(struct vr_reader *r, FILE *f, const char *kind)
{
    int rc;

    memset(r, 0, sizeof(*r));
    r->f = f;
    if (!msgpack_unpacker_init(&r->up, READ_CHUNK))
        return vr_reader_fail(r, VR_ENOMEM, "out of memory");
    msgpack_unpacked_init(&r->obj);
    msgpack_unpacked_init(&r->head);
    rc = unpack(r, &r->head);
    if (rc == 0)
        return vr_reader_fail(r, VR_EFORMAT, "empty stream: no header");
    if (rc < 0)
        return rc;
    if ((rc = check_header(r, &r->head.data, kind)) != VR_OK)
        return rc;
    r->header = &r->head.data;
    r->index = 1;
    return VR_OK;
}

static int
parse_tensor(struct vr_reader *r, const msgpack_object *o,
    struct vr_tensor *t)
{
    const msgpack_object *name, *dtype, *shape, *data;
    size_t dims[VR_TENSOR_MAXRANK], n = 1;
    enum vr_dtype dt;
    char nm[VR_NAME_MAX];
    size_t i = r->index;
    int rc;

    name = vr_meta_get(o, "name");
    if (name == NULL || name->type != MSGPACK_OBJECT_STR ||
        name->via.str.size >= VR_NAME_MAX)
        return vr_reader_fail(r, VR_EFORMAT,
            "object %zu: tensor without a valid name", i);
    memcpy(nm, name->via.str.ptr, name->via.str.size);
    nm[name->via.str.size] = '\0';
    dtype = vr_meta_get(o, "dtype");
    if (dtype == NULL || dtype->type != MSGPACK_OBJECT_STR ||
        vr_dtype_parse(&dt, dtype->via.str.ptr, dtype->via.str.size) != VR_OK)
        return vr_reader_fail(r, VR_EFORMAT,
            "tensor \"%s\": missing or unknown dtype", nm);
    shape = vr_meta_get(o, "shape");
    if (shape == NULL || shape->type != MSGPACK_OBJECT_ARRAY ||
        shape->via.array.size > VR_TENSOR_MAXRANK)
        return vr_reader_fail(r, VR_EFORMAT,
            "tensor \"%s\": missing shape or rank above %d", nm,
            VR_TENSOR_MAXRANK);
    for (uint32_t k = 0; k < shape->via.array.size; k++) {
        const msgpack_object *d = &shape->via.array.ptr[k];
        if (d->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
            return vr_reader_fail(r, VR_EFORMAT,
                "tensor \"%s\": shape[%u] is not a non-negative integer",
                nm, k);
        if (d->via.u64 > VR_TENSOR_MAXBYTES)
            return vr_reader_fail(r, VR_EFORMAT,
                "tensor \"%s\": shape[%u] = %llu is too large", nm, k,
                (unsigned long long)d->via.u64);
        dims[k] = (size_t)d->via.u64;
        if (!vr_mul_ok(&n, n, dims[k]) || n > VR_TENSOR_MAXBYTES)
            return vr_reader_fail(r, VR_EFORMAT,
                "tensor \"%s\": shape overflows", nm);
    }
    data = vr_meta_get(o, "data");
    if (data == NULL || data->type != MSGPACK_OBJECT_BIN)
        return vr_reader_fail(r, VR_EFORMAT, "tensor \"%s\": no data bin", nm);
    if (n > VR_TENSOR_MAXBYTES / vr_dtype_size(dt) ||
        data->via.bin.size != n * vr_dtype_size(dt))
        return vr_reader_fail(r, VR_EFORMAT,
            "tensor \"%s\": %u bytes of data, but shape and dtype %s "
            "need %zu", nm, data->via.bin.size, vr_dtype_name(dt),
            n * vr_dtype_size(dt));
    rc = vr_tensor_alloc(t, nm, dt, (int)shape->via.array.size, dims);
    if (rc != VR_OK)
        return vr_reader_fail(r, rc, "tensor \"%s\": out of memory", nm);
    if (data->via.bin.size)
        memcpy(t->data, data->via.bin.ptr, data->via.bin.size);
    return VR_OK;
}

static int
read_object(struct vr_reader *r, struct vr_tensor *t)
{
    const msgpack_object *o, *end;
    int rc;

    if (r->state == 1)
        return 0;
    if (r->state < 0)
        return VR_EFORMAT;
    rc = unpack(r, &r->obj);
    if (rc == 0)
        return vr_reader_fail(r, VR_EFORMAT,
            "truncated stream: no trailer after %zu tensors", r->ntensors);
    if (rc < 0)
        return rc;
    o = &r->obj.data;
    if (o->type != MSGPACK_OBJECT_MAP)
        return vr_reader_fail(r, VR_EFORMAT, "object %zu: not a map",
            r->index);
    if ((end = vr_meta_get(o, "end")) != NULL) {
        if (end->type != MSGPACK_OBJECT_POSITIVE_INTEGER ||
            end->via.u64 != r->ntensors)
            return vr_reader_fail(r, VR_EFORMAT,
                "trailer counts %llu tensors, stream had %zu",
                (unsigned long long)end->via.u64, r->ntensors);
        r->state = 1;
        return 0;
    }
    if ((rc = parse_tensor(r, o, t)) != VR_OK)
        return rc;
    r->index++;
    r->ntensors++;
    return 1;
}

int
vr_reader_next(struct vr_reader *r, struct vr_tensor *t)
{
    if (r->has_pend) {
        vr_tensor_swap(t, &r->pend);
        r->has_pend = false;
        return 1;
    }
    return read_object(r, t);
}

int
vr_reader_peek(struct vr_reader *r, const char **name)
{
    int rc;

    if (!r->has_pend) {
        rc = read_object(r, &r->pend);
        if (rc <= 0)
            return rc;
        r->has_pend = true;
    }
    *name = r->pend.name;
    return 1;
}

int
vr_reader_continue(struct vr_reader *r)
{
    int rc;

    if (r->state != 1)
        return vr_reader_fail(r, VR_EFORMAT, "stream not at its trailer");
    /* The first header stays in r->head; the next goes to r->obj. */
    rc = unpack(r, &r->obj);
    if (rc <= 0)
        return rc;
    if ((rc = check_header(r, &r->obj.data, r->kind)) != VR_OK)
        return rc;
    r->state = 0;
    r->ntensors = 0;
    r->index++;
    return 1;
}

void
vr_reader_free(struct vr_reader *r)
{
    if (r->f == NULL)
        return;
    msgpack_unpacked_destroy(&r->obj);
    msgpack_unpacked_destroy(&r->head);
    msgpack_unpacker_destroy(&r->up);
    vr_tensor_free(&r->pend);
    r->f = NULL;
    r->header = NULL;
}

int
vr_reader_expect(struct vr_reader *r, const struct vr_tensor *t,
    const char *name, enum vr_dtype dt, int rank, const size_t *shape)
{
    if (name != NULL && strcmp(t->name, name) != 0)
        return vr_reader_fail(r, VR_ESHAPE,
            "expected tensor \"%s\", got \"%s\"", name, t->name);
    if (t->dtype != dt)
        return vr_reader_fail(r, VR_ESHAPE,
            "tensor \"%s\": expected dtype %s, got %s", t->name,
            vr_dtype_name(dt), vr_dtype_name(t->dtype));
    if (t->rank != rank)
        return vr_reader_fail(r, VR_ESHAPE,
            "tensor \"%s\": expected rank %d, got %d", t->name, rank,
            t->rank);
    for (int k = 0; shape != NULL && k < rank; k++)
        if (shape[k] != VR_ANY && shape[k] != t->shape[k])
            return vr_reader_fail(r, VR_ESHAPE,
                "tensor \"%s\": expected shape[%d] = %zu, got %zu",
                t->name, k, shape[k], t->shape[k]);
    return VR_OK;
}

int
vr_reader_want(struct vr_reader *r, struct vr_tensor *t, const char *name,
    enum vr_dtype dt, int rank, const size_t *shape)
{
    int rc = vr_reader_next(r, t);

    if (rc == 0)
        return vr_reader_fail(r, VR_EFORMAT, "missing tensor \"%s\"",
            name ? name : "");
    if (rc < 0)
        return rc;
    return vr_reader_expect(r, t, name, dt, rank, shape);
}

static const msgpack_object *
meta_find(struct vr_reader *r, const msgpack_object *map, const char *key)
{
    return vr_meta_get(map ? map : r->header, key);
}

int
vr_meta_str(struct vr_reader *r, const msgpack_object *map, const char *key,
    char *buf, size_t bufsize)
{
    const msgpack_object *v = meta_find(r, map, key);

    if (v == NULL || v->type != MSGPACK_OBJECT_STR ||
        v->via.str.size >= bufsize)
        return vr_reader_fail(r, VR_EFORMAT,
            "header: field \"%s\" missing or not a string", key);
    memcpy(buf, v->via.str.ptr, v->via.str.size);
    buf[v->via.str.size] = '\0';
    return VR_OK;
}

int
vr_meta_i64(struct vr_reader *r, const msgpack_object *map, const char *key,
    long long *out, long long lo, long long hi)
{
    const msgpack_object *v = meta_find(r, map, key);
    long long x;

    if (v != NULL && v->type == MSGPACK_OBJECT_POSITIVE_INTEGER &&
        v->via.u64 <= (uint64_t)INT64_MAX)
        x = (long long)v->via.u64;
    else if (v != NULL && v->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
        x = v->via.i64;
    else
        return vr_reader_fail(r, VR_EFORMAT,
            "header: field \"%s\" missing or not an integer", key);
    if (x < lo || x > hi)
        return vr_reader_fail(r, VR_EFORMAT,
            "header: field \"%s\" = %lld outside [%lld, %lld]", key, x, lo,
            hi);
    *out = x;
    return VR_OK;
}

static bool
as_double(const msgpack_object *v, double *x)
{
    switch (v->type) {
    case MSGPACK_OBJECT_POSITIVE_INTEGER: *x = (double)v->via.u64; return true;
    case MSGPACK_OBJECT_NEGATIVE_INTEGER: *x = (double)v->via.i64; return true;
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64: *x = v->via.f64; return true;
    default: return false;
    }
}

int
vr_meta_f64(struct vr_reader *r, const msgpack_object *map, const char *key,
    double *out)
{
    const msgpack_object *v = meta_find(r, map, key);

    if (v == NULL || !as_double(v, out))
        return vr_reader_fail(r, VR_EFORMAT,
            "header: field \"%s\" missing or not a number", key);
    return VR_OK;
}

int
vr_meta_f64s(struct vr_reader *r, const msgpack_object *map, const char *key,
    double *out, size_t n)
{
    const msgpack_object *v = meta_find(r, map, key);

    if (v == NULL || v->type != MSGPACK_OBJECT_ARRAY || v->via.array.size != n)
        return vr_reader_fail(r, VR_EFORMAT,
            "header: field \"%s\" missing or not an array of %zu numbers",
            key, n);
    for (size_t i = 0; i < n; i++)
        if (!as_double(&v->via.array.ptr[i], &out[i]))
            return vr_reader_fail(r, VR_EFORMAT,
                "header: field \"%s\"[%zu] is not a number", key, i);
    return VR_OK;
}

int
vr_meta_strs(struct vr_reader *r, const msgpack_object *map, const char *key,
    char (*names)[VR_NAME_MAX], size_t max, size_t *n)
{
    const msgpack_object *v = meta_find(r, map, key);

    if (v == NULL || v->type != MSGPACK_OBJECT_ARRAY || v->via.array.size > max)
        return vr_reader_fail(r, VR_EFORMAT,
            "header: field \"%s\" missing or not an array of at most %zu "
            "strings", key, max);
    for (size_t i = 0; i < v->via.array.size; i++) {
        const msgpack_object *s = &v->via.array.ptr[i];
        if (s->type != MSGPACK_OBJECT_STR || s->via.str.size >= VR_NAME_MAX)
            return vr_reader_fail(r, VR_EFORMAT,
                "header: field \"%s\"[%zu] is not a short string", key, i);
        memcpy(names[i], s->via.str.ptr, s->via.str.size);
        names[i][s->via.str.size] = '\0';
    }
    *n = v->via.array.size;
    return VR_OK;
}

int
vr_meta_map(struct vr_reader *r, const msgpack_object *map, const char *key,
    const msgpack_object **out)
{
    const msgpack_object *v = meta_find(r, map, key);

    if (v == NULL || v->type != MSGPACK_OBJECT_MAP)
        return vr_reader_fail(r, VR_EFORMAT,
            "header: field \"%s\" missing or not a map", key);
    *out = v;
    return VR_OK;
}
