#!/usr/bin/env python3
"""A loopback stand-in for the Binance REST API, for vr-fetch's tests.

Serves GET /api/v3/klines and GET /fapi/v1/fundingRate in Binance's JSON
format, built from a candle CSV (header date,open,high,low,close,volume,
epoch ms) and a funding dump CSV (calc_time,funding_interval_hours,
last_funding_rate).  Binds 127.0.0.1 on an ephemeral port and writes the
port to PORTFILE.  Request number --fail-at (counting all requests from
1) gets a 429 with Retry-After: 1; request --heavy-at reports a used weight
of 1150 with a Date header at second 59 of its minute.  Symbols other than
BTCUSDT misbehave on purpose (all serve BTCUSDT's data): BANUSDT's first
request gets a 418 (IP ban) with Retry-After: 1, BADUSDT gets a truncated
klines reply, NANUSDT a "nan" open price in row 6; others are invalid.  Every request is
logged to stderr as "STATUS PATH?QUERY".  Exits by itself after
--lifetime seconds.  Standard library only.

  binance_server.py CANDLES.csv FUNDING.csv PORTFILE [--fail-at N]
      [--heavy-at N] [--lifetime S]
"""
import argparse
import csv
import email.utils
import http.server
import json
import sys
import threading
import time
import urllib.parse


def load_candles(path):
    rows = []
    with open(path, newline="") as f:
        r = csv.reader(f)
        head = next(r)
        assert head[:6] == ["date", "open", "high", "low", "close", "volume"], head
        for rec in r:
            rows.append((int(rec[0]), [float(x) for x in rec[1:6]]))
    return rows


def load_funding(path):
    rows = []
    with open(path, newline="") as f:
        r = csv.reader(f)
        next(r)
        for rec in r:
            rows.append((int(rec[0]), rec[2]))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("candles")
    ap.add_argument("funding")
    ap.add_argument("portfile")
    ap.add_argument("--fail-at", type=int, default=2)
    ap.add_argument("--heavy-at", type=int, default=0)
    ap.add_argument("--lifetime", type=float, default=60)
    a = ap.parse_args()
    candles = load_candles(a.candles)
    funding = load_funding(a.funding)
    state = {"n": 0}
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            pass

        def reply(self, status, obj, headers=()):
            body = json.dumps(obj, separators=(",", ":")).encode()
            self.send_response_only(status)
            self.send_header("Server", "binance_server.py")
            for k, v in headers:
                self.send_header(k, v)
            if not any(k == "Date" for k, _ in headers):
                self.send_header("Date", self.date_time_string())
            self.send_header("Content-Type", "application/json;charset=UTF-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            sys.stderr.write("%d %s\n" % (status, self.path))
            sys.stderr.flush()
            self.wfile.write(body)

        def do_GET(self):
            with lock:
                state["n"] += 1
                n = state["n"]
            u = urllib.parse.urlsplit(self.path)
            q = dict(urllib.parse.parse_qsl(u.query))
            weight = 2 * n
            headers = []
            if n == a.fail_at:
                self.reply(429, {"code": -1003, "msg": "Too many requests; "
                                 "current limit is 1200 request weight per "
                                 "1 MINUTE."},
                           [("Retry-After", "1"),
                            ("X-MBX-USED-WEIGHT-1M", "1201")])
                return
            if n == a.heavy_at:
                weight = 1150
                # a Date at second 59: the window ends in one second
                now = time.time()
                headers.append(("Date", email.utils.formatdate(
                    now - now % 60 + 59, usegmt=True)))
            headers.append(("X-MBX-USED-WEIGHT-1M", str(weight)))
            try:
                start = int(q.get("startTime", 0))
                end = int(q.get("endTime", 2**62))
                limit = min(int(q.get("limit", 500)), 1000)
                symbol = q["symbol"]
            except (KeyError, ValueError):
                self.reply(400, {"code": -1102, "msg": "Mandatory parameter "
                                 "was not sent or malformed."}, headers)
                return
            if symbol not in ("BTCUSDT", "BANUSDT", "BADUSDT", "NANUSDT"):
                self.reply(400, {"code": -1121, "msg": "Invalid symbol."},
                           headers)
                return
            if symbol == "BANUSDT" and not state.get("banned"):
                state["banned"] = True
                self.reply(418, {"code": -1003, "msg": "Way too many "
                                 "requests; IP banned."},
                           [("Retry-After", "1")])
                return
            if symbol == "BADUSDT" and u.path == "/api/v3/klines":
                body = b'[[1746372780000,"95505.4","95505.5"'
                self.send_response_only(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                sys.stderr.write("200 %s (truncated)\n" % self.path)
                self.wfile.write(body)
                return
            if u.path == "/api/v3/klines":
                if q.get("interval") != "1m":
                    self.reply(400, {"code": -1120, "msg": "Invalid "
                                     "interval."}, headers)
                    return
                out = []
                for t, (o, h, l, c, v) in candles:
                    if t < start or t > end:
                        continue
                    if symbol == "NANUSDT" and len(out) == 5:
                        o = float("nan")
                    out.append([t, "%.8f" % o, "%.8f" % h, "%.8f" % l,
                                "%.8f" % c, "%.8f" % v, t + 59999,
                                "%.8f" % (v * c), 100, "%.8f" % (v / 2),
                                "%.8f" % (v * c / 2), "0"])
                    if len(out) == limit:
                        break
                self.reply(200, out, headers)
            elif u.path == "/fapi/v1/fundingRate":
                out = []
                for t, rate in funding:
                    if t < start or t > end:
                        continue
                    out.append({"symbol": symbol, "fundingTime": t,
                                "fundingRate": rate,
                                "markPrice": "100000.00000000"})
                    if len(out) == limit:
                        break
                self.reply(200, out, headers)
            else:
                self.reply(404, {"code": -1, "msg": "no such path"}, headers)

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    threading.Timer(a.lifetime, srv.shutdown).start()
    with open(a.portfile + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    import os
    os.rename(a.portfile + ".tmp", a.portfile)
    srv.serve_forever()


if __name__ == "__main__":
    main()
