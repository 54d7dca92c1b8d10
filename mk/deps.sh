#!/bin/sh
# Install what the build, tests and demo need, only when it is missing:
# Debian packages with apt-get, npm packages (interop tests) under
# tests/node_modules.  `mk/deps.sh bench` adds what the benchmarks compare
# against (PyTorch from Debian, snarkjs & co. from npm under bench/; nasm
# and g++ build ffiasm, rapidsnark's engine, for bench/bench_ffiasm).
set -e
cd "$(dirname "$0")/.."
pkgs="gcc make pkg-config libmsgpack-dev libcsv-dev libopenblas-dev check
libsubunit-dev libzip-dev libcurl4-openssl-dev libgmp-dev gnuplot-nox
mandoc groff-base zip unzip python3 nodejs npm time"
[ "${1:-}" = bench ] && pkgs="$pkgs python3-torch python3-numpy time nasm g++"
missing=
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
        missing="$missing $p"
done
# node and npm may come from outside Debian's packages (as on our CI
# image): only install them when the commands are missing.
case "$missing" in *nodejs*|*npm*)
    if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
        missing=$(echo "$missing" | sed 's/ nodejs//; s/ npm//')
    fi ;;
esac
if [ -n "$(echo "$missing" | tr -d ' ')" ]; then
    echo "deps: installing$missing" >&2
    sudo=
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >&2
fi
npm_install() {
    [ -f "$1/package.json" ] || return 0
    [ "$1/node_modules/.installed" -nt "$1/package.json" ] && return 0
    echo "deps: npm install in $1" >&2
    (cd "$1" && npm install --no-audit --no-fund --loglevel=error >&2 &&
        touch node_modules/.installed)
}
npm_install tests
[ "${1:-}" = bench ] && npm_install bench
exit 0
