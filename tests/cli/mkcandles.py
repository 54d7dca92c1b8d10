#!/usr/bin/env python3
"""mkcandles.py: test-only writer of VeriRegime candles streams
(vr-stream(5)) in plain python3 (stdlib msgpack encoder), so the tests of
vr-feat and vr-label can make candle streams without vr-fetch and can make
broken ones on purpose.

  mkcandles.py [-c rows] [-F funding.csv] [-k kind] [-b bad] file.csv...
  mkcandles.py -s N [-S seed] ...     N synthetic minutes (random walk)

Each file starts a new segment, and so does every gap (a step other than
one minute).  -F joins a Binance funding dump as of each minute (the
latest calc_time <= the minute's open time), NaN before the first.
-c sets the rows per chunk, -k the stream kind written, and -b breaks a
row on purpose: "nan-close", "neg-volume", "time-back".
"""
import calendar
import datetime
import math
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
    if len(b) < 256:
        return b'\xd9' + bytes([len(b)]) + b
    return b'\xda' + struct.pack('>H', len(b)) + b


def p_obj(v):
    if isinstance(v, bool):
        return b'\xc3' if v else b'\xc2'
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


def tensor(name, fmt, dtype, vals):
    data = struct.pack('<%d%s' % (len(vals), fmt), *vals)
    return p_obj({"name": name, "dtype": dtype, "shape": [len(vals)],
                  "data": data})


def parse_time(s):
    s = s.strip()
    if '-' in s:
        d = datetime.datetime.strptime(s, "%Y-%m-%d %H:%M:%S")
        return calendar.timegm(d.timetuple()) * 1000
    v = int(s)
    return v // 1000 if v > 10**14 else v


def read_csv(path):
    rows = []
    with open(path) as f:
        for line in f:
            a = line.strip().split(',')
            if not a[0] or not (a[0][0].isdigit()):
                continue
            rows.append((parse_time(a[0]), float(a[1]), float(a[2]),
                         float(a[3]), float(a[4]), float(a[5])))
    return rows


def read_funding(path):
    out = []
    with open(path) as f:
        for line in f:
            a = line.strip().split(',')
            if a[0].isdigit():
                out.append((int(a[0]), float(a[2])))
    out.sort()
    return out


def main(argv):
    chunk, funding, kind, bad, synth, seed = 65536, None, "candles", None, 0, 1
    files = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ('-c', '-F', '-k', '-b', '-s', '-S'):
            v = argv[i + 1]
            i += 2
            if a == '-c':
                chunk = int(v)
            elif a == '-F':
                funding = read_funding(v)
            elif a == '-k':
                kind = v
            elif a == '-b':
                bad = v
            elif a == '-s':
                synth = int(v)
            else:
                seed = int(v)
            continue
        files.append(a)
        i += 1
    cols = {k: [] for k in ("time", "open", "high", "low", "close", "volume",
                            "funding", "segment")}
    seg = -1
    sources = []
    if synth:
        rnd = random.Random(seed)
        sources.append([])
        c = 30000.0
        for m in range(synth):
            c *= math.exp(rnd.gauss(0, 0.001))
            sources[0].append((1600000000000 + 60000 * m, c, c * 1.001,
                               c * 0.999, c, rnd.expovariate(0.1)))
    for p in files:
        sources.append(read_csv(p))
    fi = 0
    for rows in sources:
        prev = None
        for r in rows:
            if prev is None or r[0] - prev != 60000:
                seg += 1
            prev = r[0]
            fr = math.nan
            if funding:
                while fi + 1 < len(funding) and funding[fi + 1][0] <= r[0]:
                    fi += 1
                if funding[fi][0] <= r[0]:
                    fr = funding[fi][1]
            for k, v in zip(("time", "open", "high", "low", "close",
                             "volume"), r):
                cols[k].append(v)
            cols["funding"].append(fr)
            cols["segment"].append(seg)
        fi = 0
    n = len(cols["time"])
    if bad and n > 100:
        if bad == "nan-close":
            cols["close"][100] = math.nan
        elif bad == "neg-volume":
            cols["volume"][100] = -1.0
        elif bad == "time-back":
            cols["time"][100] = cols["time"][99]
    out = sys.stdout.buffer
    out.write(p_obj({"magic": "veriregime", "version": 1, "kind": kind,
                     "provenance": ["mkcandles.py"], "symbol": "BTCUSDT",
                     "interval": "1m", "source": "test"}))
    nt = 0
    for at in range(0, n, chunk):
        sl = slice(at, min(n, at + chunk))
        out.write(tensor("time", 'q', "i64", cols["time"][sl]))
        for k in ("open", "high", "low", "close", "volume", "funding"):
            out.write(tensor(k, 'd', "f64", cols[k][sl]))
        out.write(tensor("segment", 'i', "i32", cols["segment"][sl]))
        nt += 8
    out.write(p_obj({"end": nt}))


if __name__ == '__main__':
    main(sys.argv[1:])
