from .checkpoint import (allow_mmengine_checkpoint_types, mmengine_checkpoint_types,
                         verify_checkpoint)
from .distributed import finish_distributed, prepare_cpu_distributed

__all__ = [
    'allow_mmengine_checkpoint_types', 'mmengine_checkpoint_types', 'verify_checkpoint',
    'prepare_cpu_distributed', 'finish_distributed'
]
