/*
 * cstream.h: the circuit stream, kind "circuit" (vr-circuit(1)).
 *
 * Header keys (beside magic, version, kind, provenance):
 *   input ("hashed" | "public" | "private"), weights ("fixed" |
 *   "hashed"), range_margin (-1: worst-case ranges, else seen + margin), constraints, wires, npublic (ints), public [str] (the
 *   public signals' names in order), r1cs_keccak (hex string: Keccak-256
 *   of the circuit's .r1cs file, which vr-prove recomputes and compares),
 *   T, C, norm_mean [C], norm_std [C] (the model's input contract),
 *   classes [str].
 * Tensors:
 *   qmodel  u8 (n)      the qmodel stream the circuit was compiled from,
 *                       byte for byte (vr-quant(1))
 *   cost    i64 (L+2, 6) constraints per stage (input, layers, output)
 *                       and gadget (matmul, activation, rescale, range,
 *                       hash, argmax)
 */
#ifndef VR_CIRCUIT_CSTREAM_H
#define VR_CIRCUIT_CSTREAM_H

#include <stddef.h>

#include "circuit/circuit.h"
#include "stream/stream.h"
#include "stream/dataset.h"

#define VR_CIRCUIT_KIND "circuit"

/* A circuit stream read back: the model, its plan, the input contract. */
struct vr_circuit_file {
    struct vr_qmlp m;
    struct vr_circuit c;
    int T, C;
    double mean[VR_MAXFEAT], std[VR_MAXFEAT];
    unsigned char r1cs_keccak[32];
    uint64_t ncons;
};

extern const char *const vr_invis_names[3];
extern const char *const vr_wvis_names[2];

/* Parse "hashed" etc. into *v: VR_OK or VR_EUSAGE. */
int vr_invis_parse(int *v, const char *s);
int vr_wvis_parse(int *v, const char *s);

/* Keccak-256 of the .r1cs encoding of r.  VR_EIO, VR_ENOMEM. */
int vr_circuit_r1cs_keccak(unsigned char out[32], const struct vr_r1cs *r);

/* Name of public signal i of c ("class", "input", "x.<i>", "model",
 * "time"), into buf. */
void vr_circuit_public_name(char *buf, size_t n, const struct vr_circuit *c,
    uint32_t i);

/*
 * Write the whole stream.  q, qlen: the qmodel stream's bytes; c the plan
 * of the model they hold; cost and keccak of its R1CS; the model's input
 * contract (T, C, mean, std).
 */
int vr_circuit_stream_write(struct vr_writer *w, const unsigned char *q,
    size_t qlen, const struct vr_circuit_file *cf,
    const struct vr_circuit_cost *cost, const msgpack_object *provenance,
    const char *self);

/*
 * Read a circuit stream opened on r up to its trailer: the embedded
 * qmodel (checked as vr-quant's reader does), the plan made again from
 * it with the stream's visibility (the stream's counts must agree).
 * VR_EFORMAT / VR_ESHAPE with r->msg.  Free with vr_circuit_file_free.
 */
int vr_circuit_stream_read(struct vr_circuit_file *cf, struct vr_reader *r);
void vr_circuit_file_free(struct vr_circuit_file *cf);

/*
 * Read the qmodel's input contract (T, C, norm_mean, norm_std from its
 * header) into cf.  Used by vr-circuit on the qmodel it compiles.
 */
int vr_circuit_contract(struct vr_circuit_file *cf, struct vr_reader *r);

/*
 * Bring dataset d to the model's normalisation when the two differ:
 * x_m = (x_d std_d + mean_d - mean_m) / std_m (as vr-quant does).
 * VR_ESHAPE if the window shapes differ.
 */
int vr_circuit_renormalise(struct vr_dataset *d,
    const struct vr_circuit_file *cf);

#endif
