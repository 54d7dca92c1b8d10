#!/bin/sh
# Run the unit tests (Check binaries given as arguments), the CLI tests
# (tests/cli/*.sh) and the man-page lint; print one closing line
# "check: N passed, N failed".  Exit 1 if anything failed.
#   sh tests/run.sh [--unit|--cli|--man] [unit binaries...]
cd "$(dirname "$0")/.." || exit 4
what=all
case "$1" in --unit|--cli|--man) what=${1#--}; shift ;; esac
pass=0 fail=0
mkdir -p tests/out
log=tests/out/check.log
: > "$log"

if [ "$what" = all ] || [ "$what" = unit ]; then
    for t in "$@"; do
        out=$(./"$t" 2>&1); rc=$?
        printf '%s\n' "$out" >> "$log"
        line=$(printf '%s\n' "$out" | grep -E '^[0-9]+%: Checks: ' | tail -n 1)
        n=$(printf '%s' "$line" | sed -n 's/.*Checks: \([0-9]*\).*/\1/p')
        f=$(printf '%s' "$line" | sed -n 's/.*Failures: \([0-9]*\), Errors: \([0-9]*\).*/\1 \2/p')
        nf=$(echo "$f" | awk '{print $1 + $2}')
        [ -n "$n" ] || { n=1; nf=1; }
        [ "$rc" -eq 0 ] || [ "$nf" -gt 0 ] || nf=1
        pass=$((pass + n - nf)); fail=$((fail + nf))
        printf '%-28s %s\n' "$t" "${line:-FAILED (exit $rc)}"
        [ "$rc" -eq 0 ] || printf '%s\n' "$out" | grep -vE '^[0-9]+%: Checks' | tail -n 20
    done
fi

if [ "$what" = all ] || [ "$what" = cli ]; then
    for t in tests/cli/*.sh; do
        [ "$t" = tests/cli/lib.sh ] && continue
        [ -f "$t" ] || continue
        out=$(sh "$t" 2>&1); rc=$?
        printf '%s\n' "$out" >> "$log"
        line=$(printf '%s\n' "$out" | grep -E '^[^ ]+: [0-9]+ passed, [0-9]+ failed' | tail -n 1)
        p=$(printf '%s' "$line" | sed -n 's/.* \([0-9]*\) passed.*/\1/p')
        f=$(printf '%s' "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
        [ -n "$p" ] || { p=0; f=1; }
        [ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || f=1
        pass=$((pass + p)); fail=$((fail + f))
        printf '%-28s %s\n' "$t" "${line:-FAILED (exit $rc)}"
        [ "$f" -eq 0 ] || printf '%s\n' "$out" | grep -E '^(FAIL|not ok)' | head -n 20
    done
fi

if [ "$what" = all ] || [ "$what" = man ]; then
    mp=0 mf=0
    for m in man/man*/*.[157]; do
        [ -f "$m" ] || continue
        w=$(groff -mdoc -ww -z "$m" 2>&1)
        if command -v mandoc >/dev/null 2>&1; then
            w="$w$(mandoc -Tlint -W warning "$m" 2>&1 | grep -v 'outdated mandoc.db' |
                grep -v 'Dd date is not the current' )"
        fi
        if [ -n "$w" ]; then mf=$((mf + 1)); printf 'FAIL lint %s\n%s\n' "$m" "$w"
        else mp=$((mp + 1)); fi
    done
    printf '%-28s %d passed, %d failed\n' "man pages" "$mp" "$mf"
    pass=$((pass + mp)); fail=$((fail + mf))
fi

echo "check: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
