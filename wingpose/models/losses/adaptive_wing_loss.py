"""Adaptive Wing loss with its Weighted Loss Map (Wang, Bo and Fuxin, ICCV 2019)."""
import math
from typing import Optional

import torch
from torch import Tensor, nn

from wingpose.registry import MODELS
from ._checks import check_finite, check_positive, check_same_shape, keypoint_weights


def weighted_loss_map(target: Tensor, threshold: float = 0.2, weight: float = 10.) -> Tensor:
    """The paper's Weighted Loss Map ``W * M + 1``, ``M = dilate_3x3(target >= threshold)``.

    The binary mask is dilated with shifted ORs along each axis (a 3x3 square is separable):
    an order of magnitude faster on CPU than max-pooling the float heatmaps.
    """
    mask = target >= threshold
    rows = mask.clone()
    rows[..., 1:] |= mask[..., :-1]
    rows[..., :-1] |= mask[..., 1:]
    dilated = rows.clone()
    dilated[..., 1:, :] |= rows[..., :-1, :]
    dilated[..., :-1, :] |= rows[..., 1:, :]
    return torch.where(dilated, target.new_tensor(weight + 1.), target.new_tensor(1.))


class _WeightedAdaptiveWingSum(torch.autograd.Function):
    """``sum(weight * AWing(pred, target))`` with its gradient computed in the forward pass.

    Per pixel, with ``e = alpha - y``, ``t = (delta / epsilon)^e`` and
    ``p = (theta / epsilon)^e``: the loss is ``omega * log1p(t)`` (``delta < theta``) or
    ``A * (delta - theta) + omega * log1p(p)`` (the paper's ``A * delta - C``), and its
    derivative in ``pred`` is ``sign(pred - y) * omega * e * t / (delta * (1 + t))`` or
    ``sign(pred - y) * A``. Tensors are updated in place and the backward pass is one
    multiplication: about half the time of autograd through MMPose's formula. The tests
    compare it with the formula written out (``tests/models/references.py``).
    """

    @staticmethod
    def forward(ctx, pred: Tensor, target: Tensor, weight: Tensor, alpha: float, omega: float,
                epsilon: float, theta: float) -> Tensor:
        diff = pred - target
        delta = diff.abs()
        exponent = target.neg().add_(alpha)
        ratio = delta if epsilon == 1 else delta / epsilon
        t = torch.log(ratio).mul_(exponent).exp_()  # (delta / epsilon)^e, 0 where delta == 0
        inner = delta < theta
        p = (exponent * math.log(theta / epsilon)).exp_()
        a = (p / (p + 1)).mul_(exponent).mul_(omega / theta)
        linear = torch.addcmul(torch.log1p(p).mul_(omega), a, delta - theta)
        loss = torch.where(inner, torch.log1p(t).mul_(omega), linear)
        denominator = (t + 1).mul_(delta.clamp(min=torch.finfo(delta.dtype).tiny))
        slope = torch.where(inner, t.mul_(exponent).mul_(omega).div_(denominator), a)
        ctx.save_for_backward(slope.mul_(diff.sign_()).mul_(weight))
        return loss.mul_(weight).sum()

    @staticmethod
    def backward(ctx, grad_output: Tensor):
        (gradient, ) = ctx.saved_tensors
        return gradient * grad_output, None, None, None, None, None, None


