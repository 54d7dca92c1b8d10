/*
 * tensor.h: a named, typed, shaped array; the unit of every stream.
 *
 * On the wire a tensor is a msgpack map {"name": str, "dtype": str,
 * "shape": [uint...], "data": bin} with data little-endian, row-major,
 * exactly prod(shape) * size(dtype) bytes (vr-stream(5)).
 */
#ifndef VR_STREAM_TENSOR_H
#define VR_STREAM_TENSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VR_TENSOR_MAXRANK 8
#define VR_NAME_MAX 64
/* Largest tensor a reader accepts, in bytes (a hostile shape cannot make
 * us allocate more). */
#define VR_TENSOR_MAXBYTES ((size_t)1 << 32)

enum vr_dtype {
    VR_DT_U8, VR_DT_I8, VR_DT_I32, VR_DT_I64, VR_DT_F32, VR_DT_F64,
    VR_DT_COUNT
};

struct vr_tensor {
    char name[VR_NAME_MAX];
    enum vr_dtype dtype;
    int rank;
    size_t shape[VR_TENSOR_MAXRANK];
    size_t n;           /* elements: the product of shape */
    void *data;         /* owned: n * vr_dtype_size(dtype) bytes, 64-aligned */
    size_t cap;         /* bytes allocated at data */
};

/* Bytes per element. */
size_t vr_dtype_size(enum vr_dtype dt);
/* Wire name: "u8" "i8" "i32" "i64" "f32" "f64". */
const char *vr_dtype_name(enum vr_dtype dt);
/* Parse a wire name of len bytes.  VR_EFORMAT if unknown. */
int vr_dtype_parse(enum vr_dtype *dt, const char *s, size_t len);

/*
 * Give t the name, dtype and shape, reusing its buffer when big enough.
 * Contents are unspecified.  VR_ENOMEM on overflow or allocation failure,
 * VR_ESHAPE if rank is outside 0..VR_TENSOR_MAXRANK or a name is too long.
 */
int vr_tensor_alloc(struct vr_tensor *t, const char *name, enum vr_dtype dt,
    int rank, const size_t *shape);
/* Like vr_tensor_alloc for rank 1 and 2 (cols == 0 means rank 1). */
int vr_tensor_alloc2(struct vr_tensor *t, const char *name, enum vr_dtype dt,
    size_t rows, size_t cols);
/* Release the buffer; a zeroed struct is fine. */
void vr_tensor_free(struct vr_tensor *t);
/* Exchange two tensors (buffers included), no copying. */
void vr_tensor_swap(struct vr_tensor *a, struct vr_tensor *b);
/* Bytes of data: n * vr_dtype_size(dtype). */
size_t vr_tensor_bytes(const struct vr_tensor *t);

#endif
