#!/bin/sh
# pipelines/distill.sh: the distillation experiment of vr-distill(1) on
# the synthetic market, printing one table a section on stdout:
#   reliability  polynomial students from scratch, the fixes off (-r 0
#                -c 0 -g 0 -z 0) and on (the defaults)
#   variants     scratch, hard, soft, combined, zk (swish3 student)
#   acts         every activation, variant zk, and learnable coefficients
#   curriculum   ReLU MLP -> cubic / swish3 one layer at a time at lr 1e-4
#   plain        the zk students without DISTILL_OPTS, for comparison
#   seeds        seeds 2 and 3 of a few runs, to see the noise
# beside the teacher (its test scores from the cached logits).
# Usage: pipelines/distill.sh [section...]; all sections by default.
# Work files in pipelines/out/syn (DIR); DISTILL_EPOCHS (4) and
# DISTILL_STEPS (300 batches an epoch) bound the training; DISTILL_OPTS
# (default "-w sqrt -x": square roots of the balanced class weights on the
# CE term and the output-bias calibration on val) go to every run.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="$top/tools:$PATH"
dir=${DIR:-$top/pipelines/out/syn}
E=${DISTILL_EPOCHS:-4}
K=${DISTILL_STEPS:-300}
mkdir -p "$dir"
cd "$dir"
[ -s data.vr ] || vr-fetch -S 1 -n 300000 | vr-feat | vr-label > data.vr
# the teacher and its logits, made once (the reliability section needs
# neither)
prep() {
    [ -s teacher.vr ] ||
        vr-train -m lstm -n 4 -k 300 -S 1 < data.vr > teacher.vr
    [ -s logits.vr ] || vr-distill -q -n 1 -k 1 -V scratch -t teacher.vr \
        -L logits.vr < data.vr > /dev/null
    base="$base -L logits.vr"
}
base="-j 1 -n $E -k $K -S 1"
opts=${DISTILL_OPTS--w sqrt -x}

hdr() {
    printf '\n== %s (test split; %s epochs of at most %s batches; %s)\n' "$1" \
        "$E" "$K" "${opts:-no extra options}"
    printf '%-22s %-10s %-12s %8s %9s %8s %8s %-8s %9s %7s %9s\n' run \
        variant act accuracy macro-F1 params sparsity diverged 'max|u|' \
        'out%' max-loss
}
# run NAME OPTIONS...: train, keep the model and the log, print the row
run() {
    name=$1; shift
    if ! vr-distill $base $opts "$@" < data.vr > "$name.vr" 2> "$name.log"
    then
        printf '%-22s failed: %s\n' "$name" "$(tail -n 1 "$name.log")"
        return 0
    fi
    awk -v n="$name" 'f == 1 { printf "%-22s %s\n", n, $0; f = 2 }
        /^test +act +accuracy/ { f = 1 }' "$name.log"
}
teacher() {
    awk '/^teacher / { printf "%-22s %-10s %-12s %8s %9s\n", "teacher", "-",
        "lstm", $2, $3; exit }' "$1.log"
    awk '/^teacher\+x / { printf "%-22s %-10s %-12s %8s %9s\n",
        "teacher+calibration", "-", "lstm", $2, $3; exit }' "$1.log"
}

sections=${*:-reliability variants acts curriculum plain}
for s in $sections; do
    [ "$s" = reliability ] || case $base in *logits*) ;; *) prep ;; esac
    case $s in
    reliability)
        hdr "reliability: from scratch, fixes off then on"
        for a in sq cubic swish3 cheb:tanh:5; do
            n=$(echo "$a" | tr ':' '_')
            run "rel-off-$n" -V scratch -a "$a" -r 0 -c 0 -g 0 -z 0
            run "rel-on-$n" -V scratch -a "$a"
        done
        run rel-relu -V scratch -a relu ;;
    variants)
        hdr "variants (swish3 student)"
        for v in scratch hard soft combined zk; do
            run "var-$v" -V "$v" -a swish3
        done
        teacher var-zk ;;
    acts)
        hdr "activations (variant zk)"
        for a in relu sq cubic srelu3 relu3 swish3 cheb:relu:4 cheb:swish:4 \
            cheb:tanh:5; do
            run "act-$(echo "$a" | tr ':' '_')" -a "$a"
        done
        run act-swish3-learn -a swish3 -u
        run act-cheb_swish_4-learn -a cheb:swish:4 -u
        teacher act-relu ;;
    curriculum)
        hdr "curriculum from a ReLU MLP (lr 1e-4 a stage) vs direct"
        [ -s cur-relu.vr ] || run cur-relu -V zk -a relu
        for a in cubic swish3; do
            run "cur-$a" -V zk -C -i cur-relu.vr -l 1e-4 -a "$a"
            run "cur-direct-$a" -V zk -a "$a"
        done ;;
    plain)
        opts=
        hdr "without class weights and calibration"
        for a in relu swish3 cubic; do
            run "plain-zk-$a" -a "$a"
        done
        run plain-scratch-relu -V scratch -a relu
        teacher plain-zk-relu
        opts=${DISTILL_OPTS--w sqrt -x} ;;
    seeds)
        hdr "seeds 2 and 3 (seed 1 in the tables above)"
        for S in 2 3; do
            run "seed$S-scratch-relu" -V scratch -a relu -S $S
            run "seed$S-zk-relu" -a relu -S $S
            run "seed$S-zk-swish3" -a swish3 -S $S
            run "seed$S-cur-swish3" -C -i cur-relu.vr -l 1e-4 -a swish3 -S $S
        done ;;
    *)
        echo "distill.sh: unknown section $s" >&2
        exit 2 ;;
    esac
done
