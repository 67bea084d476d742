"""Heatmaps read as 2-D distributions: soft-argmax mean, weighted covariance, its eigenbasis.

The statistics of the STAR loss (Zhou et al., CVPR 2023) and of soft-argmax decoding, on
batched tensors of any device.
"""
from typing import NamedTuple, Tuple

import torch
from torch import Tensor

from .coordinate_frames import heatmap_grid


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

    With ``P = H / max(sum H, 1e-6)`` and pixel centres ``p`` on the [-1, 1] grid
    (:func:`~wingpose.codecs.utils.coordinate_frames.heatmap_grid`):

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
    xs = heatmap_grid(w, heatmaps.dtype, heatmaps.device)
    ys = heatmap_grid(h, heatmaps.dtype, heatmaps.device)
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
