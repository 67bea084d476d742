"""Gaussian heatmap targets with coordinate labels, decoded by soft-argmax (STAR models)."""
from typing import Optional, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from mmpose.codecs import MSRAHeatmap

from wingpose.registry import KEYPOINT_CODECS
from ..models.utils import heatmap_distribution


@KEYPOINT_CODECS.register_module()
class SoftArgmaxHeatmap(MSRAHeatmap):
    """MSRA Gaussian heatmaps plus coordinate labels; decoding by soft-argmax.

    Encoding is MMPose's ``MSRAHeatmap`` and, for the STAR loss, ``keypoint_labels``: the
    keypoints normalised to the input size (as ``RegressionLabel`` gives them), from one
    encoder (MMPose's combined-encoder mode stacks the keypoint weights into a shape that
    ``PackPoseInputs`` rejects for top-down samples). Decoding reads each heatmap, with
    negative values set to 0, as a distribution and returns its mean: the statistic STAR's
    loss constrains (:func:`~wingpose.models.utils.heatmap_distribution`), mapped
    from the heatmap's [-1, 1] grid to input pixels. Scores are the heatmap maxima.
    """

    label_mapping_table = dict(keypoint_labels='keypoint_labels',
                               keypoint_weights='keypoint_weights')

    def __init__(self, input_size: Tuple[int, int], heatmap_size: Tuple[int, int],
                 sigma: float, render_at_input: bool = False, **kwargs):
        """``render_at_input``: draw the Gaussians at the input size, ``sigma`` in input
        pixels, and downsample them bilinearly to the heatmap size, as STAR's encoder does
        (``encoder_default.py``: sigma 1.5 at 256, then x0.25: about 0.375 heatmap pixels)."""
        super().__init__(input_size, heatmap_size, sigma, **kwargs)
        self.render_at_input = render_at_input

    def encode(self, keypoints: np.ndarray,
               keypoints_visible: Optional[np.ndarray] = None) -> dict:
        """MSRA heatmaps and weights, and ``keypoint_labels`` (N, K, 2) in [0, 1]."""
        if self.render_at_input:
            encoded = MSRAHeatmap(self.input_size, self.input_size, self.sigma).encode(
                keypoints, keypoints_visible)
            w, h = self.heatmap_size
            encoded['heatmaps'] = F.interpolate(
                torch.from_numpy(encoded['heatmaps'])[None], size=(h, w), mode='bilinear',
                align_corners=False)[0].numpy()
        else:
            encoded = super().encode(keypoints, keypoints_visible)
        encoded['keypoint_labels'] = (keypoints / np.array(self.input_size)).astype(np.float32)
        return encoded

    def decode(self, encoded: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """(K, H, W) heatmaps -> keypoints (1, K, 2) in input pixels and scores (1, K)."""
        heatmaps = torch.from_numpy(np.ascontiguousarray(encoded, dtype=np.float64))
        mean = heatmap_distribution(heatmaps.clamp(min=0)[None]).mean[0].numpy()
        w, h = self.heatmap_size
        keypoints = (mean + 1) / 2 * [w - 1, h - 1] * self.scale_factor
        return keypoints[None].astype(np.float32), encoded.reshape(len(encoded), -1).max(1)[None]
