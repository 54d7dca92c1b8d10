#!/bin/sh
# CLI tests for vr-verify: exit codes; rejections of a proof with another
# class, another input hash, another model's key, another proof, a
# flipped bit; the input checked against a dataset; concatenated
# streams; our proofs in snarkjs; the Solidity verifier on the EVM
# (@ethereumjs/vm) accepting them and refusing a changed class.
. "$(dirname "$0")/lib.sh"
. "$top/tests/cli/circuit.inc"
D="$F/data.vr" C="$F/circuit.vr" K="$F/keys"
NM="$top/tests/node_modules"
tamper="python3 $top/tests/cli/tamper.py"
vr-prove -q -c $C -k $K -s test -n 3 < $D > $T/p.vr || bad "vr-prove failed"
head -c 1200 "$T/p.vr" > "$T/pcut.vr"

# usage: 2
expect 2 "vr-verify -Z -k $K $T/p.vr"
expect 2 "vr-verify $T/p.vr"
expect 2 "vr-verify -k $K -v $K/vk.vr $T/p.vr"
expect 2 "vr-verify -k $K -d $D $T/p.vr"
# bad data: 3
expect 3 "vr-verify -k $K $T/pcut.vr"
expect 3 "vr-verify -k $K < /dev/null"
expect_err 3 'expected a proofs' "vr-verify -k $K $D"
expect_err 3 'expected a vk' "vr-verify -v $K/pk.vr $T/p.vr"
# I/O: 4
expect 4 "vr-verify -k $K $T/p.vr > /dev/full"
expect 4 "vr-verify -k $K $T/nonexistent.vr"
expect 4 "vr-verify -k $K -e /dev/full/x $T/p.vr"

# valid: one line a proof, a summary; -v names the key itself
expect 0 "vr-verify -k $K $T/p.vr > $T/out && [ \$(grep -c ': valid class' $T/out) -eq 3 ]"
expect 0 "vr-verify -v $K/vk.vr -c $C -d $D < $T/p.vr"
# concatenated streams
expect 0 "cat $T/p.vr $T/p.vr | vr-verify -k $K | tail -n 1 | grep -q '^6 proofs: 6 valid'"

# rejections: 1
expect 0 "vr-verify -q -k $K -j $T/sj $T/p.vr"
expect 0 "$tamper pub $T/p.vr $T/sj.1.public.json 0 1 > $T/cls.vr"
expect 1 "vr-verify -k $K $T/cls.vr"
expect 0 "vr-verify -k $K $T/cls.vr | grep -q '^proof 1: REJECTED class'"
expect 0 "$tamper pub $T/p.vr $T/sj.1.public.json 1 1 > $T/hash.vr"
expect 1 "vr-verify -k $K $T/hash.vr"
expect 0 "$tamper pub $T/p.vr $T/sj.1.public.json 2 60000 > $T/time.vr"
expect 1 "vr-verify -k $K $T/time.vr"
expect 0 "$tamper swap $T/p.vr > $T/swap.vr"
expect 1 "vr-verify -k $K $T/swap.vr"
expect 0 "vr-verify -k $K $T/swap.vr | tail -n 1 | grep -q '2 rejected'"
# a flipped bit: a point off its curve is malformed (3), unless the flip
# lands on another valid encoding, which the pairing then rejects (1)
for off in 5 70 200; do
    expect 0 "$tamper flip $T/p.vr $off > $T/flip$off.vr"
    sh -c "vr-verify -k $K $T/flip$off.vr" > /dev/null 2>&1
    rc=$?; if [ $rc -eq 1 ] || [ $rc -eq 3 ]; then ok; else bad "flip $off: exit $rc"; fi
done

# another model (another seed), through the whole pipeline: its own
# proofs verify; ours do not under its key, nor its under ours
expect 0 "vr-fetch -q -n 12000 -S 7 | vr-feat -q | vr-label -q > $T/d2.vr &&
    vr-train -q -m mlp -n 1 -S 7 < $T/d2.vr > $T/m2.vr &&
    vr-quant -q -e 0 -n 128 -d $T/d2.vr < $T/m2.vr > $T/q2.vr &&
    vr-circuit -q -k $T/k2 < $T/q2.vr > $T/c2.vr &&
    vr-prove -q -c $T/c2.vr -k $T/k2 -s test -n 2 < $T/d2.vr |
    vr-verify -k $T/k2 -c $T/c2.vr -d $T/d2.vr > $T/out2"
expect 0 "tail -n 1 $T/out2 | grep -q '^2 proofs: 2 valid, 0 rejected'"
expect 1 "vr-verify -k $T/k2 $T/p.vr"
expect 0 "vr-prove -q -c $T/c2.vr -k $T/k2 -s test -n 1 < $T/d2.vr > $T/p2.vr"
expect 1 "vr-verify -k $K $T/p2.vr"
# the input against another market's windows: rejected
expect 1 "vr-verify -k $K -c $C -d $T/d2.vr $T/p.vr"
expect 0 "vr-verify -k $K -c $C -d $T/d2.vr $T/p.vr | grep -q 'REJECTED.*input hash differs\|REJECTED.*no window'"

# snarkjs verifies our proof with our exported key, and refuses the
# changed class
if [ -d "$NM/snarkjs" ]; then
    SJ="node $NM/snarkjs/build/cli.cjs"
    expect 0 "$SJ groth16 verify $K/verification_key.json $T/sj.1.public.json $T/sj.1.proof.json | grep -q 'OK!'"
    node -e "const p=require('$T/sj.1.public.json'); p[0]=String((Number(p[0])+1)%3); console.log(JSON.stringify(p))" > "$T/sjbad.json"
    expect 0 "! $SJ groth16 verify $K/verification_key.json $T/sjbad.json $T/sj.1.proof.json | grep -q 'OK!'"
    # the Solidity verifier on the EVM: accepts each proof, refuses a
    # changed class (the first public word after the 8 proof words)
    expect 0 "vr-verify -q -k $K -e $T/cd.txt $T/p.vr"
    expect 0 "node $top/tests/evm/run_verifier.mjs $K/verifier.sol $T/cd.txt > $T/evm 2>/dev/null && [ \$(grep -c '^accept gas=' $T/evm) -eq 3 ]"
    expect 0 "head -n 1 $T/cd.txt | python3 -c \"import sys; s=sys.stdin.read().strip(); i=2+8+8*64; print(s[:i] + format((int(s[i:i+64],16)+1)%3,'064x') + s[i+64:])\" > $T/cdbad.txt"
    expect 0 "node $top/tests/evm/run_verifier.mjs $K/verifier.sol $T/cdbad.txt 2>/dev/null | grep -q '^reject'"
else
    bad "tests/node_modules missing (make deps)"
fi
finish
