#!/usr/bin/env bash
# The main job on the embedded default: set-up, then `qmri demo` (synthetic phantoms, no downloads).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh"
exec "$ROOT/bin/qmri" demo "$@"
