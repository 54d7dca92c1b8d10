#!/bin/sh
# vr-fetch: exit codes, synthetic determinism, the real files with the
# funding dump, zip files made on the fly, gap policies, and the REST
# client against a loopback server (tests/cli/binance_server.py).
. "$(dirname "$0")/lib.sh"
D=$SHARED/data/btcusdt
F=$D/perp-funding-8h.csv

# same_body A B: the two candles streams hold the same tensors and trailer
# (their headers differ: source and provenance name the command).
same_body() {
    python3 - "$1" "$2" <<'EOF'
import sys
k = b'\xa4name\xa4time'
a, b = (open(p, 'rb').read() for p in sys.argv[1:3])
sys.exit(0 if k in a and a[a.index(k):] == b[b.index(k):] else 1)
EOF
}
check_same() {
    if same_body "$1" "$2"; then ok; else bad "$1 and $2 differ: $3"; fi
}

# usage errors
expect 2 "vr-fetch -Z"
expect 2 "vr-fetch -n 0"
expect 2 "vr-fetch -n x"
expect 2 "vr-fetch -g sometimes"
expect 2 "vr-fetch -g fill:0"
expect 2 "vr-fetch -s yesterday"
expect 2 "vr-fetch -y btc/usdt"
expect 2 "vr-fetch -r old.vr"
expect 2 "vr-fetch -R $D/spot-1m-2021.csv"
expect 2 "vr-fetch -s 2024-02-01 -e 2024-01-01"
expect_err 2 'usage: vr-fetch \[-fqR\]' "vr-fetch -Z"

# bad data: file:line in the message, exit 3, no output file left behind
printf 'timestamp,open,high,low,close,volume\n2025-01-01 00:00:00,100,101,99,100,1\n2025-01-01 00:01:00,100,99,101,100,1\n' > "$T/bad.csv"
expect_err 3 'bad.csv:3: high 99 < low 101' "vr-fetch $T/bad.csv"
expect_err 3 'bad.csv:3: high 99 < low 101' "vr-fetch -o $T/out.vr $T/bad.csv"
if ls "$T"/out.vr* >/dev/null 2>&1; then bad "-o left a file on error"; else ok; fi
printf 'timestamp,open,high,low,close,volume\n2025-01-01 00:01:00,100,101,99,100,1\n2025-01-01 00:00:00,100,101,99,100,1\n' > "$T/back.csv"
expect_err 3 'back.csv:3: time goes backwards' "vr-fetch $T/back.csv"
printf 'timestamp,open,high,low,close,volume\n2025-01-01 00:00:00,nan,101,99,100,1\n' > "$T/nan.csv"
expect_err 3 "nan.csv:2: open: 'nan' is not a finite number" "vr-fetch $T/nan.csv"
printf 'not a zip' > "$T/x.csv"
expect_err 3 'x.csv:1: header has no time column' "vr-fetch $T/x.csv"
expect_err 4 'nope.csv: No such file' "vr-fetch $T/nope.csv"
expect_err 3 'gap of 150 minutes after 2021-04-20 01:59:00' \
    "vr-fetch -g fail $D/spot-1m-2021.csv"
# the broken stream on stdout has no trailer
expect 3 "vr-fetch $T/bad.csv > $T/partial.vr"
if [ -s "$T/partial.vr" ] && tail -c 12 "$T/partial.vr" | grep -aq end; then
    bad "a failed run wrote a trailer"; else ok; fi

# output errors
expect_err 4 'stdout' "vr-fetch -n 100000 > /dev/full"
expect_err 4 'stdout' "vr-fetch $D/spot-1m-2021.csv > /dev/full"

# synthetic: same seed same bytes, another seed other bytes
expect 0 "vr-fetch -n 200000 -S 5 > $T/s5a.vr"
expect_out 0 "$T/s5a.vr" "vr-fetch -n 200000 -S 5"
expect 0 "vr-fetch -n 200000 -S 6 > $T/s6.vr"
if cmp -s "$T/s5a.vr" "$T/s6.vr"; then bad "seeds 5 and 6 agree"; else ok; fi
expect_err 0 '1440 minutes, 2020-01-01 00:00:00 .. 2020-01-01 23:59:00, 1 segment' \
    "vr-fetch -s 2020-01-01 -e 2020-01-02 > /dev/null"
expect 0 "vr-fetch -q -n 200000 -S 5 -o $T/s5b.vr"
check_same "$T/s5a.vr" "$T/s5b.vr" "-o and stdout"

# the man page's examples
expect 0 "cd $D && vr-fetch -F perp-funding-8h.csv spot-1m-*.csv perp-1m-2025-05.csv -o $T/candles.vr"
# with the neighbours, when they are built: synthetic and real candles
if [ -x "$top/tools/vr-feat" ] && [ -x "$top/tools/vr-label" ]; then
    expect 0 "vr-fetch -S 7 | vr-feat | vr-label > $T/data.vr"
    expect_err 0 'vr-feat: 387839 minutes in 10 segments' \
        "vr-fetch -q -F $F $D/spot-1m-*.csv $D/perp-1m-2025-05.csv | vr-feat | vr-label > $T/real.vr"
    # a failed vr-fetch leaves a stream without trailer: vr-feat rejects it
    expect_err 3 'vr-feat' "vr-fetch $T/bad.csv | vr-feat > /dev/null"
