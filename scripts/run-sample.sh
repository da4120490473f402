#!/usr/bin/env bash
# The sample application's main job: starts a local Vitess (if not running), starts the sample app
# against it, writes a few orders through vtgate's MySQL port and shows the typed changes the app
# logs. The app keeps running (Ctrl-C stops it) unless --exit is given.
set -euo pipefail
cd "$(dirname "$0")/.."
exit_after=false
[ "${1:-}" = "--exit" ] && exit_after=true

scripts/install-build-tools.sh
scripts/vitess/start.sh
set -a
# shellcheck disable=SC1091
. "${VSTREAM_VITESS_RUN:-/tmp/vstream-vitess}/vitess.env"
set +a

echo "run-sample: building the sample app"
mvn -B -ntp -q -pl sample-app -am package -DskipTests
jar=$(ls sample-app/target/sample-app-*.jar | grep -v original | head -1)
run_dir=${VSTREAM_SAMPLE_RUN:-/tmp/vstream-sample}
mkdir -p "$run_dir"
log="$run_dir/sample-app.log"
: > "$log"

# The sample's saved position lives with the cluster's data: a position of a cluster that
# `scripts/vitess/stop.sh` has since wiped names GTIDs the new MariaDB never wrote, and vtgate then
# streams nothing but heartbeats. With `stop.sh --keep-data` both are kept, and the app resumes.
offsets="${VSTREAM_VITESS_RUN:-/tmp/vstream-vitess}/data/sample-app"
mkdir -p "$offsets"

port=${SAMPLE_PORT:-8080}
VTGATE_GRPC_ADDRESS="$VTGATE_HOST:$VTGATE_GRPC_PORT" SAMPLE_PORT=$port \
  java -jar "$jar" --vstream.jdbc.embedded-url="jdbc:h2:file:$offsets/offsets" > "$log" 2>&1 &
app=$!
echo "$app" > "$run_dir/sample-app.pid"
cleanup() {
  local rc=$?
  kill "$app" 2>/dev/null || true
  wait "$app" 2>/dev/null || true
  rm -f "$run_dir/sample-app.pid"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

for _ in $(seq 1 120); do
  grep -q "Started SampleApplication" "$log" && break
  kill -0 "$app" 2>/dev/null || { echo "run-sample: the app exited:"; tail -50 "$log"; exit 1; }
  sleep 0.5
done
grep -q "Started SampleApplication" "$log" || { echo "run-sample: the app did not start in 60s"; tail -50 "$log"; exit 1; }
echo "run-sample: app started (pid $app, log $log, actuator http://127.0.0.1:$port/actuator/vstream)"

# Changes written during the copy phase arrive folded into the copied rows; wait for live streaming
# so that each write below shows up as its own change.
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$port/actuator/health/vstream" 2>/dev/null | grep -q '"state":"STREAMING"' && break
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/actuator/health/vstream" 2>/dev/null | grep -q '"state":"STREAMING"' \
  || { echo "run-sample: the stream did not reach STREAMING in 60s"; tail -50 "$log"; exit 1; }

sku="sample-$(date +%s)"
mysql -h "$VTGATE_HOST" -P "$VTGATE_MYSQL_PORT" -u root commerce <<SQL
insert into corder (customer_id, sku, price) values (1, '$sku-a', 10.00), (2, '$sku-b', 24.50);
update corder set price = 12.00 where sku = '$sku-a';
delete from corder where sku = '$sku-b';
SQL
echo "run-sample: wrote 2 inserts, 1 update and 1 delete through vtgate's MySQL port ($VTGATE_MYSQL_PORT)"

for _ in $(seq 1 60); do
  [ "$(grep -c "$sku" "$log" || true)" -ge 4 ] && break
  sleep 0.5
done
echo "---- typed changes logged by the sample app ----"
grep "$sku" "$log" || { echo "run-sample: no change arrived"; tail -50 "$log"; exit 1; }
[ "$(grep -c "$sku" "$log")" -ge 4 ] || { echo "run-sample: not every change arrived"; exit 1; }
echo "------------------------------------------------"
curl -fsS "http://127.0.0.1:$port/actuator/health/vstream" 2>/dev/null && echo || true

if $exit_after; then
  exit 0
fi
echo "run-sample: following the app's log; Ctrl-C stops it"
tail -n 0 -f "$log" &
wait "$app"
