#!/bin/sh
# bench/pipeline.sh: synthetic minutes through
#   vr-fetch | vr-feat | vr-label
# at each size given (default 1M and 5M minutes, to show that memory stays
# bounded): minutes/s end to end and each stage's peak RSS (GNU time's %M)
# in the pipe; then, at the first size, each stage alone (input from a
# file, output to a file): minutes per wall-clock second, minutes per CPU
# second (user + sys, which a busy machine disturbs less) and peak RSS.
#   sh bench/pipeline.sh ["minutes ..."] [seed]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="$top/tools:$PATH"
SIZES=${1:-1000000 5000000}
N=${SIZES%% *}
S=${2:-1}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench/pipeline.sh: needs GNU time in $TIME" >&2; exit 4; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vr-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

now() { date +%s.%N; }
# report NAME WALL TIMEFILE: rates and RSS from a GNU time "%M %e %U %S" file
report() {
    awk -v name="$1" -v wall="$2" -v n="$N" '{
        cpu = $3 + $4; if (cpu < 0.01) cpu = 0.01
        printf "%-22s %10.0f /s wall %11.0f /s CPU   peak RSS %6.1f MB\n",
            name, n / wall, n / cpu, $1 / 1024 }' "$3"
}

echo "pipeline: sizes $SIZES (seed $S), $(nproc) cores," \
    "load $(cut -d' ' -f1 /proc/loadavg)"

# End to end: the three stages in one pipeline, each under GNU time.
for N in $SIZES; do
    t0=$(now)
    $TIME -f '%M %e %U %S' -o "$tmp/t1" vr-fetch -q -S "$S" -n "$N" |
        $TIME -f '%M %e %U %S' -o "$tmp/t2" vr-feat -q |
        $TIME -f '%M %e %U %S' -o "$tmp/t3" vr-label -q | wc -c > "$tmp/bytes"
    t1=$(now)
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
    printf '%-22s %10.0f /s wall   (%d minutes in %s s, %s bytes out)\n' \
        "fetch | feat | label" \
        "$(awk -v n="$N" -v w="$wall" 'BEGIN { print n / w }')" "$N" \
        "$wall" "$(tr -d ' ' < "$tmp/bytes")"
    k=1
    for name in vr-fetch vr-feat vr-label; do
        report "  $name in the pipe" "$(cut -d' ' -f2 "$tmp/t$k")" "$tmp/t$k"
        echo "$N $name $(cut -d' ' -f1 "$tmp/t$k")" >> "$tmp/rss"
        k=$((k + 1))
    done
done
# Peak RSS per stage at each size: flat means bounded.
for name in vr-fetch vr-feat vr-label; do
    awk -v name="$name" '$2 == name {
        line = line sprintf("  %6.1f MB at %gM", $3 / 1024, $1 / 1e6) }
        END { printf "%-22s%s\n", name " peak RSS", line }' "$tmp/rss"
done
N=${SIZES%% *}

# Each stage alone, file to file.
stage() {   # name in out cmd...
    name=$1 in=$2 out=$3
    shift 3
    t0=$(now)
    $TIME -f '%M %e %U %S' -o "$tmp/t" "$@" < "$in" > "$out"
    t1=$(now)
    report "$name" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" "$tmp/t"
}
stage "vr-fetch (synthetic)" /dev/null "$tmp/candles.vr" vr-fetch -q -S "$S" -n "$N"
stage "vr-feat" "$tmp/candles.vr" "$tmp/feat.vr" vr-feat -q
stage "vr-label" "$tmp/feat.vr" "$tmp/label.vr" vr-label -q
