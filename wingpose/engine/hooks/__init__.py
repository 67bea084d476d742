from .finite_loss_hook import CheckFiniteLossHook
from .iteration_seed_hook import IterationSeedHook
from .raw_or_ema_hook import RawOrEMAHook
from .safe_checkpoint_hook import AtomicLocalBackend, SafeCheckpointHook

__all__ = [
    'AtomicLocalBackend', 'CheckFiniteLossHook', 'IterationSeedHook', 'RawOrEMAHook',
    'SafeCheckpointHook'
]
