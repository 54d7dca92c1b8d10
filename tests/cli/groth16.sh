#!/bin/sh
# Groth16 interop: our prover and verifier against snarkjs 0.7.6 on
# circom2/circomlib circuits, our setup's keys in snarkjs, and the Solidity
# verifier compiled with solc and run on an in-process EVM (@ethereumjs/vm).
# Needs tests/node_modules (make deps).
. "$(dirname "$0")/lib.sh"
G="$top/tests/unit/check_groth16"
NM="$top/tests/node_modules"
SJ="node $NM/snarkjs/build/cli.cjs"
EVM="node $top/tests/evm/run_verifier.mjs"
[ -x "$G" ] || { bad "$G not built"; finish; exit 1; }
[ -d "$NM/snarkjs" ] || { bad "tests/node_modules missing (make deps)"; finish; exit 1; }

# circom2 (WASI) only opens files below its working directory.
compile() {  # name input-json
    (cd "$top/tests" && node "$NM/circom2/cli.js" "circuits/$1.circom" \
        --r1cs --wasm -l node_modules -o "out/groth16" >/dev/null) &&
    echo '{"type":"commonjs"}' > "$T/$1_js/package.json" &&
    echo "$2" > "$T/$1.in.json" &&
    node "$T/$1_js/generate_witness.js" "$T/$1_js/$1.wasm" "$T/$1.in.json" \
        "$T/$1.wtns"
}

if compile mul1 '{"a": "300", "b": "7"}' && compile pub3 \
    '{"x": "2", "y": "3", "a": "5", "b": "6"}'; then ok
else bad "circom2 compile or witness generation failed"; finish; exit 1; fi
# circom's .r1cs: read, checked against its witness, written back with
# every section byte-identical (circom puts section 2 first, we 1, 2, 3);
# a witness with a changed wire fails a named constraint.
BINSEC="node $top/tests/evm/binsec.cjs"
expect 0 "$G r1cs $T/mul1.r1cs $T/mul1.re.r1cs $T/mul1.wtns | grep -q satisfied &&
    $BINSEC $T/mul1.re.r1cs $T/mul1.r1cs"
expect 0 "$G r1cs $T/pub3.r1cs $T/pub3.re.r1cs $T/pub3.wtns | grep -q satisfied &&
    $BINSEC $T/pub3.re.r1cs $T/pub3.r1cs"
expect_out 0 /dev/null "node -e \"
const fs = require('fs'); const b = fs.readFileSync('$T/pub3.wtns');
b[b.length - 32] ^= 1; fs.writeFileSync('$T/bad.wtns', b);\""
expect 0 "$G r1cs $T/pub3.r1cs - $T/bad.wtns > $T/bad.r1cs.out; [ \$? -eq 1 ] &&
    grep -q 'constraint [0-9]* not satisfied' $T/bad.r1cs.out"
# Our R1CS builder's .r1cs and .wtns (a chain of 100 constraints) pass
# snarkjs's own checks.
expect 0 "$G chain 100 $T/chain.r1cs $T/chain.wtns &&
    $SJ r1cs info $T/chain.r1cs | grep -q 'Constraints: 100' &&
    $SJ wtns check $T/chain.r1cs $T/chain.wtns | grep -q 'WITNESS IS CORRECT'"
# A small phase 1 and snarkjs's own circuit setup (with a contribution).
expect 0 "$SJ powersoftau new bn128 6 $T/p0.ptau >/dev/null &&
    $SJ powersoftau contribute $T/p0.ptau $T/p1.ptau -e=vr >/dev/null &&
    $SJ powersoftau prepare phase2 $T/p1.ptau $T/p.ptau >/dev/null"
for c in mul1 pub3; do
    expect 0 "$SJ groth16 setup $T/$c.r1cs $T/p.ptau $T/${c}_0.zkey >/dev/null &&
        $SJ zkey contribute $T/${c}_0.zkey $T/$c.zkey -e=vr2 >/dev/null &&
        $SJ zkey export verificationkey $T/$c.zkey $T/$c.vk.json >/dev/null"
