#!/bin/sh
# Groth16 benchmark: our setup, prove and verify beside snarkjs 0.7.6's
# prove and verify on the very same .zkey (made by our setup: snarkjs would
# need a powers-of-tau file of the size first) and .wtns, for circuits of
# 2^k - 2 multiplication constraints (domain 2^k): the chain
#   t0 = x x,  t_i = t_(i-1) x + i,  y = t_(N-1)   (y public, x = 7)
# with full-size witness values, written as .r1cs/.wtns by our R1CS
# builder (check_groth16 chain; snarkjs checks both files).  circom2 is
# not used here: its WebAssembly build takes many minutes at 2^18.
#   sh bench/groth16.sh [k...]          (default: 10 14 16)
# Env: NTHREADS (default 2).  Prints one table row per size to stdout and
# keeps everything under bench/out/groth16/.  Times are wall seconds and,
# in brackets, CPU seconds (user + sys) from /usr/bin/time; RSS in MB.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
G="$top/tests/unit/check_groth16"
NM="$top/tests/node_modules"
SJ="node $NM/snarkjs/build/cli.cjs"
NT=${NTHREADS:-2}
O="$top/bench/out/groth16"
mkdir -p "$O"
[ -x "$G" ] || make -s tests/unit/check_groth16
[ -d "$NM/snarkjs" ] || sh mk/deps.sh

# run NAME CMD...: time CMD into $O/NAME.time (wall cpu rssMB)
run() {
    n=$1; shift
    /usr/bin/time -f '%e %U %S %M' -o "$O/$n.time" "$@" > "$O/$n.out" 2> "$O/$n.err" ||
        { echo "bench: $n failed:" >&2; tail -n 5 "$O/$n.err" >&2; exit 1; }
    awk '{ printf "%.2f [%.2f] %.0f", $1, $2 + $3, $4 / 1024 }' "$O/$n.time"
}
wall() { awk '{ print $1 }' "$O/$1.time"; }

printf '%-5s %-8s %-22s %-22s %-22s %-22s %-18s %-8s %s\n' k constr \
    "setup s [cpu] MB" "prove s [cpu] MB" "snarkjs prove" "verify" \
    "snarkjs verify" ratio "proof bytes (bin/json)"
for k in ${@:-10 14 16}; do
    n=$(( (1 << k) - 2 ))
    c="chain$k"
    "$G" chain "$n" "$O/$c.r1cs" "$O/$c.wtns"
    s=$(run "$c.setup" "$G" setup "$O/$c.r1cs" "$O/$c.zkey" "$O/$c.vk.json" "$NT")
    p=$(run "$c.prove" "$G" prove "$O/$c.zkey" "$O/$c.wtns" "$O/$c.proof.json" \
        "$O/$c.public.json" "$NT")
    sp=$(run "$c.sjprove" $SJ groth16 prove "$O/$c.zkey" "$O/$c.wtns" \
        "$O/$c.sjproof.json" "$O/$c.sjpublic.json")
    v=$(run "$c.verify" "$G" verify "$O/$c.vk.json" "$O/$c.sjpublic.json" \
        "$O/$c.sjproof.json")
    sv=$(run "$c.sjverify" $SJ groth16 verify "$O/$c.vk.json" \
        "$O/$c.public.json" "$O/$c.proof.json")
    grep -q 'OK!' "$O/$c.sjverify.out" || { echo "bench: snarkjs rejected our proof" >&2; exit 1; }
    ratio=$(awk -v a="$(wall "$c.sjprove")" -v b="$(wall "$c.prove")" \
        'BEGIN { printf "%.1fx", a / b }')
    printf '%-5s %-8s %-22s %-22s %-22s %-22s %-18s %-8s %s\n' "2^$k" "$n" \
        "$s" "$p" "$sp" "$v" "$sv" "$ratio" \
        "256/$(wc -c < "$O/$c.proof.json")"
done
