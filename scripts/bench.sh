#!/usr/bin/env bash
# Runs the benchmarks of BENCHMARKS.md in one go (not part of scripts/test.sh or CI):
#   throughput of the same synthetic VStream (grpc-java server on loopback) consumed by a bare
#   grpc-java loop ("limit"), the starter (memory / JDBC batched / JDBC per transaction
#   checkpoints; "starter-observed": JDBC batched with Actuator, its SimpleMeterRegistry and the
#   listener observation on) and Debezium's embedded Vitess connector, alternating, medians of
#   the rounds; SUMMARY gives observed/plain (starter-observed / starter-batched) per size;
#   many shards: the synthetic vtgate serves the keyspace as 1 and 16 shards, consumed by one
#   app in single mode ("shards-single", one VStream of all shards) and one in shard-distributed
#   mode owning all of them ("shards-distributed", a stream per shard, Spring Integration's
#   JDBC locks on the embedded H2), both JDBC batched, at 10-row transactions: rows/s, CPU per
#   row, threads and heap per shard count, growth in the SUMMARY-SHARDS line;
#   back-pressure (1 ms/row listener, 5 M-row copy offered, -Xmx512m);
#   latency from a commit on a real vtgate to the listener call (own Vitess cluster, see below);
#   a real client on a real vtgate: Vitess's own Go client (vtgateconn.VStream, benchmarks/go-client)
#   and the starter copy the same 1 M-row table, then stream 200 k live rows, alternating.
#
#   scripts/bench.sh            full run (~20 min on 2 cores)
#   scripts/bench.sh --quick    1 round, 1.5 M rows per trial, 30 s back-pressure, 20 s latency
#   scripts/bench.sh --no-vitess   skip the latency and real-client runs (no cluster started)
#   scripts/bench.sh --real-client only the real-client run (Go client vs starter on the cluster);
#                               --real-rows N (1000000), --real-live N (200000), --real-rounds N (2)
#                               size it (--quick: 300000, 50000, 1); --no-real-client skips it;
#                               --real-consumers go,starter-memory,starter-jdbc (the default) picks;
#                               --jvm-args applies to the starter's JVMs there too, e.g.
#                               --jvm-args "-Dbench.jfr=/tmp/h2jfr/{trial}.jfr" records each live
#                               phase with JFR ("profile" settings), -Dbench.threads=true prints
#                               the live phase's CPU per thread into bench-real.log,
#                               -Dbench.live-warmup=N leaves the starter's first N live rows out
#   scripts/bench.sh --full-backpressure   the whole 5 M-row copy at 1 ms/row (~85 min)
#   Any other arguments go to the harness (dev.vstream.benchmarks.stream.Bench), e.g.
#   --rows 4000000 --rounds 5 --tx 1,100 --consumers limit,starter-batched --jvm-args "-XX:+..."
#   Consumers (default: limit,starter-memory,starter-batched,starter-narrow,starter-observed,
#   starter-tx,debezium,shards-single,shards-distributed; starter-narrow: a record of 3 of the
#   10 columns, which the starter projects): also starter-metered (Actuator, observation off, as the
#   sample app runs), starter-tx-nogroup, starter-batched:N, starter-memory-h2, limit-spin,
#   limit-park. The shards-* consumers run only in the shard trials: --shards 1,16 (shard
#   counts; 0 skips them), --shards-tx 10, --shards-rows N (default --rows), --shards-rounds N
#   (default --rounds). Just these, e.g.:
#   scripts/bench.sh --no-vitess --tx 10 --consumers starter-batched,starter-observed --bp-seconds 0
#   scripts/bench.sh --no-vitess --consumers shards-single,shards-distributed --bp-seconds 0
#
# The latency run uses its own Vitess cluster (never the tests' shared one):
#   VSTREAM_VITESS_RUN (default /tmp/vstream-vitess-bench), VSTREAM_VITESS_BASE_PORT (default
#   18990: gRPC 18991, MySQL 18993). It is started if needed and left running; stop it with
#   VSTREAM_VITESS_RUN=/tmp/vstream-vitess-bench VSTREAM_VITESS_BASE_PORT=18990 scripts/vitess/stop.sh
# Output: the figures on stdout; every child's output in benchmarks/target/bench.log
# (bench-real.log for the real-client run).
set -euo pipefail
cd "$(dirname "$0")/.."

