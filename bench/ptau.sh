#!/bin/sh
# Whole Groth16 setup from nothing: our single-party powers of tau
# (phase 1, prepared for phase 2: check_ptau new) then our phase 2 on it
# (check_groth16 setup-ptau) for the chain circuit of 2^k - 2 constraints
# (domain 2^k, bench/groth16.sh), beside snarkjs 0.7.6 doing the same
# (powersoftau new + contribute + prepare phase2, then groth16 setup +
# zkey contribute) for k <= SJMAX only: snarkjs needs over 2 hours at
# 2^17 here.  snarkjs's `powersoftau verify` checks our file at k <= SJMAX.
#   sh bench/ptau.sh [k...]             (default: 10 12 17)
# Env: NTHREADS (default 2), SJMAX (default 12).  Times are wall seconds
# and, in brackets, CPU seconds (user + sys) from /usr/bin/time; sizes MB.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
P="$top/tests/unit/check_ptau"
G="$top/tests/unit/check_groth16"
NM="$top/tests/node_modules"
SJ="node $NM/snarkjs/build/cli.cjs"
NT=${NTHREADS:-2}
SJMAX=${SJMAX:-12}
O="$top/bench/out/ptau"
mkdir -p "$O"
[ -x "$P" ] && [ -x "$G" ] || make -s tests/unit/check_ptau tests/unit/check_groth16
[ -d "$NM/snarkjs" ] || sh mk/deps.sh

# run NAME CMD...: time CMD into $O/NAME.time (wall user sys rssKB)
run() {
    n=$1; shift
    /usr/bin/time -f '%e %U %S %M' -o "$O/$n.time" "$@" > "$O/$n.out" 2> "$O/$n.err" ||
        { echo "bench: $n failed:" >&2; tail -n 5 "$O/$n.err" >&2; exit 1; }
}
# fmt NAME...: summed "wall [cpu]" of the runs
fmt() {
    for n; do cat "$O/$n.time"; done |
        awk '{ w += $1; c += $2 + $3 } END { printf "%.2f [%.2f]", w, c }'
}
walls() { for n; do cat "$O/$n.time"; done | awk '{ w += $1 } END { print w }'; }
mb() { awk -v b="$(wc -c < "$1")" 'BEGIN { printf "%.1f", b / 1e6 }'; }

printf '%-5s %-16s %-16s %-16s %-8s %-8s %-22s %-22s %s\n' k \
    "ptau s [cpu]" "phase2 s [cpu]" "total s [cpu]" "ptau MB" "zkey MB" \
    "snarkjs ptau" "snarkjs phase2" "ratio (total)"
for k in ${@:-10 12 17}; do
    c="k$k"
    "$G" chain $(( (1 << k) - 2 )) "$O/$c.r1cs" "$O/$c.wtns"
    run "$c.ptau" "$P" new "$k" "$O/$c.ptau" "$NT"
    run "$c.setup" "$G" setup-ptau "$O/$c.r1cs" "$O/$c.ptau" "$O/$c.zkey" \
        "$O/$c.vk.json"
    sp=- ss=- ratio=-
    if [ "$k" -le "$SJMAX" ]; then
        run "$c.sjverify" $SJ powersoftau verify "$O/$c.ptau"
        grep -q 'Powers of Tau Ok!' "$O/$c.sjverify.out" ||
            { echo "bench: snarkjs rejected our ptau" >&2; exit 1; }
        run "$c.sjnew" $SJ powersoftau new bn128 "$k" "$O/$c.sj0.ptau"
        run "$c.sjcontrib" $SJ powersoftau contribute "$O/$c.sj0.ptau" \
            "$O/$c.sj1.ptau" -e=bench
        run "$c.sjprep" $SJ powersoftau prepare phase2 "$O/$c.sj1.ptau" \
            "$O/$c.sj.ptau"
        run "$c.sjsetup" $SJ groth16 setup "$O/$c.r1cs" "$O/$c.sj.ptau" \
            "$O/$c.sj0.zkey"
        run "$c.sjzcontrib" $SJ zkey contribute "$O/$c.sj0.zkey" \
            "$O/$c.sj.zkey" -e=bench
        sp=$(fmt "$c.sjnew" "$c.sjcontrib" "$c.sjprep")
        ss=$(fmt "$c.sjsetup" "$c.sjzcontrib")
        ratio=$(awk -v a="$(walls "$c.sjnew" "$c.sjcontrib" "$c.sjprep" \
            "$c.sjsetup" "$c.sjzcontrib")" -v b="$(walls "$c.ptau" "$c.setup")" \
            'BEGIN { printf "%.0fx", a / b }')
    fi
    printf '%-5s %-16s %-16s %-16s %-8s %-8s %-22s %-22s %s\n' "2^$k" \
        "$(fmt "$c.ptau")" "$(fmt "$c.setup")" "$(fmt "$c.ptau" "$c.setup")" \
        "$(mb "$O/$c.ptau")" "$(mb "$O/$c.zkey")" "$sp" "$ss" "$ratio"
done
