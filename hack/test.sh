#!/usr/bin/env bash
# The test command: builds with warnings as errors, checks formatting, and runs every test project
# (storage tests on SQLite and on a private PostgreSQL the fixture starts; end-to-end tests with real kubectl).
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

cd "$ROOT"
RESULTS="$ROOT/.local/test-results"
rm -rf "$RESULTS"
mkdir -p "$RESULTS"

log "building (warnings are errors)"
dotnet build Clusterpedia.slnx -c Debug --nologo -v quiet -warnaserror

if [ "${SKIP_FORMAT:-0}" != 1 ]; then
  log "checking formatting (dotnet format --verify-no-changes)"
  dotnet format Clusterpedia.slnx --verify-no-changes --no-restore -v quiet
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
    failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    skipped += int(c.get("notExecuted", 0))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
if not files or passed == 0:
    sys.exit(1)
PY
exit $status
