"""Argument and tensor checks shared by the wingpose losses; errors name what they saw."""
from typing import Optional, Sequence

import torch
from torch import Tensor


def check_positive(**values: float) -> None:
    """Raise ``ValueError`` naming every argument that is not a finite number > 0."""
    for name, value in values.items():
        if not (isinstance(value, (int, float)) and value > 0 and value < float('inf')):
            raise ValueError(f'{name} must be a finite number > 0, got {value!r}')


def check_same_shape(pred: Tensor, target: Tensor, ndim: int, layout: str,
                     pred_name: str = 'pred', target_name: str = 'target') -> None:
    """``pred`` and ``target`` must both be ``ndim``-D tensors of one shape (``layout``)."""
    if pred.dim() != ndim:
        raise ValueError(
            f'{pred_name} must be a {ndim}-D tensor {layout}, got shape {tuple(pred.shape)}')
    if pred.shape != target.shape:
        raise ValueError(f'{pred_name} and {target_name} must have the same shape {layout}, '
                         f'got {tuple(pred.shape)} and {tuple(target.shape)}')


def check_finite(**tensors: Tensor) -> None:
    """Raise ``ValueError`` naming each tensor that holds NaN or Inf and the samples (the
    indices along its first, batch, dimension) that hold them."""
    for name, tensor in tensors.items():
        if tensor is not None and not torch.isfinite(tensor).all():
            bad = ~torch.isfinite(tensor)
            samples = (bad.reshape(len(bad), -1).any(1).nonzero().flatten().tolist()
                       if tensor.dim() else [])
            where = (f' in batch sample(s) {samples[:10]}{" ..." if len(samples) > 10 else ""}'
                     if samples else '')
            raise ValueError(f'{name} holds {int(bad.sum())} non-finite value(s) (NaN or Inf)'
                             f'{where}; shape {tuple(tensor.shape)}')


def keypoint_weights(weight: Optional[Tensor], leading: Sequence[int], ndim: int,
                     name: str = 'target_weight') -> Optional[Tensor]:
    """Reshape per-keypoint weights to broadcast against a tensor of ``ndim`` dimensions.

    ``weight`` may be (N, K), or (N, K, ...) with trailing sizes that broadcast against the
    loss (``(N, K, 1)`` as MMPose's ``RegressionHead`` passes it, or ``(N, K, D)``).
    ``leading`` is the expected (N, K).
    """
    if weight is None:
        return None
    n, k = leading
    if weight.dim() < 2 or tuple(weight.shape[:2]) != (n, k) or weight.dim() > ndim:
        raise ValueError(f'{name} must have shape ({n}, {k}) or ({n}, {k}, ...) broadcasting '
                         f'to the prediction, got {tuple(weight.shape)}')
    return weight.reshape(*weight.shape, *([1] * (ndim - weight.dim())))


def weighted_mean(loss: Tensor, weight: Optional[Tensor]) -> Tensor:
    """Mean of ``loss`` over its weighted elements: sum(w * l) / sum(w over l's elements).

    A weight of 0 removes an element from both sums, so the result does not depend on how many
    keypoints are invisible; all-zero weights give 0 (with zero gradients), not NaN.
    """
    if weight is None:
        return loss.mean()
    weight = weight.expand_as(loss)
    return (loss * weight).sum() / weight.sum().clamp(min=torch.finfo(loss.dtype).tiny)
