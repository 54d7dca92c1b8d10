#!/bin/sh
# Atomic output files (lib/cli vr_cli_afile_*): whole or nothing for
# regular files, and devices written in place, never replaced.
. "$(dirname "$0")/lib.sh"

expect 4 "vr-fetch -q -n 1000 -o /dev/full"
if [ -c /dev/full ]; then ok; else bad "/dev/full is no longer a device"; fi
expect 0 "vr-fetch -q -n 10 -o /dev/stdout | vr-feat -q -t > /dev/null"
expect 0 "vr-fetch -q -n 100 -o '$T/c.vr' && test -s '$T/c.vr'"
# A failed run leaves neither the file nor its temporary behind.
expect 3 "printf 'timestamp,open,high,low,close,volume\n2024-01-01 00:00:00,1,0.5,1,1,1\n' > '$T/bad.csv'; vr-fetch -q -o '$T/bad.vr' '$T/bad.csv'"
if ls "$T" | grep -q '^bad\.vr'; then bad "bad.vr or its temporary left behind"; else ok; fi
finish
