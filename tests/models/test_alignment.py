import math

import numpy as np
import pytest
import torch

from wingpose.datasets.synthetic import mean_face
from wingpose.models.utils import (alignment_from_landmarks, apply_affine, eye_groups_for,
                                   invert_affine, warp_crop)


def rotated_face(angle_deg: float, centre=(60., 70.), scale=40.):
    """An upright 68-point face rotated in-plane by ``angle_deg`` about ``centre``."""
    face = mean_face()[:, :2] * [1, -1]  # image axes: y down
    angle = math.radians(angle_deg)
    rot = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    return torch.tensor(face @ rot.T * scale + centre, dtype=torch.float64)[None]


def eye_angle(points):
    groups = eye_groups_for(68)
    left, right = points[:, list(groups[0])].mean(1), points[:, list(groups[1])].mean(1)
    d = right - left
    return torch.atan2(d[:, 1], d[:, 0])


def test_alignment_makes_a_rotated_face_upright_and_maps_back():
    upright = eye_angle(rotated_face(0.)).item()
    for angle in (-40., 0., 25., 70.):
        points = rotated_face(angle)
        assert math.degrees(eye_angle(points).item() - upright) == pytest.approx(angle)
        matrix = alignment_from_landmarks(points, eye_groups_for(68), out_size=128, padding=0.25)
        aligned = apply_affine(invert_affine(matrix), points)
        assert abs(eye_angle(aligned).item()) < 1e-9
        # the landmarks fill the crop with the padding margin, centred
        extent = aligned.max(1).values - aligned.min(1).values
        assert extent.max().item() == pytest.approx(128 / 1.25)
        centre = (aligned.max(1).values + aligned.min(1).values) / 2
        assert torch.allclose(centre, torch.full_like(centre, 64.), atol=1e-9)
        back = apply_affine(matrix, aligned)
        assert (back - points).abs().max().item() < 0.01


def test_warp_samples_the_aligned_crop():
    # an image whose pixel values encode their own coordinates: the warped crop holds, at each
    # aligned pixel u, the input coordinates A u
    h = w = 96
    ys, xs = torch.meshgrid(torch.arange(h, dtype=torch.float64),
                            torch.arange(w, dtype=torch.float64), indexing='ij')
    image = torch.stack([xs, ys])[None]
    points = rotated_face(30., centre=(48., 50.), scale=25.)
    matrix = alignment_from_landmarks(points, eye_groups_for(68), out_size=32)
    crop = warp_crop(image, matrix, 32)
    us, vs = torch.meshgrid(torch.arange(32, dtype=torch.float64),
                            torch.arange(32, dtype=torch.float64), indexing='xy')
    expected = apply_affine(matrix, torch.stack([us, vs], -1).reshape(1, -1, 2))
    sampled = crop[0].permute(1, 2, 0).reshape(-1, 2)
    inside = ((expected[0] >= 0) & (expected[0] <= w - 1)).all(-1)
    assert inside.float().mean() > 0.9
    assert torch.allclose(sampled[inside], expected[0][inside], atol=1e-6)
