"""STAR loss: Self-adapTive Ambiguity Reduction (Zhou et al., CVPR 2023)."""
from typing import Optional, Tuple

import torch
from torch import Tensor, nn

from wingpose.codecs.utils import heatmap_distribution, symmetric_eig2x2
from wingpose.registry import MODELS
from ._checks import check_finite, check_positive, weighted_mean
from .wing_loss import wing


def smooth_l1(x: Tensor, knee: float = 0.01) -> Tensor:
    """STAR's smooth-L1 of a scalar error: ``x^2 / (2 knee)`` below ``knee``, ``|x| - knee/2``."""
    abs_x = x.abs()
    return torch.where(abs_x < knee, x.square() * (0.5 / knee), abs_x - 0.5 * knee)


_DISTANCES = {
    'smooth_l1': smooth_l1,
    'l1': torch.abs,
    'mse': torch.square,
    # the official WingLoss class defaults (omega=0.01, epsilon=2) on the [-1, 1] frame
    'wing': lambda x: wing(x, w=0.01, epsilon=2.),
}
# the official code's names of the distances, where wingpose names them otherwise
_OFFICIAL_DISTANCES = {'smoothl1': 'smooth_l1', 'l2': 'mse'}


@MODELS.register_module()
class STARLoss(nn.Module):
    """STAR loss on landmark heatmaps against ground-truth coordinates.

    Zhou et al., "STAR Loss: Reducing Semantic Ambiguity in Facial Landmark Detection",
    CVPR 2023; semantics of the official ``lib/loss/starLoss_v2.py`` (``STARLoss_v2``).
    Each heatmap is read as a distribution with mean :math:`\\mu` and covariance
    :math:`\\Sigma = V \\Lambda V^T` (:func:`heatmap_distribution`, :func:`symmetric_eig2x2`);
    the error :math:`e = y - \\mu` is decomposed along the eigenvectors and each part is scaled
    by the spread in that direction (ambiguity-guided decomposition), plus the eigenvalue
    restriction:

    .. math::
        L = \\sum_{i=1}^{2} \\frac{\\mathrm{dist}(v_i^T e)}{\\sqrt{\\lambda_i + 10^{-5}}}
            + w \\sum_{i=1}^{2} |\\lambda_i|

    averaged over the weighted landmarks. Implemented restriction: the L1 penalty on the
    eigenvalues of the official code (its weight ``w`` is ``eigenvalue_weight`` here). The
    paper's second restriction method is not implemented: its exact form could not be
    established from the official code. The
    eigenvalues are clamped to ``eigenvalue_range`` (default [1e-6, 1e2], against the NaN of
    official issue #37), so flat, zero, one-hot and negative heatmaps give finite values and
    gradients.

    Args:
        eigenvalue_weight (float): Weight of the eigenvalue restriction (the official ``w``).
            Default: 1.
        dist (str): Distance on each decomposed error: ``'smooth_l1'`` (knee 0.01, the
            official default ``'smoothl1'``), ``'l1'``, ``'mse'`` (the squared error, the
            official ``'l2'``, ``F.mse_loss``) or ``'wing'`` (omega 0.01, epsilon 2, the
            official WingLoss defaults). Default: ``'smooth_l1'``.
        eps (float): The official ``EPSILON`` (covariance normaliser, eigenvalue offset).
            Default: 1e-5.
        eigenvalue_range (tuple[float, float]): Clamp of the eigenvalues. Default: (1e-6, 1e2).
        use_target_weight (bool): Weight landmarks by the keypoint weights. Default: True.
        loss_weight (float): Weight of the loss. Default: 1.
        check_finite (bool): Raise ``ValueError`` on NaN/Inf inputs. Default: False.
    """

    def __init__(self,
                 eigenvalue_weight: float = 1.,
                 dist: str = 'smooth_l1',
                 eps: float = 1e-5,
                 eigenvalue_range: Tuple[float, float] = (1e-6, 1e2),
                 use_target_weight: bool = True,
                 loss_weight: float = 1.,
                 check_finite: bool = False):
        super().__init__()
        if not (isinstance(eigenvalue_weight, (int, float)) and eigenvalue_weight >= 0):
            raise ValueError(f'eigenvalue_weight must be a number >= 0, got '
                             f'{eigenvalue_weight!r}')
        if dist in _OFFICIAL_DISTANCES:
            raise ValueError(f"dist={dist!r} is the official code's name: wingpose calls it "
                             f'{_OFFICIAL_DISTANCES[dist]!r}')
        if dist not in _DISTANCES:
            raise ValueError(f'dist must be one of {sorted(_DISTANCES)}, got {dist!r}')
        check_positive(eps=eps)
        low, high = eigenvalue_range
        if not 0 < low < high:
            raise ValueError(f'eigenvalue_range must be (low, high) with 0 < low < high, '
                             f'got {eigenvalue_range!r}')
        self.eigenvalue_weight = float(eigenvalue_weight)
        self.dist = dist
        self.eps = float(eps)
        self.eigenvalue_range = (float(low), float(high))
        self.use_target_weight = use_target_weight
        self.loss_weight = loss_weight
        self.check_finite = check_finite

    def forward(self, heatmaps: Tensor, target: Tensor,
                target_weight: Optional[Tensor] = None) -> Tensor:
        """Weighted mean STAR loss.

        Args:
            heatmaps (Tensor): Predicted heatmaps (N, K, H, W), non-negative activations.
            target (Tensor): Ground-truth coordinates (N, K, 2) as (x, y) in the heatmap frame
                mapped to [-1, 1]: pixel column ``j`` is ``j / (W - 1) * 2 - 1``
                (:func:`~wingpose.codecs.utils.heatmap_grid`).
            target_weight (Tensor, optional): Keypoint weights (N, K) or (N, K, 1).
        """
        if heatmaps.dim() != 4:
            raise ValueError(f'heatmaps must be a 4-D tensor (N, K, H, W), got shape '
                             f'{tuple(heatmaps.shape)}')
        if target.shape != (*heatmaps.shape[:2], 2):
            raise ValueError(f'target must have shape (N, K, 2) = {(*heatmaps.shape[:2], 2)} '
                             f'for heatmaps {tuple(heatmaps.shape)}, got {tuple(target.shape)}')
        if self.check_finite:
            check_finite(heatmaps=heatmaps, target=target, target_weight=target_weight)
        stats = heatmap_distribution(heatmaps, self.eps)
        evalues, evectors = symmetric_eig2x2(stats.var_x, stats.var_y, stats.cov_xy)
        evalues = evalues.clamp(*self.eigenvalue_range)
        error = (target - stats.mean).unsqueeze(-2)  # (N, K, 1, 2)
        projected = (error @ evectors).squeeze(-2)  # (N, K, 2): v_i^T e
        dist = _DISTANCES[self.dist](projected)
        restriction = self.eigenvalue_weight * evalues.abs().sum(-1)
        loss = (dist / (evalues + self.eps).sqrt()).sum(-1) + restriction
        weight = None
        if self.use_target_weight and target_weight is not None:
            if target_weight.numel() != loss.numel() or target_weight.shape[:2] != loss.shape:
                raise ValueError(f'target_weight must have shape {tuple(loss.shape)} or '
                                 f'{(*loss.shape, 1)}, got {tuple(target_weight.shape)}')
            weight = target_weight.reshape(loss.shape)
        return weighted_mean(loss, weight) * self.loss_weight
