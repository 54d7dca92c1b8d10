#include <errno.h>
#include <string.h>

#include "vr.h"
#include "stream/stream.h"

/* msgpack's own msgpack_fbuffer_write fails on a zero-length write (an
 * empty string's body), which fwrite reports as 0 items written. */
static int
write_file(void *data, const char *buf, size_t len)
{
    return len == 0 || fwrite(buf, len, 1, (FILE *)data) == 1 ? 0 : -1;
}

void
vr_writer_init(struct vr_writer *w, FILE *f)
{
    memset(w, 0, sizeof(*w));
    w->f = f;
    msgpack_packer_init(&w->pk, f, write_file);
}

static int
check(struct vr_writer *w, int packret)
{
    if (packret != 0 && w->err == VR_OK)
        w->err = VR_EIO;
    return w->err;
}

int
vr_pack_str(msgpack_packer *pk, const char *s)
{
    size_t n = strlen(s);
    return msgpack_pack_str(pk, n) || msgpack_pack_str_body(pk, s, n) ? -1 : 0;
}

int
vr_pack_kv_str(msgpack_packer *pk, const char *key, const char *val)
{
    return vr_pack_str(pk, key) || vr_pack_str(pk, val) ? -1 : 0;
}

int
vr_pack_kv_i64(msgpack_packer *pk, const char *key, long long val)
{
    return vr_pack_str(pk, key) || msgpack_pack_long_long(pk, val) ? -1 : 0;
}

int
vr_pack_kv_f64(msgpack_packer *pk, const char *key, double val)
{
    return vr_pack_str(pk, key) || msgpack_pack_double(pk, val) ? -1 : 0;
}

int
vr_pack_kv_bool(msgpack_packer *pk, const char *key, bool val)
{
    if (vr_pack_str(pk, key))
        return -1;
    return val ? msgpack_pack_true(pk) : msgpack_pack_false(pk);
}

int
vr_pack_kv_f64s(msgpack_packer *pk, const char *key, const double *v,
    size_t n)
{
    if (vr_pack_str(pk, key) || msgpack_pack_array(pk, n))
        return -1;
    for (size_t i = 0; i < n; i++)
        if (msgpack_pack_double(pk, v[i]))
            return -1;
    return 0;
}

int
vr_pack_kv_strs(msgpack_packer *pk, const char *key, const char *const *v,
    size_t n)
{
    if (vr_pack_str(pk, key) || msgpack_pack_array(pk, n))
        return -1;
    for (size_t i = 0; i < n; i++)
        if (vr_pack_str(pk, v[i]))
            return -1;
    return 0;
}

int
vr_pack_kv_obj(msgpack_packer *pk, const char *key, const msgpack_object *obj)
{
    return vr_pack_str(pk, key) || msgpack_pack_object(pk, *obj) ? -1 : 0;
}

int
vr_writer_header(struct vr_writer *w, const char *kind,
    const msgpack_object *prov, const char *self, size_t nextra)
{
    msgpack_packer *pk = &w->pk;
    size_t nprov = 0;

    if (prov != NULL && prov->type == MSGPACK_OBJECT_ARRAY)
        nprov = prov->via.array.size;
    else
        prov = NULL;
    if (msgpack_pack_map(pk, 4 + nextra) ||
        vr_pack_kv_str(pk, "magic", VR_MAGIC) ||
        vr_pack_kv_i64(pk, "version", VR_FORMAT_VERSION) ||
        vr_pack_kv_str(pk, "kind", kind) ||
        vr_pack_str(pk, "provenance") ||
        msgpack_pack_array(pk, nprov + (self != NULL)))
        return check(w, -1);
    for (size_t i = 0; i < nprov; i++)
        if (msgpack_pack_object(pk, prov->via.array.ptr[i]))
            return check(w, -1);
    if (self != NULL && vr_pack_str(pk, self))
        return check(w, -1);
    return w->err;
}

static int
put(struct vr_writer *w, const char *name, enum vr_dtype dt, int rank,
    const size_t *shape, const void *data, size_t bytes)
{
    msgpack_packer *pk = &w->pk;

    if (w->err)
        return w->err;
    if (bytes > UINT32_MAX)     /* msgpack bin 32 is the limit */
        return w->err = VR_ERANGE;
    if (msgpack_pack_map(pk, 4) || vr_pack_kv_str(pk, "name", name) ||
        vr_pack_kv_str(pk, "dtype", vr_dtype_name(dt)) ||
        vr_pack_str(pk, "shape") || msgpack_pack_array(pk, (size_t)rank))
        return check(w, -1);
    for (int i = 0; i < rank; i++)
        if (msgpack_pack_uint64(pk, shape[i]))
            return check(w, -1);
    if (vr_pack_str(pk, "data") || msgpack_pack_bin(pk, bytes) ||
        (bytes && msgpack_pack_bin_body(pk, data, bytes)))
        return check(w, -1);
    w->ntensors++;
    return VR_OK;
}

int
vr_writer_tensor(struct vr_writer *w, const struct vr_tensor *t)
{
    return put(w, t->name, t->dtype, t->rank, t->shape, t->data,
        vr_tensor_bytes(t));
}

int
vr_writer_put(struct vr_writer *w, const char *name, enum vr_dtype dt,
    const void *data, size_t rows, size_t cols)
{
    size_t shape[2] = {rows, cols};
    return put(w, name, dt, cols ? 2 : 1, shape, data,
        rows * (cols ? cols : 1) * vr_dtype_size(dt));
}

int
vr_writer_end(struct vr_writer *w)
{
    msgpack_packer *pk = &w->pk;

    if (w->err)
        return w->err;
    if (msgpack_pack_map(pk, 1) || vr_pack_str(pk, "end") ||
        msgpack_pack_uint64(pk, w->ntensors))
        return check(w, -1);
    if (fflush(w->f) != 0)
        return w->err = VR_EIO;
    return VR_OK;
}
