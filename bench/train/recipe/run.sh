#!/usr/bin/env bash
# The recipe study's queue (issue #19): trains the named arms one after another, each alone on the
# machine (the bf16 speed-up collapses when the cores are shared), skipping an arm whose backbone is
# already scored; `qmri train` resumes an interrupted arm from its checkpoint.
#   setsid nohup bash bench/train/recipe/run.sh bf16-128 bf16-192 > runs/recipe.log 2>&1 &
#   npx tsx bench/train/recipe/table.ts          # the table, from runs/recipe-*/backbone/metrics.json
set -u
cd "$(dirname "$0")/../../.."
for arm in "$@"; do
  if [ -f "runs/recipe-$arm/backbone/metrics.json" ]; then echo "[recipe] $arm: done already"; continue; fi
  echo "[recipe] $arm: start $(date -u +%FT%TZ) at $(git rev-parse --short HEAD)"
  bin/qmri train --run "runs/recipe-$arm" --config "bench/train/recipe/$arm.yaml" --json > "runs/recipe-$arm.json" \
    || echo "[recipe] $arm: failed (exit $?)"
  echo "[recipe] $arm: end $(date -u +%FT%TZ)"
done
