#!/usr/bin/env bash
# Runs every test: unit tests, offset-store contract tests against real PostgreSQL, MariaDB and
# Redis servers, and the end-to-end suite against a real local Vitess (the one-process
# vttestserver of scripts/vitess, and the multi-process cluster of scripts/vitess-cluster for
# FailoverIT). Installs and starts what it needs (Debian packages, Vitess built from its Go
# module); servers are left running for the next run — stop them with scripts/stop-all.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

scripts/install-build-tools.sh
scripts/services/all.sh start
scripts/vitess/start.sh
# The multi-process cluster (FailoverIT); its files are read by the tests, not exported here: its
# variable names are the same as vitess.env's. A cluster left half-broken (a shard without a
# serving primary) is restarted on its data.
scripts/vitess-cluster/start.sh >/dev/null
if ! scripts/vitess-cluster/status.sh >/dev/null; then
  scripts/vitess-cluster/stop.sh --keep-data
  scripts/vitess-cluster/start.sh >/dev/null
fi

set -a
# shellcheck disable=SC1091
. "${VSTREAM_SERVICES_DIR:-/tmp/vstream-services}/services.env"
# shellcheck disable=SC1091
. "${VSTREAM_VITESS_RUN:-/tmp/vstream-vitess}/vitess.env"
set +a

mvn -B -ntp verify "$@"
echo "scripts/test.sh: all tests passed in $(( $(date +%s) - start ))s"
