#!/bin/sh
# Constant-time check under valgrind (secp256k1's ctime_tests method):
# builds a copy of the tree without AVX-512 (valgrind 3.19 cannot run it)
# but with BMI2 + ADX, so the mulx/adcx/adox path is the one checked, and
# runs tests/unit/check_ctime under memcheck.  Any branch or memory index
# on a secret is an error.  Usage: sh tests/ctime.sh   (needs valgrind)
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
command -v valgrind >/dev/null || { echo "ctime: valgrind not installed" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$top"
git ls-files -z | xargs -0 -I{} cp --parents {} "$tmp"/
cd "$tmp"
make -s -j2 ARCH="-march=x86-64-v3 -madx" tests/unit/check_ctime >/dev/null
CK_FORK=no VR_SHARED="${VR_SHARED:-$top/../shared}" \
    valgrind -q --error-exitcode=42 --track-origins=yes \
    ./tests/unit/check_ctime
echo "ctime: no secret-dependent branch or index found"
