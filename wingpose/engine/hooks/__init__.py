from .finite_loss_hook import CheckFiniteLossHook
from .raw_or_ema_hook import RawOrEMAHook
from .safe_checkpoint_hook import AtomicLocalBackend, SafeCheckpointHook

__all__ = ['AtomicLocalBackend', 'CheckFiniteLossHook', 'RawOrEMAHook', 'SafeCheckpointHook']
