#!/usr/bin/env bash
# The whole test suite: Swift tests (unit, real sockets, real processes), then the Python
# cross-language and compose-schema tests against the same build.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build --build-tests
bin=$(swift build --show-bin-path)
# The seeded consensus simulations run on their own: they keep both cores busy, and the
# real-process tests beside them would be judged on a starved machine.
swift test --skip-build --skip 'ConsensusTests.SimulationTests' --skip 'IntegrationTests'
# The real-process suites one at a time: each starts up to a dozen processes (a whole cluster and
# its agents), and side by side on two cores they would starve each other's waits.
swift test --skip-build --filter 'IntegrationTests' --no-parallel
swift test --skip-build --filter 'ConsensusTests.SimulationTests'
GRIDTRADE_BIN_DIR="$bin" .venv/bin/python -m pytest -q Tests/python