@MODELS.register_module()
class AdaptiveWingLoss(nn.Module):
    """Adaptive Wing loss for heatmap regression, with the Weighted Loss Map.

    Wang, Bo and Fuxin, "Adaptive Wing Loss for Robust Face Alignment via Heatmap Regression",
    ICCV 2019:

    .. math::
        \\mathrm{AWing}(y, \\hat y) = \\begin{cases}
            \\omega \\ln(1 + |(y - \\hat y)/\\epsilon|^{\\alpha - y}) & |y - \\hat y| < \\theta \\\\
            A |y - \\hat y| - C & \\text{otherwise}
        \\end{cases}

    with :math:`p = (\\theta/\\epsilon)^{\\alpha - y}`,
    :math:`A = \\omega \\frac{p}{1 + p} \\frac{\\alpha - y}{\\theta}` (the paper's
    :math:`\\omega \\frac{1}{1 + p} (\\alpha - y)
    (\\theta/\\epsilon)^{\\alpha - y - 1} \\frac{1}{\\epsilon}` simplified) and
    :math:`C = \\theta A - \\omega \\ln(1 + p)`; see :func:`weighted_loss_map`.

    The loss is ``sum(k * map * AWing) / sum(k)`` over pixels, with ``k`` the keypoint weight
    broadcast over its heatmap: a mean over the pixels of weighted keypoints. Differences from
    MMPose's ``AdaptiveWingLoss``: MMPose has no weight map; it multiplies the heatmaps by the
    keypoint weights (a zero-weight keypoint then adds 0 to the sum but still counts in the mean).
    With all weights 1 and ``use_weight_map=False`` the two give the same value.

    Args:
        alpha (float): Exponent offset, ``alpha - y`` is the power. Default: 2.1.
        omega (float): Scale of the non-linear part. Default: 14.
        epsilon (float): Curvature. Default: 1.
        theta (float): Threshold between the non-linear and the linear part. Default: 0.5.
        use_weight_map (bool): Multiply by the Weighted Loss Map. Default: True.
        map_threshold (float): Target value above which (after 3x3 dilation) pixels are
            foreground in the map. Default: 0.2.
        map_weight (float): ``W`` of the map ``W * M + 1``. Default: 10.
        use_target_weight (bool): Use the keypoint weights. Default: True.
        loss_weight (float): Weight of the loss. Default: 1.
        check_finite (bool): Raise ``ValueError`` on NaN/Inf inputs. Default: False.
    """

    def __init__(self,
                 alpha: float = 2.1,
                 omega: float = 14.,
                 epsilon: float = 1.,
                 theta: float = 0.5,
                 use_weight_map: bool = True,
                 map_threshold: float = 0.2,
                 map_weight: float = 10.,
                 use_target_weight: bool = True,
                 loss_weight: float = 1.,
                 check_finite: bool = False):
        super().__init__()
        check_positive(alpha=alpha, omega=omega, epsilon=epsilon, theta=theta)
        if map_weight < 0:
            raise ValueError(f'map_weight must be >= 0, got {map_weight!r}')
        self.alpha = float(alpha)
        self.omega = float(omega)
        self.epsilon = float(epsilon)
        self.theta = float(theta)
        self.use_weight_map = use_weight_map
        self.map_threshold = float(map_threshold)
        self.map_weight = float(map_weight)
        self.use_target_weight = use_target_weight
        self.loss_weight = loss_weight
        self.check_finite = check_finite

    def forward(self, output: Tensor, target: Tensor,
                target_weights: Optional[Tensor] = None) -> Tensor:
        """Weighted mean Adaptive Wing loss.

        Args:
            output (Tensor): Predicted heatmaps, shape (N, K, H, W).
            target (Tensor): Target heatmaps in [0, 1], shape (N, K, H, W).
            target_weights (Tensor, optional): Keypoint weights (N, K) or (N, K, H, W).
        """
        check_same_shape(output, target, 4, '(N, K, H, W)', 'output', 'target')
        if self.check_finite:
            check_finite(output=output, target=target, target_weights=target_weights)
        weight = keypoint_weights(target_weights, output.shape[:2], 4, 'target_weights') \
            if self.use_target_weight and target_weights is not None else None
        pixel_weight = weighted_loss_map(target, self.map_threshold, self.map_weight) \
            if self.use_weight_map else torch.ones((), dtype=output.dtype, device=output.device)
        if weight is None:
            count = output.new_tensor(float(output.numel()))
        else:
            pixel_weight = pixel_weight * weight
            count = weight.expand_as(output).sum()
        total = _WeightedAdaptiveWingSum.apply(output, target, pixel_weight, self.alpha,
                                               self.omega, self.epsilon, self.theta)
        return total / count.clamp(min=torch.finfo(output.dtype).tiny) * self.loss_weight
