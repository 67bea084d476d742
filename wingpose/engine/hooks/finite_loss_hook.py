"""Stop training at the first non-finite loss, naming the iteration and the loss terms."""
from typing import Optional

import torch
from mmengine.dist import all_reduce, is_distributed
from mmengine.hooks import Hook
from mmengine.runner import EpochBasedTrainLoop

from wingpose.registry import HOOKS


@HOOKS.register_module()
class CheckFiniteLossHook(Hook):
    """Raise ``FloatingPointError`` after the first iteration whose loss is NaN or infinite.

    Every training iteration, each ``loss*`` term the model returned (``loss``, the total,
    and its parts such as ``loss_kpt``) is checked. The error names the iteration (1-based,
    as the training log counts), the epoch and batch, and every non-finite term with its
    value, e.g. ``non-finite loss at iteration 3 (epoch 1, batch 3): loss=nan, loss_kpt=nan``,
    and the batch's images.
    It runs before the checkpoint hook, so no checkpoint with the step's weights is written.
    In distributed training the ranks agree (one all-reduce of a flag), so all of them stop.

    mmdet's ``CheckInvalidLossHook`` asserts on the total loss every ``interval`` iterations
    with a fixed message; this checks every iteration and says which term went wrong.
    """

    priority = 'ABOVE_NORMAL'

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        terms = {name: value for name, value in (outputs or {}).items() if 'loss' in name}
        bad = {name: value for name, value in terms.items()
               if not torch.isfinite(torch.as_tensor(value)).all()}
        if is_distributed():
            flag = torch.tensor(float(bool(bad)))
            all_reduce(flag)
            stop = flag.item() > 0
        else:
            stop = bool(bad)
        if not stop:
            return
        where = f'iteration {runner.iter + 1}'
        if isinstance(runner.train_loop, EpochBasedTrainLoop):
            where += f' (epoch {runner.epoch + 1}, batch {batch_idx + 1})'
        values = ', '.join(f'{name}={float(torch.as_tensor(value).float().mean()):g}'
                           for name, value in bad.items()) or 'on another rank'
        samples = (data_batch or {}).get('data_samples') or []
        images = [sample.metainfo.get('img_path', '?') for sample in samples
                  if hasattr(sample, 'metainfo')]
        batch = (f' The batch: {", ".join(map(str, images[:8]))}'
                 f'{" ..." if len(images) > 8 else ""}.' if images else '')
        raise FloatingPointError(f'non-finite loss at {where}: {values}.{batch} Training '
                                 'stopped; set check_finite=True on the losses to find the '
                                 'sample that carried it')
