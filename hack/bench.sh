#!/usr/bin/env bash
# The benchmark command: builds bench/Clusterpedia.Bench in Release and runs the storage benchmark (issue 5; the
# storage side of issue 8's S2) on a private PostgreSQL 15 it starts and stops itself, then on SQLite.
#   hack/bench.sh            full run: 1,000,000 rows on PostgreSQL, 200,000 on SQLite (15-25 minutes on a busy 2-core machine)
#   hack/bench.sh --quick    40,000 rows on PostgreSQL and on SQLite, small end-to-end run (under 3 minutes)
# Any other arguments go to the bench program (see `hack/bench.sh --help`).
# Writes bench/results/<date>[-quick].json, prints the summary tables, and exits non-zero if a scenario did not
# complete or the data set was not fully stored before measuring.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_dotnet

if [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
  if [ "$(id -u)" = 0 ]; then
    log "PostgreSQL 15 server binaries not found; installing Debian's postgresql-15"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
  else
    die "PostgreSQL 15 server binaries are required (apt-get install postgresql-15)"
  fi
fi

cd "$ROOT"
log "building bench/Clusterpedia.Bench (Release)"
dotnet build bench/Clusterpedia.Bench -c Release --nologo -v quiet

log "running: Clusterpedia.Bench $*"
exec dotnet bench/Clusterpedia.Bench/bin/Release/net10.0/Clusterpedia.Bench.dll "$@"
