from .finite_loss_hook import CheckFiniteLossHook
from .raw_or_ema_hook import RawOrEMAHook

__all__ = ['CheckFiniteLossHook', 'RawOrEMAHook']
