#!/usr/bin/env bash
# On a fresh machine: install what is missing, build, start the whole cluster as local
# processes (gridtrade up, from compose.yaml) and show its status.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release
bin=$(swift build -c release --show-bin-path)
"$bin/gridtrade" up --file compose.yaml
"$bin/gridtrade" status
echo "stop it with: $bin/gridtrade down"
