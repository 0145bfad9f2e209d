#!/usr/bin/env bash
# Sets up a fresh machine (idempotent, see setup.sh) and runs every test of the solution against real processes.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

scripts/setup.sh --containers
dotnet build Gryphgen.sln --nologo -v quiet
log=$(mktemp)
set +e
# One test assembly at a time (-m:1): each starts real servers, and on 2 cores they would starve each other.
dotnet test Gryphgen.sln --no-build --nologo -m:1 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line over all test assemblies.
awk '/^(Passed|Failed)!/ { for (i = 1; i <= NF; i++) { if ($i == "Passed:") p += $(i+1); if ($i == "Failed:") f += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' FS='[ ,]+' "$log"
rm -f "$log"
exit "$status"
