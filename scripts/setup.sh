#!/usr/bin/env bash
# One-time (idempotent) set-up on Debian/Ubuntu as root: system packages, npm ci, native addon.
# Each step is skipped when its result is already up to date, so calling it again is cheap.
#   QMRI_SETUP_EXTRA="chromium"   adds apt packages (the tests add chromium for browser tests, and
#                                 dcmtk libgdcm-tools python3-pydicom python3-nibabel python3-numpy
#                                 for the real-world corpus, scripts/build-corpus.sh).
#   QMRI_LIBTORCH=/path           builds the addon against another libtorch (a folder with include/ and
#                                 lib/, e.g. a CUDA build: the PyTorch wheel's torch/ folder or the
#                                 libtorch zip); unset, Debian's libtorch-dev (CPU) is used. Changing it
#                                 rebuilds the addon. Then `--device cuda[:n]` works (src/engine/device.ts).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

APT_PACKAGES="libtorch-dev libgloo-dev libjemalloc2 libopenblas0-pthread g++ make python3 ${QMRI_SETUP_EXTRA:-}"
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

if [ -n "${QMRI_LIBTORCH:-}" ] && { [ ! -d "$QMRI_LIBTORCH/include" ] || [ ! -d "$QMRI_LIBTORCH/lib" ]; }; then
  echo "[setup] QMRI_LIBTORCH=$QMRI_LIBTORCH must hold include/ and lib/ of a libtorch build" >&2
  exit 1
fi
ADDON=native/build/Release/qmri_native.node
STAMP=native/build/libtorch.txt
if [ ! -f "$ADDON" ] || [ "$(cat "$STAMP" 2>/dev/null || echo debian)" != "${QMRI_LIBTORCH:-debian}" ] || [ -n "$(find native -maxdepth 2 -path native/build -prune -o -newer "$ADDON" \( -name '*.cc' -o -name '*.h' -o -name 'binding.gyp' \) -print 2>/dev/null)" ]; then
  echo "[setup] building native addon (libtorch)" >&2
  npx --no-install node-gyp rebuild -j max --directory native --nodedir=/usr >native-build.log 2>&1 || {
    cat native-build.log >&2
    exit 1
  }
  rm -f native-build.log
  echo "${QMRI_LIBTORCH:-debian}" >"$STAMP"
fi
