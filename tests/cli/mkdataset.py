#!/usr/bin/env python3
"""mkdataset.py: test-only writer of a synthetic, learnable VeriRegime
dataset stream (vr-stream(5), kind "dataset") in plain python3 (stdlib
msgpack encoder), so the tests of vr-train need neither vr-fetch nor
vr-label, and can break streams on purpose.

  mkdataset.py [-n samples] [-T steps] [-C features] [-S seed] [-b bad]

Rows are standard normal features (seeded).  A window's label is read
from its last five steps: s = mean of feature 0 there; BUY if s > 0.5,
SELL if s < -0.5, else HOLD, so both models can learn it.  Samples are
split 70/15/15 in order; regime = (sample // 50) % 4.  -b breaks the
stream: "label" (a label of 7), "trailer" (no trailer).
"""
import random
import struct
import sys


def p_int(v):
    if 0 <= v < 128:
        return bytes([v])
    return b'\xd3' + struct.pack('>q', v)


def p_str(s):
    b = s.encode()
    if len(b) < 32:
        return bytes([0xa0 | len(b)]) + b
    return b'\xd9' + bytes([len(b)]) + b


def p_obj(v):
    if isinstance(v, int):
        return p_int(v)
    if isinstance(v, float):
        return b'\xcb' + struct.pack('>d', v)
    if isinstance(v, str):
        return p_str(v)
    if isinstance(v, bytes):
        return b'\xc6' + struct.pack('>I', len(v)) + v
    if isinstance(v, list):
        return b'\xdc' + struct.pack('>H', len(v)) + b''.join(map(p_obj, v))
    if isinstance(v, dict):
        out = b'\xde' + struct.pack('>H', len(v))
        for k, x in v.items():
            out += p_str(k) + p_obj(x)
        return out
    raise TypeError(v)


def tensor(name, dtype, fmt, shape, vals):
    data = struct.pack('<%d%s' % (len(vals), fmt), *vals)
    return p_obj({"name": name, "dtype": dtype, "shape": shape, "data": data})


def main():
    args = sys.argv[1:]
    opt = {"-n": "600", "-T": "12", "-C": "8", "-S": "1", "-b": ""}
    while args:
        if args[0] not in opt or len(args) < 2:
            sys.exit("usage: mkdataset.py [-n samples] [-T steps] "
                     "[-C features] [-S seed] [-b label|trailer]")
        opt[args[0]] = args[1]
        args = args[2:]
    n, T, C = int(opt["-n"]), int(opt["-T"]), int(opt["-C"])
    rng = random.Random(int(opt["-S"]))
    nrows = n + T - 1
    x = [rng.gauss(0, 1) for _ in range(nrows * C)]
    end, label, split, regime = [], [], [], []
    for s in range(n):
        e = s + T - 1
        m = sum(x[(e - k) * C] for k in range(5)) / 5
        end.append(e)
        label.append(2 if m > 0.5 else 0 if m < -0.5 else 1)
        split.append(0 if s < 0.7 * n else 1 if s < 0.85 * n else 2)
        regime.append((s // 50) % 4)
    if opt["-b"] == "label":
        label[n // 2] = 7
    out = sys.stdout.buffer
    out.write(p_obj({
        "magic": "veriregime", "version": 1, "kind": "dataset",
        "provenance": ["mkdataset.py"], "T": T, "C": C,
        "features": ["f%d" % c for c in range(C)],
        "norm_mean": [0.0] * C, "norm_std": [1.0] * C, "horizon": 5,
        "up": 0.5, "down": -0.5, "classes": ["SELL", "HOLD", "BUY"],
        "splits": ["train", "val", "test", "live"],
        "regimes": ["bull-lowvol", "bear-lowvol", "bull-highvol",
                    "bear-highvol"],
        "symbol": "SYNTH", "samples": n}))
    out.write(tensor("x", "f32", "f", [nrows, C], x))
    out.write(tensor("time", "i64", "q", [nrows],
                     [60000 * i for i in range(nrows)]))
    out.write(tensor("end", "i64", "q", [n], end))
    out.write(tensor("label", "i8", "b", [n], label))
    out.write(tensor("split", "u8", "B", [n], split))
    out.write(tensor("regime", "u8", "B", [n], regime))
    if opt["-b"] != "trailer":
        out.write(p_obj({"end": 6}))


main()
