from .checkpoint import (CheckpointMismatchError, allow_mmengine_checkpoint_types,
                         check_checkpoint_fits, check_finite_weights, load_checkpoint_strictly,
                         mmengine_checkpoint_types, state_dict_mismatch, verify_checkpoint)
from .distributed import (finish_distributed, launcher_rank, prepare_cpu_distributed,
                          slurm_to_torchrun_environment)
from .hooks import CheckFiniteLossHook, RawOrEMAHook, SafeCheckpointHook
from .loops import RawAndEMAValLoop
from .work_dir import (WorkDirBusyError, WorkDirError, check_work_dir, resumable_checkpoint,
                       work_dir_lock)

__all__ = [
    'CheckpointMismatchError', 'allow_mmengine_checkpoint_types', 'check_checkpoint_fits',
    'check_finite_weights', 'load_checkpoint_strictly', 'mmengine_checkpoint_types',
    'state_dict_mismatch', 'verify_checkpoint',
    'prepare_cpu_distributed', 'finish_distributed', 'launcher_rank',
    'slurm_to_torchrun_environment',
    'CheckFiniteLossHook', 'RawOrEMAHook', 'RawAndEMAValLoop', 'SafeCheckpointHook',
    'WorkDirBusyError', 'WorkDirError', 'check_work_dir', 'resumable_checkpoint',
    'work_dir_lock'
]
