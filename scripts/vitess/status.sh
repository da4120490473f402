#!/usr/bin/env bash
# Prints whether the local Vitess cluster is running, its ports and pids.
# Exit code 0 if running and vtgate answers, 1 otherwise.
set -uo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"

rc=0
for name in vttestserver vtcombo mysqld_safe mysqld; do
  f="$RUN_DIR/$name.pid"
  if pid="$(pid_alive "$f")"; then
    echo "$name: running (pid $pid)"
  elif [ -f "$f" ]; then
    echo "$name: NOT running (stale $f)"; rc=1
  else
    echo "$name: not started"; [ "$name" = vttestserver ] && rc=1
  fi
done
for p in "VTGATE_GRPC_PORT=$VTGATE_GRPC_PORT" "VTGATE_MYSQL_PORT=$VTGATE_MYSQL_PORT" "MYSQLD_PORT=$MYSQLD_PORT"; do
  if port_open "${p#*=}"; then echo "$p: open"; else echo "$p: closed"; rc=1; fi
done
if [ "$rc" = 0 ]; then
  vtgate_mysql -e 'show keyspaces; show vitess_tablets' || rc=1
fi
[ -f "$STATE_FILE" ] && { echo "--- $STATE_FILE"; cat "$STATE_FILE"; }
exit "$rc"
