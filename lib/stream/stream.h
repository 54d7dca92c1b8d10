/*
 * stream.h: reading and writing VeriRegime streams (vr-stream(5)).
 *
 * A stream is a sequence of msgpack objects:
 *   1. a header map: {"magic": "veriregime", "version": 1, "kind": str,
 *      "provenance": [str...], ...kind-specific keys...}
 *   2. any number of tensor maps (stream/tensor.h),
 *   3. a trailer map {"end": <number of tensors>}.
 * A stream without its trailer is truncated, whatever object it stopped
 * at, so a reader never mistakes a partial stream for a whole one.
 * Readers ignore keys they do not know.
 *
 * Errors: every function returning int gives VR_OK / a count, or a
 * negative status; on error the reader's msg says what and where, in
 * words fit for "tool: file: msg".
 */
#ifndef VR_STREAM_STREAM_H
#define VR_STREAM_STREAM_H

#include <stdbool.h>
#include <stdio.h>

#include <msgpack.h>

#include "stream/tensor.h"

#define VR_MAGIC "veriregime"
/* Largest msgpack object a reader buffers (a tensor map with its data). */
#define VR_OBJECT_MAXBYTES (VR_TENSOR_MAXBYTES + 4096)
/* Rows per chunk that writers use for row data (readers accept any). */
#define VR_CHUNK_ROWS 65536

struct vr_reader {
    FILE *f;                    /* borrowed */
    msgpack_unpacker up;
    msgpack_unpacked obj;       /* the current body object */
    msgpack_unpacked head;      /* the header, alive until _free */
    const msgpack_object *header;   /* the header map, in head */
    char kind[32];
    long long version;
    size_t ntensors;            /* tensors returned so far */
    size_t index;               /* object index, for messages */
    int state;                  /* 0 body, 1 trailer seen, -1 failed */
    struct vr_tensor pend;      /* one tensor of look-ahead */
    bool has_pend;
    char msg[256];              /* detail of the last error */
};

/*
 * Start reading the stream on f: read and check the header (magic,
 * version, kind).  If kind is not NULL the stream must be of that kind.
 * VR_EFORMAT on a bad or missing header, VR_EIO on a read error.  The
 * reader must be freed with vr_reader_free whatever this returns.
 */
int vr_reader_open(struct vr_reader *r, FILE *f, const char *kind);
/*
 * Next tensor into t (whose buffer is reused): 1 for a tensor, 0 at the
 * trailer, < 0 on error (VR_EFORMAT malformed or truncated, VR_ENOMEM,
 * VR_EIO).  dtype, rank and shape are checked against the data length
 * before anything is allocated.
 */
int vr_reader_next(struct vr_reader *r, struct vr_tensor *t);
/* Name of the next tensor without consuming it: 1 with *name set (valid
 * until the next call), 0 at the trailer, < 0 on error. */
int vr_reader_peek(struct vr_reader *r, const char **name);
/*
 * After the trailer: 1 if another stream of the same kind follows (its
 * header is read and checked; the first header stays in r->header), 0 at
 * a clean end of file.  This is how concatenated streams are read.
 */
int vr_reader_continue(struct vr_reader *r);
/* Release buffers.  Does not close f. */
void vr_reader_free(struct vr_reader *r);

/*
 * Check t: its name (if name != NULL), dtype, rank, and each dimension of
 * shape that is not VR_ANY.  VR_ESHAPE with a message otherwise.
 */
#define VR_ANY ((size_t)-1)
int vr_reader_expect(struct vr_reader *r, const struct vr_tensor *t,
    const char *name, enum vr_dtype dt, int rank, const size_t *shape);
/* Read the next tensor and check it as vr_reader_expect does; the end of
 * the stream is an error here (VR_EFORMAT "missing tensor"). */
int vr_reader_want(struct vr_reader *r, struct vr_tensor *t,
    const char *name, enum vr_dtype dt, int rank, const size_t *shape);
