"""Coordinate-regression losses on errors in pixels of the network input."""
from abc import ABCMeta, abstractmethod
from typing import Optional, Sequence, Union

import torch
from torch import Tensor, nn

from wingpose.registry import MODELS
from ._checks import check_finite, check_positive, check_same_shape, keypoint_weights, weighted_mean


class PixelCoordinateLoss(nn.Module, metaclass=ABCMeta):
    """Base of the coordinate losses: pixel scaling, keypoint weights and the reduction.

    Subclasses define :meth:`elementwise` on the per-coordinate error in pixels. The loss is
    ``sum(w * f(e)) / sum(w)`` over coordinates, with ``w`` the keypoint weights (they
    multiply the loss, never the inputs), so it does not grow with the number of landmarks.

    Args:
        input_size (int | Sequence[int], optional): Network input size ``(w, h)`` (or one int)
            by which normalised coordinates (MMPose's ``RegressionLabel``) are multiplied;
            None when predictions and targets are already in pixels.
        use_target_weight (bool): Weight the loss by the keypoint weights. Default: True.
        loss_weight (float): Weight of the loss. Default: 1.
        check_finite (bool): Raise ``ValueError`` on NaN/Inf inputs. Default: False.
    """

    def __init__(self,
                 input_size: Optional[Union[int, Sequence[int]]] = None,
                 use_target_weight: bool = True,
                 loss_weight: float = 1.,
                 check_finite: bool = False):
        super().__init__()
        if input_size is not None:
            size = (input_size, input_size) if isinstance(input_size, (int, float)) \
                else tuple(input_size)
            if len(size) != 2:
                raise ValueError(
                    f'input_size must be an int or (width, height), got {input_size!r}')
            check_positive(input_width=size[0], input_height=size[1])
            self.register_buffer('scale', torch.tensor(size, dtype=torch.float32), persistent=False)
        else:
            self.scale = None
        self.use_target_weight = use_target_weight
        self.loss_weight = loss_weight
        self.check_finite = check_finite

    @abstractmethod
    def elementwise(self, error: Tensor) -> Tensor:
        """The loss of each coordinate error (pixels)."""

    def forward(self, pred: Tensor, target: Tensor,
                target_weight: Optional[Tensor] = None) -> Tensor:
        """Weighted mean loss over coordinates.

        Args:
            pred (Tensor): Predicted coordinates, shape (N, K, 2).
            target (Tensor): Target coordinates, shape (N, K, 2).
            target_weight (Tensor, optional): Keypoint weights (N, K), (N, K, 1) or (N, K, 2).
        """
        check_same_shape(pred, target, 3, '(N, K, 2)')
        if self.check_finite:
            check_finite(pred=pred, target=target, target_weight=target_weight)
        error = pred - target
        if self.scale is not None:
            if error.shape[-1] != 2:
                raise ValueError('input_size scaling needs (x, y) coordinates, got shape '
                                 f'{tuple(pred.shape)}')
            error = error * self.scale.to(error)  # device and dtype of the inputs
        weight = keypoint_weights(target_weight, pred.shape[:2], 3) \
            if self.use_target_weight else None
        return weighted_mean(self.elementwise(error), weight) * self.loss_weight


@MODELS.register_module()
class CoordinateLoss(PixelCoordinateLoss):
    """L1, L2 or smooth-L1 loss on coordinate errors in pixels (the Wing paper's baselines).

    ``l1``: ``|x|``; ``l2``: ``x^2 / 2``; ``smooth_l1``: ``x^2 / (2 beta)`` for ``|x| < beta``,
    else ``|x| - beta / 2`` (the paper's smooth L1 with ``beta = 1`` pixel). Scaling,
    weights and reduction as in :class:`PixelCoordinateLoss`, so an ablation against
    :class:`WingLoss` changes only the loss line.

    Args:
        kind (str): ``'l1'``, ``'l2'`` or ``'smooth_l1'``.
        beta (float): Knee of smooth L1 in pixels. Default: 1.
        **kwargs: ``input_size``, ``use_target_weight``, ``loss_weight``, ``check_finite``.
    """

    KINDS = ('l1', 'l2', 'smooth_l1')

    def __init__(self, kind: str = 'l1', beta: float = 1., **kwargs):
        super().__init__(**kwargs)
        if kind not in self.KINDS:
            raise ValueError(f'kind must be one of {self.KINDS}, got {kind!r}')
        check_positive(beta=beta)
        self.kind = kind
        self.beta = float(beta)

    def elementwise(self, error: Tensor) -> Tensor:
        if self.kind == 'l1':
            return error.abs()
        if self.kind == 'l2':
            return error.square() / 2
        abs_error = error.abs()
        return torch.where(abs_error < self.beta, error.square() / (2 * self.beta),
                           abs_error - self.beta / 2)
