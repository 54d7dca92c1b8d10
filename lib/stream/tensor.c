#include <stdlib.h>
#include <string.h>

#include "vr.h"
#include "base/mem.h"
#include "stream/tensor.h"

static const struct {
    const char *name;
    size_t size;
} dtypes[VR_DT_COUNT] = {
    [VR_DT_U8] = {"u8", 1}, [VR_DT_I8] = {"i8", 1}, [VR_DT_I32] = {"i32", 4},
    [VR_DT_I64] = {"i64", 8}, [VR_DT_F32] = {"f32", 4}, [VR_DT_F64] = {"f64", 8},
};

size_t
vr_dtype_size(enum vr_dtype dt)
{
    VR_ASSERT((unsigned)dt < VR_DT_COUNT);
    return dtypes[dt].size;
}

const char *
vr_dtype_name(enum vr_dtype dt)
{
    VR_ASSERT((unsigned)dt < VR_DT_COUNT);
    return dtypes[dt].name;
}

int
vr_dtype_parse(enum vr_dtype *dt, const char *s, size_t len)
{
    for (int i = 0; i < VR_DT_COUNT; i++) {
        if (strlen(dtypes[i].name) == len && memcmp(dtypes[i].name, s, len) == 0) {
            *dt = (enum vr_dtype)i;
            return VR_OK;
        }
    }
    return VR_EFORMAT;
}

int
vr_tensor_alloc(struct vr_tensor *t, const char *name, enum vr_dtype dt,
    int rank, const size_t *shape)
{
    size_t n = 1, bytes;

    if (rank < 0 || rank > VR_TENSOR_MAXRANK || strlen(name) >= VR_NAME_MAX)
        return VR_ESHAPE;
    for (int i = 0; i < rank; i++)
        if (!vr_mul_ok(&n, n, shape[i]))
            return VR_ENOMEM;
    if (!vr_mul_ok(&bytes, n, vr_dtype_size(dt)) || bytes > SIZE_MAX - 63)
        return VR_ENOMEM;
    if (bytes > t->cap || t->data == NULL) {
        size_t cap = (bytes + 63) & ~(size_t)63;
        void *p = aligned_alloc(64, cap ? cap : 64);
        if (p == NULL)
            return VR_ENOMEM;
        free(t->data);
        t->data = p;
        t->cap = cap ? cap : 64;
    }
    strcpy(t->name, name);
    t->dtype = dt;
    t->rank = rank;
    for (int i = 0; i < rank; i++)
        t->shape[i] = shape[i];
    t->n = n;
    return VR_OK;
}

int
vr_tensor_alloc2(struct vr_tensor *t, const char *name, enum vr_dtype dt,
    size_t rows, size_t cols)
{
    size_t shape[2] = {rows, cols};
    return vr_tensor_alloc(t, name, dt, cols ? 2 : 1, shape);
}

void
vr_tensor_free(struct vr_tensor *t)
{
    free(t->data);
    memset(t, 0, sizeof(*t));
}

void
vr_tensor_swap(struct vr_tensor *a, struct vr_tensor *b)
{
    struct vr_tensor tmp = *a;
    *a = *b;
    *b = tmp;
}

size_t
vr_tensor_bytes(const struct vr_tensor *t)
{
    return t->n * vr_dtype_size(t->dtype);
}
