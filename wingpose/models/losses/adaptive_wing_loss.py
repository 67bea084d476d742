"""Adaptive Wing loss with its Weighted Loss Map (Wang, Bo and Fuxin, ICCV 2019)."""
import math
from typing import Optional

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from wingpose.registry import MODELS
from ._checks import check_finite, check_positive, check_same_shape, keypoint_weights, weighted_mean


def adaptive_wing(pred: Tensor, target: Tensor, alpha: float = 2.1, omega: float = 14.,
                  epsilon: float = 1., theta: float = 0.5) -> Tensor:
    """Element-wise Adaptive Wing loss of heatmap ``pred`` against ``target`` in [0, 1].

    .. math::
        \\mathrm{AWing}(y, \\hat y) = \\begin{cases}
            \\omega \\ln(1 + |(y - \\hat y)/\\epsilon|^{\\alpha - y}) & |y - \\hat y| < \\theta \\\\
            A |y - \\hat y| - C & \\text{otherwise}
        \\end{cases}

    with :math:`p = (\\theta/\\epsilon)^{\\alpha - y}`,
    :math:`A = \\omega \\frac{p}{1 + p} \\frac{\\alpha - y}{\\theta}` (the paper's
    :math:`\\omega \\frac{1}{1 + p} (\\alpha - y) (\\theta/\\epsilon)^{\\alpha - y - 1} \\frac{1}{\\epsilon}`
    simplified) and :math:`C = \\theta A - \\omega \\ln(1 + p)`.
    """
    delta = (target - pred).abs()
    exponent = alpha - target
    p = torch.exp(exponent * math.log(theta / epsilon))
    a = (omega / theta) * exponent * p / (1 + p)
    c = theta * a - omega * torch.log1p(p)
    inner = omega * torch.log1p(torch.pow(delta / epsilon, exponent))
    return torch.where(delta < theta, inner, a * delta - c)


def weighted_loss_map(target: Tensor, threshold: float = 0.2, weight: float = 10.) -> Tensor:
    """The paper's Weighted Loss Map ``W * M + 1``, ``M = dilate_3x3(target >= threshold)``.

    Grey dilation of the binary mask equals thresholding the 3x3 max-pooled target, which is what
    is computed here.
    """
    dilated = F.max_pool2d(target.flatten(0, 1).unsqueeze(1), 3, stride=1, padding=1)
    mask = (dilated.view_as(target) >= threshold).to(target.dtype)
    return mask * weight + 1


@MODELS.register_module()
class AdaptiveWingLoss(nn.Module):
    """Adaptive Wing loss for heatmap regression, with the Weighted Loss Map.

    Wang, Bo and Fuxin, "Adaptive Wing Loss for Robust Face Alignment via Heatmap Regression",
    ICCV 2019. See :func:`adaptive_wing` and :func:`weighted_loss_map`.

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
        loss = adaptive_wing(output, target, self.alpha, self.omega, self.epsilon, self.theta)
        if self.use_weight_map:
            loss = loss * weighted_loss_map(target, self.map_threshold, self.map_weight)
        weight = keypoint_weights(target_weights, output.shape[:2], 4, 'target_weights') \
            if self.use_target_weight else None
        return weighted_mean(loss, weight) * self.loss_weight
