#!/usr/bin/env bash
# srun a command as one task per GPU (what tools/slurm_train.sh and tools/slurm_test.sh share):
#   [GPUS=8 GPUS_PER_NODE=8 CPUS_PER_TASK=5 SRUN_ARGS=...] tools/slurm_srun.sh PARTITION \
#       JOB_NAME COMMAND...
# GPUS tasks in all, GPUS_PER_NODE per node. On CPU nodes set GPUS_PER_NODE=0 and GPUS to the
# number of processes: they run with gloo.
set -x

PARTITION=$1
JOB_NAME=$2
GPUS=${GPUS:-8}
GPUS_PER_NODE=${GPUS_PER_NODE:-8}
CPUS_PER_TASK=${CPUS_PER_TASK:-5}
SRUN_ARGS=${SRUN_ARGS:-""}
PER_NODE=()
if [ "$GPUS_PER_NODE" -gt 0 ]; then
  PER_NODE=(--gres="gpu:${GPUS_PER_NODE}" --ntasks-per-node="${GPUS_PER_NODE}")
fi

# shellcheck disable=SC2086  # SRUN_ARGS holds several arguments
PYTHONPATH="$(dirname "$0")/..":$PYTHONPATH \
srun -p "${PARTITION}" --job-name="${JOB_NAME}" "${PER_NODE[@]}" --ntasks="${GPUS}" \
    --cpus-per-task="${CPUS_PER_TASK}" --kill-on-bad-exit=1 ${SRUN_ARGS} "${@:3}"
