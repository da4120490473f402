#!/usr/bin/env bash
# Stops the servers the test and run scripts started (by their PID files).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/vitess/stop.sh || true
scripts/vitess-cluster/stop.sh || true
scripts/services/all.sh stop || true
