#!/bin/sh
# pipelines/activations.sh: plot every polynomial activation of vr-distill
# and its derivative beside ReLU and swish over the fitted interval, with
# gnuplot, as PNG and SVG in pipelines/out/ (OUT overrides).  The curves
# come from `vr-distill -P`, so the plot shows exactly what is trained.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="$top/tools:$PATH"
out=${OUT:-$top/pipelines/out}
mkdir -p "$out"
cd "$out"
acts="sq cubic srelu3 relu3 swish3 cheb:relu:4 cheb:swish:4 cheb:tanh:5 cheb:relu:8"
for a in $acts; do
    f=act-$(echo "$a" | tr ':' '_').txt
    vr-distill -P -a "$a" > "$f"
done
for term in "pngcairo size 1400,1000" "svg size 1400,1000"; do
    ext=${term%% *}; ext=${ext%cairo}
    {
        echo "set terminal $term"
        echo "set output 'activations.$ext'"
        echo "set multiplot layout 3,3 title 'vr-distill activations on [-4, 4] (dashed: derivative); ReLU grey, swish blue'"
        echo "set grid; set key top left font ',8'; set yrange [-3:6]"
        echo "set arrow 1 from -4, graph 0 to -4, graph 1 nohead dt 3"
        echo "set arrow 2 from 4, graph 0 to 4, graph 1 nohead dt 3"
        for a in $acts; do
            f=act-$(echo "$a" | tr ':' '_').txt
            echo "set title '$a'"
            echo "plot '$f' u 1:4 w l lc rgb 'grey' t 'relu', '' u 1:6 w l lc rgb 'blue' t 'swish', '' u 1:2 w l lw 2 lc rgb 'red' t 'f', '' u 1:3 w l dt 2 lc rgb 'red' t \"f'\""
        done
        echo "unset multiplot"
    } | gnuplot
done
echo "activations: $out/activations.png $out/activations.svg" >&2
