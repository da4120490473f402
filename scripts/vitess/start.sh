#!/usr/bin/env bash
# Starts (if not already running) a local Vitess cluster for the integration tests:
# vttestserver = one MariaDB (mysqld) + vtcombo (vtgate + vttablets + vtctld in one process),
# bound to 127.0.0.1 only.
#   keyspace commerce: unsharded (corder, customer, product)
#   keyspace customer: shards -80 and 80-, hash vindex on customer_id (customer, corder)
# Schema/vschema: scripts/vitess/schema/<keyspace>/{*.sql,vschema.json}.
# Each shard has a PRIMARY, a REPLICA and an RDONLY tablet (all on the same mysqld).
#
# Writes $VSTREAM_VITESS_RUN/vitess.env (VTGATE_HOST, VTGATE_GRPC_PORT, VTGATE_MYSQL_PORT, ...),
# pid files and logs to $VSTREAM_VITESS_RUN (default /tmp/vstream-vitess).
# If $VSTREAM_VITESS_RUN/data exists (left by `stop.sh --keep-data`), MySQL data and binlogs
# are reused, so VStream positions taken before the restart stay valid.
#
# Env: VSTREAM_VITESS_BASE_PORT (default 15990: HTTP 15990, gRPC 15991, mysqld 15992,
#      vtgate MySQL 15993), VSTREAM_VITESS_RUN, VSTREAM_VITESS_START_TIMEOUT (default 180 s),
#      VSTREAM_VITESS_EXTRA_ARGS (more vttestserver flags, whitespace-separated),
#      VSTREAM_VITESS_VTCOMBO_EXTRA_ARGS (more vtcombo flags, e.g. static gRPC auth; root only),
#      VSTREAM_VITESS_USER (user the cluster runs as when started by root; default vitess),
#      plus install.sh's variables.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"

T0=$SECONDS
TIMEOUT="${VSTREAM_VITESS_START_TIMEOUT:-180}"
PID_FILE="$RUN_DIR/vttestserver.pid"
LOG_FILE="$RUN_DIR/vttestserver.log"
DATA_DIR="$RUN_DIR/data"

print_state() {
  log "vtgate gRPC:  $VTGATE_HOST:$VTGATE_GRPC_PORT   (VStream)"
  log "vtgate MySQL: $VTGATE_HOST:$VTGATE_MYSQL_PORT   (mysql -h$VTGATE_HOST -P$VTGATE_MYSQL_PORT)"
  log "state file:   $STATE_FILE"
  cat "$STATE_FILE"
}

log_tail() {
  log "---- last lines of $LOG_FILE"
  tail -n 40 "$LOG_FILE" 2>/dev/null | cut -c1-400 >&2 || true
  local err="$DATA_DIR/vt_0000000001/error.log"
  if [ -f "$err" ]; then
    log "---- last lines of $err"
    tail -n 20 "$err" >&2 || true
  fi
}

fail() {
  log "ERROR: $*"
  log_tail
  log "stopping what was started"
  if [ "${FRESH:-0}" = 1 ]; then
    "$SCRIPT_DIR/stop.sh" >&2 || true   # half-initialized data is of no use
  else
    "$SCRIPT_DIR/stop.sh" --keep-data >&2 || true
  fi
  exit 1
}

"$SCRIPT_DIR/install.sh"

mkdir -p "$RUN_DIR"
exec 8>"$RUN_DIR/.start.lock"
flock 8 2>/dev/null || true

# ------------------------------------------------------------ already running?
if pid="$(pid_alive "$PID_FILE")"; then
  if [ -f "$STATE_FILE" ] && port_open "$VTGATE_GRPC_PORT" && port_open "$VTGATE_MYSQL_PORT"; then
    log "already running (vttestserver pid $pid)"
    print_state
    exit 0
  fi
  die "vttestserver (pid $pid from $PID_FILE) runs but vtgate does not answer on ports $VTGATE_GRPC_PORT/$VTGATE_MYSQL_PORT; run $SCRIPT_DIR/stop.sh first"
fi
if [ -f "$PID_FILE" ]; then
  log "stale pid file $PID_FILE; cleaning up leftovers"
  "$SCRIPT_DIR/stop.sh" --keep-data >&2 || true
fi
for p in "$VTCOMBO_HTTP_PORT" "$VTGATE_GRPC_PORT" "$MYSQLD_PORT" "$VTGATE_MYSQL_PORT"; do
  port_open "$p" && die "port $p is already in use by another process; set VSTREAM_VITESS_BASE_PORT to use other ports"
done

