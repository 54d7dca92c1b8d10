#!/usr/bin/env python3
"""tamper.py: test-only edits of a proofs stream (vr-stream(5), kind
"proofs") written by vr-prove, to check that vr-verify rejects them.

  tamper.py pub IN PUBLIC.JSON INDEX DELTA   public signal INDEX += DELTA
  tamper.py swap IN                          swap proofs 1 and 2
  tamper.py flip IN OFFSET                   flip a bit of proof 1's byte

PUBLIC.JSON is proof 1's public signals as vr-verify -j writes them: the
row is found in the stream by its bytes.  Output on stdout.
"""
import json
import sys

R = 21888242871839275222246405745257275088548364400416034343698204186575808495617
MARK = b"\xa4data\xc5\x01\x00"     # "data": bin16 of 256 bytes (a proof)


def proofs(buf):
    out, i = [], 0
    while True:
        i = buf.find(MARK, i)
        if i < 0:
            return out
        out.append(i + len(MARK))
        i += len(MARK) + 256


def main():
    op, path = sys.argv[1], sys.argv[2]
    buf = bytearray(open(path, "rb").read())
    if op == "pub":
        pub = [int(x) for x in json.load(open(sys.argv[3]))]
        row = b"".join(v.to_bytes(32, "big") for v in pub)
        i = buf.find(row)
        if i < 0:
            sys.exit("tamper.py: row not found")
        k = int(sys.argv[4])
        pub[k] = (pub[k] + int(sys.argv[5])) % R
        buf[i:i + len(row)] = b"".join(v.to_bytes(32, "big") for v in pub)
    elif op == "swap":
        p = proofs(buf)
        a, b = bytes(buf[p[0]:p[0] + 256]), bytes(buf[p[1]:p[1] + 256])
        buf[p[0]:p[0] + 256], buf[p[1]:p[1] + 256] = b, a
    elif op == "flip":
        p = proofs(buf)
        buf[p[0] + int(sys.argv[3])] ^= 1
    else:
        sys.exit("tamper.py: unknown operation")
    sys.stdout.buffer.write(bytes(buf))


if __name__ == "__main__":
    main()