fi

# all seven spot files and the perpetual, with the funding dump:
# 8 files + 2 gaps (434 minutes, spot 2021) = 10 segments
expect_err 0 '387839 minutes, 2021-03-26 03:00:00 .. 2025-06-03 15:31:00, 10 segments, 2 gaps \(434 minutes missing' \
    "vr-fetch -F $F $D/spot-1m-*.csv $D/perp-1m-2025-05.csv > $T/all.vr"
# in any order, the same stream
expect 0 "vr-fetch -F $F $D/perp-1m-2025-05.csv \$(ls -r $D/spot-1m-*.csv) > $T/all2.vr"
check_same "$T/all.vr" "$T/all2.vr" "file order"
# gap policies on spot 2021 (gaps of 150 and 284 minutes)
expect_err 0 '50434 minutes.*1 segment, 2 gaps \(434 minutes missing, 434 filled' \
    "vr-fetch -g fill:300 $D/spot-1m-2021.csv > /dev/null"
expect_err 0 '50150 minutes.*2 segments, 2 gaps \(434 minutes missing, 150 filled' \
    "vr-fetch -g fill:200 $D/spot-1m-2021.csv > /dev/null"
# time range and row limit
expect_err 0 '60 minutes, 2022-06-20 00:00:00 .. 2022-06-20 00:59:00' \
    "vr-fetch -s '2022-06-20' -e '2022-06-20 01:00' $D/spot-1m-2022.csv > /dev/null"
expect_err 0 '10 minutes, 2022-06-15 03:00:00 .. 2022-06-15 03:09:00' \
    "vr-fetch -n 10 $D/spot-1m-2022.csv > /dev/null"
# standard input
expect 0 "cat $D/spot-1m-2022.csv | vr-fetch - > $T/stdin.vr"
expect 0 "vr-fetch $D/spot-1m-2022.csv > $T/file.vr"
check_same "$T/stdin.vr" "$T/file.vr" "standard input"
# duplicates are dropped with a warning
awk 'NR > 1 && NR <= 11 { print } { print }' $D/spot-1m-2023.csv > "$T/dup.csv"
expect_err 0 'dropped 10 duplicate minutes' "vr-fetch $T/dup.csv > $T/dup.vr"
expect 0 "vr-fetch $D/spot-1m-2023.csv > $T/nodup.vr"
check_same "$T/dup.vr" "$T/nodup.vr" "duplicates"
expect_err 0 'dropped 50000 duplicate minutes' \
    "vr-fetch $D/spot-1m-2023.csv $D/spot-1m-2023.csv > $T/dup2.vr"
check_same "$T/dup2.vr" "$T/nodup.vr" "a file given twice"

# zip files made on the fly: a generic CSV, and the perpetual rewritten
# as a Binance spot dump (no header, 12 columns, microsecond times)
if command -v zip >/dev/null 2>&1; then
    (cd "$T" && cp $D/spot-1m-2024.csv . && zip -q spot.zip spot-1m-2024.csv)
    expect 0 "vr-fetch $T/spot.zip > $T/zip.vr"
    expect 0 "vr-fetch $D/spot-1m-2024.csv > $T/csv.vr"
    check_same "$T/zip.vr" "$T/csv.vr" "zip of a generic CSV"
    awk -F, 'NR > 1 { printf "%s000,%s,%s,%s,%s,%s,%s999999,0,0,0,0,0\n",
        $1, $2, $3, $4, $5, $6, $1 + 59 }' $D/perp-1m-2025-05.csv \
        > "$T/BTCUSDT-1m-2025-05.csv"
    (cd "$T" && zip -q BTCUSDT-1m-2025-05.zip BTCUSDT-1m-2025-05.csv)
    expect 0 "vr-fetch -F $F $T/BTCUSDT-1m-2025-05.zip > $T/dumpzip.vr"
    expect 0 "vr-fetch -F $F $D/perp-1m-2025-05.csv > $T/perp.vr"
    check_same "$T/dumpzip.vr" "$T/perp.vr" "Binance dump zip, microseconds"
    # the man page's example, on the archive made above
    expect_err 0 '43199 minutes.*1 segment' \
        "cd $T && vr-fetch -g fill:10 BTCUSDT-1m-2025-*.zip > candles.vr"
    # funding split into two files (one zipped), given in any order
    # (split on 2025-05-20, inside the perpetual's month)
    awk -F, 'NR == 1 || $1 < 1747699200000' $F > "$T/f1.csv"
    awk -F, 'NR == 1 || $1 >= 1747699200000' $F > "$T/f2.csv"
    (cd "$T" && zip -q f2.zip f2.csv)
    expect 0 "vr-fetch -F $T/f2.zip -F $T/f1.csv $D/perp-1m-2025-05.csv > $T/perp2.vr"
    check_same "$T/perp2.vr" "$T/perp.vr" "funding from two files"
    expect 0 "vr-fetch -F $T/f2.zip $D/perp-1m-2025-05.csv > $T/perp3.vr"
    if same_body "$T/perp3.vr" "$T/perp.vr"; then
        bad "half the funding file gave all the rates"; else ok; fi
    printf 'x' > "$T/empty.txt"
    (cd "$T" && zip -q nocsv.zip empty.txt)
    expect_err 3 'nocsv.zip: no .csv file in the zip' "vr-fetch $T/nocsv.zip"
