#!/usr/bin/env bash
# One-time (idempotent) set-up on Debian/Ubuntu as root: system packages, npm ci, native addon.
# Each step is skipped when its result is already up to date, so calling it again is cheap.
#   QMRI_SETUP_EXTRA="chromium"   adds apt packages (the tests add chromium for browser tests, and
#                                 dcmtk libgdcm-tools python3-pydicom python3-nibabel python3-numpy
#                                 for the real-world corpus, scripts/build-corpus.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

APT_PACKAGES="libtorch-dev libjemalloc2 libopenblas0-pthread g++ make python3 ${QMRI_SETUP_EXTRA:-}"
missing=()
for p in $APT_PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "[setup] installing apt packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >&2
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

if ! command -v node >/dev/null 2>&1; then
  echo "[setup] Node.js 20+ is required (apt-get install nodejs npm)" >&2
  exit 1
fi

# npm ci when the lock file's content differs from the one node_modules was installed from
# (a content hash, not modification times: a merge or checkout can leave an older mtime)
LOCK_HASH="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ "$(cat node_modules/.qmri-lock-hash 2>/dev/null)" != "$LOCK_HASH" ]; then
  echo "[setup] npm ci" >&2
  npm ci --no-audit --no-fund >&2
  echo "$LOCK_HASH" >node_modules/.qmri-lock-hash
fi

ADDON=native/build/Release/qmri_native.node
if [ ! -f "$ADDON" ] || [ -n "$(find native -maxdepth 2 -path native/build -prune -o -newer "$ADDON" \( -name '*.cc' -o -name '*.h' -o -name 'binding.gyp' \) -print 2>/dev/null)" ]; then
  echo "[setup] building native addon (libtorch)" >&2
  npx --no-install node-gyp rebuild --directory native --nodedir=/usr >native-build.log 2>&1 || {
    cat native-build.log >&2
    exit 1
  }
  rm -f native-build.log
fi
