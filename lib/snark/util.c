/* util.c: lib/snark's container, cursor and message helpers. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "vr.h"
#include "snark/internal.h"
#include "snark/r1cs.h"

static _Thread_local char errmsg[256];

const char *
vr_snark_errmsg(void)
{
    return errmsg;
}

int
vr_snark_fail(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(errmsg, sizeof(errmsg), fmt, ap);
    va_end(ap);
    return VR_EFORMAT;
}

int
vr_snark_failc(int err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(errmsg, sizeof(errmsg), fmt, ap);
    va_end(ap);
    return err;
}

int
vr_snark_slurp(unsigned char **buf, size_t *len, FILE *f)
{
    size_t cap = 1 << 16, n = 0;
    unsigned char *b = malloc(cap), *nb;

    if (b == NULL)
        return VR_ENOMEM;
    for (;;) {
        size_t got = fread(b + n, 1, cap - n, f);
        n += got;
        if (n < cap) {
            if (ferror(f)) {
                int e = errno;
                free(b);
                errno = e;
                return vr_snark_failc(VR_EIO, "read error");
            }
            break;
        }
        if (cap >= VR_SNARK_MAXFILE) {
            free(b);
            return vr_snark_fail("file larger than %zu bytes",
                VR_SNARK_MAXFILE);
        }
        if ((nb = realloc(b, cap * 2)) == NULL) {
            free(b);
            return VR_ENOMEM;
        }
        b = nb;
        cap *= 2;
    }
    *buf = b;
    *len = n;
    return VR_OK;
}

int
vr_snark_read_all(unsigned char **buf, size_t *len, FILE *f)
{
    return vr_snark_slurp(buf, len, f);
}

uint32_t
vr_cur_u32(struct vr_cur *c)
{
    const unsigned char *p = vr_cur_bytes(c, 4);

    if (p == NULL)
        return 0;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
        (uint32_t)p[3] << 24;
}

uint64_t
vr_cur_u64(struct vr_cur *c)
{
    uint64_t lo = vr_cur_u32(c);

    return lo | (uint64_t)vr_cur_u32(c) << 32;
}

const unsigned char *
vr_cur_bytes(struct vr_cur *c, size_t n)
{
    const unsigned char *p;

    if (c->bad || n > c->left) {
        c->bad = true;
        return NULL;
    }
    p = c->p;
    c->p += n;
    c->left -= n;
    return p;
}

int
vr_bin_parse(struct vr_bin *b, const unsigned char *buf, size_t len,
    const char *magic, uint32_t maxver)
{
    struct vr_cur c = {buf, len, false};
    const unsigned char *m = vr_cur_bytes(&c, 4);
    uint32_t nsec;

    if (m == NULL || memcmp(m, magic, 4) != 0)
        return vr_snark_fail("not a .%s file (bad magic)", magic);
    b->version = vr_cur_u32(&c);
    nsec = vr_cur_u32(&c);
    if (c.bad)
        return vr_snark_fail("truncated header");
    if (b->version == 0 || b->version > maxver)
        return vr_snark_fail("unsupported version %u", b->version);
    if (nsec > VR_BIN_MAXSEC)
        return vr_snark_fail("%u sections (at most %d)", nsec, VR_BIN_MAXSEC);
    b->nsec = (int)nsec;
    for (uint32_t i = 0; i < nsec; i++) {
        b->sec[i].id = vr_cur_u32(&c);
        b->sec[i].len = vr_cur_u64(&c);
        if (c.bad)
            return vr_snark_fail("truncated section header %u", i);
        if (b->sec[i].len > c.left)
            return vr_snark_fail("section %u (id %u) truncated: %llu bytes "
                "declared, %zu left", i, b->sec[i].id,
                (unsigned long long)b->sec[i].len, c.left);
        b->sec[i].p = vr_cur_bytes(&c, (size_t)b->sec[i].len);
    }
    return VR_OK;
}

int
vr_bin_section(const struct vr_bin *b, uint32_t id, const unsigned char **p,
    uint64_t *len)
{
    int found = -1;

    for (int i = 0; i < b->nsec; i++) {
        if (b->sec[i].id != id)
            continue;
        if (found >= 0)
            return vr_snark_fail("section %u appears twice", id);
        found = i;
    }
    if (found < 0)
        return vr_snark_fail("section %u missing", id);
    *p = b->sec[found].p;
    *len = b->sec[found].len;
    return VR_OK;
}

void
vr_put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

void
vr_put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

void
vr_fput_u32(FILE *f, uint32_t v)
{
    unsigned char b[4];

    vr_put_u32(b, v);
    fwrite(b, 1, 4, f);
}

void
vr_fput_u64(FILE *f, uint64_t v)
{
    unsigned char b[8];

    vr_put_u64(b, v);
    fwrite(b, 1, 8, f);
}

void
vr_bin_write_head(FILE *f, const char *magic, uint32_t version, uint32_t nsec)
{
    fwrite(magic, 1, 4, f);
    vr_fput_u32(f, version);
    vr_fput_u32(f, nsec);
}

void
vr_bin_write_sec(FILE *f, uint32_t id, uint64_t len)
{
    vr_fput_u32(f, id);
    vr_fput_u64(f, len);
}

int
vr_snark_flush(FILE *f)
{
    if (fflush(f) != 0 || ferror(f))
        return VR_EIO;
    return VR_OK;
}

/* r = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001 */
const unsigned char vr_snark_r_le[32] = {
    0x01, 0x00, 0x00, 0xf0, 0x93, 0xf5, 0xe1, 0x43, 0x91, 0x70, 0xb9, 0x79,
    0x48, 0xe8, 0x33, 0x28, 0x5d, 0x58, 0x81, 0x81, 0xb6, 0x45, 0x50, 0xb8,
    0x29, 0xa0, 0x31, 0xe1, 0x72, 0x4e, 0x64, 0x30,
};
/* p = 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47 */
const unsigned char vr_snark_p_le[32] = {
    0x47, 0xfd, 0x7c, 0xd8, 0x16, 0x8c, 0x20, 0x3c, 0x8d, 0xca, 0x71, 0x68,
    0x91, 0x6a, 0x81, 0x97, 0x5d, 0x58, 0x81, 0x81, 0xb6, 0x45, 0x50, 0xb8,
    0x29, 0xa0, 0x31, 0xe1, 0x72, 0x4e, 0x64, 0x30,
};
