#!/bin/sh
# make demo: the main job on the built-in synthetic market, from candles
# to verified proofs.  Work files go to demo/ (override with DEMO_DIR);
# every step is a plain pipeline of the tools, printed before it runs.
# DEMO_MINUTES sets the market's length (default 200000).
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="$top/tools:$PATH"
dir=${DEMO_DIR:-$top/demo}
minutes=${DEMO_MINUTES:-200000}
mkdir -p "$dir"
cd "$dir"
step() { printf '\n$ %s\n' "$*" >&2; sh -c "$*"; }

# Candles -> features -> labelled, normalised windows.
step "vr-fetch -S 1 -n $minutes | vr-feat | vr-label > data.vr"
# The LSTM teacher (a short run: a demo, not an experiment).
step "vr-train -m lstm -n 1 -k 150 -S 1 -q < data.vr > teacher.vr"
step "vr-train -e teacher.vr -s test < data.vr"
# A circuit-friendly student: polynomial activations, distilled.
step "vr-distill -t teacher.vr -L logits.vr -V zk -a swish3 -n 3 -k 300 -w sqrt -x -S 1 < data.vr > student.vr"
# The integer model that is proved, bit-widths from Hessian sensitivity.
step "vr-quant -d data.vr -b hessian:8 -S 1 < student.vr > student.q.vr"
# Circuit, keys and Solidity verifier; then prove and verify signals.
step "vr-circuit -k keys -c cost.csv < student.q.vr > circuit.vr"
step "vr-prove -c circuit.vr -k keys -s test -n 8 < data.vr > proofs.vr"
step "vr-verify -k keys -c circuit.vr -d data.vr -e calldata.txt proofs.vr"
printf '\ndemo: work files in %s (keys/verifier.sol is the contract)\n' "$dir" >&2
