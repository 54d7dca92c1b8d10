#!/bin/sh
# make demo: the main job on the built-in synthetic market, start to end.
# Work files go to demo/ (override with DEMO_DIR); every step is a plain
# pipeline of the tools, printed before it runs.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="$top/tools:$PATH"
dir=${DEMO_DIR:-$top/demo}
minutes=${DEMO_MINUTES:-300000}
mkdir -p "$dir"
cd "$dir"
step() { printf '\n$ %s\n' "$*" >&2; sh -c "$*"; }

step "vr-fetch -S 1 -n $minutes | vr-feat | vr-label > data.vr"
step "vr-train -m mlp -n 8 -S 1 < data.vr > mlp.vr"
step "vr-train -m lstm -n 1 -k 300 -S 1 < data.vr > teacher.vr"
step "vr-train -e teacher.vr -s test < data.vr"
printf '\ndemo: work files in %s\n' "$dir" >&2
