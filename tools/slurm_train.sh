#!/usr/bin/env bash
# Training on a slurm cluster (MMPose's arguments; GPUS, GPUS_PER_NODE, CPUS_PER_TASK and
# SRUN_ARGS as in tools/slurm_srun.sh):
#   tools/slurm_train.sh PARTITION JOB_NAME CONFIG WORK_DIR [train.py args...]
TOOLS=$(dirname "$0")
exec "$TOOLS/slurm_srun.sh" "$1" "$2" python -u "$TOOLS/train.py" "$3" --work-dir="$4" \
    --launcher=slurm "${@:5}"
