#!/bin/sh
# bench/circuit.sh: the 480-128-64-32-3 MLP as a circuit, for every
# activation (relu, sq = quadratic, cubic, relu3 = the Taylor/least-squares
# ReLU fit, swish3 = the swish fit) and weight bit-width plan (uniform 4,
# 8, 16 and Hessian-guided at the 8-bit budget): constraints per layer,
# setup, proof and verify times, proof and key sizes, the prover's peak
# memory, and the gas of the Solidity verifier on an in-process EVM.
# Fixed weights, hashed input (the defaults); ranges worst case for every
# plan, and seen + 2 bits (vr-circuit -r seen:2) for the plans in
# SEEN_PLANS (default 8).  ACTS and PLANS override the lists, NPROOF the
# proofs per configuration (default 3).  Writes
# bench/out/circuit.csv and bench/out/circuit-layers.csv.
#
# The machine is shared: wall times carry the load; cpu columns are user +
# system seconds of the process.
set -u
cd "$(dirname "$0")/.." || exit 4
top=$(pwd)
PATH="$top/tools:$PATH"
W="$top/bench/out/circuit"
rm -rf "$W" && mkdir -p "$W"
ACTS=${ACTS:-"relu sq cubic relu3 swish3"}
PLANS=${PLANS:-"4 8 16 hessian:8"}
NPROOF=${NPROOF:-3}
SEEN_PLANS=${SEEN_PLANS:-8}
EVM="node $top/tests/evm/run_verifier.mjs"
csv="$top/bench/out/circuit.csv"
lay="$top/bench/out/circuit-layers.csv"

vr-fetch -q -n 20000 -S 1 | vr-feat -q | vr-label -q > "$W/data.vr" || exit 1
echo "act,plan,ranges,constraints,wires,domain_log2,setup_wall_s,setup_cpu_s,prove_wall_s,prove_cpu_s,verify_cpu_s,proof_bytes,pk_bytes,zkey_bytes,prove_rss_mb,gas" > "$csv"
echo "act,plan,ranges,stage,matmul,activation,rescale,range,hash,argmax,constraints" > "$lay"
printf '%-7s %-9s %-6s %8s %9s %9s %9s %9s %7s %8s %8s %8s\n' act plan \
    ranges constr setup_s prove_s prove_cpu verify_s proof_B pk_MB rss_MB gas
for act in $ACTS; do
    vr-train -q -m mlp -a "$act" -n 1 -S 1 < "$W/data.vr" > "$W/$act.vr" ||
        { echo "vr-train -a $act failed" >&2; continue; }
    for cfg in $(for p in $PLANS; do echo "$p/worst"; done;
        for p in $SEEN_PLANS; do echo "$p/seen:2"; done); do
        plan=${cfg%/*} ranges=${cfg#*/}
        tag="$act-$(echo "$plan-$ranges" | tr : _)"
        d="$W/$tag"
        mkdir -p "$d"
        vr-quant -q -e 0 -n 256 -b "$plan" -d "$W/data.vr" < "$W/$act.vr" \
            > "$d/q.vr" || { echo "vr-quant $tag failed" >&2; continue; }
        /usr/bin/time -f "%e %U %S %M" -o "$d/setup.time" \
            vr-circuit -x -r "$ranges" -c "$d/cost.csv" -k "$d/keys" < "$d/q.vr" \
            > "$d/c.vr" 2> "$d/circuit.err" ||
            { echo "vr-circuit $tag failed: $(tail -n 1 "$d/circuit.err")" >&2; continue; }
        /usr/bin/time -f "%e %U %S %M" -o "$d/prove.time" \
            vr-prove -c "$d/c.vr" -k "$d/keys" -s test -n "$NPROOF" \
            < "$W/data.vr" > "$d/p.vr" 2> "$d/prove.err" ||
            { echo "vr-prove $tag failed" >&2; continue; }
        vr-verify -q -k "$d/keys" -e "$d/cd.txt" "$d/p.vr" > "$d/verify.out" ||
            { echo "vr-verify $tag failed" >&2; continue; }
        # verify: 20 copies of the proofs in one run, CPU a proof
        for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
            cat "$d/p.vr"; done > "$d/p20.vr"
        /usr/bin/time -f "%e %U %S %M" -o "$d/verify.time" \
            vr-verify -q -k "$d/keys" "$d/p20.vr" > /dev/null ||
            { echo "vr-verify $tag failed" >&2; continue; }
        gas=$($EVM "$d/keys/verifier.sol" "$d/cd.txt" 2>/dev/null |
            awk '/^accept/ { sub("gas=", "", $2); s += $2; n++ } END { if (n) printf "%d", s / n; else print "NA" }')
        cons=$(awk -F, '$1 == "total" { print $8 }' "$d/cost.csv")
        wires=$(awk -F, '$1 == "total" { print $9 }' "$d/cost.csv")
        dom=$(sed -n 's/.*domain 2^\([0-9]*\).*/\1/p' "$d/circuit.err")
        set -- $(cat "$d/setup.time"); swall=$1 scpu=$(echo "$2 + $3" | bc)
        # prove: the tool's own per-proof wall time (after loading), and
        # CPU per proof from the whole process (loading included)
        pwall=$(sed -n 's/.*(\([0-9.]*\) s a proof.*/\1/p' "$d/prove.err")
        set -- $(cat "$d/prove.time"); pcpu=$(echo "scale=3; ($2 + $3) / $NPROOF" | bc)
        prss=$(echo "$4 / 1024" | bc)
        set -- $(cat "$d/verify.time"); vcpu=$(echo "scale=4; ($2 + $3) / (20 * $NPROOF)" | bc)
        pkb=$(stat -c %s "$d/keys/pk.vr") zkb=$(stat -c %s "$d/keys/circuit.zkey")
        echo "$act,$plan,$ranges,$cons,$wires,$dom,$swall,$scpu,$pwall,$pcpu,$vcpu,256,$pkb,$zkb,$prss,$gas" >> "$csv"
        awk -F, -v a="$act" -v p="$plan" -v r="$ranges" 'NR > 1 { print a "," p "," r "," $1 "," $2 "," $3 "," $4 "," $5 "," $6 "," $7 "," $8 }' "$d/cost.csv" >> "$lay"
        printf '%-7s %-9s %-6s %8s %9s %9s %9s %9s %7s %8s %8s %8s\n' \
            "$act" "$plan" "$ranges" "$cons" "$swall" "$pwall" "$pcpu" "$vcpu" 256 \
            "$(echo "scale=1; $pkb / 1048576" | bc)" "$prss" "$gas"
    done
done
# the claim: cubic against ReLU, plan by plan
echo
awk -F, 'NR > 1 { c[$1 "," $2 "," $3] = $4; k[$2 "," $3] = 1 } END {
    for (pr in k) {
        r = c["relu," pr]; q = c["cubic," pr]
        if (r && q) printf "plan,ranges %-16s cubic %d vs relu %d constraints: %+.1f %%\n", pr, q, r, 100 * (q - r) / r
    } }' "$csv"
