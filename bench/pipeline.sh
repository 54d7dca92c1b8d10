#!/bin/sh
# bench/pipeline.sh: N synthetic minutes (default 1M) through
#   vr-fetch | vr-feat | vr-label
# Reports minutes/s end to end, then each stage alone (input from a file,
# output to a file), with the peak RSS of each stage (/usr/bin/time %M).
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
rate() { awk -v n="$N" -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", n / (b - a) }'; }

echo "pipeline: $N synthetic minutes (seed $S), $(nproc) cores, $(uname -m)"

# End to end: the three stages in one pipeline, each under GNU time.
t0=$(now)
$TIME -f '%M %e' -o "$tmp/t1" vr-fetch -q -S "$S" -n "$N" |
    $TIME -f '%M %e' -o "$tmp/t2" vr-feat -q |
    $TIME -f '%M %e' -o "$tmp/t3" vr-label -q > "$tmp/data.vr"
t1=$(now)
printf '%-22s %12s minutes/s   %s bytes out\n' "fetch | feat | label" \
    "$(rate "$t0" "$t1")" "$(wc -c < "$tmp/data.vr")"
for k in 1 2 3; do
    set -- $(cat "$tmp/t$k")
    name=$(echo "vr-fetch vr-feat vr-label" | cut -d' ' -f$k)
    printf '  %-20s peak RSS %7.1f MB\n' "$name" "$(awk -v k="$1" 'BEGIN { print k / 1024 }')"
done

# Each stage alone, file to file.
stage() {   # name in out cmd...
    name=$1 in=$2 out=$3
    shift 3
    t0=$(now)
    $TIME -f '%M' -o "$tmp/rss" "$@" < "$in" > "$out"
    t1=$(now)
    printf '%-22s %12s minutes/s   peak RSS %7.1f MB\n' "$name" \
        "$(rate "$t0" "$t1")" "$(awk -v k="$(cat "$tmp/rss")" 'BEGIN { print k / 1024 }')"
}
stage "vr-fetch (synthetic)" /dev/null "$tmp/candles.vr" vr-fetch -q -S "$S" -n "$N"
stage "vr-feat" "$tmp/candles.vr" "$tmp/feat.vr" vr-feat -q
stage "vr-label" "$tmp/feat.vr" "$tmp/label.vr" vr-label -q
