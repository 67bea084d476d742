"""Reference formulations the tests (and ``tools/benchmark/bench_losses.py``) check wingpose's
losses against: STAR as the official ``STARLoss_v2`` computes it, AWing's formula written out."""
import math
from typing import Tuple

import torch
from torch import Tensor

from wingpose.models.losses.star_loss import smooth_l1


def star_loss_reference(heatmaps: Tensor, target: Tensor, eigenvalue_weight: float = 1.,
                        eps: float = 1e-5,
                        eigenvalue_range: Tuple[float, float] = (1e-6, 1e2),
                        eigh_device: str = 'cpu') -> Tensor:
    """Mean STAR loss (smooth-L1 distance) computed as the official ``STARLoss_v2`` does.

    Full pixel grids, an explicit weighted covariance and ``torch.linalg.eigh`` on
    ``eigh_device`` (the official code moves the covariances to the CPU); eigenvectors are
    indexed as columns. The independent formulation :class:`STARLoss` is checked and timed
    against (tests, ``tools/benchmark/bench_losses.py``); it has none of STARLoss's guards: a
    one-hot heatmap gives NaN, as in the official code.
    """
    n, k, h, wd = heatmaps.shape
    p = heatmaps / heatmaps.sum((2, 3)).clamp(min=1e-6)[..., None, None]
    yy, xx = torch.meshgrid(
        torch.arange(h, dtype=p.dtype, device=p.device) / (h - 1) * 2 - 1,
        torch.arange(wd, dtype=p.dtype, device=p.device) / (wd - 1) * 2 - 1, indexing='ij')
    mean = torch.stack([(p * xx).sum((2, 3)), (p * yy).sum((2, 3))], dim=-1)
    centred = torch.stack([xx - mean[..., 0, None, None], yy - mean[..., 1, None, None]], 2)
    centred = centred.view(n * k, 2, h * wd)
    cov = torch.bmm(p.view(n * k, 1, h * wd) * centred, centred.transpose(1, 2))
    v1 = p.sum((2, 3)) + eps
    v2 = (p * p).sum((2, 3)) + eps
    cov = cov.view(n, k, 2, 2) / (v1 - v2 / v1)[..., None, None]
    evalues, evectors = torch.linalg.eigh(cov.to(eigh_device))
    evalues, evectors = evalues.to(p.device).clamp(*eigenvalue_range), evectors.to(p.device)
    projected = ((target - mean).unsqueeze(-2) @ evectors).squeeze(-2)  # columns: v_i^T e
    dist = smooth_l1(projected)
    restriction = eigenvalue_weight * evalues.abs().sum(-1)
    return ((dist / (evalues + eps).sqrt()).sum(-1) + restriction).mean()


def adaptive_wing(pred: Tensor, target: Tensor, alpha: float = 2.1, omega: float = 14.,
                  epsilon: float = 1., theta: float = 0.5) -> Tensor:
    """Element-wise Adaptive Wing loss of heatmap ``pred`` against ``target`` in [0, 1], the
    paper's formula as written (``AdaptiveWingLoss``'s docstring), with autograd."""
    delta = (target - pred).abs()
    exponent = alpha - target
    p = torch.exp(exponent * math.log(theta / epsilon))
    a = (omega / theta) * exponent * p / (1 + p)
    c = theta * a - omega * torch.log1p(p)
    inner = omega * torch.log1p(torch.pow(delta / epsilon, exponent))
    return torch.where(delta < theta, inner, a * delta - c)
