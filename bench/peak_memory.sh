#!/usr/bin/env bash
# bench/peak_memory.sh COMMAND...: runs COMMAND and prints its wall time and the peaks of its
# resident memory, split as the kernel counts it (/proc/PID/status, sampled every 0.1 s):
#   RssAnon   the process's own memory (heap, stacks): what it really uses;
#   RssFile   file pages mapped into it, here SQLite's database read through mmap: page cache
#             that the kernel may drop at any time and that other readers share;
#   VmHWM     the kernel's own peak of the two together (what /usr/bin/time calls maximum RSS).
# Peaks of RssAnon and RssFile may fall at different moments, so they need not add up to VmHWM.
set -euo pipefail
start=$(date +%s.%N)
"$@" &
pid=$!
anon=0 file=0 hwm=0
while kill -0 "$pid" 2>/dev/null; do
  if status=$(cat /proc/$pid/status 2>/dev/null); then
    a=$(awk '/^RssAnon:/{print $2}' <<<"$status"); f=$(awk '/^RssFile:/{print $2}' <<<"$status")
    h=$(awk '/^VmHWM:/{print $2}' <<<"$status")
    [ -n "$a" ] && [ "$a" -gt "$anon" ] && anon=$a
    [ -n "$f" ] && [ "$f" -gt "$file" ] && file=$f
    [ -n "$h" ] && [ "$h" -gt "$hwm" ] && hwm=$h
  fi
  sleep 0.1
done
status=0
wait "$pid" || status=$?
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" -v a="$anon" -v f="$file" -v h="$hwm" 'BEGIN {
  printf "wall %.1f s; peak RssAnon %.2f GiB, peak RssFile %.2f GiB, VmHWM %.2f GiB\n",
         e - s, a / 1048576, f / 1048576, h / 1048576 }' >&2
exit "$status"
