#!/bin/sh
# CLI tests of vr-feat: exit codes, bad streams, and the TA-Lib values of
# -r against the independent reference tests/cli/ta_ref.py on the real
# candles in ../shared/data/btcusdt.
. "$(dirname "$0")/lib.sh"
D=$SHARED/data/btcusdt
MK="python3 $top/tests/cli/mkcandles.py"
REF="python3 $top/tests/cli/ta_ref.py"

$MK -s 3000 -S 7 -c 500 > "$T/syn.vr"

expect 2 "vr-feat -x < '$T/syn.vr'"
expect 2 "vr-feat a b"
expect 0 "vr-feat -q '$T/syn.vr' > '$T/syn.f.vr'"
expect_out 0 "$T/syn.f.vr" "vr-feat -q '$T/syn.vr'"
# truncated input stream: exit 3 and no trailer written
head -c 40000 "$T/syn.vr" > "$T/trunc.vr"
expect_err 3 'truncated' "vr-feat '$T/trunc.vr' > '$T/trunc.out'"
expect 3 "head -c 100 '$T/syn.vr' | vr-feat > /dev/null"
expect 3 "vr-feat < /dev/null > /dev/null"
# wrong kind of stream
$MK -s 100 -k features > "$T/kind.vr"
expect_err 3 'expected a candles stream' "vr-feat '$T/kind.vr'"
expect_err 3 'expected a candles stream' "vr-feat '$T/syn.f.vr'"
# bad candles
$MK -s 300 -b nan-close > "$T/nan.vr"
expect_err 3 'candle row 100 .*close' "vr-feat '$T/nan.vr'"
$MK -s 300 -b neg-volume > "$T/negv.vr"
expect_err 3 'volume' "vr-feat '$T/negv.vr'"
$MK -s 300 -b time-back > "$T/back.vr"
expect_err 3 'time does not increase' "vr-feat '$T/back.vr'"
expect_err 4 'stdout' "vr-feat '$T/syn.vr' > /dev/full"
expect_err 4 'stdout' "vr-feat -t '$T/syn.vr' > /dev/full"
expect_err 4 'nosuch' "vr-feat '$T/nosuch.vr'"
# warm-up: 25 minutes per segment dropped
expect_err 0 '3000 minutes in 1 segments, 2975 rows out' "vr-feat -t '$T/syn.vr'"

# Reference values: every spot file with the funding file, through the
# test writer (each file and each gap a segment), rel. 1e-9.
F=$D/perp-funding-8h.csv
$MK -c 10007 -F "$F" "$D"/spot-1m-*.csv > "$T/spot.vr"
$REF -F "$F" "$D"/spot-1m-*.csv > "$T/ref.csv"
expect 0 "vr-feat -qrt '$T/spot.vr' > '$T/got.csv' && $REF -c '$T/ref.csv' '$T/got.csv'"
# the stationary transform of the same rows
expect 0 "vr-feat -qt '$T/spot.vr' | awk -F, 'NR > 1 { if (\$7 < 0 || \$7 > 1) exit 1; n++ } END { exit n != 344415 }'"

# With vr-fetch (once it is built): the real parser into the same values,
# and the pipeline with both neighbours.
if [ -x "$top/tools/vr-fetch" ]; then
    expect 0 "vr-fetch -q -F '$F' '$D/spot-1m-2024.csv' | vr-feat -qrt > '$T/fetch.csv' && $REF -F '$F' '$D/spot-1m-2024.csv' > '$T/ref1.csv' && $REF -c '$T/ref1.csv' '$T/fetch.csv'"
fi
if [ -x "$top/tools/vr-fetch" ] && [ -x "$top/tools/vr-label" ]; then
    expect 0 "vr-fetch -q -s 1 -n 20000 | vr-feat -q | vr-label -q > '$T/ds.vr'"
fi
finish
