#include <string.h>

#include "vr.h"
#include "stream/stream.h"

void
vr_table_init(struct vr_table *tb, const struct vr_col *cols, int ncols)
{
    VR_ASSERT(ncols > 0 && ncols <= VR_TABLE_MAXCOLS);
    memset(tb, 0, sizeof(*tb));
    tb->cols = cols;
    tb->ncols = ncols;
}

int
vr_table_alloc(struct vr_table *tb, size_t n)
{
    for (int i = 0; i < tb->ncols; i++) {
        const struct vr_col *c = &tb->cols[i];
        int rc = vr_tensor_alloc2(&tb->t[i], c->name, c->dtype, n, c->width);
        if (rc != VR_OK)
            return rc;
    }
    tb->n = n;
    return VR_OK;
}

int
vr_table_read(struct vr_reader *r, struct vr_table *tb)
{
    const char *name;
    int rc;

    rc = vr_reader_peek(r, &name);
    if (rc <= 0)
        return rc;
    if (strcmp(name, tb->cols[0].name) != 0)
        return 0;
    for (int i = 0; i < tb->ncols; i++) {
        const struct vr_col *c = &tb->cols[i];
        size_t shape[2] = {i == 0 ? VR_ANY : tb->n, c->width};
        rc = vr_reader_want(r, &tb->t[i], c->name, c->dtype,
            c->width ? 2 : 1, shape);
        if (rc != VR_OK)
            return rc;
        if (i == 0)
            tb->n = tb->t[0].shape[0];
    }
    return 1;
}

int
vr_table_write(struct vr_writer *w, const struct vr_table *tb, size_t n)
{
    for (int i = 0; i < tb->ncols; i++) {
        const struct vr_col *c = &tb->cols[i];
        int rc = vr_writer_put(w, c->name, c->dtype, tb->t[i].data, n,
            c->width);
        if (rc != VR_OK)
            return rc;
    }
    return VR_OK;
}

void
vr_table_free(struct vr_table *tb)
{
    for (int i = 0; i < VR_TABLE_MAXCOLS; i++)
        vr_tensor_free(&tb->t[i]);
    tb->n = 0;
}
