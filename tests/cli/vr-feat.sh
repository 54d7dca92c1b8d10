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

# Reference values: all seven spot files with the funding file, read by
# vr-fetch (each file and each gap a segment; files in time order), rel.
# 1e-9 against the independent reference.
F=$D/perp-funding-8h.csv
SPOT="$D/spot-1m-2021.csv $D/spot-1m-2022.csv $D/spot-1m-2023.csv
    $D/spot-1m-2024.csv $D/spot-1m-2024-q4.csv $D/spot-1m-2025.csv
    $D/spot-1m-2025-03.csv"
$REF -F "$F" $SPOT > "$T/ref.csv"
expect 0 "vr-fetch -q -F '$F' $(echo $SPOT) | vr-feat -qrt > '$T/got.csv' && $REF -c '$T/ref.csv' '$T/got.csv'"
# the same through the test writer, in chunks of 10007 rows
$MK -c 10007 -F "$F" $SPOT > "$T/spot.vr"
expect 0 "vr-feat -qrt '$T/spot.vr' | cmp - '$T/got.csv'"
# the stationary transform of the same rows: RSI in [0, 1]
expect 0 "vr-feat -qt '$T/spot.vr' | awk -F, 'NR > 1 { if (\$7 < 0 || \$7 > 1) exit 1; n++ } END { exit n != 344415 }'"
# the futures file too, on its own
expect 0 "vr-fetch -q -F '$F' '$D/perp-1m-2025-05.csv' | vr-feat -qrt > '$T/perp.csv' && $REF -F '$F' '$D/perp-1m-2025-05.csv' > '$T/perp.ref' && $REF -c '$T/perp.ref' '$T/perp.csv'"
# the pipeline with both neighbours
expect 0 "vr-fetch -q -S 1 -n 20000 | vr-feat -q | vr-label -q > '$T/ds.vr'"
expect_err 3 'expected a candles stream' "vr-fetch -q -S 1 -n 2000 | vr-feat -q | vr-feat -q"
# the man page's EXAMPLES, run as written where their inputs are
mkdir -p "$T/ex"
ln -sf "$D/spot-1m-2024.csv" "$D/perp-funding-8h.csv" "$T/ex/"
vr-fetch -q -S 5 -n 50000 > "$T/ex/candles.vr"
vr-fetch -q -S 6 -n 500 > "$T/ex/fresh.vr"
sed -n 's/^\.Dl //p' "$top/man/man1/vr-feat.1" | sed 's/\\-/-/g' > "$T/examples"
[ "$(wc -l < "$T/examples")" -ge 3 ] && ok || bad "fewer than 3 EXAMPLES"
while IFS= read -r ex; do
    expect 0 "cd '$T/ex' && $ex"
done < "$T/examples"
finish
