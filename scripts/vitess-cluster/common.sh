# Shared settings and helpers for the multi-process Vitess cluster scripts. Sourced, not executed.
# shellcheck shell=bash
#
# Reuses scripts/vitess/common.sh for the pinned Vitess version and the binary cache
# ($VSTREAM_CACHE/vitess-<version>/bin), and overrides everything that must differ from the
# vttestserver cluster: run dir, ports, state file, log prefix.

CLUSTER_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../vitess/common.sh
source "$CLUSTER_SCRIPT_DIR/../vitess/common.sh"
VITESS_SCRIPT_DIR="$SCRIPT_DIR"
SCRIPT_DIR="$CLUSTER_SCRIPT_DIR"

# Runtime state: pid files, logs, MySQL data, etcd data, cluster.env.
RUN_DIR="${VSTREAM_CLUSTER_RUN:-/tmp/vstream-vitess-cluster}"
STATE_FILE="$RUN_DIR/cluster.env"
DATA_DIR="$RUN_DIR/data"        # VTDATAROOT: vt_<uid>/ per mysqld, etcd/
LOG_DIR="$RUN_DIR/logs"
PID_DIR="$RUN_DIR/pids"
TABLET_DIR="$RUN_DIR/tablets"   # one file per tablet uid: "keyspace shard"

# Port map (everything on 127.0.0.1). B = VSTREAM_CLUSTER_BASE_PORT (default 18000):
#   B+0  vtctld HTTP      B+1  vtctld gRPC (vtctldclient --server)
#   B+10 vtgate HTTP      B+11 vtgate gRPC (VStream)   B+12 vtgate MySQL protocol
#   B+20 etcd client      B+21 etcd peer
#   tablet uid U (100..999, U % 100 < 10): B+U HTTP, B+U+10 gRPC, B+U+20 mysqld
CLUSTER_BASE_PORT="${VSTREAM_CLUSTER_BASE_PORT:-18000}"
VTCTLD_HTTP_PORT=$((CLUSTER_BASE_PORT + 0))
VTCTLD_GRPC_PORT=$((CLUSTER_BASE_PORT + 1))
VTGATE_HTTP_PORT=$((CLUSTER_BASE_PORT + 10))
VTGATE_GRPC_PORT=$((CLUSTER_BASE_PORT + 11))
VTGATE_MYSQL_PORT=$((CLUSTER_BASE_PORT + 12))
ETCD_CLIENT_PORT=$((CLUSTER_BASE_PORT + 20))
ETCD_PEER_PORT=$((CLUSTER_BASE_PORT + 21))
VTGATE_HOST=127.0.0.1
CELL="${VSTREAM_CLUSTER_CELL:-zone1}"

# Default layout: "uid keyspace shard" (the first tablet of a shard becomes its primary).
#   customer -80: 100 (primary), 101 (replica)    customer 80-: 200 (primary), 201 (replica)
#   commerce 0:   300 (primary), 301 (replica)    (VSTREAM_CLUSTER_COMMERCE=0 leaves it out)
# Tablets for a reshard (-80 -> -40,40-80) are added later with tablet.sh, uids 400/401, 500/501.
DEFAULT_TABLETS=("100 customer -80" "101 customer -80" "200 customer 80-" "201 customer 80-")
if [ "${VSTREAM_CLUSTER_COMMERCE:-1}" = 1 ]; then
  DEFAULT_TABLETS+=("300 commerce 0" "301 commerce 0")
fi

TOPO_FLAGS=(--topo-implementation etcd2 --topo-global-server-address "127.0.0.1:$ETCD_CLIENT_PORT"
  --topo-global-root /vitess/global)
# Vitess binaries otherwise warn about a missing config file on every start.
VT_COMMON_FLAGS=(--config-file-not-found-handling=ignore --log-format text)

log() { printf '[vitess-cluster] %s\n' "$*" >&2; }
die() { printf '[vitess-cluster] ERROR: %s\n' "$*" >&2; exit 1; }

# Binaries: as root the cluster runs as $VITESS_RUN_USER, which cannot read /root/.cache, so
# start.sh gives it hard links in $RUN_DIR/vtroot.
if [ "$(id -u)" -eq 0 ]; then
  VTROOT="$RUN_DIR/vtroot"
  RUN_AS=(setpriv "--reuid=$VITESS_RUN_USER" "--regid=$VITESS_RUN_USER" --init-groups --)
else
  VTROOT="$VTROOT_CACHE"
  RUN_AS=()
fi
VTBIN="$VTROOT/bin"
CLUSTER_BINS=(vtctld vttablet vtgate vtctldclient)

