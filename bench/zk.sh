#!/bin/sh
# zk.sh: BN254 arithmetic of libvr beside ffjavascript's wasm (the engine
# of snarkjs) and, when bench/bench_ffiasm is built, ffiasm's x86-64
# assembly (the engine of rapidsnark), on this machine, as one table.
#
#   sh bench/zk.sh [-c] [-r reps] [-t threads] [op ...]
#
# For each op the C side (bench/bench_zk), the JS side
# (bench/zk_snarkjs.mjs) and rapidsnark's side (bench/bench_ffiasm, same
# inputs as bench_zk) run back to back, each taking the median of reps
# runs (default 5), so load from other processes hits them alike.
# -c measures CPU time (all threads) on both sides instead of wall time:
# steadier on a loaded machine, but blind to idle time in either.
# Needs `make bench/bench_zk` and `sh mk/deps.sh bench` (npm packages
# under bench/node_modules); `make bench` does both, and builds
# bench/bench_ffiasm (bench/build_ffiasm.sh) when it can.
set -u
cd "$(dirname "$0")/.." || exit 4
reps=5
threads=
cflag=
while getopts cr:t: ch; do
    case $ch in
    c) cflag=-c ;;
    r) reps=$OPTARG ;;
    t) threads="-t $OPTARG" ;;
    *) echo "usage: zk.sh [-c] [-r reps] [-t threads] [op ...]" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- fp_mul fr_mul fp_inv g1_add pairing pairing4 \
    msm_g1_10 msm_g1_14 msm_g1_16 msm_g1_18 \
    msm_g1_10_8b msm_g1_14_8b msm_g1_16_8b msm_g1_18_8b \
    msm_g1_16_nn msm_g1_18_nn \
    msm_g2_16 ntt_16 ntt_20
[ -x bench/bench_zk ] || { echo "zk.sh: run make bench/bench_zk first" >&2; exit 4; }
[ -d bench/node_modules/ffjavascript ] ||
    { echo "zk.sh: run sh mk/deps.sh bench first" >&2; exit 4; }

label() {
    case $1 in
    fp_mul) echo "Fp mul" ;;
    fr_mul) echo "Fr mul" ;;
    fp_inv) echo "Fp inversion (var-time)" ;;
    g1_add) echo "G1 add (Jacobian, var-time)" ;;
    pairing) echo "pairing" ;;
    pairing4) echo "multi-pairing of 4 (product check)" ;;
    msm_g1_*_8b) n=${1#msm_g1_}; echo "MSM G1 2^${n%_8b}, 8-bit scalars" ;;
    msm_g1_*_nn) n=${1#msm_g1_}; echo "MSM G1 2^${n%_nn}, witness mix" ;;
    msm_g1_*) echo "MSM G1 2^${1#msm_g1_}, random scalars" ;;
    msm_g2_*) echo "MSM G2 2^${1#msm_g2_}, random scalars" ;;
    ntt_*) echo "NTT 2^${1#ntt_} (forward)" ;;
    *) echo "$1" ;;
    esac
}

# Seconds -> a readable time.
fmt() {
    awk -v s="$1" 'BEGIN {
        if (s == "") { print "missing"; exit }
        if (s < 1e-6) printf "%.1f ns", s * 1e9
        else if (s < 1e-3) printf "%.2f us", s * 1e6
        else if (s < 1) printf "%.2f ms", s * 1e3
        else printf "%.3f s", s }'
}

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs" \
    "($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1))," \
    "load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
rs=
[ -x bench/bench_ffiasm ] && rs=1
echo "# $( [ -n "$cflag" ] && echo "CPU time" || echo "wall time"), median of $reps," \
    "threads: ${threads:-all CPUs} (C$([ -n "$rs" ] && echo ", rapidsnark")), ffjavascript's workers (JS)"
if [ -n "$rs" ]; then
    printf '%-36s %12s %14s %8s %12s %8s\n' "operation" "libvr (C)" "ffjavascript" \
        "ratio" "rapidsnark" "ratio"
    printf '%-36s %12s %14s %8s %12s %8s\n' "" "" "0.3.1 (wasm)" "js/C" \
        "(ffiasm)" "rs/C"
else
    printf '%-36s %12s %14s %8s\n' "operation" "libvr (C)" "ffjavascript" "ratio"
    printf '%-36s %12s %14s %8s\n' "" "" "0.3.1 (wasm)" "js/C"
fi
for op in "$@"; do
    # shellcheck disable=SC2086 # $cflag and $threads may be empty
    c=$(./bench/bench_zk $cflag -r "$reps" $threads "$op" 2>/dev/null | cut -f2)
    j=$(node bench/zk_snarkjs.mjs $cflag -r "$reps" "$op" 2>/dev/null | cut -f2)
    ratio=$(awk -v c="$c" -v j="$j" 'BEGIN {
        if (c == "" || j == "" || c <= 0) print "-"; else printf "%.1fx", j / c }')
    if [ -z "$rs" ]; then
        printf '%-36s %12s %14s %8s\n' "$(label "$op")" "$(fmt "$c")" \
            "$(fmt "$j")" "$ratio"
        continue
    fi
    # shellcheck disable=SC2086 # $cflag and $threads may be empty
    a=$(./bench/bench_ffiasm $cflag -r "$reps" $threads "$op" 2>/dev/null | cut -f2)
    # rs/C: rapidsnark's time over ours, so above 1x is libvr ahead.
    ratio_rs=$(awk -v c="$c" -v a="$a" 'BEGIN {
        if (c == "" || a == "" || c <= 0) print "-"; else printf "%.2fx", a / c }')
    printf '%-36s %12s %14s %8s %12s %8s\n' "$(label "$op")" "$(fmt "$c")" \
        "$(fmt "$j")" "$ratio" "$(fmt "$a")" "$ratio_rs"
done
[ -n "$rs" ] && cat <<'NOTE'
# rapidsnark column: ffiasm 0.1.5 (npm), the Fq/Fr assembly, curve, MSM
# (ParallelMultiexp, OpenMP) and FFT of the original rapidsnark
# (iden3/rapidsnark-old); rapidsnark 0.0.4 on calls a newer MSM
# (multiMulByScalarMSM), not in this package.  Same inputs as libvr.
# Its G1 add is xyzz + xyzz, its inversion GMP's mpz_invert, and its MSM
# gets every scalar as 32 bytes, as rapidsnark's prover passes the
# witness.  rs/C above 1x: libvr is faster.  Its OpenMP barriers make its
# multi-thread times swing widely on a loaded machine: compare -t 1 too.
NOTE
exit 0
