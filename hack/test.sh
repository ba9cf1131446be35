#!/usr/bin/env bash
# The test command: builds with warnings as errors, checks formatting, and runs every test project
# (storage tests on SQLite and on a private PostgreSQL and MariaDB the fixtures start; end-to-end tests with real kubectl).
# Prints one closing line: "N passed, N failed, N skipped".
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_dotnet
require_kubectl

# PostgreSQL server binaries for the storage fixture.
if [ ! -x /usr/lib/postgresql/15/bin/initdb ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  log "PostgreSQL server binaries not found; installing Debian's postgresql"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    die "PostgreSQL 15 server binaries are required (apt-get install postgresql)"
  fi
fi

# MariaDB server binaries for the mysql storage fixture (it starts its own mariadbd, never the system service).
if [ ! -x /usr/sbin/mariadbd ] || [ ! -x /usr/bin/mariadb-install-db ]; then
  log "MariaDB server binaries not found; installing Debian's mariadb-server"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server >/dev/null
  else
    die "MariaDB server binaries are required (apt-get install mariadb-server)"
  fi
fi

# Debian's python3-kubernetes for the client compatibility suite (tests/Clients.Tests runs /usr/bin/python3).
if ! /usr/bin/python3 -c "import kubernetes" >/dev/null 2>&1; then
  log "python3-kubernetes not found; installing Debian's python3-kubernetes"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-kubernetes >/dev/null
  else
    die "Debian's python3-kubernetes is required (apt-get install python3-kubernetes)"
  fi
fi

cd "$ROOT"
RESULTS="$ROOT/.local/test-results"
rm -rf "$RESULTS"
mkdir -p "$RESULTS"

# A step that fails before any test runs still ends with the summary line, so the caller always sees one.
log "building (warnings are errors)"
if ! dotnet build Clusterpedia.slnx -c Debug --nologo -v quiet -warnaserror; then
  echo "0 passed, 1 failed (build), 0 skipped"
  exit 1
fi

if [ "${SKIP_FORMAT:-0}" != 1 ]; then
  log "checking formatting (dotnet format --verify-no-changes)"
  if ! dotnet format Clusterpedia.slnx --verify-no-changes --no-restore -v quiet; then
    echo "0 passed, 1 failed (format), 0 skipped"
    exit 1
  fi
fi

log "running tests"
status=0
dotnet test Clusterpedia.slnx --no-build --nologo -v quiet \
  --logger "trx" --results-directory "$RESULTS" -- RunConfiguration.TestSessionTimeout=3600000 || status=$?

# Sum the TRX counters of every test project.
python3 - "$RESULTS" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
files = glob.glob(sys.argv[1] + "/**/*.trx", recursive=True)
for f in files:
    c = ET.parse(f).getroot().find("t:ResultSummary/t:Counters", ns)
    if c is None:
        continue
    passed += int(c.get("passed", 0))
    # Every counter that is neither a pass nor a deliberate skip is a failure: a crashed test host shows up as
    # "disconnected", an aborted run as "passedButRunAborted", an undecided test as "inconclusive".
    failed += sum(int(c.get(k, 0)) for k in
                  ("failed", "error", "timeout", "aborted", "disconnected", "passedButRunAborted", "inconclusive"))
    skipped += int(c.get("notExecuted", 0))
# Each failure's message and the head of its stack trace, so a CI log alone says what broke.
for f in files:
    for r in ET.parse(f).getroot().iterfind(".//t:UnitTestResult", ns):
        if r.get("outcome") in ("Passed", "NotExecuted"):
            continue
        print(f"--- {r.get('outcome')}: {r.get('testName')} ({r.get('duration')})")
        for tag in ("t:Output/t:ErrorInfo/t:Message", "t:Output/t:ErrorInfo/t:StackTrace"):
            e = r.find(tag, ns)
            if e is not None and e.text:
                print("\n".join(e.text.strip().splitlines()[:25]))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
if not files or passed == 0 or failed > 0:
    sys.exit(1)
PY
exit $status
