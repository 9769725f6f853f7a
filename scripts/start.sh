#!/usr/bin/env bash
# On a fresh machine: install what is missing, build, start the whole cluster as local
# processes (gridtrade up, from compose.yaml), then play the paper's round on it (gridtrade demo).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release
bin=$(swift build -c release --show-bin-path)
"$bin/gridtrade" up --file compose.yaml
"$bin/gridtrade" demo
echo
echo "The cluster keeps running: $bin/gridtrade status shows it, ${GRIDTRADE_HOME:-~/.gridtrade}/logs/ has every service's log,"
echo "$bin/gridtrade demo plays the round again with new members; stop it all with: $bin/gridtrade down"
