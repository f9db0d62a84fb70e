# Runtime environment for libtorch under Node (sourced by bin/qmri and the test script).
# jemalloc: with glibc malloc, RSS of a training loop grows ~140 KB per step (fragmentation; levels
#   off only around 2.5 GB); with jemalloc it stays flat. Its default page purging made DenseNet121
#   forward ~1.5x slower here (page faults on every large activation), so purging is disabled
#   (dirty/muzzy decay -1): memory stays at its high-water mark and speed equals glibc's. bin/qmri
#   gives the per-image commands (explain, serve, predict) a 1 s decay instead: their RSS grew per case.
#   QMRI_JEMALLOC=0 turns it off.
# OMP_WAIT_POLICY=PASSIVE: spinning OpenMP threads collapse throughput when another process is busy
#   (a 224 px forward went from 0.34 s to 9.5 s); passive waiting costs little when idle.
if [ "${QMRI_JEMALLOC:-1}" = "1" ]; then
  for _j in /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 /usr/lib/aarch64-linux-gnu/libjemalloc.so.2; do
    if [ -f "$_j" ]; then
      case ":${LD_PRELOAD:-}:" in *"$_j"*) ;; *) export LD_PRELOAD="$_j${LD_PRELOAD:+:$LD_PRELOAD}" ;; esac
      export MALLOC_CONF="${MALLOC_CONF:-dirty_decay_ms:-1,muzzy_decay_ms:-1}"
      break
    fi
  done
  unset _j
fi
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