# ------------------------------------------------------------ run dir layout
FRESH=1
[ -d "$DATA_DIR/vt_0000000001/data" ] && FRESH=0
rm -f "$STATE_FILE" "$RUN_DIR"/*.pid
rm -rf "$RUN_DIR/schema"
cp -r "$SCRIPT_DIR/schema" "$RUN_DIR/schema"
mkdir -p "$DATA_DIR" "$RUN_DIR/home"
[ -f "$LOG_FILE" ] && mv -f "$LOG_FILE" "$LOG_FILE.1"

VTROOT="$VTROOT_CACHE"
RUN_AS=()
if [ "$(id -u)" -eq 0 ]; then
  # mysqlctl and vtcombo exit when run as root: run the cluster as an unprivileged user.
  if ! id -u "$VITESS_RUN_USER" >/dev/null 2>&1; then
    log "creating system user $VITESS_RUN_USER"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin "$VITESS_RUN_USER"
  fi
  # That user cannot read $HOME/.cache under /root: give it hard links (or copies) in the run dir.
  VTROOT="$RUN_DIR/vtroot"
  rm -rf "$VTROOT"
  cp -al "$VTROOT_CACHE" "$VTROOT" 2>/dev/null || { rm -rf "$VTROOT"; cp -a "$VTROOT_CACHE" "$VTROOT"; }
  if [ -n "${VSTREAM_VITESS_VTCOMBO_EXTRA_ARGS:-}" ]; then
    # vttestserver has no way to pass arbitrary flags (static gRPC auth, say) to the vtcombo it
    # runs; a wrapper in this run's own VTROOT adds them.
    mv "$VTROOT/bin/vtcombo" "$VTROOT/bin/vtcombo.real"
    # vttestserver reads the version from `vtcombo --version`: leave that call alone.
    printf '#!/bin/sh\n[ "$1" = --version ] && exec "%s" "$@"\nexec "%s" "$@" %s\n' \
      "$VTROOT/bin/vtcombo.real" "$VTROOT/bin/vtcombo.real" "$VSTREAM_VITESS_VTCOMBO_EXTRA_ARGS" >"$VTROOT/bin/vtcombo"
    chmod 0755 "$VTROOT/bin/vtcombo"
  fi
  chmod 0755 "$RUN_DIR"
  chmod -R a+rX "$VTROOT" "$RUN_DIR/schema"
  chown -R "$VITESS_RUN_USER:" "$DATA_DIR" "$RUN_DIR/home"
  RUN_AS=(setpriv "--reuid=$VITESS_RUN_USER" "--regid=$VITESS_RUN_USER" --init-groups --)
fi

# ------------------------------------------------------------ launch
# VSTREAM_VITESS_EXTRA_ARGS: more vttestserver flags, split on whitespace (e.g. the gRPC TLS
# flags --grpc-auth-mode mtls --grpc-cert ... of the TLS end-to-end test's second cluster).
read -r -a EXTRA_ARGS <<<"${VSTREAM_VITESS_EXTRA_ARGS:-}"
if [ "$FRESH" = 1 ]; then
  log "starting vttestserver (fresh data in $DATA_DIR)"
else
  log "starting vttestserver (reusing MySQL data in $DATA_DIR)"
fi
cd "$RUN_DIR"
# setsid: own session/process group, so the cluster outlives the calling shell or JVM.
# The subshell, setsid, env and setpriv all exec, so $! is vttestserver's pid. The subshell
# first closes every descriptor above 2: the cluster must not inherit (and hold forever) the
# start lock, nor a caller's, e.g. flock's on /tmp/bench.lock (scripts/bench.sh starts the
# cluster under it, and a cluster holding it blocks every later benchmark).
(
for fd in /proc/$BASHPID/fd/*; do
  fd="${fd##*/}"
  [ "$fd" -gt 2 ] && eval "exec $fd>&-"
done
exec setsid env HOME="$RUN_DIR/home" VTROOT="$VTROOT" VTDATAROOT="$DATA_DIR" VT_MYSQL_ROOT=/usr \
  PATH="/usr/sbin:/usr/bin:/sbin:/bin" \
  "${RUN_AS[@]}" "$VTROOT/bin/vttestserver" \
    --port "$BASE_PORT" \
    --keyspaces commerce,customer \
    --num-shards 1,2 \
    --replica-count 2 --rdonly-count 1 \
    --schema-dir "$RUN_DIR/schema" \
    --data-dir "$DATA_DIR" --persistent-mode \
    --mysql-bind-host 127.0.0.1 \
    --vtcombo-bind-host 127.0.0.1 \
    --grpc-bind-address 127.0.0.1 \
    --tablet-hostname 127.0.0.1 \
    --charset utf8mb4 \
    "${EXTRA_ARGS[@]}" \
    </dev/null >"$LOG_FILE" 2>&1
) &
VTTESTSERVER_PID=$!
echo "$VTTESTSERVER_PID" >"$PID_FILE"
log "vttestserver pid $VTTESTSERVER_PID, log $LOG_FILE"

