#!/usr/bin/env bash
# Builds the real-world DICOM/NIfTI corpus into test-artifacts/corpus (gitignored), with files
# written by DCMTK, GDCM, pydicom and nibabel (scripts/corpus.py), each with its reference pixels
# from the writer's own decode. Source slice: the first JPEG of ../shared/data/brain-tumor-mri
# when present, else a phantom. Rebuilt only when this script, corpus.py or the source changes.
#   bash scripts/build-corpus.sh [OUT]
# Needs apt packages dcmtk libgdcm-tools python3-pydicom python3-nibabel python3-numpy (the tests
# pass them to scripts/setup.sh through QMRI_SETUP_EXTRA).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$ROOT/test-artifacts/corpus}"
SRC="${QMRI_REAL_DATA:-$ROOT/../shared/data/brain-tumor-mri}"
[ -d "$SRC" ] || SRC=""
for tool in dcmconv dcmcjpeg dcmcjpls dcmcrle img2dcm gdcmconv; do
  command -v "$tool" >/dev/null || { echo "build-corpus: $tool missing (apt-get install dcmtk libgdcm-tools)" >&2; exit 1; }
done
/usr/bin/python3 -c 'import pydicom, nibabel, numpy' 2>/dev/null ||
  { echo "build-corpus: apt-get install python3-pydicom python3-nibabel python3-numpy" >&2; exit 1; }
STAMP="$(cat "$ROOT/scripts/build-corpus.sh" "$ROOT/scripts/corpus.py" | sha256sum | cut -c1-16)-${SRC:+real}"
if [ -f "$OUT/corpus.json" ] && [ "$(cat "$OUT/.stamp" 2>/dev/null)" = "$STAMP" ]; then
  exit 0
fi
rm -rf "$OUT.partial"
mkdir -p "$OUT.partial"
/usr/bin/python3 "$ROOT/scripts/corpus.py" "$OUT.partial" $SRC >&2
echo "$STAMP" >"$OUT.partial/.stamp"
rm -rf "$OUT"
mv "$OUT.partial" "$OUT"
