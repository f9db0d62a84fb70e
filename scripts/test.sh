#!/usr/bin/env bash
# The test command: set-up, type check, lint, format check, then every test under test/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# chromium for the browser test; DCMTK, GDCM, pydicom, nibabel write the real-world corpus
QMRI_SETUP_EXTRA="chromium dcmtk libgdcm-tools python3-pydicom python3-nibabel python3-numpy" bash scripts/setup.sh
source scripts/env.sh
echo "[test] real-world DICOM/NIfTI corpus" >&2
bash scripts/build-corpus.sh
echo "[test] typecheck" >&2
node_modules/.bin/tsc --noEmit -p tsconfig.json
echo "[test] lint" >&2
node_modules/.bin/eslint . --max-warnings=0
echo "[test] format" >&2
node_modules/.bin/prettier --check . >/dev/null || { node_modules/.bin/prettier --list-different .; exit 1; }
echo "[test] tests" >&2
node scripts/run-tests.mjs "$@"
