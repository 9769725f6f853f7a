#!/usr/bin/env bash
# The whole test suite: Swift tests (unit, real sockets, real processes), then the Python
# cross-language and compose-schema tests against the same build.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build --build-tests
bin=$(swift build --show-bin-path)
swift test --skip-build
GRIDTRADE_BIN_DIR="$bin" .venv/bin/python -m pytest -q Tests/python
