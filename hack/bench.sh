#!/usr/bin/env bash
# The benchmark command (issues 5 and 8): builds bench/Clusterpedia.Bench in Release and runs every scenario:
#   storage load + S2 search through the HTTP API (the real server as a child process, beside the raw-SQL floor) on a
#   private PostgreSQL 15 it starts and stops itself, the storage mix in-process on SQLite, then S1 sync / S3
#   members-direct / S4 churn lag / S5 memory and disk per object against simulated member clusters, on SQLite and
#   on PostgreSQL; the same load, S2 and end-to-end scenarios on MySQL (a private MariaDB 10.11 it starts and stops).
#   hack/bench.sh            full run: 1,000,000 rows on PostgreSQL and on MySQL, 200,000 on SQLite, 5 members × ~18,400 objects
#                            (the program prints its own estimate at the end; budget: under 30 minutes on an idle 2-core machine)
#   hack/bench.sh --quick    20,000 rows per engine, 3 small members, 8 s of churn at 1,000 writes/s (under 4 minutes
#                            on an idle machine; the full run churns at 5,000/s, the rate of issue 18's S4 target)
#   hack/bench.sh --scale 10m  issue 18's 10M-row step: PostgreSQL only, 10,000,000 rows in 50 clusters × 20 namespaces,
#                            S2 through HTTP against the 50 ms p95 target; MySQL, SQLite and end to end skipped; writes
#                            bench/results/<date>-10m.json (not part of the default run)
# Every run ends with one table of issue 18's targets and the other checks, each met or missed with its figure.
# Any other arguments go to the bench program (see `hack/bench.sh --help`).
#   hack/bench.sh --scale-out [--quick]   issue 17: sync with 1 and 2 sharded synchro replicas, SIGKILL takeover, search
#                            through 1 and 2 API replicas, on a private PostgreSQL (docs/benchmarks.md "Scale-out")
# Writes bench/results/<date>[-quick|-10m].json, prints the summary tables, and exits non-zero if a scenario did not
# complete or the data set was not fully stored or synced before measuring.
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

# The MySQL column runs on a private MariaDB (Debian 12 has no MySQL 8 server); --mysql-rows 0 skips it.
if [ ! -x /usr/sbin/mariadbd ] || [ ! -x /usr/bin/mariadb-install-db ]; then
  if [ "$(id -u)" = 0 ]; then
    log "MariaDB server binaries not found; installing Debian's mariadb-server"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server >/dev/null
  else
    die "MariaDB server binaries are required for the MySQL column (apt-get install mariadb-server)"
  fi
fi

cd "$ROOT"
log "building bench/Clusterpedia.Bench (Release)"
dotnet build bench/Clusterpedia.Bench -c Release --nologo -v quiet

log "running: Clusterpedia.Bench $*"
exec dotnet bench/Clusterpedia.Bench/bin/Release/net10.0/Clusterpedia.Bench.dll "$@"
