#!/bin/sh
# CLI tests for vr-train: exit codes, training and scoring on a generated
# dataset (tests/cli/mkdataset.py), determinism, and the pipeline with
# vr-fetch | vr-feat | vr-label when those tools are built.
. "$(dirname "$0")/lib.sh"
mk="python3 $top/tests/cli/mkdataset.py"
$mk -n 3000 > "$T/d.vr"
$mk -n 3000 -T 14 > "$T/d14.vr"
$mk -n 300 -b trailer > "$T/trunc.vr"
$mk -n 300 -b label > "$T/badlabel.vr"
head -c 5000 "$T/d.vr" > "$T/cut.vr"

# usage errors: 2
expect 2 "vr-train -Z < $T/d.vr"
expect 2 "vr-train -m gru < $T/d.vr"
expect 2 "vr-train -w 1,2 < $T/d.vr"
expect 2 "vr-train -n 0 < $T/d.vr"
expect 2 "vr-train -a gelu < $T/d.vr"
expect 2 "vr-train -s nosuch -e $T/x.vr < $T/d.vr"
expect 2 "vr-train $T/d.vr $T/d.vr"

# bad data: 3
expect_err 3 'truncated|trailer|end of' "vr-train -m mlp < $T/trunc.vr"
expect_err 3 'sample 150' "vr-train -m mlp < $T/badlabel.vr"
expect 3 "vr-train -m mlp < $T/cut.vr"
expect 3 "vr-train -m mlp < /dev/null"
expect 3 "printf 'not msgpack at all' | vr-train -m mlp"

# I/O: 4
expect 4 "vr-train -q -m mlp -n 1 < $T/d.vr > /dev/full"
expect 4 "vr-train -m mlp -e $T/nonexistent.vr < $T/d.vr"

# train and score
expect 0 "vr-train -q -m mlp -n 4 -S 3 < $T/d.vr > $T/m.vr"
expect 0 "vr-train -q -m mlp -n 4 -S 3 < $T/d.vr > $T/m2.vr"
expect_err 0 '^test .*BUY P/R/F1' "vr-train -e $T/m.vr < $T/d.vr"
cp "$T/stderr" "$T/score1"
expect_err 0 '^all ' "vr-train -e $T/m2.vr < $T/d.vr"
if cmp -s "$T/stderr" "$T/score1"; then ok; else bad "same seed, different models"; fi
expect_err 0 '^val ' "vr-train -e $T/m.vr -s val $T/d.vr"
expect_err 0 'epoch 1/2: loss .* val macro-F1' \
    "vr-train -m lstm -n 2 -k 5 -w auto -c 1 -t 1 < $T/d.vr > $T/l.vr"
expect_err 0 '^test ' "vr-train -e $T/l.vr < $T/d.vr"
# the scoring mode writes nothing on stdout
expect_out 0 /dev/null "vr-train -e $T/l.vr < $T/d.vr"
# -v names the OpenBLAS core
expect_err 0 'OpenBLAS core [A-Za-z]+' "vr-train -v -e $T/m.vr < $T/d.vr"

# a model for other windows, a truncated model, a dataset as the model: 3
expect_err 3 'windows are 14 x 8' "vr-train -e $T/m.vr < $T/d14.vr"
head -c 3000 "$T/m.vr" > "$T/mcut.vr"
expect 3 "vr-train -e $T/mcut.vr < $T/d.vr"
expect_err 3 'expected a model' "vr-train -e $T/d.vr < $T/d.vr"
expect_err 3 'expected a dataset' "vr-train -m mlp < $T/m.vr"

# with its neighbours, once they are built
if [ -x "$top/tools/vr-label" ] && [ -x "$top/tools/vr-feat" ] &&
    [ -x "$top/tools/vr-fetch" ]; then
    expect 0 "vr-fetch -s 1 | vr-feat | vr-label > $T/p.vr"
    expect 0 "vr-train -q -m mlp -n 1 < $T/p.vr > $T/pm.vr"
    expect_err 0 '^test ' "vr-train -e $T/pm.vr < $T/p.vr"
    # live windows normalised as the model was (its header carries the
    # dataset's keys), then scored: no labels, an empty table
    expect_err 0 '^all +0 0.0000' "vr-fetch -S 2 -n 3000 | vr-feat | vr-label -l -n $T/pm.vr | vr-train -e $T/pm.vr -s live"
    # the man page's EXAMPLES, as written
    ( cd "$T" &&
      sed -n '/^\.Sh EXAMPLES/,/^\.Sh SEE ALSO/p' "$top/man/man1/vr-train.1" |
      sed -n '/^\.Bd/,/^\.Ed/p' | grep -v '^\.' > examples.sh )
    expect 0 "cd $T && sh -e examples.sh 2> examples.err && grep -q '^test ' examples.err"
fi
finish
