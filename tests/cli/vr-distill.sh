#!/bin/sh
# CLI tests for vr-distill: exit codes, the logits cache (computed once,
# reused, recomputed for another teacher, refused for another dataset),
# the five variants, the curves for gnuplot, curriculum from a ReLU MLP,
# and the pipeline with vr-train's teacher and vr-fetch | vr-feat |
# vr-label when those tools are built.
. "$(dirname "$0")/lib.sh"
mk="python3 $top/tests/cli/mkdataset.py"
$mk -n 2000 -T 10 > "$T/d.vr"
$mk -n 2000 -T 10 -S 9 > "$T/d9.vr"
$mk -n 300 -T 10 -b trailer > "$T/trunc.vr"
$mk -n 300 -T 14 > "$T/d14.vr"
head -c 5000 "$T/d.vr" > "$T/cut.vr"
vr-train -q -m lstm -n 1 -k 3 -t 1 -S 1 < "$T/d.vr" > "$T/t.vr"
vr-train -q -m lstm -n 1 -k 3 -t 1 -S 2 < "$T/d.vr" > "$T/t2.vr"
vr-train -q -m mlp -n 2 -t 1 -S 1 < "$T/d.vr" > "$T/relu.vr"
q="vr-distill -q -j 1 -n 1"

# usage errors: 2
expect 2 "vr-distill -Z < $T/d.vr"
expect 2 "vr-distill -a gelu -V scratch < $T/d.vr"
expect 2 "vr-distill -a cheb:relu:9 -V scratch < $T/d.vr"
expect 2 "vr-distill -V nosuch < $T/d.vr"
expect 2 "vr-distill -I 4,-4 -V scratch < $T/d.vr"
expect 2 "vr-distill -Q 1,8 -V scratch < $T/d.vr"
expect 2 "vr-distill -R 1e-4 -V scratch < $T/d.vr"
expect 2 "vr-distill -C -V scratch < $T/d.vr"
expect 2 "vr-distill -w 1,2 -V scratch < $T/d.vr"
expect_err 2 'needs the teacher' "vr-distill < $T/d.vr"
expect 2 "vr-distill -V scratch $T/d.vr $T/d.vr"

# bad data: 3
expect_err 3 'truncated|trailer|end of' "$q -V scratch < $T/trunc.vr"
expect 3 "$q -V scratch < $T/cut.vr"
expect 3 "$q -V scratch < /dev/null"
expect 3 "$q -t $T/d.vr < $T/d.vr"
head -c 3000 "$T/t.vr" > "$T/tcut.vr"
expect 3 "$q -t $T/tcut.vr < $T/d.vr"
expect_err 3 'expected a dataset' "$q -V scratch < $T/t.vr"

# I/O: 4
expect 4 "$q -V scratch < $T/d.vr > /dev/full"
expect 4 "$q -t $T/nonexistent.vr < $T/d.vr"
expect 4 "$q -L $T/nonexistent.vr < $T/d.vr"
expect 4 "vr-distill -P -a cubic > /dev/full"

# the cache: computed once with -t, reused with -L alone
expect_err 0 'logits of 2000 samples' \
    "vr-distill -v -j 1 -n 1 -t $T/t.vr -L $T/l.vr < $T/d.vr > $T/s1.vr"
[ -s "$T/l.vr" ] && ok || bad "no logits cache written"
expect_err 0 'cached logits of teacher' \
    "vr-distill -v -j 1 -n 1 -t $T/t.vr -L $T/l.vr < $T/d.vr > $T/s2.vr"
# the same students (scores compared: the headers differ by the command)
expect 0 "vr-distill -q -j 1 -n 1 -L $T/l.vr < $T/d.vr > $T/s3.vr"
for s in s1 s2 s3; do vr-train -e "$T/$s.vr" < "$T/d.vr" 2> "$T/$s.txt"; done
cmp -s "$T/s1.txt" "$T/s2.txt" && ok || bad "cached logits gave another model"
cmp -s "$T/s1.txt" "$T/s3.txt" && ok || bad "-L alone gave another model"
# another teacher: recomputed and rewritten
cp "$T/l.vr" "$T/l1.vr"
expect_err 0 'another teacher' "$q -t $T/t2.vr -L $T/l.vr < $T/d.vr > /dev/null"
cmp -s "$T/l.vr" "$T/l1.vr" && bad "cache not rewritten" || ok
# another dataset: refused without a teacher, recomputed with one
expect_err 3 'dataset' "$q -L $T/l.vr < $T/d9.vr"
expect 0 "$q -t $T/t.vr -L $T/l9.vr < $T/d9.vr > /dev/null"
head -c 2000 "$T/l.vr" > "$T/lcut.vr"
expect 3 "$q -L $T/lcut.vr < $T/d.vr"
expect_err 3 'expected a logits' "$q -L $T/d.vr < $T/d.vr"

