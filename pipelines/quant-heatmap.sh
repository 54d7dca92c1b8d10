#!/bin/sh
# quant-heatmap.sh: draw the Hessian-guided bit allocation across budgets
# (the CSV of vr-quant -s) as a heatmap, budget on x, layer on y, the
# layer's width as colour and number: OUT.png and OUT.svg (gnuplot).
#   sh pipelines/quant-heatmap.sh sweep.csv OUT
set -eu
[ $# -eq 2 ] || { echo "usage: quant-heatmap.sh sweep.csv out" >&2; exit 2; }
csv=$1 out=$2
[ -r "$csv" ] || { echo "quant-heatmap.sh: cannot read $csv" >&2; exit 4; }
command -v gnuplot > /dev/null || { echo "quant-heatmap.sh: no gnuplot" >&2; exit 4; }
nl=$(awk -F, 'NR > 1 && $2 + 1 > n { n = $2 + 1 } END { print n + 0 }' "$csv")
[ "$nl" -gt 0 ] || { echo "quant-heatmap.sh: $csv has no rows" >&2; exit 3; }
for term in png svg; do
    case $term in
    png) t='pngcairo size 900,360 font ",10"' ;;
    svg) t='svg size 900,360 font ",10"' ;;
    esac
    gnuplot <<GP || { echo "quant-heatmap.sh: gnuplot failed" >&2; exit 4; }
set terminal $t
set output "$out.$term"
set datafile separator ","
set title "Hessian-guided weight bits per layer across budgets"
set xlabel "budget (bits per weight)"
set ylabel "layer"
set ytics 1
set yrange [-0.5:$nl - 0.5]
set xrange [1.75:16.25]
set cblabel "bits"
set cbrange [2:16]
set palette defined (2 "#313695", 5 "#74add1", 8 "#ffffbf", 12 "#f46d43", 16 "#a50026")
unset key
plot "$csv" every ::1 using 1:2:(0.25):(0.5):4 with boxxyerror fs solid 1.0 noborder lc palette, \
     "" every ::1 using 1:2:(sprintf("%d", \$4)) with labels font ",7"
GP
done
echo "quant-heatmap.sh: wrote $out.png and $out.svg" >&2
