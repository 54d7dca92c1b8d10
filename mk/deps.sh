#!/bin/sh
# Install what the build, tests and demo need, only when it is missing.
# Debian packages with apt-get; npm packages (interop tests) under
# tests/node_modules.
set -e
pkgs="gcc make pkg-config libmsgpack-dev libcsv-dev libopenblas-dev check
libsubunit-dev libzip-dev libcurl4-openssl-dev libgmp-dev gnuplot-nox
mandoc groff-base zip python3"
missing=
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "deps: installing$missing" >&2
    sudo=
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >&2
fi
if [ -f tests/package.json ] && [ ! -f tests/node_modules/.installed ]; then
    echo "deps: npm install (tests/package.json)" >&2
    (cd tests && npm install --no-audit --no-fund --loglevel=error >&2 &&
        touch node_modules/.installed)
fi
