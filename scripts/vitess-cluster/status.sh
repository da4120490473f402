#!/usr/bin/env bash
# Prints whether the multi-process Vitess cluster is running: every recorded process, the
# ports, the tablets as vtctld and vtgate see them.
# Exit code 0 if vtgate answers and every shard has a serving primary, 1 otherwise.
set -uo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"

rc=0
[ -d "$PID_DIR" ] || { echo "not started ($PID_DIR does not exist)"; exit 1; }
for f in "$PID_DIR"/*.pid; do
  [ -f "$f" ] || continue
  name="$(basename "$f" .pid)"
  if pid="$(pid_alive "$f")"; then
    echo "$name: running (pid $pid)"
  else
    echo "$name: NOT running (stale $f)"
    case "$name" in mysqld_safe-*) ;; *) rc=1 ;; esac
  fi
done
for p in "VTGATE_GRPC_PORT=$VTGATE_GRPC_PORT" "VTGATE_MYSQL_PORT=$VTGATE_MYSQL_PORT" \
    "VTCTLD_GRPC_PORT=$VTCTLD_GRPC_PORT" "ETCD_CLIENT_PORT=$ETCD_CLIENT_PORT"; do
  if port_open "${p#*=}"; then echo "$p: open"; else echo "$p: closed"; rc=1; fi
done
if port_open "$VTCTLD_GRPC_PORT"; then
  echo "--- tablets (vtctld): alias keyspace shard type tablet mysqld primary-term-start"
  vtctl GetTablets
fi
if port_open "$VTGATE_MYSQL_PORT"; then
  echo "--- tablets (vtgate)"
  tablets="$(vtgate_mysql -e 'show vitess_tablets')" || rc=1
  echo "$tablets"
  # every shard with a tablet needs a serving primary
  missing="$(awk 'NR > 1 { k = $2 "/" $3; seen[k] = 1; if ($4 == "PRIMARY" && $5 == "SERVING") ok[k] = 1 }
    END { for (k in seen) if (!ok[k]) print k }' <<<"$tablets")"
  [ -z "$missing" ] || { echo "shards without a serving primary: $missing"; rc=1; }
fi
[ -f "$STATE_FILE" ] && { echo "--- $STATE_FILE"; cat "$STATE_FILE"; }
exit "$rc"
