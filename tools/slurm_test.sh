#!/usr/bin/env bash
# Testing on a slurm cluster (MMPose's arguments; GPUS, GPUS_PER_NODE, CPUS_PER_TASK and
# SRUN_ARGS as in tools/slurm_srun.sh):
#   tools/slurm_test.sh PARTITION JOB_NAME CONFIG CHECKPOINT [test.py args...]
TOOLS=$(dirname "$0")
exec "$TOOLS/slurm_srun.sh" "$1" "$2" python -u "$TOOLS/test.py" "$3" "$4" --launcher=slurm \
    "${@:5}"
