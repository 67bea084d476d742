"""STAR loss: Self-adapTive Ambiguity Reduction (Zhou et al., CVPR 2023)."""
from typing import NamedTuple, Optional, Tuple

import torch
from torch import Tensor, nn

from wingpose.registry import MODELS
from ._checks import check_finite, check_positive, weighted_mean
from .wing_loss import wing


class HeatmapDistribution(NamedTuple):
    """Mean and covariance of heatmaps read as 2-D distributions, in the [-1, 1] frame.

    ``mean`` is (N, K, 2) as (x, y); ``var_x``, ``var_y``, ``cov_xy`` are (N, K).
    """
    mean: Tensor
    var_x: Tensor
    var_y: Tensor
    cov_xy: Tensor


class _HeatmapSums(torch.autograd.Function):
    """Column sums, row sums, ``sum H x y`` and ``sum H^2`` of heatmaps, with a fused backward.

    ``dL/dH_ij = g_row_i + g_col_j + g_xy y_i x_j + 2 g_sq H_ij``: one batched rank-3 matrix
    product and one multiply-add write the gradient, where autograd would build several
    full-size intermediates. The forward makes three passes over the heatmaps.
    """

    @staticmethod
    def forward(ctx, heatmaps: Tensor, xs: Tensor, ys: Tensor):
        n, k, h, w = heatmaps.shape
        flat = heatmaps.reshape(n * k, h, w)
        row_and_hx = flat @ torch.stack([torch.ones_like(xs), xs], dim=-1)  # (NK, H, 2)
        col = flat.sum(dim=1)
        sum_xy = row_and_hx[..., 1] @ ys
        sum_sq = torch.linalg.vector_norm(flat, dim=(1, 2)).square()
        ctx.save_for_backward(heatmaps, xs, ys)
        return (col.view(n, k, w), row_and_hx[..., 0].reshape(n, k, h), sum_xy.view(n, k),
                sum_sq.view(n, k))

    @staticmethod
    def backward(ctx, g_col: Tensor, g_row: Tensor, g_xy: Tensor, g_sq: Tensor):
        heatmaps, xs, ys = ctx.saved_tensors
        n, k, h, w = heatmaps.shape
        left = torch.stack([g_row, torch.ones_like(g_row), g_xy.unsqueeze(-1) * ys], dim=-1)
        right = torch.stack([torch.ones_like(g_col), g_col, xs.expand_as(g_col)], dim=-2)
        grad = (left.reshape(n * k, h, 3) @ right.reshape(n * k, 3, w)).view(n, k, h, w)
        return grad.addcmul_(heatmaps, 2 * g_sq[..., None, None]), None, None


def heatmap_distribution(heatmaps: Tensor, eps: float = 1e-5) -> HeatmapDistribution:
    """Soft-argmax mean and unbiased weighted covariance of heatmaps (STAR's statistics).

    With ``P = H / max(sum H, 1e-6)`` and pixel centres ``p`` on a grid mapped to [-1, 1]
    (``arange(n) / (n - 1) * 2 - 1``):

    .. math::
        \\mu = \\sum P p, \\qquad
        \\Sigma = \\frac{\\sum P (p - \\mu)(p - \\mu)^T}{V_1 - V_2 / V_1},\\quad
        V_1 = \\sum P + \\epsilon,\\ V_2 = \\sum P^2 + \\epsilon

    as in the official ``STARLoss_v2``, except that the denominator is clamped to at least
    ``eps`` (it is 0 for a one-hot heatmap, where the official code returns NaN). Everything
    follows from the heatmaps' row and column sums, ``sum H x y`` and ``sum H^2``
    (:class:`_HeatmapSums`): no (N, K, 2, H*W) tensor is built. The variances are centred
    sums over the marginals; the covariance is ``sum P x y - mu_x mu_y (2 - sum P)``.
    """
    n, k, h, w = heatmaps.shape
    if h < 2 or w < 2:
        raise ValueError(f'heatmaps must be at least 2x2 to define the [-1, 1] grid, got '
                         f'shape {tuple(heatmaps.shape)}')
    xs = torch.linspace(-1, 1, w, dtype=heatmaps.dtype, device=heatmaps.device)
    ys = torch.linspace(-1, 1, h, dtype=heatmaps.dtype, device=heatmaps.device)
    col, row, sum_xy, sum_sq = _HeatmapSums.apply(heatmaps, xs, ys)
    mass = col.sum(dim=-1)
    total = mass.clamp(min=1e-6)
    share = mass / total  # sum P: 1 unless the heatmap sums to less than 1e-6
    mean_x = (col @ xs) / total
    mean_y = (row @ ys) / total
    v1 = share + eps
    v2 = sum_sq / total.square() + eps
    scale = (v1 - v2 / v1).clamp(min=eps)
    var_x = (col * (xs - mean_x.unsqueeze(-1)).square()).sum(-1) / (total * scale)
    var_y = (row * (ys - mean_y.unsqueeze(-1)).square()).sum(-1) / (total * scale)
    cov_xy = (sum_xy / total - mean_x * mean_y * (2 - share)) / scale
    return HeatmapDistribution(torch.stack([mean_x, mean_y], dim=-1), var_x, var_y, cov_xy)