# the five variants, each with its row in the table
for v in scratch hard soft combined zk; do
    expect_err 0 "^$v +swish3 " "vr-distill -j 1 -n 1 -a swish3 -V $v -L $T/l1.vr < $T/d.vr > $T/$v.vr"
done
expect_err 0 '^teacher ' "vr-distill -j 1 -n 1 -V zk -L $T/l1.vr < $T/d.vr > /dev/null"
# the student is a model stream that vr-train scores
expect_err 0 '^test ' "vr-train -e $T/zk.vr < $T/d.vr"
# a Chebyshev student with learnable coefficients, calibrated
expect_err 0 'calibration: output bias' \
    "vr-distill -v -j 1 -n 1 -u -x -a cheb:tanh:5:-3:3 -L $T/l1.vr < $T/d.vr > $T/ch.vr"
expect_err 0 '^test ' "vr-train -e $T/ch.vr < $T/d.vr"
# class weights on the CE term
expect 0 "$q -V scratch -w sqrt < $T/d.vr > /dev/null"
expect 0 "$q -V scratch -w 2,1,2 < $T/d.vr > /dev/null"
# curriculum from a trained ReLU MLP
expect_err 0 'epoch 1/1' \
    "vr-distill -j 1 -n 1 -C -i $T/relu.vr -l 1e-4 -a cubic -L $T/l1.vr < $T/d.vr > $T/cur.vr"
expect_err 3 'windows are' "$q -V scratch -i $T/relu.vr < $T/d14.vr"

# curves for gnuplot: 401 points over [-3, 3], f and f' of x^2 at 1.5
expect 0 "vr-distill -P -a sq -I -2,2 > $T/c.txt"
[ "$(grep -vc '^#' "$T/c.txt")" -eq 401 ] && ok || bad "not 401 points"
awk '!/^#/ && $1 == 1.5 { if ($2 != 2.25 || $3 != 3) exit 1; f = 1 }
    END { exit !f }' "$T/c.txt" && ok || bad "x^2 at 1.5 is not 2.25, 3"

# with its neighbours, once they are built
if [ -x "$top/tools/vr-label" ] && [ -x "$top/tools/vr-feat" ] &&
    [ -x "$top/tools/vr-fetch" ]; then
    expect 0 "vr-fetch -n 20000 | vr-feat | vr-label > $T/p.vr"
    expect 0 "vr-train -q -m lstm -n 1 -k 2 -t 1 < $T/p.vr > $T/pt.vr"
    expect 0 "vr-distill -q -j 1 -n 1 -k 20 -a cubic -t $T/pt.vr < $T/p.vr > $T/ps.vr"
    expect_err 0 '^test ' "vr-train -e $T/ps.vr < $T/p.vr"
    # the man page's EXAMPLES, as written (in a scratch directory)
    mkdir -p "$T/ex"
    expect 0 "cd $T/ex && vr-fetch -n 20000 | vr-feat | vr-label > data.vr &&
        vr-train -m lstm -n 1 -k 20 < data.vr > teacher.vr &&
        vr-distill -n 2 -a cubic -t teacher.vr -L logits.vr < data.vr > cubic.vr &&
        vr-distill -n 2 -a cheb:swish:4 -u -L logits.vr < data.vr > swish.vr &&
        vr-train -e swish.vr < data.vr"
fi
expect 0 "cd $T && vr-distill -P -a cheb:tanh:5 > tanh5.txt"
if command -v gnuplot > /dev/null; then
    expect 0 "cd $T && gnuplot -e \"set term png; plot 'tanh5.txt' u 1:2 w l, '' u 1:6 w l\" > tanh5.png"
fi
finish
