# Runtime environment for libtorch under Node (sourced by bin/qmri and the test script).
# jemalloc: glibc malloc fragments badly under libtorch's allocation pattern (RSS ~2.5 GB vs ~0.5 GB).
# OMP_WAIT_POLICY=PASSIVE: spinning OpenMP threads collapse throughput when another process is busy.
for _j in /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 /usr/lib/aarch64-linux-gnu/libjemalloc.so.2; do
  if [ -f "$_j" ]; then
    case ":${LD_PRELOAD:-}:" in *"$_j"*) ;; *) export LD_PRELOAD="$_j${LD_PRELOAD:+:$LD_PRELOAD}" ;; esac
    break
  fi
done
unset _j
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