else
    bad "zip(1) missing: make deps"
fi

# REST against the loopback server: paging, the 429 with Retry-After,
# a used weight near the limit, and the same candles as the file
if command -v python3 >/dev/null 2>&1; then
    python3 "$top/tests/cli/binance_server.py" $D/perp-1m-2025-05.csv $F \
        "$T/port" --fail-at 2 --heavy-at 4 --lifetime 60 2> "$T/server.log" &
    spid=$!
    i=0
    while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    URL=http://127.0.0.1:$(cat "$T/port")
    S="'2025-05-04 15:33'" M="'2025-05-05 12:00'" E="'2025-05-06 00:00'"
    expect_err 0 '1947 minutes.*1 segment' \
        "vr-fetch -R -B $URL -s $S -e $E > $T/rest.vr"
    if grep -q '4 requests, 1 retried, 1 rate-limit waits' "$T/stderr"; then ok
    else bad "no retry and wait in: $(cat "$T/stderr")"; fi
    if grep -q '^429 /api/v3/klines' "$T/server.log"; then ok
    else bad "server never sent its 429"; fi
    expect 0 "vr-fetch -F $F -s $S -e $E $D/perp-1m-2025-05.csv > $T/restref.vr"
    check_same "$T/rest.vr" "$T/restref.vr" "REST against the file"
    # the environment variables name the servers too
    expect_err 0 '1947 minutes' "VR_BINANCE_URL=$URL VR_BINANCE_FAPI_URL=$URL \
        vr-fetch -R -s $S -e $E > $T/rest2.vr"
    check_same "$T/rest2.vr" "$T/restref.vr" "REST via environment"
    # resume: fetch half, then continue the file in place
    expect 0 "vr-fetch -R -B $URL -s $S -e $M -o $T/resumed.vr"
    expect_err 0 '1947 minutes.*1 segment' \
        "vr-fetch -R -B $URL -r $T/resumed.vr -e $E -o $T/resumed.vr"
    check_same "$T/resumed.vr" "$T/restref.vr" "resumed download"
    # the man page's example: a download, then brought up to date
    expect 0 "vr-fetch -R -B $URL -s 2025-05-04 -e 2025-05-05 -o $T/btc.vr"
    expect_err 0 '1947 minutes' \
        "vr-fetch -R -B $URL -r $T/btc.vr -e 2025-05-06 -o $T/btc.vr"
    check_same "$T/btc.vr" "$T/restref.vr" "man page resume example"
    # HTTP errors are system errors (4), with the server's message
    expect_err 4 'HTTP 400: "msg":"Invalid symbol."' \
        "vr-fetch -R -B $URL -y ETHUSDT -s $S -e $E > /dev/null"
    # a 418 ban is waited out like a 429; a malformed reply is bad data
    expect_err 0 '1947 minutes' \
        "vr-fetch -R -B $URL -y BANUSDT -s $S -e $E > $T/ban.vr"
    check_same "$T/ban.vr" "$T/restref.vr" "after a 418"
    if grep -q '^418 /' "$T/server.log"; then ok
    else bad "server never sent its 418"; fi
    expect_err 3 'klines.*row 1: expected 12 values' \
        "vr-fetch -R -B $URL -y BADUSDT -s $S -e $E > /dev/null"
    expect_err 3 "klines.*row 6: bad number 'nan'" \
        "vr-fetch -R -B $URL -y NANUSDT -s $S -e $E > /dev/null"
    kill "$spid" 2>/dev/null
    wait "$spid" 2>/dev/null
else
    bad "python3 missing: make deps"
fi
# no server at all: a transport error, exit 4
expect_err 4 'vr-fetch: http://127.0.0.1:9/' \
    "vr-fetch -R -B http://127.0.0.1:9 -s 2025-01-01 -e 2025-01-02 > /dev/null"
# a truncated candles file to resume from: exit 3
head -c 5000 "$T/s6.vr" > "$T/trunc.vr"
expect 3 "vr-fetch -R -B http://127.0.0.1:9 -r $T/trunc.vr -e 2030-01-01 > /dev/null"

finish
