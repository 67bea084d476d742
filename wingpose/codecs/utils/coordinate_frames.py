"""Pixel coordinates to the [-1, 1] frame of soft-argmax decoding and back.

Pixel ``i`` of an axis of ``size`` pixels has its centre at coordinate ``i`` (OpenCV's and
MMPose's convention). The [-1, 1] frame is PyTorch's (``grid_sample``, ``interpolate``):

* ``align_corners=True``: -1 and 1 are the centres of the first and last pixels,
  ``u = 2 p / (size - 1) - 1``; soft-argmax grids ``arange(n) / (n - 1) * 2 - 1`` are this
  frame of the heatmap;
* ``align_corners=False``: -1 and 1 are the outer edges of the first and last pixels,
  ``u = (2 p + 1) / size - 1``; STAR's labels and its ``denorm_points`` are this frame of the
  input (``lib/dataset/alignmentDataset.py``, ``evaluate.py``).
"""
from typing import Optional, Sequence

import numpy as np
import torch
from torch import Tensor


def heatmap_grid(size: int, dtype: Optional[torch.dtype] = None,
                 device: Optional[torch.device] = None) -> Tensor:
    """The [-1, 1] coordinates of the ``size`` pixel centres of a heatmap axis
    (``align_corners=True``): ``arange(size) / (size - 1) * 2 - 1``, soft-argmax's grid."""
    if size < 2:
        raise ValueError(f'a heatmap axis needs at least 2 pixels to span [-1, 1], got {size}')
    return torch.linspace(-1, 1, size, dtype=dtype, device=device)


def normalize_coordinates(points: np.ndarray, size: Sequence[float],
                          align_corners: bool) -> np.ndarray:
    """Pixel coordinates (..., 2) as (x, y) on an image of ``size`` (w, h) -> [-1, 1]."""
    size = np.asarray(size, dtype=np.float64)
    if align_corners:
        return points * (2 / (size - 1)) - 1
    return (points * 2 + 1) / size - 1


def denormalize_coordinates(coords: np.ndarray, size: Sequence[float],
                            align_corners: bool) -> np.ndarray:
    """The inverse of :func:`normalize_coordinates`."""
    size = np.asarray(size, dtype=np.float64)
    if align_corners:
        return (coords + 1) * ((size - 1) / 2)
    return ((coords + 1) * size - 1) / 2
