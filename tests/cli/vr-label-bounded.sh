#!/bin/sh
# CLI tests of vr-label's bounded memory: 3M synthetic minutes through
# vr-fetch | vr-feat | vr-label with every stage's peak RSS (GNU time's
# %M) under 200 MB and vr-label's no bigger than on 100k minutes; the
# temporary files (unlinked, in $TMPDIR) and their failures (exit 4).
. "$(dirname "$0")/lib.sh"
TIME=/usr/bin/time
MB=1024     # %M is in KB

if ! [ -x "$TIME" ]; then
    bad "needs GNU time in $TIME (make deps installs package time)"
    finish
    exit 1
fi

# rss FILE: the %M of a GNU time output file (its last line).
rss() { tail -n 1 "$1"; }

# A small run for the baseline, then the long one; each stage timed.
vr-fetch -q -S 11 -n 100000 | vr-feat -q |
    $TIME -f %M -o "$T/small.rss" vr-label -q > /dev/null
t0=$(date +%s)
$TIME -f %M -o "$T/fetch.rss" vr-fetch -q -S 11 -n 3000000 |
    $TIME -f %M -o "$T/feat.rss" vr-feat -q |
    $TIME -f %M -o "$T/label.rss" vr-label 2> "$T/long.err" |
    wc -c > "$T/long.bytes"
t1=$(date +%s)
echo "vr-label-bounded: 3M minutes in $((t1 - t0)) s; peak RSS (KB):" \
    "fetch $(rss "$T/fetch.rss"), feat $(rss "$T/feat.rss")," \
    "label $(rss "$T/label.rss") (100k minutes: $(rss "$T/small.rss"))"
# 3M minutes less the 25 of vr-feat's warm-up, one segment
grep -q 'vr-label: 2999975 rows in 1 segments' "$T/long.err" && ok ||
    bad "long run: $(head -n 1 "$T/long.err")"
# the three splits' class counts add up, 60 + 60 purged
awk '/^vr-label: (train|val|test) / { if ($4 + $5 + $6 != $3) exit 1; s += $3; n++ }
    END { exit !(n == 3 && s == 2999975 - 59 - 60 - 120) }' "$T/long.err" && ok ||
    bad "long run: class table $(grep -c split "$T/long.err")"
# about 51 bytes a row out (x, time, the sample columns): all of it came
[ "$(cat "$T/long.bytes")" -gt 150000000 ] && ok ||
    bad "long run: only $(cat "$T/long.bytes") bytes out"
[ $((t1 - t0)) -lt 120 ] && ok || bad "3M minutes took $((t1 - t0)) s"
for s in fetch feat label; do
    [ "$(rss "$T/$s.rss")" -lt $((200 * MB)) ] && ok ||
        bad "vr-$s peak RSS $(rss "$T/$s.rss") KB on 3M minutes (>= 200 MB)"
done
# bounded, not just small: 30x the rows, at most 16 MB more
[ "$(rss "$T/label.rss")" -lt $(($(rss "$T/small.rss") + 16 * MB)) ] && ok ||
    bad "vr-label RSS grows: $(rss "$T/small.rss") KB at 100k," \
        "$(rss "$T/label.rss") KB at 3M minutes"

# Temporary files: in $TMPDIR, never visible by name, gone at exit.
MK="python3 $top/tests/cli/mkcandles.py"
$MK -s 20000 -S 3 -c 4000 | vr-feat -q > "$T/feat.vr"
vr-label -q "$T/feat.vr" > "$T/ref.ds"
mkdir "$T/tmpd"
: > "$T/empty"
expect_out 0 "$T/ref.ds" "TMPDIR='$T/tmpd' vr-label -q '$T/feat.vr'"
expect_out 0 "$T/ref.ds" "TMPDIR= vr-label -q '$T/feat.vr'"
expect_out 4 "$T/empty" "TMPDIR='$T/nosuchdir' vr-label -q '$T/feat.vr'"
expect_err 4 "temporary file in $T/nosuchdir: No such file" \
    "TMPDIR='$T/nosuchdir' vr-label -q '$T/feat.vr'"
# a write error on a temporary file (file size limit, SIGXFSZ ignored):
# exit 4, nothing on stdout
expect_out 4 "$T/empty" "trap '' XFSZ; ulimit -f 64 && TMPDIR='$T/tmpd' exec vr-label -q '$T/feat.vr'"
expect_err 4 'temporary file in .*: File too large' \
    "trap '' XFSZ; ulimit -f 64 && TMPDIR='$T/tmpd' exec vr-label -q '$T/feat.vr'"
expect_err 4 'stdout' "TMPDIR='$T/tmpd' vr-label -q '$T/feat.vr' > /dev/full"
[ -z "$(ls -A "$T/tmpd")" ] && ok || bad "left in \$TMPDIR: $(ls -A "$T/tmpd")"
# while it runs (its input held open after the trailer, so it waits
# there): its temporary files are open but have no name in the directory
vr-fetch -q -S 4 -n 30000 | vr-feat -q > "$T/feat30k.vr"
vr-label -q < "$T/feat30k.vr" > "$T/ref30k.ds"
mkfifo "$T/fifo"
(cat "$T/feat30k.vr"; sleep 3) > "$T/fifo" &
TMPDIR="$T/tmpd" vr-label -q < "$T/fifo" > "$T/fifo.ds" &
pid=$!
sleep 1
nopen=$(ls -l "/proc/$pid/fd" 2>/dev/null | grep -c "$T/tmpd/.*(deleted)")
[ "$nopen" -ge 3 ] && ok || bad "vr-label holds $nopen files in \$TMPDIR"
[ -z "$(ls -A "$T/tmpd")" ] && ok || bad "named in \$TMPDIR: $(ls -A "$T/tmpd")"
wait $pid && cmp -s "$T/fifo.ds" "$T/ref30k.ds" && ok || bad "run on the fifo"
wait
finish
