#!/bin/sh
# CLI tests of vr-label: exit codes, bad and wrong streams, live mode,
# and the real candles of ../shared/data/btcusdt through the pipeline.
. "$(dirname "$0")/lib.sh"
D=$SHARED/data/btcusdt
MK="python3 $top/tests/cli/mkcandles.py"

$MK -s 20000 -S 3 -c 4000 > "$T/syn.vr"
vr-feat -q "$T/syn.vr" > "$T/feat.vr"

expect 2 "vr-label -x < '$T/feat.vr'"
expect 2 "vr-label a b"
expect_err 2 'needs -n' "vr-label -l < '$T/feat.vr'"
expect_err 2 'live mode' "vr-label -k 5 < '$T/feat.vr'"
expect_err 2 'train:val:test' "vr-label -s 70:30 < '$T/feat.vr'"
expect_err 2 'train share' "vr-label -s 0:50:50 < '$T/feat.vr'"
expect 2 "vr-label -H 0 < '$T/feat.vr'"
expect 2 "vr-label -T x < '$T/feat.vr'"
# 19975 rows; ends 59..19914: 19856 candidates, 13899 train - 60 purged
expect_err 0 'train +13839 +70 +13691 +78$' "vr-label '$T/feat.vr' > '$T/ds.vr'"
vr-label -q "$T/feat.vr" > "$T/ds.q.vr"
expect_out 0 "$T/ds.q.vr" "vr-label -q '$T/feat.vr'"
# the class table: one line per split, counts that add up
expect 0 "vr-label '$T/feat.vr' 2>&1 >/dev/null | awk '/^vr-label: (train|val|test) / { if (\$4 + \$5 + \$6 != \$3) exit 1; n++ } END { exit n != 3 }'"
expect_err 0 '120 samples purged' "vr-label '$T/feat.vr' > /dev/null"
expect_err 0 'train +13890 ' "vr-label -s 0.7,0.15,0.15 -H 30 -u 0.5 -d 0.5 '$T/feat.vr' > /dev/null"
# truncated, wrong kind, too short, bad rows
head -c 50000 "$T/feat.vr" > "$T/trunc.vr"
expect_err 3 'truncated' "vr-label '$T/trunc.vr'"
expect_err 3 'expected a features stream' "vr-label '$T/syn.vr'"
expect_err 3 'expected a features stream' "vr-label '$T/ds.vr'"
$MK -s 120 > "$T/short.vr"
expect_err 3 'no sample' "vr-feat -q '$T/short.vr' | vr-label"
expect_err 4 'stdout' "vr-label '$T/feat.vr' > /dev/full"
expect_err 4 'nosuch' "vr-label '$T/nosuch.vr'"
# live mode: normalisation from the dataset, newest windows, no labels
expect_err 0 'live +7 ' "vr-label -l -n '$T/ds.vr' -k 7 '$T/feat.vr' > '$T/live.vr'"
expect_err 0 'live +19916 ' "vr-label -l -n '$T/ds.vr' '$T/feat.vr' > /dev/null"
expect_err 3 'norm_mean' "vr-label -l -n '$T/feat.vr' '$T/feat.vr'"
expect_err 3 'truncated|header' "vr-label -l -n '$T/trunc.vr' '$T/feat.vr'"
# the live stream carries the training normalisation: using it as -n
# gives the same bytes but for the one letter of -n's name in provenance
cp "$T/ds.vr" "$T/n1.vr"
cp "$T/live.vr" "$T/n2.vr"
vr-label -q -l -n "$T/n1.vr" -k 7 "$T/feat.vr" > "$T/l1.vr"
expect 0 "vr-label -q -l -n '$T/n2.vr' -k 7 '$T/feat.vr' | cmp -l - '$T/l1.vr' | wc -l | grep -qx 1"

expect_err 0 'not stationary' "vr-feat -qr '$T/syn.vr' | vr-label > /dev/null"

# All seven spot files with the funding file through the pipeline.
F=$D/perp-funding-8h.csv
expect_err 0 '344415 rows in 9 segments' "vr-fetch -q -F '$F' '$D'/spot-1m-*.csv | vr-feat -q | vr-label > '$T/spot.ds'"
# the synthetic market, and live windows of it
expect 0 "vr-fetch -q -S 1 -n 30000 | vr-feat -q | vr-label -q -H 30 > '$T/synth.ds'"
expect_err 0 'live +1 ' "vr-fetch -q -S 2 -n 300 | vr-feat -q | vr-label -l -n '$T/synth.ds' -k 1 > '$T/synth.live'"
# downstream: vr-train reads the dataset, and the model's stored
# normalisation serves live mode exactly as the dataset's does (the
# outputs differ only in the one letter of -n's file name: d / m)
if [ -x "$top/tools/vr-train" ]; then
    cp "$T/synth.ds" "$T/d.vr"
    expect 0 "vr-train -q -m mlp -n 1 -t 1 '$T/d.vr' > '$T/m.vr'"
    vr-fetch -q -S 2 -n 300 | vr-feat -q > "$T/fresh.vr"
    vr-label -q -l -n "$T/d.vr" "$T/fresh.vr" > "$T/ld.vr"
    expect 0 "vr-label -q -l -n '$T/m.vr' '$T/fresh.vr' | cmp -l - '$T/ld.vr' | wc -l | grep -qx 1"
fi
# the man page's EXAMPLES, run as written where their inputs are
mkdir -p "$T/ex"
ln -sf "$D/spot-1m-2024.csv" "$D/perp-funding-8h.csv" "$T/ex/"
vr-fetch -q -S 5 -n 50000 > "$T/ex/candles.vr"
vr-fetch -q -S 6 -n 500 > "$T/ex/fresh.vr"
sed -n 's/^\.Dl //p' "$top/man/man1/vr-label.1" | sed 's/\\-/-/g' > "$T/examples"
[ "$(wc -l < "$T/examples")" -ge 3 ] && ok || bad "fewer than 3 EXAMPLES"
while IFS= read -r ex; do
    expect 0 "cd '$T/ex' && $ex"
done < "$T/examples"
finish
