#!/bin/sh
# nn.sh: lib/nn (bench/bench_nn) beside PyTorch (bench/torch_nn.py, Debian's
# python3-torch) on the same shapes, as one table with ratios.
#
#   sh bench/nn.sh [-e] [-r reps] [-s seconds] [-t threads]
#
# The two sides run alternately, reps times each (default 3), and the
# table shows the median of each number, so load from other processes
# hits both alike.  OPENBLAS_CORETYPE is removed from the environment of
# both (-e keeps it): bench_nn then picks the fast kernels itself, as the
# tools do, and OpenBLAS under PyTorch detects the CPU on its own, so
# both run their best kernels.  PyTorch runs with
# OMP_WAIT_POLICY=PASSIVE unless set: spinning OpenMP threads collapse
# its speed on a shared machine.  "per CPU-s" divides by the process's
# CPU time, the steadier number when the machine is busy.
set -u
cd "$(dirname "$0")/.." || exit 4
reps=3 secs=5 threads=2 keepenv=0
while getopts er:s:t: ch; do
    case $ch in
    e) keepenv=1 ;;
    r) reps=$OPTARG ;;
    s) secs=$OPTARG ;;
    t) threads=$OPTARG ;;
    *) echo "usage: nn.sh [-e] [-r reps] [-s seconds] [-t threads]" >&2
       exit 2 ;;
    esac
done
[ "$keepenv" -eq 1 ] || unset OPENBLAS_CORETYPE
py=/usr/bin/python3
[ -x bench/bench_nn ] || { echo "nn.sh: make bench/bench_nn first" >&2; exit 4; }
$py -c 'import torch' 2>/dev/null ||
    { echo "nn.sh: needs python3-torch (sh mk/deps.sh bench)" >&2; exit 4; }
out=$(mktemp -d "${TMPDIR:-/tmp}/vr-nn.XXXXXX")
trap 'rm -rf "$out"' EXIT INT TERM
i=0
while [ "$i" -lt "$reps" ]; do
    ./bench/bench_nn -s "$secs" -t "$threads" >> "$out/vr" || exit 4
    OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE} \
        $py bench/torch_nn.py -s "$secs" -t "$threads" >> "$out/torch" || exit 4
    i=$((i + 1))
done
med() {     # med file key: median of the key's values
    awk -v k="$2" '$1 == k { print $2 }' "$1" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "-" }'
}
echo "nn: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $threads threads, median of $reps x ${secs}s, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "nn: BLAS core: vr $(awk '$1 == "blas_core" { print $2; exit }' "$out/vr"), torch $(awk '$1 == "torch_blas_core" { print $2; exit }' "$out/torch") ($(awk '$1 == "torch_version" { print $2; exit }' "$out/torch"))"
printf '%-34s %12s %12s %8s\n' "" "libvr" "PyTorch" "ratio"
row() {     # label key higher-is-better
    a=$(med "$out/vr" "$2") b=$(med "$out/torch" "torch_$2")
    r=$(awk -v a="$a" -v b="$b" -v h="$3" 'BEGIN {
        if (a == "-" || b == "-" || a == 0 || b == 0) print "-";
        else printf "%.2fx", h ? a / b : b / a }')
    printf '%-34s %12s %12s %8s\n' "$1" "$a" "$b" "$r"
}
row "LSTM train samples/s" lstm_train_samples_per_s 1
row "LSTM train samples/CPU-s" lstm_train_samples_per_cpu_s 1
row "LSTM epoch of 350k windows, s *" lstm_epoch_350k_s 0
row "LSTM inference b256, us/sample" lstm_infer_b256_us_per_sample 0
row "LSTM inference b256, CPU-us/sample" lstm_infer_b256_cpu_us_per_sample 0
row "LSTM inference b1, us/sample" lstm_infer_b1_us_per_sample 0
row "MLP train samples/s" mlp_train_samples_per_s 1
row "MLP train samples/CPU-s" mlp_train_samples_per_cpu_s 1
row "MLP epoch of 350k windows, s *" mlp_epoch_350k_s 0
row "MLP inference b256, us/sample" mlp_infer_b256_us_per_sample 0
row "MLP inference b256, CPU-us/sample" mlp_infer_b256_cpu_us_per_sample 0
row "MLP inference b1, us/sample" mlp_infer_b1_us_per_sample 0
row "peak RSS, MB" peak_rss_mb 0
printf '%-34s %12s\n' "sgemm 256x512x128 GFLOP/s" "$(med "$out/vr" sgemm_256x512x128_gflops)"
printf '%-34s %12s\n' "sgemm 15360x512x128 GFLOP/s" "$(med "$out/vr" sgemm_15360x512x128_gflops)"
printf '%-34s %12s\n' "sgemm 1024^3 GFLOP/s" "$(med "$out/vr" sgemm_1024x1024x1024_gflops)"
echo "nn: * extrapolated from the training throughput (350000 / samples/s)"
echo "nn: ratio > 1 means libvr is faster (smaller RSS)"