tablet_alias() { printf '%s-%010d' "$CELL" "$1"; }
tablet_http_port() { echo $((CLUSTER_BASE_PORT + $1)); }
tablet_grpc_port() { echo $((CLUSTER_BASE_PORT + $1 + 10)); }
tablet_mysql_port() { echo $((CLUSTER_BASE_PORT + $1 + 20)); }
tablet_data_dir() { printf '%s/vt_%010d' "$DATA_DIR" "$1"; }
# uid_of ALIAS_OR_UID -> uid (zone1-0000000101 or 101 -> 101)
uid_of() {
  local a="${1##*-}"
  a="$((10#$a))"
  echo "$a"
}
valid_uid() {
  [[ "$1" =~ ^[1-9][0-9][0-9]$ ]] && [ $(($1 % 100)) -lt 10 ]
}

# Environment every Vitess process runs with (mysqlctl needs VTDATAROOT/VT_MYSQL_ROOT; our
# MariaDB settings come in through EXTRA_MY_CNF).
RUN_ENV=(env HOME="$RUN_DIR/home" VTROOT="$VTROOT" VTDATAROOT="$DATA_DIR" VT_MYSQL_ROOT=/usr
  EXTRA_MY_CNF="$RUN_DIR/config/mariadb-cluster.cnf" PATH="/usr/sbin:/usr/bin:/sbin:/bin")

# vtctldclient against our vtctld (runs as the calling user; it only talks gRPC).
vtctl() {
  "$VTBIN/vtctldclient" --server "127.0.0.1:$VTCTLD_GRPC_PORT" --action-timeout "${VSTREAM_CLUSTER_ACTION_TIMEOUT:-120s}" "$@" 2>&1
}

# mysql client against vtgate's MySQL port (vtgate runs with --mysql-auth-server-impl none).
vtgate_mysql() {
  mysql --no-defaults --protocol=TCP -h "$VTGATE_HOST" -P "$VTGATE_MYSQL_PORT" -u vstream \
    --connect-timeout=5 "$@"
}

# mysql client as vt_dba over a tablet's mysqld socket (root only can read the socket dir
# of the vitess user if the dirs are group/world readable; mysqlctl makes them 0750 or so,
# so this runs as the run user).
tablet_mysql() {
  local uid="$1"; shift
  "${RUN_AS[@]}" mysql --no-defaults -S "$(tablet_data_dir "$uid")/mysql.sock" -u vt_dba "$@"
}

# stop_pid PIDFILE WORD GRACE_SECONDS [SIGNAL] -> TERM (or SIGNAL), then KILL after the grace time.
# Only if the process still has WORD in its command line (guards against pid reuse).
stop_pid() {
  local f="$1" word="$2" grace="$3" sig="${4:-TERM}" pid
  pid="$(pid_alive "$f")" || { rm -f "$f"; return 0; }
  if ! cmdline_has "$pid" "$word"; then
    log "pid $pid from $f is no longer $word; not touching it"
    rm -f "$f"
    return 0
  fi
  log "stopping $word (pid $pid, SIG$sig)"
  kill "-$sig" "$pid" 2>/dev/null || true
  if ! wait_exit "$pid" "$grace"; then
    log "$word (pid $pid) did not exit within ${grace}s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    wait_exit "$pid" 10 || log "WARNING: pid $pid still alive"
  fi
  rm -f "$f"
}

# launch NAME LOGFILE CMD... -> starts CMD as the run user in its own session, records its pid
# in $PID_DIR/NAME.pid. 8>&- 9>&-: never hand our lock files down.
launch() {
  local name="$1" logf="$2"; shift 2
  [ -f "$logf" ] && mv -f "$logf" "$logf.1"
  # shellcheck disable=SC2094
  setsid "${RUN_ENV[@]}" "${RUN_AS[@]}" "$@" </dev/null >"$logf" 2>&1 7>&- 8>&- 9>&- &
  echo $! >"$PID_DIR/$name.pid"
}

# wait_port PORT SECONDS [PIDFILE] -> 0 when 127.0.0.1:PORT accepts connections
wait_port() {
  local port="$1" deadline=$((SECONDS + $2)) pf="${3:-}"
  while [ $SECONDS -lt $deadline ]; do
    port_open "$port" && return 0
    if [ -n "$pf" ] && ! pid_alive "$pf" >/dev/null; then return 1; fi
    sleep 0.2
  done
  return 1
}

# ---------------------------------------------------------------- processes

