"""Gaussian heatmaps with coordinate labels, decoded by soft-argmax (STAR models)."""
from typing import Optional, Tuple

import numpy as np
import torch
from mmpose.codecs import MSRAHeatmap

from wingpose.registry import KEYPOINT_CODECS
from .utils import (bilinear_resize_matrix, denormalize_coordinates, heatmap_distribution,
                    normalize_coordinates)


@KEYPOINT_CODECS.register_module()
class SoftArgmaxHeatmap(MSRAHeatmap):
    """MSRA Gaussian heatmaps plus coordinate labels; decoding by soft-argmax.

    Encoding is MMPose's ``MSRAHeatmap`` and, for the STAR loss, ``keypoint_labels``: the
    keypoints in the [-1, 1] frame where soft-argmax reads the heatmaps, from one encoder
    (MMPose's combined-encoder mode stacks the keypoint weights into a shape that
    ``PackPoseInputs`` rejects for top-down samples). Decoding reads each heatmap, with
    negative values set to 0, as a distribution on the grid ``arange(n) / (n - 1) * 2 - 1``
    and returns its mean (:func:`~wingpose.codecs.utils.heatmap_distribution`, the statistic
    STAR's loss constrains) in input pixels. Scores are the heatmap maxima.

    The [-1, 1] frame (:mod:`wingpose.codecs.utils.coordinate_frames`):

    * ``align_corners=True``: it spans the heatmap's pixel centres, heatmap pixel ``j`` being
      input pixel ``j * stride``, as MMPose's ``MSRAHeatmap`` places its Gaussians;
    * ``align_corners=False``: it spans the input's outer pixel edges, ``u = (2 p + 1) / W - 1``,
      decoded as ``p = ((u + 1) W - 1) / 2``: the official STAR frame
      (``lib/dataset/alignmentDataset.py``, ``evaluate.py``), in which a Gaussian drawn at the
      input and downsampled bilinearly (``render_at_input``) peaks where its label points at the
      crop centre.

    Args:
        input_size (tuple): Input image size (w, h).
        heatmap_size (tuple): Heatmap size (w, h).
        sigma (float): Gaussian sigma, in heatmap pixels (input pixels with
            ``render_at_input``).
        render_at_input (bool): Draw the Gaussians at the input size and downsample them
            bilinearly to the heatmap size, as STAR's encoder does (``encoder_default.py``:
            sigma 1.5 at 256, then x0.25). Default: False.
        align_corners (bool): The [-1, 1] frame of labels and decoding (above). Default: True.
        clip_to_input (bool): Move keypoints outside the input onto its border before drawing
            their Gaussians and clip their labels to [-1, 1], so they stay supervised, as STAR's
            encoder does; MMPose gives them weight 0. Default: False.
    """

    label_mapping_table = dict(keypoint_labels='keypoint_labels',
                               keypoint_weights='keypoint_weights')

    def __init__(self, input_size: Tuple[int, int], heatmap_size: Tuple[int, int],
                 sigma: float, render_at_input: bool = False, align_corners: bool = True,
                 clip_to_input: bool = False, **kwargs):
        super().__init__(input_size, heatmap_size, sigma, **kwargs)
        self.render_at_input = render_at_input
        self.align_corners = align_corners
        self.clip_to_input = clip_to_input

    def encode(self, keypoints: np.ndarray,
               keypoints_visible: Optional[np.ndarray] = None) -> dict:
        """MSRA heatmaps and weights, and ``keypoint_labels`` (N, K, 2) in [-1, 1]."""
        drawn = keypoints
        if self.clip_to_input:
            drawn = np.clip(keypoints, 0, np.array(self.input_size) - 1)
        if self.render_at_input:
            encoded = self._render_at_input(drawn, keypoints_visible)
        else:
            encoded = super().encode(drawn, keypoints_visible)
        if self.align_corners:
            labels = normalize_coordinates(keypoints / self.scale_factor, self.heatmap_size, True)
        else:
            labels = normalize_coordinates(keypoints, self.input_size, False)
        if self.clip_to_input:
            labels = np.clip(labels, -1, 1)
        encoded['keypoint_labels'] = labels.astype(np.float32)
        return encoded

    def _render_at_input(self, keypoints: np.ndarray,
                         keypoints_visible: Optional[np.ndarray]) -> dict:
        """MMPose's Gaussians drawn at the input size, bilinearly downsampled to the heatmap
        size (``F.interpolate``, ``align_corners=False``), computed where they are non-zero.

        Each drawn Gaussian is the product of a row and a column profile, cut to MMPose's
        window (``generate_gaussian_heatmaps``: centre ``int(p + 0.5)``, window from
        ``int(centre - 3 sigma)``, ``2 * 3 sigma + 1`` wide), and bilinear resampling is
        separable: the heatmap is the outer product of the two resampled profiles. Equal to
        drawing at the input and downsampling, to float32 rounding.
        """
        if keypoints.shape[0] != 1:
            raise ValueError(f'render_at_input encodes one face, got {keypoints.shape[0]}')
        if keypoints_visible is None:
            keypoints_visible = np.ones(keypoints.shape[:2], dtype=np.float32)
        radius = self.sigma * 3
        centers = (keypoints[0, :, :2] + 0.5).astype(np.int64)
        lows = (centers - radius).astype(np.int64)
        highs = (centers + radius + 1).astype(np.int64)
        weights = keypoints_visible.astype(np.float32).copy()
        size = np.array(self.input_size)
        outside = (lows >= size).any(1) | (highs < 0).any(1)
        weights[0, outside] = 0
        drawn = weights[0] >= 0.5
        profiles = []
        for axis in (0, 1):
            span = int((highs - lows)[:, axis].max())
            offsets = np.arange(span)
            pixels = lows[:, axis, None] + offsets  # (K, span) each window's input pixels
            inside = ((offsets < (highs - lows)[:, axis, None]) & (pixels >= 0)
                      & (pixels < self.input_size[axis]) & drawn[:, None])
            gaussian = np.exp(-(offsets - int(2 * radius + 1) // 2)**2 / (2 * self.sigma**2))
            resize = bilinear_resize_matrix(self.input_size[axis], self.heatmap_size[axis]).T
            # each window's resampled profile: the resize weights of its pixels, weighted
            rows = resize[np.clip(pixels, 0, self.input_size[axis] - 1)]  # (K, span, out)
            profiles.append((np.where(inside, gaussian, 0.)[:, None] @ rows)[:, 0]
                            .astype(np.float32))
        heatmaps = profiles[1][:, :, None] * profiles[0][:, None, :]
        return dict(heatmaps=heatmaps, keypoint_weights=weights)

    def decode(self, encoded: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """(K, H, W) heatmaps -> keypoints (1, K, 2) in input pixels and scores (1, K)."""
        heatmaps = torch.from_numpy(np.ascontiguousarray(encoded, dtype=np.float64))
        mean = heatmap_distribution(heatmaps.clamp(min=0)[None]).mean[0].numpy()
        if self.align_corners:
            keypoints = denormalize_coordinates(mean, self.heatmap_size, True) * self.scale_factor
        else:
            keypoints = denormalize_coordinates(mean, self.input_size, False)
        return keypoints[None].astype(np.float32), encoded.reshape(len(encoded), -1).max(1)[None]
