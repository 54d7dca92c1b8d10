#!/usr/bin/env python3
"""ta_ref.py: independent reference for vr-feat -r (test only).

Reads minute candle CSVs (the ../shared/data format: epoch ms or
"YYYY-MM-DD HH:MM:SS" UTC in the first column, then open, high, low,
close, volume) and optionally a funding dump (-F), splits them into
segments (a new file or a step other than one minute), and prints what
`vr-feat -r -t` should print, computed with whole-array formulas from
the TA-Lib documentation:

  EMA(n):   first value at index n-1 = mean(close[0:n]); after that
            ema = (close - ema) * 2/(n+1) + ema
  RSI(14):  first value at index 14 from the plain means of the first 14
            up-moves and down-moves; after that Wilder's smoothing
            avg = (avg*13 + move)/14; rsi = 100*up/(up+down), 0 when
            up+down is within 1e-8 of zero
  MACD:     TA_MACD(12,26,9)'s MACD line: EMA12 and EMA26 both start at
            index 25, EMA26 from mean(close[0:26]), EMA12 from
            mean(close[14:26])
  VolMA(n): mean(volume[i-n+1:i+1])
  funding:  latest rate with calc_time <= time, 0 if none

  ta_ref.py [-F funding.csv] file.csv...
  ta_ref.py -c a.csv b.csv      compare two such CSV outputs (rel 1e-9)
"""
import bisect
import sys

sys.path.insert(0, __file__.rsplit('/', 1)[0])
import mkcandles  # noqa: E402  (CSV and funding parsing only)


def ema_series(c, n, start):
    """EMA(n) values from index start+n-1 on, seeded with the SMA of
    c[start:start+n]; a dict index -> value."""
    k = 2.0 / (n + 1)
    out = {}
    if len(c) < start + n:
        return out
    e = sum(c[start:start + n]) / n
    out[start + n - 1] = e
    for i in range(start + n, len(c)):
        e = (c[i] - e) * k + e
        out[i] = e
    return out


def rsi_series(c, n=14):
    out = {}
    if len(c) <= n:
        return out
    moves = [c[i] - c[i - 1] for i in range(1, len(c))]
    up = sum(m for m in moves[:n] if m >= 0) / n
    dn = sum(-m for m in moves[:n] if m < 0) / n

    def val(u, d):
        s = u + d
        return 0.0 if -1e-8 < s < 1e-8 else 100.0 * (u / s)
    out[n] = val(up, dn)
    for i in range(n + 1, len(c)):
        m = moves[i - 1]
        up = (up * (n - 1) + (m if m >= 0 else 0.0)) / n
        dn = (dn * (n - 1) + (-m if m < 0 else 0.0)) / n
        out[i] = val(up, dn)
    return out


def segment_rows(t, c, v, f, seg, w):
    e5, e10, e20 = ema_series(c, 5, 0), ema_series(c, 10, 0), \
        ema_series(c, 20, 0)
    slow, fast = ema_series(c, 26, 0), ema_series(c, 12, 14)
    rsi = rsi_series(c)
    for i in range(25, len(c)):
        vm5 = sum(v[i - 4:i + 1]) / 5
        vm10 = sum(v[i - 9:i + 1]) / 10
        vals = [c[i], e5[i], e10[i], e20[i], rsi[i], fast[i] - slow[i],
                vm5, vm10, f[i]]
        w.write("%d,%d,%s\n" % (t[i], seg, ",".join(repr(x) for x in vals)))


def compare(a, b):
    la, lb = open(a).read().splitlines(), open(b).read().splitlines()
    if len(la) != len(lb):
        sys.exit("%s has %d lines, %s has %d" % (a, len(la), b, len(lb)))
    worst = 0.0
    for n, (x, y) in enumerate(zip(la, lb)):
        if n == 0:
            if x != y:
                sys.exit("headers differ: %s / %s" % (x, y))
            continue
        xs, ys = x.split(','), y.split(',')
        if xs[:2] != ys[:2]:
            sys.exit("line %d: time/segment %s vs %s" % (n + 1, xs[:2],
                                                        ys[:2]))
        for j in range(2, len(xs)):
            p, q = float(xs[j]), float(ys[j])
            d = abs(p - q)
            m = max(abs(p), abs(q))
            if d > 1e-9 * m:
                sys.exit("line %d column %d: %r vs %r" % (n + 1, j + 1, p, q))
            if m > 0:
                worst = max(worst, d / m)
    print("%d rows agree, worst relative difference %.3g" % (len(la) - 1,
                                                             worst))


def main(argv):
    if argv and argv[0] == '-c':
        compare(argv[1], argv[2])
        return
    funding = None
    if argv and argv[0] == '-F':
        funding = mkcandles.read_funding(argv[1])
        argv = argv[2:]
    ftimes = [tt for (tt, q) in funding or []]
    w = sys.stdout
    w.write("time,segment,close,ema5,ema10,ema20,rsi14,macd,volma5,"
            "volma10,funding\n")
    seg = 0
    for path in argv:
        rows = mkcandles.read_csv(path)
        runs, cur = [], []
        for r in rows:
            if cur and r[0] - cur[-1][0] != 60000:
                runs.append(cur)
                cur = []
            cur.append(r)
        if cur:
            runs.append(cur)
        for run in runs:
            t = [r[0] for r in run]
            fr = []
            for x in t:
                k = bisect.bisect_right(ftimes, x) - 1
                fr.append(funding[k][1] if k >= 0 else 0.0)
            segment_rows(t, [r[4] for r in run], [r[5] for r in run], fr,
                         seg, w)
            seg += 1


if __name__ == '__main__':
    main(sys.argv[1:])