start_etcd() {
  mkdir -p "$DATA_DIR/etcd"
  [ "$(id -u)" -eq 0 ] && chown "$VITESS_RUN_USER:" "$DATA_DIR/etcd"
  chmod 0700 "$DATA_DIR/etcd"
  launch etcd "$LOG_DIR/etcd.log" /usr/bin/etcd --name vstream --data-dir "$DATA_DIR/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "vstream=http://127.0.0.1:$ETCD_PEER_PORT" \
    --quota-backend-bytes 268435456 --snapshot-count 10000
  wait_port "$ETCD_CLIENT_PORT" 30 "$PID_DIR/etcd.pid" || return 1
}

start_vtctld() {
  launch vtctld "$LOG_DIR/vtctld.log" "$VTBIN/vtctld" "${VT_COMMON_FLAGS[@]}" "${TOPO_FLAGS[@]}" \
    --service-map 'grpc-vtctl,grpc-vtctld' \
    --bind-address 127.0.0.1 --grpc-bind-address 127.0.0.1 \
    --port "$VTCTLD_HTTP_PORT" --grpc-port "$VTCTLD_GRPC_PORT" \
    --backup-storage-implementation file --file-backup-storage-root "$DATA_DIR/backups"
  wait_port "$VTCTLD_GRPC_PORT" 60 "$PID_DIR/vtctld.pid" || return 1
}

# start_mysqld UID -> `mysqlctl init` on a fresh tablet dir, `mysqlctl start` otherwise. Blocks
# until mysqld answers. mysqlctl itself exits; mysqld runs under mysqld_safe.
start_mysqld() {
  local uid="$1" action=init dir logf
  dir="$(tablet_data_dir "$uid")"
  logf="$LOG_DIR/mysqlctl-$uid.log"
  [ -d "$dir/data" ] && action=start
  local extra=()
  [ "$action" = init ] && extra=(--init-db-sql-file "$RUN_DIR/config/init_db.sql")
  # shellcheck disable=SC2094
  "${RUN_ENV[@]}" "${RUN_AS[@]}" "$VTBIN/mysqlctl" "${VT_COMMON_FLAGS[@]}" \
    --tablet-uid "$uid" --mysql-port "$(tablet_mysql_port "$uid")" \
    "$action" "${extra[@]}" </dev/null >>"$logf" 2>&1 7>&- 8>&- 9>&- || return 1
  record_mysqld_pids "$uid"
}

# Records mysqld's pid (from its own pid file) and its mysqld_safe parent.
record_mysqld_pids() {
  local uid="$1" m pp
  if m="$(pid_alive "$(tablet_data_dir "$uid")/mysql.pid")"; then
    echo "$m" >"$PID_DIR/mysqld-$uid.pid"
    pp="$(awk '{print $4}' "/proc/$m/stat" 2>/dev/null || true)"
    if [ -n "$pp" ] && cmdline_has "$pp" mysqld_safe; then
      echo "$pp" >"$PID_DIR/mysqld_safe-$uid.pid"
    fi
  fi
}

# start_vttablet UID -> starts vttablet in the background (keyspace/shard from $TABLET_DIR/UID);
# waits until its HTTP port answers (not the same as serving).
start_vttablet() {
  local uid="$1" ks shard
  read -r ks shard <"$TABLET_DIR/$uid" || return 1
  launch "vttablet-$uid" "$LOG_DIR/vttablet-$uid.log" "$VTBIN/vttablet" \
    "${VT_COMMON_FLAGS[@]}" "${TOPO_FLAGS[@]}" \
    --tablet-path "$(tablet_alias "$uid")" \
    --tablet-hostname 127.0.0.1 \
    --bind-address 127.0.0.1 --grpc-bind-address 127.0.0.1 \
    --init-keyspace "$ks" --init-shard "$shard" --init-tablet-type replica \
    --port "$(tablet_http_port "$uid")" --grpc-port "$(tablet_grpc_port "$uid")" \
    --service-map 'grpc-queryservice,grpc-tabletmanager,grpc-updatestream' \
    --health-check-interval 2s \
    --heartbeat-on-demand-duration 5s \
    --enable-replication-reporter \
    --queryserver-config-pool-size 4 --queryserver-config-stream-pool-size 8 \
    --queryserver-config-transaction-cap 20 \
    --backup-storage-implementation file --file-backup-storage-root "$DATA_DIR/backups" \
    ${VSTREAM_CLUSTER_VTTABLET_EXTRA_ARGS:-}
  wait_port "$(tablet_http_port "$uid")" 60 "$PID_DIR/vttablet-$uid.pid"
}