export VSTREAM_VITESS_RUN="${VSTREAM_VITESS_RUN:-/tmp/vstream-vitess-bench}"
export VSTREAM_VITESS_BASE_PORT="${VSTREAM_VITESS_BASE_PORT:-18990}"

args=()
vitess=1
synthetic=1
real=1
real_args=(--rows 1000000 --live 200000 --rounds 2)
real_extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) args+=(--rows 1500000 --rounds 1 --bp-seconds 30 --latency-seconds 20)
             real_args=(--rows 300000 --live 50000 --rounds 1) ;;
    --no-vitess) vitess=0 ;;
    --full-backpressure) args+=(--bp-seconds 5200) ;;
    --real-client) synthetic=0 ;;
    --no-real-client) real=0 ;;
    --real-rows) real_extra+=(--rows "$2"); shift ;;
    --real-live) real_extra+=(--live "$2"); shift ;;
    --real-rounds) real_extra+=(--rounds "$2"); shift ;;
    --real-consumers) real_extra+=(--consumers "$2"); shift ;;
    --jvm-args) args+=(--jvm-args "$2"); real_extra+=(--jvm-args "$2"); shift ;;
    *) args+=("$1") ;;
  esac
  shift
done
[ "$vitess" = 1 ] || real=0

echo "== building (reactor, no tests; nothing is installed)"
mvn -B -ntp -q -pl benchmarks -am package -DskipTests
# Debezium runs on its own classpath (its Vitess gRPC classes clash with the starter's).
[ "$synthetic" = 0 ] || mvn -B -ntp -q -f benchmarks/debezium-consumer/pom.xml package

latency=()
if [ "$vitess" = 1 ]; then
  echo "== own Vitess cluster in $VSTREAM_VITESS_RUN (base port $VSTREAM_VITESS_BASE_PORT)"
  scripts/vitess/start.sh >/dev/null
  grpc_port=$((VSTREAM_VITESS_BASE_PORT + 1))
  mysql_port=$((VSTREAM_VITESS_BASE_PORT + 3))
  latency=(--vtgate "127.0.0.1:$grpc_port" --mysql-url "jdbc:mariadb://127.0.0.1:$mysql_port/commerce")
fi

go_client=""
if [ "$real" = 1 ]; then
  echo "== Go client (benchmarks/go-client, built from the cluster's Vitess module)"
  go_client="$(benchmarks/go-client/build.sh)" || { echo "   cannot build the Go client: real-client run skipped"; real=0; }
fi

echo "== machine: $(nproc) CPUs, $(free -g | awk '/Mem:/{print $2}') GiB; $(uptime)"
cp="benchmarks/target/classes:$(cat benchmarks/target/bench.classpath)"
if [ "$synthetic" = 1 ]; then
  java -Xmx2g -cp "$cp" dev.vstream.benchmarks.stream.Bench \
    --debezium-cp "benchmarks/debezium-consumer/target/classes:benchmarks/debezium-consumer/target/lib/*" \
    --observed-cp "$(cat benchmarks/target/bench-observed.classpath)" \
    --scaling-cp "$(cat benchmarks/target/bench-scaling.classpath)" \
    --log benchmarks/target/bench.log \
    "${latency[@]}" "${args[@]}"
fi
if [ "$real" = 1 ]; then
  # The bulk load goes straight to the keyspace's MySQL database (same rows, same binary log,
  # several times faster than through vtgate); the live rows go through vtgate.
  java -Xmx1g -cp "$cp" dev.vstream.benchmarks.stream.real.RealClientBench \
    --go-client "$go_client" --vtgate "127.0.0.1:$grpc_port" \
    --mysql-url "jdbc:mariadb://127.0.0.1:$mysql_port/commerce" \
    --load-url "jdbc:mariadb://127.0.0.1:$((VSTREAM_VITESS_BASE_PORT + 2))/vt_commerce_0" \
    --log benchmarks/target/bench-real.log "${real_args[@]}" "${real_extra[@]}"
  echo "== $(uptime)"
fi
