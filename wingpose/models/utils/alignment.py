"""Similarity alignment of face crops from landmarks, on batched tensors (differentiable).

Coordinates are pixels of a crop with MMPose's convention (pixel ``i`` is centred at ``i``).
An alignment is a batch of 2x3 affine matrices ``A`` mapping aligned-crop pixels ``u`` to
input-crop pixels ``p = A[:, :2] u + A[:, 2]``.
"""
import math
from typing import Optional

import torch
import torch.nn.functional as F
from torch import Tensor

from wingpose.structures import EyeGroups, face_layout


def eye_groups_for(num_keypoints: int, eye_groups: Optional[EyeGroups] = None) -> EyeGroups:
    """The eye groups given, or the eye centres of the layout with ``num_keypoints``
    (:func:`wingpose.structures.face_layout`)."""
    if eye_groups is not None:
        return eye_groups
    try:
        return face_layout(num_keypoints=num_keypoints).eye_centres
    except ValueError as error:
        raise ValueError(f'no eye-centre preset: {error}; set eye_groups=((...), (...))') \
            from None


def alignment_from_landmarks(keypoints: Tensor, eye_groups: EyeGroups, out_size: int,
                             padding: float = 0.25) -> Tensor:
    """Aligned-crop -> input-crop affine that makes the eye line horizontal.

    The angle is that of the line from the first eye centre to the second; the aligned crop is
    the square around the landmarks' extent in the rotated frame, its side the larger extent
    times ``1 + padding``.

    Args:
        keypoints (Tensor): (N, K, 2) landmarks in input-crop pixels.
        eye_groups: two sequences of keypoint indices, averaged into the eye centres.
        out_size (int): Side of the aligned crop in pixels.
        padding (float): Margin around the landmark extent, as a fraction of it.

    Returns:
        Tensor: (N, 2, 3) matrices ``A``.
    """
    left = keypoints[:, list(eye_groups[0])].mean(dim=1)
    right = keypoints[:, list(eye_groups[1])].mean(dim=1)
    delta = right - left
    angle = torch.atan2(delta[:, 1], delta[:, 0])
    cos, sin = angle.cos(), angle.sin()
    rot = torch.stack([torch.stack([cos, -sin], -1), torch.stack([sin, cos], -1)], -2)
    rotated = keypoints @ rot  # R^T p for each point: coordinates in the upright frame
    low, high = rotated.min(dim=1).values, rotated.max(dim=1).values
    side = (high - low).max(dim=-1).values.clamp(min=1e-3) * (1 + padding)
    scale = side / out_size
    centre = (low + high) / 2 - (scale * out_size / 2).unsqueeze(-1)
    translation = (rot @ centre.unsqueeze(-1)).squeeze(-1)
    return torch.cat([rot * scale[:, None, None], translation.unsqueeze(-1)], dim=-1)


def invert_affine(matrix: Tensor) -> Tensor:
    """Inverse of (N, 2, 3) affine matrices."""
    linear_inv = torch.linalg.inv(matrix[:, :, :2])
    return torch.cat([linear_inv, -(linear_inv @ matrix[:, :, 2:])], dim=-1)


def apply_affine(matrix: Tensor, points: Tensor) -> Tensor:
    """Map (N, K, 2) points through (N, 2, 3) affine matrices."""
    return points @ matrix[:, :, :2].transpose(1, 2) + matrix[:, None, :, 2]


def compose_affine(outer: Tensor, inner: Tensor) -> Tensor:
    """The affine ``outer(inner(x))``."""
    linear = outer[:, :, :2] @ inner[:, :, :2]
    return torch.cat([linear, outer[:, :, :2] @ inner[:, :, 2:] + outer[:, :, 2:]], dim=-1)


def random_similarity(batch: int, size: int, rotate: float, shift: float, scale: float,
                      like: Tensor) -> Tensor:
    """Random similarities about the centre of a ``size`` crop (aligned -> aligned pixels).

    Rotation ~ N(0, ``rotate``) degrees, translation ~ N(0, ``shift * size``) pixels per axis,
    scale ~ N(1, ``scale``) (clamped to [0.5, 1.5]); drawn from torch's global generator.
    """
    options = dict(dtype=like.dtype, device=like.device)
    angle = torch.randn(batch, **options) * math.radians(rotate)
    factor = (1 + torch.randn(batch, **options) * scale).clamp(0.5, 1.5)
    cos, sin = angle.cos() * factor, angle.sin() * factor
    linear = torch.stack([torch.stack([cos, -sin], -1), torch.stack([sin, cos], -1)], -2)
    centre = torch.full((batch, 2, 1), size / 2, **options)
    offset = torch.randn(batch, 2, 1, **options) * shift * size
    return torch.cat([linear, centre - linear @ centre + offset], dim=-1)


def warp_crop(image: Tensor, matrix: Tensor, out_size: int) -> Tensor:
    """Resample ``image`` (N, C, H, W) into (N, C, out, out) aligned crops.

    ``matrix`` maps aligned pixels to image pixels. The sampling grid is built directly: the
    aligned pixel centres ``u`` go through ``matrix`` and then to ``grid_sample``'s normalised
    coordinates, ``(2x + 1) / W - 1`` for pixel-centre coordinates with
    ``align_corners=False``. Only matrix products and ``grid_sample``: differentiable and
    exportable to ONNX.
    """
    n, _, h, w = image.shape
    steps = torch.arange(out_size, dtype=matrix.dtype, device=matrix.device)
    v, u = torch.meshgrid(steps, steps, indexing='ij')
    pixels = apply_affine(matrix, torch.stack([u, v], dim=-1).reshape(1, -1, 2).expand(n, -1, -1))
    size = pixels.new_tensor([w, h])
    grid = ((2 * pixels + 1) / size - 1).view(n, out_size, out_size, 2)
    return F.grid_sample(image, grid.to(image.dtype), mode='bilinear', padding_mode='zeros',
                         align_corners=False)