done

# 0. Our verification_key.json export of snarkjs's .zkey is snarkjs's
#    (snarkjs writes no final newline; we do).
expect 0 "$G vkey $T/mul1.zkey $T/x.vk.json &&
    [ \"\$(cat $T/x.vk.json)\" = \"\$(cat $T/mul1.vk.json)\" ]"
# 1. Our proof on snarkjs's .zkey and .wtns verifies in snarkjs and in ours.
expect 0 "$G prove $T/mul1.zkey $T/mul1.wtns $T/our.proof.json $T/our.public.json"
expect_out 0 "$T/our.public.json" "cat $T/our.public.json"
expect 0 "$SJ groth16 verify $T/mul1.vk.json $T/our.public.json $T/our.proof.json | grep -q 'OK!'"
expect 0 "$G verify $T/mul1.vk.json $T/our.public.json $T/our.proof.json"
# The public signal is c = 300 * 7.
expect 0 "grep -q '\"2100\"' $T/our.public.json"

# 2. snarkjs's proofs verify in ours; a changed signal does not.
expect 0 "$SJ groth16 prove $T/mul1.zkey $T/mul1.wtns $T/sj.proof.json $T/sj.public.json"
expect 0 "$G verify $T/mul1.vk.json $T/sj.public.json $T/sj.proof.json"
echo '["2101"]' > "$T/bad.public.json"
expect 1 "$G verify $T/mul1.vk.json $T/bad.public.json $T/sj.proof.json"
expect 1 "$SJ groth16 verify $T/mul1.vk.json $T/bad.public.json $T/sj.proof.json | grep -q 'OK!'"
expect 3 "$G verify $T/mul1.vk.json $T/pub3.vk.json $T/sj.proof.json"
echo '["2100", "1"]' > "$T/two.public.json"
expect 3 "$G verify $T/mul1.vk.json $T/two.public.json $T/sj.proof.json"
expect 0 "$SJ groth16 prove $T/pub3.zkey $T/pub3.wtns $T/sj3.proof.json $T/sj3.public.json"
expect 0 "$G verify $T/pub3.vk.json $T/sj3.public.json $T/sj3.proof.json"
expect 0 "$G prove $T/pub3.zkey $T/pub3.wtns $T/our3.proof.json $T/our3.public.json 2"
expect 0 "$SJ groth16 verify $T/pub3.vk.json $T/our3.public.json $T/our3.proof.json | grep -q 'OK!'"
# Each public signal changed is rejected.
for i in 0 1 2; do
    node -e "const p=require('$T/our3.public.json'); p[$i]=(BigInt(p[$i])+1n).toString(); console.log(JSON.stringify(p))" > "$T/our3.bad$i.json"
    expect 1 "$G verify $T/pub3.vk.json $T/our3.bad$i.json $T/our3.proof.json"
done

# 3. Our setup: snarkjs proves with our .zkey and verifies with our key;
#    a proof for the other key (snarkjs's, same circuit) is rejected.
expect 0 "$G setup $T/mul1.r1cs $T/ours.zkey $T/ours.vk.json"
expect 0 "$SJ groth16 prove $T/ours.zkey $T/mul1.wtns $T/sjo.proof.json $T/sjo.public.json"
expect 0 "$SJ groth16 verify $T/ours.vk.json $T/sjo.public.json $T/sjo.proof.json | grep -q 'OK!'"
expect 0 "$G verify $T/ours.vk.json $T/sjo.public.json $T/sjo.proof.json"
expect 0 "$SJ zkey export verificationkey $T/ours.zkey $T/ours.sjvk.json >/dev/null"
expect 0 "$G verify $T/ours.sjvk.json $T/sjo.public.json $T/sjo.proof.json"
expect 1 "$G verify $T/ours.vk.json $T/sj.public.json $T/sj.proof.json"
expect 1 "$G verify $T/mul1.vk.json $T/sjo.public.json $T/sjo.proof.json"
expect 0 "$G prove $T/ours.zkey $T/mul1.wtns $T/oo.proof.json $T/oo.public.json"
expect 0 "$SJ groth16 verify $T/ours.sjvk.json $T/oo.public.json $T/oo.proof.json | grep -q 'OK!'"

# 3b. Setup from snarkjs's powers of tau (phase 1) with our phase 2: with
#     delta = 1, sections 1-9 are snarkjs's `groth16 setup` output byte for
#     byte; with a random delta, snarkjs and we prove and verify with it.
expect 0 "$G setup-ptau $T/mul1.r1cs $T/p.ptau $T/pt1.zkey $T/pt1.vk.json delta-one"
expect 0 "$BINSEC $T/pt1.zkey $T/mul1_0.zkey 1 2 3 4 5 6 7 8 9"
expect 1 "$BINSEC $T/pt1.zkey $T/mul1_0.zkey 10"
expect 0 "$G setup-ptau $T/mul1.r1cs $T/p.ptau $T/pt.zkey $T/pt.vk.json"
expect 0 "$SJ groth16 prove $T/pt.zkey $T/mul1.wtns $T/pt.proof.json $T/pt.public.json &&
    $SJ groth16 verify $T/pt.vk.json $T/pt.public.json $T/pt.proof.json | grep -q 'OK!'"
expect 0 "$G verify $T/pt.vk.json $T/pt.public.json $T/pt.proof.json"
expect 0 "$G prove $T/pt.zkey $T/mul1.wtns $T/pto.proof.json $T/pto.public.json &&
    $SJ groth16 verify $T/pt.vk.json $T/pto.public.json $T/pto.proof.json | grep -q 'OK!'"
expect 1 "$G verify $T/pt1.vk.json $T/pt.public.json $T/pt.proof.json"
# A powers of tau too small for the circuit, and a truncated one.
expect 0 "$SJ powersoftau new bn128 2 $T/s0.ptau >/dev/null &&
    $SJ powersoftau prepare phase2 $T/s0.ptau $T/s.ptau >/dev/null"
expect_err 3 "needs a domain of 2\\^5" "$G setup-ptau $T/mul1.r1cs $T/s.ptau $T/x.zkey $T/x.json"
expect_err 3 "section 12 missing" "$G setup-ptau $T/mul1.r1cs $T/p0.ptau $T/x.zkey $T/x.json"
expect_err 3 "truncated|short" "head -c 5000 $T/p.ptau > $T/cut.ptau &&
    $G setup-ptau $T/mul1.r1cs $T/cut.ptau $T/x.zkey $T/x.json"

# 4. Solidity on the EVM: valid proofs accepted, everything else refused.
expect 0 "$G solidity $T/mul1.vk.json $T/mul1.sol"
expect 0 "$G calldata $T/our.proof.json $T/our.public.json > $T/ok.hex &&
    $G calldata $T/sj.proof.json $T/sj.public.json >> $T/ok.hex"
expect 0 "$EVM $T/mul1.sol $T/ok.hex > $T/ok.out"
expect 0 "[ \$(grep -c '^accept' $T/ok.out) -eq 2 ]"
# Every byte of the proof flipped (one bit each), the signal changed,
# the signal + r (same value mod r), and calldata cut short.
node -e "
const h = require('fs').readFileSync('$T/ok.hex', 'utf8').split('\n')[0].slice(2);
const out = [];
for (let i = 4; i < 4 + 256; i++) {
    const b = Buffer.from(h, 'hex'); b[i] ^= 1 << (i % 8); out.push(b.toString('hex'));
}
const b = Buffer.from(h, 'hex'); b[b.length - 1] ^= 1; out.push(b.toString('hex'));
const r = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001n;
const s = BigInt('0x' + h.slice(-64)) + r;
out.push(h.slice(0, -64) + s.toString(16).padStart(64, '0'));
out.push(h.slice(0, -2));
require('fs').writeFileSync('$T/bad.hex', out.join('\n') + '\n');
"
expect 0 "$EVM $T/mul1.sol $T/bad.hex > $T/bad.out"
expect 0 "[ \$(grep -c '^accept' $T/bad.out) -eq 0 ] && [ \$(wc -l < $T/bad.out) -eq 259 ]"
# Our verifier: every byte of proof.json's numbers changed is rejected
# (exit 1 for a valid point that fails, 3 for a bad encoding).
for k in 0 1 2 3 4 5 6 7; do
    node -e "
const p = require('$T/our.proof.json');
const f = [['pi_a',0],['pi_a',1],['pi_b',0,0],['pi_b',0,1],['pi_b',1,0],['pi_b',1,1],['pi_c',0],['pi_c',1]][$k];
let o = p[f[0]]; for (let i = 1; i < f.length - 1; i++) o = o[f[i]];
const last = f[f.length - 1]; o[last] = (BigInt(o[last]) + 1n).toString();
console.log(JSON.stringify(p));" > "$T/tamper$k.json"
    expect_err 3 "not on the|not in G2" "$G verify $T/mul1.vk.json $T/our.public.json $T/tamper$k.json"
done

# 5. Gas: ours and snarkjs's verifier for 1 and 3 public signals.
expect 0 "$SJ zkey export solidityverifier $T/mul1.zkey $T/sj1.sol >/dev/null &&
    $SJ zkey export soliditycalldata $T/sj.public.json $T/sj.proof.json > $T/sj1.txt &&
    $EVM -s $T/sj1.txt > $T/sj1.hex && $EVM $T/sj1.sol $T/sj1.hex > $T/sj1.out &&
    grep -q '^accept' $T/sj1.out"
expect 0 "$G solidity $T/pub3.vk.json $T/pub3.sol &&
    $G calldata $T/our3.proof.json $T/our3.public.json > $T/our3.hex &&
    $EVM $T/pub3.sol $T/our3.hex > $T/our3.out && grep -q '^accept' $T/our3.out"
expect 0 "$SJ zkey export solidityverifier $T/pub3.zkey $T/sj3.sol >/dev/null &&
    $EVM $T/sj3.sol $T/our3.hex > $T/sj3.out && grep -q '^accept' $T/sj3.out"
e1=$(sed -n 's/^accept gas=.* exec=\([0-9]*\).*/\1/p' "$T/ok.out" | head -n 1)
es1=$(sed -n 's/^accept gas=.* exec=\([0-9]*\).*/\1/p' "$T/sj1.out")
e3=$(sed -n 's/^accept gas=.* exec=\([0-9]*\).*/\1/p' "$T/our3.out")
es3=$(sed -n 's/^accept gas=.* exec=\([0-9]*\).*/\1/p' "$T/sj3.out")
echo "groth16: verifyProof execution gas: ours 1 signal $e1, 3 signals $e3;" \
    "snarkjs 1 signal $es1, 3 signals $es3"
g1=$(sed -n 's/^accept gas=\([0-9]*\).*/\1/p' "$T/ok.out" | head -n 1)
s1=$(sed -n 's/^accept gas=\([0-9]*\).*/\1/p' "$T/sj1.out")
g3=$(sed -n 's/^accept gas=\([0-9]*\).*/\1/p' "$T/our3.out")
s3=$(sed -n 's/^accept gas=\([0-9]*\).*/\1/p' "$T/sj3.out")
echo "groth16: verifyProof gas (transaction): ours 1 signal $g1, 3 signals $g3;" \
    "snarkjs 1 signal $s1 (other proof bytes), 3 signals $s3 (same calldata)"
expect 0 "[ ${g1:-999999} -le 214000 ] && [ ${g3:-999999} -lt ${s3:-0} ] &&
    [ ${e1:-999999} -lt ${es1:-0} ]"
finish
