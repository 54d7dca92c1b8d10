/*
 * qmodel.h: the quantised model stream, kind "qmodel" (vr-quant(1)).
 *
 * Header keys (beside magic, version, kind, provenance):
 *   layers L, dims [L+1], in_bits, and per layer (arrays of L ints):
 *   wbits, fw, fin, kpre, kpost, fc, deg; act ["none"|"relu"|"poly"];
 *   act_name [str] (the float model's activation names, "none" for
 *   none; not empty: msgpack's FILE writer fails on empty strings);
 *   rounding (str, the rules of quant/qmlp.h in words);
 *   whatever the caller adds (vr-quant: the float model's header as
 *   "model", its input contract, the allocation and scores).
 * Tensors, per layer l:
 *   q.lins.<l>.weight  i32 (OC, C)   Wq
 *   q.lins.<l>.bias    i64 (OC)      Bq at 2^-(fin + fw)
 *   q.lins.<l>.coef    i64 (deg+1)   C0..Cdeg at 2^-fc (poly layers)
 *   q.lins.<l>.bounds  i64 (4, 4)    rows Z U P A, columns seen lo,
 *                                    seen hi, seen bits, worst-case bits
 * and whatever tensors the caller adds (vr-quant: the float parameters
 * under their model-stream names).  Readers ignore other tensors.
 */
#ifndef VR_QUANT_QMODEL_H
#define VR_QUANT_QMODEL_H

#include "quant/qmlp.h"
#include "stream/stream.h"

#define VR_QMODEL_KIND "qmodel"
#define VR_QMODEL_NKEYS 13      /* header keys vr_qmodel_write_header packs */

/*
 * Write the header: vr_writer_header(kind "qmodel", provenance, self,
 * VR_QMODEL_NKEYS + nextra), the keys above, and then the caller packs
 * nextra more key/value pairs.  names[l] names layer l's activation.
 */
int vr_qmodel_write_header(struct vr_writer *w, const struct vr_qmlp *q,
    const char *const *names, const msgpack_object *provenance,
    const char *self, size_t nextra);
/* Write the integer tensors of every layer. */
int vr_qmodel_write_tensors(struct vr_writer *w, const struct vr_qmlp *q);

/*
 * Read a qmodel stream opened on r (kind checked by the caller or here):
 * header and integer tensors into q (owned; vr_qmlp_free), other tensors
 * skipped, up to and including the trailer.  Everything is checked
 * (vr_qmlp_check); VR_EFORMAT with r->msg otherwise.
 */
int vr_qmodel_read(struct vr_qmlp *q, struct vr_reader *r);

#endif