/* Set r->msg (printf-style) and return err. */
int vr_reader_fail(struct vr_reader *r, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Header and metadata access.  map is a msgpack map (NULL means the
 * header).  A missing key or a value of the wrong type gives VR_EFORMAT
 * with a message naming the key.  Integers accept msgpack ints only;
 * doubles accept ints and floats.
 */
const msgpack_object *vr_meta_get(const msgpack_object *map, const char *key);
int vr_meta_str(struct vr_reader *r, const msgpack_object *map,
    const char *key, char *buf, size_t bufsize);
int vr_meta_i64(struct vr_reader *r, const msgpack_object *map,
    const char *key, long long *v, long long lo, long long hi);
int vr_meta_f64(struct vr_reader *r, const msgpack_object *map,
    const char *key, double *v);
/* An array of exactly n numbers. */
int vr_meta_f64s(struct vr_reader *r, const msgpack_object *map,
    const char *key, double *v, size_t n);
/* An array of strings: *n set to its length, at most max entries of at
 * most VR_NAME_MAX - 1 bytes each. */
int vr_meta_strs(struct vr_reader *r, const msgpack_object *map,
    const char *key, char (*names)[VR_NAME_MAX], size_t max, size_t *n);
/* A map value: *out points into the header's memory. */
int vr_meta_map(struct vr_reader *r, const msgpack_object *map,
    const char *key, const msgpack_object **out);

struct vr_writer {
    FILE *f;                    /* borrowed */
    msgpack_packer pk;          /* for packing header values */
    size_t ntensors;
    int err;                    /* first error, sticky */
};

/* Start writing to f. */
void vr_writer_init(struct vr_writer *w, FILE *f);
/*
 * Write the header map's first entries: magic, version, kind, and
 * provenance = the input's provenance (an array, or NULL) followed by
 * self (the command line that made this stream, or NULL).  The caller
 * then packs exactly nextra key/value pairs with w->pk (vr_pack_*).
 */
int vr_writer_header(struct vr_writer *w, const char *kind,
    const msgpack_object *provenance, const char *self, size_t nextra);
/* Write one tensor. */
int vr_writer_tensor(struct vr_writer *w, const struct vr_tensor *t);
/* Write one tensor from borrowed memory (rank 1 if cols == 0, else 2). */
int vr_writer_put(struct vr_writer *w, const char *name, enum vr_dtype dt,
    const void *data, size_t rows, size_t cols);
/* Write the trailer and flush.  Returns the first error of the stream. */
int vr_writer_end(struct vr_writer *w);

/* Packing helpers for header values (return 0, or -1 on write error). */
int vr_pack_str(msgpack_packer *pk, const char *s);
int vr_pack_kv_str(msgpack_packer *pk, const char *key, const char *val);
int vr_pack_kv_i64(msgpack_packer *pk, const char *key, long long val);
int vr_pack_kv_f64(msgpack_packer *pk, const char *key, double val);
int vr_pack_kv_bool(msgpack_packer *pk, const char *key, bool val);
int vr_pack_kv_f64s(msgpack_packer *pk, const char *key, const double *v,
    size_t n);
int vr_pack_kv_strs(msgpack_packer *pk, const char *key,
    const char *const *v, size_t n);
/* key followed by a copy of an object read from another stream. */
int vr_pack_kv_obj(msgpack_packer *pk, const char *key,
    const msgpack_object *obj);

/*
 * Columnar chunks of row data.  A table names its columns; a chunk is the
 * columns' tensors in order, each of shape (n) or (n, width), the same n.
 */
#define VR_TABLE_MAXCOLS 24
struct vr_col {
    const char *name;
    enum vr_dtype dtype;
    size_t width;               /* 0: shape (n); else (n, width) */
};
struct vr_table {
    int ncols;
    const struct vr_col *cols;  /* borrowed */
    struct vr_tensor t[VR_TABLE_MAXCOLS];
    size_t n;                   /* rows in the current chunk */
};

/* Set up tb for the columns (no allocation yet). */
void vr_table_init(struct vr_table *tb, const struct vr_col *cols, int ncols);
/* Make room for n rows in every column (contents unspecified). */
int vr_table_alloc(struct vr_table *tb, size_t n);
/* Read the next chunk: 1, 0 if the next object is not this table's first
 * column (or the trailer), < 0 on error (a chunk cut short is an error). */
int vr_table_read(struct vr_reader *r, struct vr_table *tb);
/* Write the first n rows of the chunk's columns. */
int vr_table_write(struct vr_writer *w, const struct vr_table *tb, size_t n);
void vr_table_free(struct vr_table *tb);
/* Typed column pointer. */
#define VR_COL(tb, i, type) ((type *)(tb)->t[i].data)

#endif
