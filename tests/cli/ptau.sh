#!/bin/sh
# Our single-party powers of tau (check_ptau new) in snarkjs 0.7.6:
# `powersoftau verify` accepts it (contribution record, powers, Lagrange
# sections), `prepare phase2` of its sections 1-7 gives our prepared file
# byte for byte, another party can contribute on top of it, and circuit
# keys made from it by snarkjs and by us prove and verify both ways.
# Needs tests/node_modules (make deps).
. "$(dirname "$0")/lib.sh"
P="$top/tests/unit/check_ptau"
G="$top/tests/unit/check_groth16"
NM="$top/tests/node_modules"
SJ="node $NM/snarkjs/build/cli.cjs"
[ -x "$P" ] && [ -x "$G" ] || { bad "check_ptau/check_groth16 not built"; finish; exit 1; }
[ -d "$NM/snarkjs" ] || { bad "tests/node_modules missing (make deps)"; finish; exit 1; }

# $T/cut.cjs IN OUT: sections 1-7 of a prepared .ptau, unprepared.
cat > "$T/cut.cjs" <<'JS'
const fs = require('fs');
const [inp, out] = process.argv.slice(2), b = fs.readFileSync(inp);
let pos = 12;
for (;;) {
    const id = b.readUInt32LE(pos), len = Number(b.readBigUInt64LE(pos + 4));
    pos += 12 + len;
    if (id === 7) break;
}
const o = Buffer.from(b.subarray(0, pos)); o.writeUInt32LE(7, 8);
fs.writeFileSync(out, o);
JS
# flip FILE OFFSET: xor one byte.
flip() {
    node -e "
const fs = require('fs'); const b = fs.readFileSync('$1');
b[$2] ^= 1; fs.writeFileSync('$1', b);"
}

# Usage and I/O errors.
expect 2 "$P new 0 $T/x.ptau"
expect 2 "$P new 28 $T/x.ptau"
expect 2 "$P new 8 $T/x.ptau 2 cooked"
[ -c /dev/full ] && expect 4 "$P new 4 /dev/full"

# 1. Prepared and raw files of power 8 pass snarkjs's verification.
expect 0 "$P new 8 $T/p.ptau 2"
expect 0 "$P new 8 $T/raw.ptau 2 raw"
expect 0 "$SJ powersoftau verify $T/p.ptau > $T/v.out &&
    grep -q 'Powers of Tau Ok!' $T/v.out && ! grep -q WARN $T/v.out"
expect 0 "$SJ powersoftau verify $T/raw.ptau | grep -q 'Powers of Tau Ok!'"
# ... and snarkjs prepares our sections 1-7 into exactly our file.
expect 0 "node $T/cut.cjs $T/p.ptau $T/cut.ptau &&
    $SJ powersoftau prepare phase2 $T/cut.ptau $T/sj.ptau >/dev/null &&
    cmp $T/sj.ptau $T/p.ptau"
# A changed point, or a changed proof of knowledge, is caught: section 2
# starts at 12 + 12 + 44 + 12 = 80, so byte 150 is in tau G1.
cp $T/raw.ptau $T/bad1.ptau; flip $T/bad1.ptau 150
expect 0 "$SJ powersoftau verify $T/bad1.ptau > $T/bad1.out 2>&1;
    [ \$? -eq 1 ] && grep -q 'tauG1 section. Powers do not match' $T/bad1.out"
# Section 7 follows section 6 (one G2 point) at the end of the raw file:
# its record starts 4 bytes in; byte 4 + 64 + 128 + 64 + 64 + 128 + 70 is
# inside the tau key's g1_sx.
sz=$(wc -c < $T/raw.ptau)
s7=$((sz - (4 + 64 + 128 + 64 + 64 + 128 + 768 + 216 + 64 + 4 + 4 + 17)))
cp $T/raw.ptau $T/bad2.ptau; flip $T/bad2.ptau $((s7 + 4 + 448 + 70))
expect 0 "$SJ powersoftau verify $T/bad2.ptau > $T/bad2.out 2>&1;
    [ \$? -eq 1 ] && grep -q 'INVALID key (tau)' $T/bad2.out"
# 2. Another party contributes on top of ours; the chain of two verifies.
expect 0 "$SJ powersoftau contribute $T/raw.ptau $T/raw2.ptau -e=vr >/dev/null &&
    $SJ powersoftau verify $T/raw2.ptau | grep -q 'Powers of Tau Ok!'"

# 3. A circuit filling the whole power (domain 2^8: its H points use the
#    top Lagrange domain): snarkjs's setup on our file, checked by `zkey
#    verify`; snarkjs's proof verifies in snarkjs and in ours.
expect 0 "$G chain 200 $T/c.r1cs $T/c.wtns"
expect 0 "$SJ groth16 setup $T/c.r1cs $T/p.ptau $T/sj.zkey >/dev/null &&
    $SJ zkey verify $T/c.r1cs $T/p.ptau $T/sj.zkey | grep -q 'ZKey Ok!' &&
    $SJ zkey export verificationkey $T/sj.zkey $T/sj.vk.json >/dev/null"
expect 0 "$SJ groth16 prove $T/sj.zkey $T/c.wtns $T/sj.proof.json $T/sj.public.json &&
    $SJ groth16 verify $T/sj.vk.json $T/sj.public.json $T/sj.proof.json | grep -q 'OK!' &&
    $G verify $T/sj.vk.json $T/sj.public.json $T/sj.proof.json"
# 4. Our own setup from our file with delta = 1 is snarkjs's key
#    (sections 1-9; 10 records the contributions); with a
#    random delta our proof verifies in snarkjs, snarkjs's in ours.
expect 0 "$G setup-ptau $T/c.r1cs $T/p.ptau $T/d1.zkey $T/d1.vk.json delta-one &&
    $G vkey $T/sj.zkey $T/sjx.vk.json && cmp $T/d1.vk.json $T/sjx.vk.json &&
    node $top/tests/evm/binsec.cjs $T/d1.zkey $T/sj.zkey 1 2 3 4 5 6 7 8 9"
expect 0 "$G setup-ptau $T/c.r1cs $T/p.ptau $T/our.zkey $T/our.vk.json &&
    $G prove $T/our.zkey $T/c.wtns $T/our.proof.json $T/our.public.json &&
    $SJ groth16 verify $T/our.vk.json $T/our.public.json $T/our.proof.json | grep -q 'OK!' &&
    $SJ groth16 prove $T/our.zkey $T/c.wtns $T/sj2.proof.json $T/sj2.public.json &&
    $G verify $T/our.vk.json $T/sj2.public.json $T/sj2.proof.json"
# A proof checked against the other key is rejected.
expect 1 "$G verify $T/sj.vk.json $T/our.public.json $T/our.proof.json"
finish
