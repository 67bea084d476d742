"""Wing loss (Feng et al., CVPR 2018) and Rectified Wing loss (Feng et al., IJCV 2020)."""
import math
import warnings
from typing import Optional, Sequence, Union

import torch
from torch import Tensor

from wingpose.registry import MODELS
from ._checks import check_positive
from .coordinate_loss import PixelCoordinateLoss


def wing(x: Tensor, w: float = 10., epsilon: float = 2., r: float = 0.) -> Tensor:
    """Element-wise (Rectified) Wing function of the error ``x``.

    .. math::
        \\mathrm{wing}(x) = \\begin{cases}
            0 & |x| < r \\\\
            w \\ln(1 + (|x| - r) / \\epsilon) & r \\le |x| < w \\\\
            |x| - C & \\text{otherwise}
        \\end{cases}, \\qquad C = w - w \\ln(1 + (w - r) / \\epsilon)

    ``r = 0`` is the Wing loss of the CVPR 2018 paper; ``r > 0`` is Rectified Wing (IJCV 2020).
    """
    abs_x = x.abs()
    c = w - w * math.log1p((w - r) / epsilon)
    shifted = (abs_x - r).clamp(min=0) if r > 0 else abs_x
    return torch.where(abs_x < w, w * torch.log1p(shifted / epsilon), abs_x - c)


@MODELS.register_module()
class WingLoss(PixelCoordinateLoss):
    """Wing loss for coordinate regression, on errors in pixels of the network input.

    Feng et al., "Wing Loss for Robust Facial Landmark Localisation with Convolutional Neural
    Networks", CVPR 2018 (Rectified Wing: Feng et al., IJCV 2020). See :func:`wing`.

    The wing shape only acts where errors are of the order of ``omega`` pixels. MMPose's
    ``RegressionLabel`` codec gives coordinates normalised to [0, 1]; set ``input_size`` so they
    are compared in pixels (the paper: ``omega=10, epsilon=2`` on a 64x64 input). Differences from
    MMPose's ``WingLoss``: keypoint weights multiply the per-coordinate loss (MMPose multiplies
    the inputs), and the reduction is the mean over weighted coordinates (MMPose sums over
    keypoints and coordinates, then averages over the batch, so its value grows with K).

    Args:
        omega (float): Width of the non-linear part, in pixels (MMPose's name). Default: 10.
        epsilon (float): Curvature of the non-linear part. Default: 2.
        rectified_r (float): Rectified Wing's zero zone ``r`` in pixels, ``0 <= r < omega``;
            0 gives the plain Wing loss. Default: 0.
        input_size (int | Sequence[int], optional): Network input size ``(w, h)`` (or one int)
            by which normalised coordinates are multiplied; None when predictions and targets
            are already in pixels. Default: None.
        use_target_weight (bool): Multiply the loss by the keypoint weights. Default: True.
        loss_weight (float): Weight of the loss. Default: 1.
        check_finite (bool): Raise ``ValueError`` on NaN/Inf inputs. Default: False.
        w (float, optional): ``omega``'s former name, accepted with a deprecation warning.
    """

    def __init__(self,
                 omega: Optional[float] = None,
                 epsilon: float = 2.,
                 rectified_r: float = 0.,
                 input_size: Optional[Union[int, Sequence[int]]] = None,
                 use_target_weight: bool = True,
                 loss_weight: float = 1.,
                 check_finite: bool = False,
                 w: Optional[float] = None):
        super().__init__(input_size, use_target_weight, loss_weight, check_finite)
        name = 'omega'
        if w is not None:
            if omega is not None:
                raise ValueError('WingLoss: give omega or its former name w, not both')
            warnings.warn("WingLoss: 'w' is deprecated; use 'omega', MMPose's name for the "
                          'width', DeprecationWarning, stacklevel=2)
            name, omega = 'w', w
        omega = 10. if omega is None else omega
        check_positive(**{name: omega}, epsilon=epsilon)
        if not 0 <= rectified_r < omega:
            raise ValueError(f'rectified_r must satisfy 0 <= rectified_r < {name}={omega}, '
                             f'got {rectified_r!r}')
        self.omega = float(omega)
        self.epsilon = float(epsilon)
        self.rectified_r = float(rectified_r)

    def elementwise(self, error: Tensor) -> Tensor:
        return wing(error, self.omega, self.epsilon, self.rectified_r)
