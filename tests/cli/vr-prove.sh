#!/bin/sh
# CLI tests for vr-prove: exit codes, proofs for the test split that
# vr-verify accepts, -j, the key checked against the circuit, and the
# pipeline vr-fetch | vr-feat | vr-label, vr-train, vr-quant, vr-circuit,
# vr-prove | vr-verify.
. "$(dirname "$0")/lib.sh"
. "$top/tests/cli/circuit.inc"
D="$F/data.vr" C="$F/circuit.vr" K="$F/keys"
head -c 300000 "$D" > "$T/dcut.vr"
head -c 100000 "$C" > "$T/ccut.vr"

# usage: 2
expect 2 "vr-prove -Z -c $C -k $K < $D"
expect 2 "vr-prove -k $K < $D"
expect 2 "vr-prove -c $C < $D"
expect 2 "vr-prove -c $C -k $K -s nope < $D"
expect 2 "vr-prove -c $C -k $K -j 0 < $D"
expect 2 "vr-prove -c $C -k $K $D $D"
# bad data: 3
expect 3 "vr-prove -q -c $C -k $K -n 1 < $T/dcut.vr"
expect 3 "vr-prove -q -c $T/ccut.vr -k $K -n 1 < $D"
expect_err 3 'expected a circuit' "vr-prove -q -c $D -k $K -n 1 < $D"
expect_err 3 'expected a dataset' "vr-prove -q -c $C -k $K -n 1 < $C"
mkdir -p "$T/wrongkeys" && cp "$K/vk.vr" "$T/wrongkeys/pk.vr"
expect_err 3 'expected a pk' "vr-prove -q -c $C -k $T/wrongkeys -n 1 < $D"
# I/O: 4
expect 4 "vr-prove -q -c $C -k $K -n 1 < $D > /dev/full"
expect 4 "vr-prove -q -c $C -k $T/nokeys -n 1 < $D"

# proofs of three test windows, verified (-q: only the summary)
echo '3 proofs: 3 valid, 0 rejected' > "$T/want"
expect 0 "vr-prove -q -c $C -k $K -s test -n 3 < $D > $T/p.vr"
expect_out 0 "$T/want" "vr-verify -q -k $K $T/p.vr"
# -j 2: the same windows, the same public signals
expect 0 "vr-prove -q -c $C -k $K -s test -n 3 -j 2 < $D > $T/pj.vr"
expect 0 "vr-verify -k $K $T/p.vr | head -n 3 > $T/v1 && vr-verify -k $K $T/pj.vr | head -n 3 > $T/v2 && cmp -s $T/v1 $T/v2"
# the proof's class is lib/quant's: vr-verify with the dataset agrees
expect 0 "vr-verify -q -k $K -c $C -d $D $T/p.vr"
# a summary on stderr; nothing with -q
expect_err 0 '^vr-prove: 1 proofs in' "vr-prove -c $C -k $K -s test -n 1 < $D > /dev/null"
expect_out 0 /dev/null "vr-prove -q -c $C -k $K -s test -n 1 < $D 2>&1 > /dev/null"

# prove | verify in a pipe (the fixture made the rest of the pipeline:
# vr-fetch | vr-feat | vr-label, vr-train, vr-quant, vr-circuit)
expect 0 "vr-prove -q -c $C -k $K -s test -n 2 < $D |
    vr-verify -k $K -c $C -d $D > $T/out &&
    tail -n 1 $T/out | grep -q '^2 proofs: 2 valid, 0 rejected'"
# live windows (vr-label -l, normalised as the model, which the circuit
# stream carries): proved and checked against the same windows
expect 0 "vr-fetch -q -n 400 -S 9 | vr-feat -q | vr-label -q -l -n $C > $T/live.vr &&
    vr-prove -q -c $C -k $K -s live -n 2 < $T/live.vr |
    vr-verify -k $K -c $C -d $T/live.vr | tail -n 1 | grep -q '^2 proofs: 2 valid'"
finish