def symmetric_eig2x2(var_x: Tensor, var_y: Tensor, cov_xy: Tensor) -> Tuple[Tensor, Tensor]:
    """Closed-form eigen-decomposition of symmetric 2x2 matrices ``[[a, b], [b, c]]``.

    Batched, on the tensors' own device. Returns eigenvalues ``(..., 2)`` in ascending order
    and eigenvectors ``(..., 2, 2)`` as **columns** (``V[..., :, i]`` belongs to ``L[..., i]``),
    like ``torch.linalg.eigh``. With ``d = (a - c) / 2`` and ``r = sqrt(d^2 + b^2)`` the
    eigenvalues are ``(a + c) / 2 -+ r``; the major axis is at ``phi = atan2(b, d) / 2``.
    For an isotropic matrix (``r`` below the precision of the trace) the eigenvectors are the x
    and y axes and the gradients stay finite.
    """
    half_trace = (var_x + var_y) / 2
    d = (var_x - var_y) / 2
    r2 = d.square() + cov_xy.square()
    finfo = torch.finfo(r2.dtype)
    r = (r2 + finfo.tiny).sqrt()
    # below the precision of the trace the axes are arbitrary: take x and y, and keep atan2
    # away from (0, 0), where its gradient is 0 / 0
    isotropic = r2 <= (finfo.eps * (var_x.abs() + var_y.abs())).square()
    phi = torch.atan2(torch.where(isotropic, torch.zeros_like(cov_xy), cov_xy),
                      torch.where(isotropic, torch.ones_like(d), d)) / 2
    cos, sin = phi.cos(), phi.sin()
    evalues = torch.stack([half_trace - r, half_trace + r], dim=-1)
    evectors = torch.stack([torch.stack([-sin, cos], dim=-1),
                            torch.stack([cos, sin], dim=-1)], dim=-1)
    return evalues, evectors


def smooth_l1(x: Tensor, knee: float = 0.01) -> Tensor:
    """STAR's smooth-L1 of a scalar error: ``x^2 / (2 knee)`` below ``knee``, ``|x| - knee/2``."""
    abs_x = x.abs()
    return torch.where(abs_x < knee, x.square() * (0.5 / knee), abs_x - 0.5 * knee)


_DISTANCES = {
    'smoothl1': smooth_l1,
    'l1': torch.abs,
    'l2': torch.square,
    # the official WingLoss class defaults (omega=0.01, epsilon=2) on the [-1, 1] frame
    'wing': lambda x: wing(x, w=0.01, epsilon=2.),
}


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
    eigenvalues of the official code (weight ``w``). The paper's second restriction method is
    not implemented: its exact form could not be established from the official code. The
    eigenvalues are clamped to ``eigenvalue_range`` (default [1e-6, 1e2], against the NaN of
    official issue #37), so flat, zero, one-hot and negative heatmaps give finite values and
    gradients.

    Args:
        w (float): Weight of the eigenvalue restriction. Default: 1.
        dist (str): Distance on each decomposed error: ``'smoothl1'`` (knee 0.01, the official
            default), ``'l1'``, ``'l2'`` or ``'wing'`` (omega 0.01, epsilon 2, the official
            WingLoss defaults). Default: ``'smoothl1'``.
        eps (float): The official ``EPSILON`` (covariance normaliser, eigenvalue offset).
            Default: 1e-5.
        eigenvalue_range (tuple[float, float]): Clamp of the eigenvalues. Default: (1e-6, 1e2).
        use_target_weight (bool): Weight landmarks by the keypoint weights. Default: True.
        loss_weight (float): Weight of the loss. Default: 1.
        check_finite (bool): Raise ``ValueError`` on NaN/Inf inputs. Default: False.
    """

    def __init__(self,
                 w: float = 1.,
                 dist: str = 'smoothl1',
                 eps: float = 1e-5,
                 eigenvalue_range: Tuple[float, float] = (1e-6, 1e2),
                 use_target_weight: bool = True,
                 loss_weight: float = 1.,
                 check_finite: bool = False):
        super().__init__()
        if not (isinstance(w, (int, float)) and w >= 0):
            raise ValueError(f'w must be a number >= 0, got {w!r}')
        if dist not in _DISTANCES:
            raise ValueError(f'dist must be one of {sorted(_DISTANCES)}, got {dist!r}')
        check_positive(eps=eps)
        low, high = eigenvalue_range
        if not 0 < low < high:
            raise ValueError(f'eigenvalue_range must be (low, high) with 0 < low < high, '
                             f'got {eigenvalue_range!r}')
        self.w = float(w)
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
                mapped to [-1, 1]: pixel column ``j`` is ``j / (W - 1) * 2 - 1``.
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
        loss = (dist / (evalues + self.eps).sqrt()).sum(-1) + self.w * evalues.abs().sum(-1)
        weight = None
        if self.use_target_weight and target_weight is not None:
            if target_weight.numel() != loss.numel() or target_weight.shape[:2] != loss.shape:
                raise ValueError(f'target_weight must have shape {tuple(loss.shape)} or '
                                 f'{(*loss.shape, 1)}, got {tuple(target_weight.shape)}')
            weight = target_weight.reshape(loss.shape)
        return weighted_mean(loss, weight) * self.loss_weight
