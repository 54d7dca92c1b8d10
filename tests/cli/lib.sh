# tests/cli/lib.sh: OpenBSD-regress-style helpers for the CLI tests.
# Each test file sources this, runs cases, and ends with `finish`.
#   expect CODE CMD...          run CMD (a shell string), check its exit code
#   expect_out CODE FILE CMD... and compare its stdout with FILE (cmp)
#   expect_err CODE REGEX CMD... and grep its stderr for REGEX
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
PATH="$top/tools:$PATH"
export PATH
SHARED=${VR_SHARED:-$top/../shared}
name=$(basename "$0" .sh)
T="$top/tests/out/$name"
rm -rf "$T"; mkdir -p "$T"
npass=0 nfail=0

ok() { npass=$((npass + 1)); }
bad() { nfail=$((nfail + 1)); echo "FAIL $name: $*"; }

expect() {
    want=$1; shift
    sh -c "$*" > "$T/stdout" 2> "$T/stderr" < /dev/null
    got=$?
    if [ "$got" -eq "$want" ]; then ok
    else bad "exit $got (want $want): $*"; sed 's/^/    /' "$T/stderr" | head -n 5; fi
}

expect_out() {
    want=$1 file=$2; shift 2
    sh -c "$*" > "$T/stdout" 2> "$T/stderr" < /dev/null
    got=$?
    if [ "$got" -ne "$want" ]; then bad "exit $got (want $want): $*"
    elif ! cmp -s "$T/stdout" "$file"; then bad "stdout differs from $file: $*"
    else ok; fi
}

expect_err() {
    want=$1 re=$2; shift 2
    sh -c "$*" > "$T/stdout" 2> "$T/stderr" < /dev/null
    got=$?
    if [ "$got" -ne "$want" ]; then bad "exit $got (want $want): $*"
    elif ! grep -Eq "$re" "$T/stderr"; then
        bad "stderr lacks /$re/: $*"; sed 's/^/    /' "$T/stderr" | head -n 5
    else ok; fi
}

finish() {
    echo "$name: $npass passed, $nfail failed"
    [ "$nfail" -eq 0 ]
}
