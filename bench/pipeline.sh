#!/bin/sh
# bench/pipeline.sh: N synthetic minutes (default 1M) through
#   vr-fetch | vr-feat | vr-label
# Reports minutes/s end to end, then each stage alone (input from a file,
# output to a file): minutes per wall-clock second, minutes per CPU second
# (user + sys, which a busy machine disturbs less) and the peak RSS
# (GNU time's %M).
#   sh bench/pipeline.sh [minutes] [seed]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="$top/tools:$PATH"
N=${1:-1000000}
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

echo "pipeline: $N synthetic minutes (seed $S), $(nproc) cores," \
    "load $(cut -d' ' -f1 /proc/loadavg)"

# End to end: the three stages in one pipeline, each under GNU time.
t0=$(now)
$TIME -f '%M %e %U %S' -o "$tmp/t1" vr-fetch -q -S "$S" -n "$N" |
    $TIME -f '%M %e %U %S' -o "$tmp/t2" vr-feat -q |
    $TIME -f '%M %e %U %S' -o "$tmp/t3" vr-label -q > "$tmp/data.vr"
t1=$(now)
wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
printf '%-22s %10.0f /s wall   (%s s, %s bytes out)\n' \
    "fetch | feat | label" "$(awk -v n="$N" -v w="$wall" 'BEGIN { print n / w }')" \
    "$wall" "$(wc -c < "$tmp/data.vr")"
k=1
for name in vr-fetch vr-feat vr-label; do
    report "  $name in the pipe" "$(cut -d' ' -f2 "$tmp/t$k")" "$tmp/t$k"
    k=$((k + 1))
done

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
