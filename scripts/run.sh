#!/usr/bin/env bash
# Sets up a fresh machine (idempotent, see setup.sh) and runs the whole system under the Aspire AppHost.
# Arguments go to the AppHost, e.g.  scripts/run.sh --Gryphgen:Llm:Model=/models/qwen2.5-coder-7b-q4_k_m.gguf
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

scripts/setup.sh
# 5081: SYMORQ's gRPC port, Gryphgen.Contracts.Network.GryphgenPorts.Grpc (Gryphgen:Ports:Grpc)
echo "[run] dashboard: the 'Login to the dashboard at' link below   SYMORQ gRPC: http://localhost:5081   then: gryphgen status"
exec dotnet run --project Gryphgen.AppHost -- "$@"
