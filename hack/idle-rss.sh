#!/usr/bin/env bash
# Measures the API server's idle memory the way the bench's S5 baseline does (issue 18, check idle-rss-mib):
#   hack/idle-rss.sh [--server-dir DIR] [--runs N] [--files N]
# DIR is a build or publish output of src/ApiServer (default: src/ApiServer/bin/Release/net10.0, built with
# `dotnet build -c Release` first). A self-contained publish (DIR holds libcoreclr.so) is started as
# DIR/Clusterpedia.ApiServer, anything else as `dotnet DIR/Clusterpedia.ApiServer.dll`, as the bench does
# (bench/Clusterpedia.Bench/Server/ServerProcess.cs).
# Each run: the server on an empty SQLite database in a temporary directory with the bench's arguments, five rounds of
# GET pediaclusters + a page of 10 pods, 1 s of rest, then VmRSS (/proc/<pid>/status), PSS (/proc/<pid>/smaps_rollup)
# and the resident memory per kind of mapping (/proc/<pid>/smaps). Also prints the start time (spawn to the first
# /healthz 200) and how long the ten first requests took (code the JIT compiles on first use), which, unlike the memory
# figures, depend on the machine's load. --files N lists the N mapped files with the most resident memory after each run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

DIR="$ROOT/src/ApiServer/bin/Release/net10.0"
RUNS=2
FILES=0
while [ $# -gt 0 ]; do
  case $1 in
    --server-dir) DIR=${2:?--server-dir needs a directory}; shift ;;
    --runs) RUNS=${2:?--runs needs a number}; shift ;;
    --files) FILES=${2:?--files needs a number}; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) die "unknown argument $1 (try --server-dir DIR, --runs N)" ;;
  esac
  shift
done
[ -f "$DIR/Clusterpedia.ApiServer.dll" ] || [ -x "$DIR/Clusterpedia.ApiServer" ] || die "no server in $DIR"

python3 - "$DIR" "$RUNS" "$FILES" <<'PY'
import os, re, shutil, socket, subprocess, sys, tempfile, time, urllib.error, urllib.request

directory, runs, files = os.path.abspath(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
self_contained = os.path.exists(os.path.join(directory, "libcoreclr.so"))
command = [os.path.join(directory, "Clusterpedia.ApiServer")] if self_contained \
    else ["dotnet", os.path.join(directory, "Clusterpedia.ApiServer.dll")]

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close(); return port

def get(url, timeout=5):
    """The status code; like the bench, any answer counts (the pods of an empty database are a 404)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read(); return response.status
    except urllib.error.HTTPError as error:
        error.read(); return error.code

def kib(path, key):
    for line in open(path):
        if line.startswith(key):
            return int(line.split()[1])
    return 0

def kinds(pid):
    """Resident KiB per kind of mapping (managed images, native libraries, jitted code, anonymous, other files) and per file."""
    totals, per_file, name, path = {}, {}, None, ""
    for line in open(f"/proc/{pid}/smaps"):
        head = re.match(r"^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$", line)
        if head:
            path = head.group(1)
            if path.endswith(".dll") or path.endswith(".r2r"):
                name = "managed images"
            elif ".so" in os.path.basename(path) or path.endswith("Clusterpedia.ApiServer"):
                name = "native code"
            elif "doublemapper" in path:
                name = "jitted code (doublemapper)"
            elif path == "" or path.startswith("["):
                name = "anonymous"
            else:
                name = "other files"
        elif line.startswith("Rss:"):
            totals[name] = totals.get(name, 0) + int(line.split()[1])
            if path.startswith("/") and os.path.isfile(path):
                per_file[path] = per_file.get(path, 0) + int(line.split()[1])
    return totals, per_file

print(f"server: {' '.join(command)} ({'self-contained' if self_contained else 'framework-dependent'})")
for run in range(1, runs + 1):
    work = tempfile.mkdtemp(prefix="clusterpedia-idle-rss-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    args = command + ["--urls", base, "--insecure-http", "--insecure-skip-auth",
                      "--Storage:Engine", "sqlite", "--Storage:ConnectionString", f"Data Source={work}/clusterpedia.db",
                      "--Logging:LogLevel:Default", "Warning", "--Synchro:AllowLoopbackTargets", "true"]
    log = open(os.path.join(work, "server.log"), "w")
    started = time.monotonic()
    process = subprocess.Popen(args, cwd=work, stdout=log, stderr=subprocess.STDOUT)
    try:
        while True:
            if process.poll() is not None:
                sys.exit(f"the server exited with {process.returncode}:\n" + open(os.path.join(work, "server.log")).read()[-3000:])
            try:
                if get(base + "/healthz", timeout=2) == 200:
                    break
            except OSError:
                pass
            if time.monotonic() - started > 90:
                sys.exit("the server did not answer /healthz within 90 s")
            time.sleep(0.05)
        start_seconds = time.monotonic() - started
        first = time.monotonic()
        for _ in range(5):
            get(base + "/apis/cluster.clusterpedia.io/v1alpha2/pediaclusters")
            get(base + "/apis/clusterpedia.io/v1beta1/resources/api/v1/pods?limit=10")
        first_seconds = time.monotonic() - first
        time.sleep(1)
        rss = kib(f"/proc/{process.pid}/status", "VmRSS:")
        pss = kib(f"/proc/{process.pid}/smaps_rollup", "Pss:")
        totals, per_file = kinds(process.pid)
        parts = ", ".join(f"{k} {v / 1024:.1f}" for k, v in sorted(totals.items(), key=lambda kv: -kv[1]))
        print(f"run {run}: VmRSS {rss / 1024:.1f} MiB, PSS {pss / 1024:.1f} MiB, start {start_seconds:.2f} s, first 10 requests {first_seconds:.2f} s; RSS MiB by kind: {parts}",
              flush=True)
        for path, size in sorted(per_file.items(), key=lambda kv: -kv[1])[:files]:
            print(f"  {size / 1024:6.1f} MiB  {path} ({os.path.getsize(path) / 1048576:.1f} MiB file)")
    finally:
        process.kill(); process.wait(); log.close()
        shutil.rmtree(work, ignore_errors=True)
PY
