#!/bin/sh
# CLI tests for vr-quant: exit codes, uniform and Hessian-guided
# quantisation of an MLP trained by vr-train on a generated dataset
# (tests/cli/mkdataset.py), the CSV and sweep files, determinism, and the
# pipeline with vr-fetch | vr-feat | vr-label | vr-train when built.
. "$(dirname "$0")/lib.sh"
mk="python3 $top/tests/cli/mkdataset.py"
$mk -n 3000 > "$T/d.vr"
$mk -n 3000 -T 14 > "$T/d14.vr"
vr-train -q -m mlp -n 3 -S 1 < "$T/d.vr" > "$T/m.vr" || bad "vr-train failed"
vr-train -q -m mlp -a swish3 -n 3 -S 1 < "$T/d.vr" > "$T/ms.vr" ||
    bad "vr-train -a swish3 failed"
vr-train -q -m lstm -n 1 -k 2 < "$T/d.vr" > "$T/l.vr" || bad "vr-train lstm"
head -c 20000 "$T/m.vr" > "$T/mcut.vr"
fast="-q -e 0 -p 4 -n 128"

# usage errors: 2
expect 2 "vr-quant -Z -d $T/d.vr < $T/m.vr"
expect 2 "vr-quant < $T/m.vr"
expect 2 "vr-quant -d $T/d.vr -b 1 < $T/m.vr"
expect 2 "vr-quant -d $T/d.vr -b 17 < $T/m.vr"
expect 2 "vr-quant -d $T/d.vr -b hessian:x < $T/m.vr"
expect 2 "vr-quant -d $T/d.vr -b hessian:1.5 < $T/m.vr"
expect 2 "vr-quant -d $T/d.vr -a 2 < $T/m.vr"
expect 2 "vr-quant -d - -"
expect 2 "vr-quant -d $T/d.vr $T/m.vr $T/m.vr"

# bad data: 3
expect 3 "vr-quant $fast -d $T/d.vr < $T/mcut.vr"
expect 3 "vr-quant $fast -d $T/d.vr < /dev/null"
expect_err 3 'expected a model' "vr-quant $fast -d $T/d.vr < $T/d.vr"
expect_err 3 'expected a dataset' "vr-quant $fast -d $T/m.vr < $T/m.vr"
expect_err 3 'quantises MLPs' "vr-quant $fast -d $T/d.vr < $T/l.vr"
expect_err 3 'windows' "vr-quant $fast -d $T/d14.vr < $T/m.vr"
head -c 40000 "$T/d.vr" > "$T/dcut.vr"
expect 3 "vr-quant $fast -d $T/dcut.vr < $T/m.vr"

# I/O: 4
expect 4 "vr-quant $fast -d $T/d.vr < $T/m.vr > /dev/full"
expect 4 "vr-quant $fast -d $T/nonexistent.vr < $T/m.vr"
expect 4 "vr-quant $fast -d $T/d.vr -c /nonexistent/dir/x.csv < $T/m.vr"

# uniform widths: the table, and the stream carries what vr-circuit needs
for b in 16 8 4; do
    expect_err 0 "^W$b +$b/$b/$b/$b " \
        "vr-quant -e 0 -n 256 -d $T/d.vr -b $b < $T/m.vr > $T/q$b.vr"
done
expect_err 0 '^FP32 ' "vr-quant -e 0 -n 256 -d $T/d.vr < $T/m.vr > $T/q.vr"
for k in qmodel q.lins.0.weight q.lins.3.bounds lins.0.weight round; do
    if grep -q "$k" "$T/q16.vr"; then ok; else bad "q16.vr lacks $k"; fi
done

# Hessian-guided at the budget of 8 bits: CSV, sweep, bits within budget
expect_err 0 '^hessian:8 .* [01]\.[0-9]{4} +0$' "vr-quant -p 20 -n 256 -e 1 -d $T/d.vr \
    -b hessian:8 -c $T/h.csv -s $T/s.csv < $T/ms.vr > $T/h8.vr"
expect_err 0 'Hutchinson: [0-9]+ probes' "vr-quant -p 20 -n 256 -e 0 \
    -d $T/d.vr -b hessian:8 < $T/ms.vr > $T/h8b.vr"
if [ "$(head -n 1 "$T/h.csv")" = \
    "layer,weights,bits,trace,trace_se,probes,sensitivity,qerr,cost" ] &&
    [ "$(wc -l < "$T/h.csv")" -eq 5 ]; then ok; else bad "h.csv"; fi
awk -F, 'NR > 1 { s += $2 * $3; n += $2 } END { exit !(s <= 8 * n) }' \
    "$T/h.csv" && ok || bad "hessian:8 exceeds the budget of 8 bits"
# the sweep: 29 budgets x 4 layers, widths never falling as budgets grow
if [ "$(wc -l < "$T/s.csv")" -eq 117 ]; then ok; else bad "s.csv rows"; fi
awk -F, 'NR > 1 { if ($4 < 2 || $4 > 16) exit 1;
    t[$1] += $3 * $4; n[$1] += $3 }
    END { for (b in t) if (t[b] > b * n[b]) exit 1 }' "$T/s.csv" &&
    ok || bad "sweep over budget"

# deterministic for a seed
expect 0 "vr-quant -p 8 -n 128 -e 1 -S 5 -d $T/d.vr -b hessian:6 \
    < $T/m.vr > $T/r1.vr"
expect 0 "vr-quant -p 8 -n 128 -e 1 -S 5 -d $T/d.vr -b hessian:6 \
    < $T/m.vr > $T/r2.vr"
if cmp -s "$T/r1.vr" "$T/r2.vr"; then ok; else bad "same seed, different output"; fi

# the heatmap script draws the sweep
if command -v gnuplot > /dev/null 2>&1; then
    expect 0 "sh $top/pipelines/quant-heatmap.sh $T/s.csv $T/heat"
    if [ -s "$T/heat.png" ] && grep -q '<svg' "$T/heat.svg"; then ok
    else bad "heatmap files"; fi
fi

# the comparison table of pipelines/quant-compare.sh
expect 0 "sh $top/pipelines/quant-compare.sh $T/d.vr $T/m.vr 0 8 hessian:4 \
    > $T/cmp.txt"
if [ "$(wc -l < "$T/cmp.txt")" -eq 4 ] && grep -q '^FP32 ' "$T/cmp.txt" &&
    grep -q '^W8 ' "$T/cmp.txt" && grep -q '^hessian:4 ' "$T/cmp.txt"; then ok
else bad "quant-compare.sh table"; fi

# with its neighbours, once they are built
if [ -x "$top/tools/vr-label" ] && [ -x "$top/tools/vr-feat" ] &&
    [ -x "$top/tools/vr-fetch" ]; then
    expect 0 "vr-fetch -n 20000 -S 2 | vr-feat | vr-label > $T/p.vr"
    expect 0 "vr-train -q -m mlp -n 1 < $T/p.vr > $T/pm.vr"
    expect_err 0 '^hessian:8 ' "vr-quant -p 4 -n 128 -e 1 -d $T/p.vr \
        -b hessian:8 < $T/pm.vr > $T/pq.vr"
fi
finish
