#!/bin/sh
# make bench: every benchmark, each beside its reference tool in the same
# run.  BENCH="pipeline nn" limits it to some; results also go to
# bench/out/.  The machine is shared: read the ratios, not the seconds.
cd "$(dirname "$0")" || exit 4
mkdir -p out
all=$(ls *.sh | grep -v '^run\.sh$' | sed 's/\.sh$//')
status=0
for b in ${BENCH:-$all}; do
    [ -f "$b.sh" ] || { echo "bench: no bench/$b.sh" >&2; status=2; continue; }
    printf '\n== %s\n' "$b"
    sh "$b.sh" 2>&1 | tee "out/$b.txt" || status=1
done
exit $status
