from .checkpoint import (allow_mmengine_checkpoint_types, check_checkpoint_fits,
                         load_checkpoint_strictly, mmengine_checkpoint_types, verify_checkpoint)
from .distributed import (finish_distributed, launcher_rank, prepare_cpu_distributed,
                          slurm_to_torchrun_environment)
from .hooks import CheckFiniteLossHook, RawOrEMAHook, SafeCheckpointHook
from .loops import RawAndEMAValLoop
from .work_dir import WorkDirBusyError, resumable_checkpoint, work_dir_lock

__all__ = [
    'allow_mmengine_checkpoint_types', 'check_checkpoint_fits', 'load_checkpoint_strictly',
    'mmengine_checkpoint_types', 'verify_checkpoint',
    'prepare_cpu_distributed', 'finish_distributed', 'launcher_rank',
    'slurm_to_torchrun_environment',
    'CheckFiniteLossHook', 'RawOrEMAHook', 'RawAndEMAValLoop', 'SafeCheckpointHook',
    'WorkDirBusyError', 'resumable_checkpoint', 'work_dir_lock'
]