start_vtgate() {
  # shellcheck disable=SC2086
  launch vtgate "$LOG_DIR/vtgate.log" "$VTBIN/vtgate" "${VT_COMMON_FLAGS[@]}" "${TOPO_FLAGS[@]}" \
    --cell "$CELL" --cells-to-watch "$CELL" \
    --tablet-types-to-wait PRIMARY,REPLICA \
    --service-map grpc-vtgateservice \
    --bind-address 127.0.0.1 --grpc-bind-address 127.0.0.1 \
    --port "$VTGATE_HTTP_PORT" --grpc-port "$VTGATE_GRPC_PORT" \
    --mysql-server-port "$VTGATE_MYSQL_PORT" --mysql-server-bind-address 127.0.0.1 \
    --mysql-auth-server-impl none \
    --enable-buffer \
    --tablet-refresh-interval 2s \
    ${VSTREAM_CLUSTER_VTGATE_EXTRA_ARGS:-}
  wait_port "$VTGATE_GRPC_PORT" 60 "$PID_DIR/vtgate.pid" \
    && wait_port "$VTGATE_MYSQL_PORT" 30 "$PID_DIR/vtgate.pid"
}

# shard_record_primary KEYSPACE/SHARD -> uid of the primary named by the shard record (the
# truth after a reparent, even while that tablet is down); empty if none
shard_record_primary() {
  vtctl GetShard "$1" 2>/dev/null | tr -d ' \n' \
    | sed -n 's/.*"primary_alias":{"cell":"[^"]*","uid":\([0-9]*\)}.*/\1/p'
}

# tablet_shard UID -> keyspace/shard from the tablet registry
tablet_shard() {
  local ks shard
  read -r ks shard <"$TABLET_DIR/$1" && echo "$ks/$shard"
}

# make_writable UID -> SetWritable true (a primary whose mysqld restarted read-only)
make_writable() {
  local out
  out="$(VSTREAM_CLUSTER_ACTION_TIMEOUT=30s vtctl SetWritable "$(tablet_alias "$1")" true)" || { log "SetWritable $(tablet_alias "$1") failed: $out"; return 1; }
}

# shard_primary KEYSPACE SHARD -> alias of the serving primary per the topology (empty if none)
shard_primary() {
  vtctl GetTablets --keyspace "$1" --shard "$2" 2>/dev/null | awk '$4 == "primary" {print $1}' | head -1
}
# shard_tablets KEYSPACE SHARD TYPE -> aliases of that type
shard_tablets() {
  vtctl GetTablets --keyspace "$1" --shard "$2" 2>/dev/null | awk -v t="$3" '$4 == t {print $1}'
}

# write_state -> (re)writes cluster.env from the topology and the tablet registry
write_state() {
  local f="$STATE_FILE.tmp.$$" uid ks shard
  # Parallel tablet.sh runs (ops.sh reshard) write it too: one at a time, own temp file.
  exec 7>"$RUN_DIR/.state.lock"
  flock 7 2>/dev/null || true
  {
    echo "VTGATE_HOST=$VTGATE_HOST"
    echo "VTGATE_GRPC_PORT=$VTGATE_GRPC_PORT"
    echo "VTGATE_MYSQL_PORT=$VTGATE_MYSQL_PORT"
    echo "VTGATE_HTTP_PORT=$VTGATE_HTTP_PORT"
    echo "VTCTLD_GRPC_PORT=$VTCTLD_GRPC_PORT"
    echo "VTCTLD_HTTP_PORT=$VTCTLD_HTTP_PORT"
    echo "ETCD_CLIENT_PORT=$ETCD_CLIENT_PORT"
    echo "VITESS_VERSION=$VITESS_VERSION"
    echo "VITESS_CELL=$CELL"
    echo "VITESS_RUN_DIR=$RUN_DIR"
    echo "VTCTLDCLIENT=$VTBIN/vtctldclient"
    echo "VITESS_CLUSTER_SCRIPTS=$SCRIPT_DIR"
    local kss
    kss="$(cat "$TABLET_DIR"/* 2>/dev/null | awk '{print $1}' | sort -u | paste -sd, -)"
    echo "VITESS_KEYSPACES=$kss"
    for uid in $(ls "$TABLET_DIR" | sort -n); do
      read -r ks shard <"$TABLET_DIR/$uid"
      # TABLET_<uid>=alias keyspace/shard http grpc mysql
      echo "TABLET_$uid=\"$(tablet_alias "$uid") $ks/$shard $(tablet_http_port "$uid") $(tablet_grpc_port "$uid") $(tablet_mysql_port "$uid")\""
    done
    # Primary per shard at the time of writing (changes with reparents: ask vtctld for the truth).
    vtctl GetTablets 2>/dev/null | awk '$4 == "primary" {
      k = $2; s = $3; gsub(/[^A-Za-z0-9]/, "_", s); printf "PRIMARY_%s_%s=%s\n", k, s, $1 }'
  } >"$f"
  mv -f "$f" "$STATE_FILE"
  exec 7>&-
}
