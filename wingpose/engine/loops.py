"""Validation of the raw and the EMA weights, the better reported (STAR's trainer)."""
from typing import Dict

from mmengine.hooks import CheckpointHook
from mmengine.runner import ValLoop

from wingpose.registry import LOOPS
from .hooks import RawOrEMAHook


@LOOPS.register_module()
class RawAndEMAValLoop(ValLoop):
    """Validate the averaged and the raw weights; report the better, keep it in checkpoints.

    STAR's trainer (``trainer.py``) validates ``net`` and ``net_ema`` every epoch and saves the
    better as the best model. This loop evaluates the EMA weights (swapped in by
    :class:`~wingpose.engine.hooks.RawOrEMAHook`, as ``EMAHook`` does) and then the raw ones,
    compares them on the ``CheckpointHook``'s ``save_best`` metric with its rule, and passes
    the better set of metrics to the hooks, with both sets as ``raw/<metric>`` and
    ``ema/<metric>``; ``selected`` is 1 when the raw weights won. The hook then saves the
    winner's weights as the checkpoint's model (``meta.weights``).

    Use with ``val_cfg = dict(type='RawAndEMAValLoop')``, a ``RawOrEMAHook`` in
    ``custom_hooks`` and ``default_hooks.checkpoint.save_best`` set.
    """

    def run(self) -> Dict[str, float]:
        ema_hook = self._hook(RawOrEMAHook, 'a RawOrEMAHook in custom_hooks')
        checkpoint = self._hook(CheckpointHook, 'default_hooks.checkpoint')
        if not checkpoint.key_indicators or checkpoint.key_indicators == ['auto']:
            raise ValueError('RawAndEMAValLoop compares the raw and EMA weights on the '
                             "metric of default_hooks.checkpoint.save_best; set it (e.g. "
                             "save_best='NME_inter_ocular', rule='less')")
        key = checkpoint.key_indicators[0]
        self.runner.call_hook('before_val')
        self.runner.call_hook('before_val_epoch')  # the EMA weights in
        ema = self._evaluate()
        ema_hook._swap_ema_parameters()  # the raw weights in
        raw = self._evaluate()
        ema_hook._swap_ema_parameters()  # the EMA weights back, as after_val_epoch expects
        if key not in raw:
            raise KeyError(f'RawAndEMAValLoop: save_best metric {key!r} is not among the '
                           f'validation metrics {sorted(raw)}')
        raw_wins = bool(checkpoint.is_better_than[key](raw[key], ema[key]))
        ema_hook.selected = 'raw' if raw_wins else 'ema'
        metrics = dict(raw if raw_wins else ema, selected=float(raw_wins))
        metrics.update({f'raw/{k}': v for k, v in raw.items()})
        metrics.update({f'ema/{k}': v for k, v in ema.items()})
        self.runner.call_hook('after_val_epoch', metrics=metrics)
        self.runner.call_hook('after_val')
        return metrics

    def _hook(self, kind: type, where: str):
        for hook in self.runner.hooks:
            if isinstance(hook, kind):
                return hook
        raise ValueError(f'RawAndEMAValLoop needs {where}')

    def _evaluate(self) -> Dict[str, float]:
        self.runner.model.eval()
        for idx, data_batch in enumerate(self.dataloader):
            self.run_iter(idx, data_batch)
        return self.evaluator.evaluate(len(self.dataloader.dataset))
