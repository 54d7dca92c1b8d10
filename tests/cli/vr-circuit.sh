#!/bin/sh
# CLI tests for vr-circuit: exit codes, the cost table and CSV, the
# visibility options, the files of a setup (written whole), and the
# pipeline vr-fetch | vr-feat | vr-label, vr-train, vr-quant, vr-circuit.
. "$(dirname "$0")/lib.sh"
. "$top/tests/cli/circuit.inc"
Q="$F/q.vr"
head -c 30000 "$Q" > "$T/qcut.vr"

# usage: 2
expect 2 "vr-circuit -Z < $Q"
expect 2 "vr-circuit -i secret < $Q"
expect 2 "vr-circuit -w private < $Q"
expect 2 "vr-circuit -x < $Q"
expect 2 "vr-circuit -r best < $Q"
expect 2 "vr-circuit -r seen:x < $Q"
expect 2 "vr-circuit -t 0 < $Q"
expect 2 "vr-circuit $Q $Q"
# bad data: 3
expect 3 "vr-circuit -q < $T/qcut.vr"
expect 3 "vr-circuit -q < /dev/null"
expect_err 3 'expected a qmodel' "vr-circuit -q < $F/data.vr"
expect_err 3 'expected a qmodel' "vr-circuit -q < $F/mlp.vr"
# I/O: 4
expect 4 "vr-circuit -q < $Q > /dev/full"
expect 4 "vr-circuit -q $T/nonexistent.vr"
expect 4 "vr-circuit -q -c /dev/full/cost.csv < $Q > /dev/null"

# the cost table: one row per stage, a total, the public signals
expect_err 0 '^layer0 480-128 relu' "vr-circuit < $Q"
expect_err 0 'public signals 3 \(class, input, time\)' "vr-circuit < $Q"
# the CSV: constraints add up; the stream's header says the same count
expect 0 "vr-circuit -q -c $T/cost.csv < $Q > $T/c.vr"
expect 0 "head -n 1 $T/cost.csv | grep -q '^stage,matmul,activation,rescale,range,hash,argmax,constraints,wires'"
expect 0 "awk -F, 'NR > 1 && \$1 != \"total\" { s += \$8 } \$1 == \"total\" { t = \$8 } END { exit !(s == t && t > 10000) }' $T/cost.csv"
expect 0 "test -s $T/c.vr"
# fixed weights: matrix products cost nothing
expect 0 "awk -F, '\$1 == \"total\" { exit !(\$2 == 0) }' $T/cost.csv"
# public input: 480 public inputs, no hash
expect_err 0 'public signals 482 \(class, x.0, x.1, x.2, ...\)' "vr-circuit -i public < $Q"
expect 0 "vr-circuit -q -i public -c $T/pub.csv < $Q > /dev/null && awk -F, '\$1 == \"total\" { exit !(\$6 == 0) }' $T/pub.csv"
expect_err 0 'public signals 2 \(class, time\)' "vr-circuit -i private < $Q"
# hashed weights: one product per weight, the commitment public
expect_err 0 'public signals 4 \(class, input, model, time\)' "vr-circuit -w hashed < $Q"

# seen ranges: no more constraints than the worst case
expect 0 "vr-circuit -q -r seen:2 -c $T/seen.csv < $Q > /dev/null &&
    [ \$(awk -F, '\$1 == \"total\" { print \$8 }' $T/seen.csv) -le \$(awk -F, '\$1 == \"total\" { print \$8 }' $T/cost.csv) ]"
expect_err 0 'ranges seen \+ 2 bits' "vr-circuit -r seen:2 < $Q"

# the setup's files are all there and whole
for f in pk.vr vk.vr verifier.sol circuit.zkey verification_key.json circuit.r1cs; do
    expect 0 "test -s $F/keys/$f"
done
expect 0 "grep -q 'contract Groth16Verifier' $F/keys/verifier.sol"
# a failed setup leaves no half-written key
expect 4 "vr-circuit -q -k /dev/full/keys < $Q > /dev/null"
finish
