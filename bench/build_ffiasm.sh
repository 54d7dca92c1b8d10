#!/bin/sh
# build_ffiasm.sh: build bench/bench_ffiasm, libvr's arithmetic beside
# rapidsnark's engine (the npm package ffiasm 0.1.5), for bench/zk.sh.
#
#   sh bench/build_ffiasm.sh
#
# Generates Fq and Fr with ffiasm's buildzqfield (node) from
# bench/node_modules into bench/out/ffiasm/, assembles them with nasm and
# compiles bench/bench_ffiasm.cpp with ffiasm's c/ sources the way
# rapidsnark builds its prover (g++ -O3 -fopenmp, -lgmp; plus
# -march=native as libvr gets).  Then runs `bench_ffiasm -V`, so a build
# whose checks fail leaves no binary.  Exits 0 without building when
# ffiasm, nasm or g++ is missing (zk.sh then shows two columns); needs
# lib/libvr.a (for the rng and the cross-check).  CXX, CXXFLAGS override.
set -eu
cd "$(dirname "$0")/.."
ff=bench/node_modules/ffiasm
out=bench/out/ffiasm
bin=bench/bench_ffiasm
cxx=${CXX:-g++}
for need in node nasm "$cxx"; do
    command -v "$need" >/dev/null 2>&1 ||
        { echo "build_ffiasm: no $need, skipping bench/bench_ffiasm" >&2; exit 0; }
done
[ -f "$ff/src/buildzqfield.js" ] ||
    { echo "build_ffiasm: no $ff (sh mk/deps.sh bench), skipping" >&2; exit 0; }
[ -f lib/libvr.a ] || { echo "build_ffiasm: make lib/libvr.a first" >&2; exit 4; }
mkdir -p "$out"
# BN254's base field q and scalar field r, as rapidsnark's
# createFieldSources passes them.
q=21888242871839275222246405745257275088696311157297823662689037894645226208583
r=21888242871839275222246405745257275088548364400416034343698204186575808495617
stamp=$out/.built-from
want="$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$ff/package.json")"
if [ ! -f "$out/fr.o" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "build_ffiasm: generating Fq, Fr with ffiasm $want" >&2
    (cd "$out" &&
        node ../../node_modules/ffiasm/src/buildzqfield.js -q "$q" -n Fq &&
        node ../../node_modules/ffiasm/src/buildzqfield.js -q "$r" -n Fr &&
        nasm -felf64 fq.asm -o fq.o && nasm -felf64 fr.asm -o fr.o)
    echo "$want" > "$stamp"
fi
flags=${CXXFLAGS:--O3 -march=native -DNDEBUG}
echo "build_ffiasm: $cxx $flags ... -o $bin" >&2
# shellcheck disable=SC2086 # $flags is a word list
"$cxx" $flags -std=c++17 -fopenmp -DUSE_OPENMP -w \
    -I"$out" -I"$ff/c" -Ilib \
    bench/bench_ffiasm.cpp \
    "$ff/c/alt_bn128.cpp" "$ff/c/naf.cpp" "$ff/c/splitparstr.cpp" \
    "$ff/c/misc.cpp" "$out/fq.cpp" "$out/fr.cpp" "$out/fq.o" "$out/fr.o" \
    lib/libvr.a -lgmp -lm -pthread -Wl,-z,noexecstack -o "$bin.tmp"
if ! "./$bin.tmp" -V; then
    rm -f "$bin.tmp"
    echo "build_ffiasm: bench_ffiasm -V failed, no binary" >&2
    exit 1
fi
mv "$bin.tmp" "$bin"
