"""EMA whose checkpoints keep the raw weights when they validated better (STAR's trainer)."""
from mmengine.hooks import EMAHook

from wingpose.registry import HOOKS


@HOOKS.register_module()
class RawOrEMAHook(EMAHook):
    """MMEngine's ``EMAHook`` that can save the raw weights as the model's.

    MMEngine's ``EMAHook`` writes the averaged weights as a checkpoint's ``state_dict`` (and
    the raw ones as ``ema_state_dict``), so that testing a checkpoint tests the average. STAR's
    trainer (``trainer.py``) validates the raw and the averaged network every epoch and keeps
    the better as ``best_model.pkl``'s ``net``. With :class:`RawAndEMAValLoop` setting
    ``selected`` to ``'raw'`` after a validation that the raw weights won, the checkpoints
    saved until the next training epoch (the best checkpoint among them) keep the raw weights
    as ``state_dict`` and the average as ``ema_state_dict``, and say so in ``meta``
    (``weights='raw'``); testing such a checkpoint tests the raw weights, and resuming from it
    restores both. Otherwise it is ``EMAHook``.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.selected = 'ema'

    def before_train_epoch(self, runner) -> None:
        self.selected = 'ema'

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint.setdefault('meta', {})['weights'] = self.selected
        if self.selected == 'raw':
            checkpoint['ema_state_dict'] = self.ema_model.state_dict()
        else:
            super().before_save_checkpoint(runner, checkpoint)

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        if runner._resume and checkpoint.get('meta', {}).get('weights') == 'raw' \
                and 'ema_state_dict' in checkpoint:
            self.ema_model.load_state_dict(checkpoint['ema_state_dict'],
                                           strict=self.strict_load)
        else:
            super().after_load_checkpoint(runner, checkpoint)
