#!/bin/sh
# quant-compare.sh: quantise one MLP model at several widths and collect
# vr-quant's result rows (and the FP32 row) into one table on stdout.
#   sh pipelines/quant-compare.sh data.vr model.vr [epochs [spec...]]
# epochs: fine-tuning epochs for every variant (default 0: quantise as is);
# specs default to: 16 8 6 4 hessian:8 hessian:6 hessian:4.
# Needs tools/vr-quant (make); the quantised models go to a temporary
# directory that is removed at the end.
set -eu
[ $# -ge 2 ] || { echo "usage: quant-compare.sh data.vr model.vr [epochs [spec...]]" >&2; exit 2; }
data=$1 model=$2
shift 2
epochs=${1:-0}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- 16 8 6 4 hessian:8 hessian:6 hessian:4
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="$top/tools:$PATH"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
first=1
for b in "$@"; do
    vr-quant -d "$data" -b "$b" -e "$epochs" -S 1 < "$model" \
        > "$tmp/q.vr" 2> "$tmp/log" || { cat "$tmp/log" >&2; exit 3; }
    if [ $first -eq 1 ]; then
        grep -E '^(variant|FP32) ' "$tmp/log"
        first=0
    fi
    grep -E '^(W[0-9]+|hessian:[0-9.]+) ' "$tmp/log"
done