# ------------------------------------------------------------ wait until ready
deadline=$((SECONDS + TIMEOUT))
ready=0
while [ $SECONDS -lt $deadline ]; do
  kill -0 "$VTTESTSERVER_PID" 2>/dev/null || fail "vttestserver exited during startup"
  if port_open "$VTGATE_GRPC_PORT" && port_open "$VTGATE_MYSQL_PORT"; then
    ks="$(vtgate_mysql -N -B -e 'show keyspaces' 2>/dev/null || true)"
    if grep -qx commerce <<<"$ks" && grep -qx customer <<<"$ks"; then
      ready=1
      break
    fi
  fi
  sleep 1
done
[ "$ready" = 1 ] || fail "vtgate did not answer on gRPC $VTGATE_GRPC_PORT and MySQL $VTGATE_MYSQL_PORT with both keyspaces within ${TIMEOUT}s"

# Record the pids of the processes vttestserver started, for stop.sh.
for d in /proc/[0-9]*; do
  [ "$(awk '{print $4}' "$d/stat" 2>/dev/null)" = "$VTTESTSERVER_PID" ] || continue
  case "$(tr '\0' ' ' <"$d/cmdline" 2>/dev/null)" in
    */vtcombo\ *) echo "${d#/proc/}" >"$RUN_DIR/vtcombo.pid" ;;
  esac
done
if MYSQLD_PID="$(pid_alive "$DATA_DIR/vt_0000000001/mysql.pid")"; then
  echo "$MYSQLD_PID" >"$RUN_DIR/mysqld.pid"
  ppid="$(awk '{print $4}' "/proc/$MYSQLD_PID/stat")"
  if tr '\0' ' ' <"/proc/$ppid/cmdline" 2>/dev/null | grep -q 'mysqld_safe'; then
    echo "$ppid" >"$RUN_DIR/mysqld_safe.pid"
  fi
fi

# ------------------------------------------------------------ smoke test through vtgate
# Tablets may need a moment after the keyspaces show up; retry the checks until the deadline.
check_read() {
  vtgate_mysql -N -B -e 'select count(*) from commerce.product; select count(*) from customer.customer' >/dev/null
}
# Write+read on both keyspaces and both customer shards. Only on fresh data: the rows are
# deleted again, and on a --keep-data restart no extra events should land in the binlog a
# resumed VStream replays. ids 1 and 4 hash to -80 and 80- respectively.
check_write() {
  local out
  out="$(vtgate_mysql -N -B -e "
    insert into commerce.product(sku, description, price) values ('__start_check__', 'start.sh', 1.00);
    insert into customer.customer(customer_id, email) values (1, 'start-check-1'), (4, 'start-check-4');
    select sku from commerce.product where sku = '__start_check__';
    use \`customer:-80\`; select customer_id from customer where email like 'start-check-%';
    use \`customer:80-\`; select customer_id from customer where email like 'start-check-%';
    use customer; delete from customer where customer_id in (1, 4);
    use commerce; delete from product where sku = '__start_check__';")" || return 1
  [ "$(printf '%s' "$out" | tr '\n' ' ')" = "__start_check__ 1 4" ] || { log "unexpected check output: $(printf '%s' "$out" | tr '\n' ' ')"; return 1; }
}
checked=0
while [ $SECONDS -lt $deadline ]; do
  kill -0 "$VTTESTSERVER_PID" 2>/dev/null || fail "vttestserver exited during startup"
  if check_read && { [ "$FRESH" = 0 ] || check_write; }; then
    checked=1
    break
  fi
  sleep 1
done
[ "$checked" = 1 ] || fail "read/write check through vtgate MySQL port $VTGATE_MYSQL_PORT failed within ${TIMEOUT}s"

cat >"$STATE_FILE.tmp" <<EOF
VTGATE_HOST=$VTGATE_HOST
VTGATE_GRPC_PORT=$VTGATE_GRPC_PORT
VTGATE_MYSQL_PORT=$VTGATE_MYSQL_PORT
MYSQLD_PORT=$MYSQLD_PORT
VTCOMBO_HTTP_PORT=$VTCOMBO_HTTP_PORT
VITESS_VERSION=$VITESS_VERSION
VITESS_KEYSPACES=commerce,customer
EOF
mv -f "$STATE_FILE.tmp" "$STATE_FILE"
log "Vitess $VITESS_VERSION cluster ready in $((SECONDS - T0))s"
print_state
