#!/usr/bin/env bash
# After slurm-up.sh: make the one-node test cluster ready for the real-Slurm tests.
# A cluster state saved by an interrupted earlier run (slurmctld restores it from its state folder)
# can hold that run's jobs, running for tests that are gone, and they would starve the new tests;
# only on the test cluster that slurm-up.sh makes (ClusterName=nasctl-test) every job is cancelled.
# A node left DOWN or DRAINED is resumed. Waits up to 120 s for the node to be idle; on failure
# prints why (sinfo -R, the queue, the logs' tails) and exits 1.
set -uo pipefail
dir=${1:-/tmp/nasctl-slurm}
# A pid file naming a process that is gone (or a zombie) makes slurm-up.sh skip starting that
# daemon: start whichever of the two is not alive, then give the controller time to answer.
if ! sinfo -h >/dev/null 2>&1 && command -v slurmctld >/dev/null; then
  for d in slurmctld slurmd; do
    if ! pgrep -x -r R,S,D "$d" >/dev/null; then
      echo "slurm-ready: $d is not running; starting it" >&2
      rm -f "$dir/$d.pid"
      "/usr/sbin/$d" || true
    fi
  done
  for _ in $(seq 1 30); do sinfo -h >/dev/null 2>&1 && break; sleep 1; done
fi
config=$(scontrol show config 2>/dev/null)
if ! grep -Eq '^ClusterName +=+ +nasctl-test *$' <<<"$config"; then
  echo "slurm-ready: not the nasctl-test cluster; leaving it as it is" >&2
  exit 0
fi
stale=$(squeue -h -o %i 2>/dev/null | tr '\n' ' ')
if [ -n "${stale// /}" ]; then
  echo "slurm-ready: cancelling jobs left by an earlier run: $stale" >&2
  scancel $stale || true
fi
node=$(sinfo -h -N -o %N 2>/dev/null | head -1)
for i in $(seq 1 120); do
  state=$(sinfo -h -N -o %t 2>/dev/null | head -1)
  case "$state" in
    idle) echo "slurm-ready: node $node idle after ${i} s"; exit 0 ;;
    down*|drain*|drng*|fail*) [ $((i % 10)) -eq 1 ] && scontrol update NodeName="$node" State=RESUME 2>/dev/null ;;
  esac
  sleep 1
done
echo "slurm-ready: node $node is '$state', not idle, after 120 s" >&2
sinfo -R >&2 || true
squeue >&2 || true
tail -n 20 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" >&2 2>/dev/null || true
exit 1
