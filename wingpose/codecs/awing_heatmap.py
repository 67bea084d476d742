"""The landmark heatmaps and argmax decoding of the official Adaptive Wing code."""
from typing import Optional, Tuple

import numpy as np
from mmpose.codecs.base import BaseKeypointCodec

from wingpose.registry import KEYPOINT_CODECS


@KEYPOINT_CODECS.register_module()
class AWingHeatmap(BaseKeypointCodec):
    """Heatmaps drawn and read as ``protossw512/AdaptiveWingLoss`` does (Wang et al., ICCV 2019).

    The official code places the crop's pixel corners at integer coordinates; MMPose (and
    wingpose) places pixel centres there, so a keypoint ``p`` of the input is ``p' = p + 1/2``
    in the official frame. With the stride ``s`` (input size / heatmap size):

    * **encoding** (``draw_gaussian(heatmap, p' / s + 1, 1)`` in ``core/dataloader.py``,
      ``utils/utils.py``): a Gaussian of std ``sigma`` (``_gaussian(7)``: 0.25 of its 7-pixel
      window, 1.75 heatmap pixels) cut to a ``(2 radius + 1)``-pixel square, its peak at the
      heatmap pixel ``floor(p' / s)``, peak 1. Near the top and left borders the
      official window is cut at its far end rather than at the border, which moves the peak
      towards the inside; that rule is kept. A keypoint with ``x' <= 0`` gets an empty map.
    * **decoding** (``get_preds_fromhm``): the argmax pixel ``i`` plus a quarter pixel
      towards the larger of its two neighbours on each axis, when the pixel is not on the
      border, is ``p' = s (i + 1/2 +- 1/4)``, returned as ``p = p' - 1/2``.

    MMPose's ``MSRAHeatmap`` instead centres a 3-sigma Gaussian on ``round(p / s)`` and decodes
    ``s (i +- 1/4)``: 1.5 input pixels away from the official decoding on each axis.

    Args:
        input_size (tuple): Input image size (w, h).
        heatmap_size (tuple): Heatmap size (w, h).
        sigma (float): The Gaussian's std in heatmap pixels. Default: 1.75.
        radius (int): The window's half-size in heatmap pixels. Default: 3.
    """

    label_mapping_table = dict(keypoint_weights='keypoint_weights')
    field_mapping_table = dict(heatmaps='heatmaps')

    def __init__(self, input_size: Tuple[int, int], heatmap_size: Tuple[int, int],
                 sigma: float = 1.75, radius: int = 3) -> None:
        super().__init__()
        if sigma <= 0 or radius < 0 or int(radius) != radius:
            raise ValueError(f'AWingHeatmap: sigma must be > 0 and radius an integer >= 0, '
                             f'got sigma={sigma}, radius={radius}')
        self.input_size = tuple(input_size)
        self.heatmap_size = tuple(heatmap_size)
        self.sigma = sigma
        self.radius = int(radius)
        self.scale_factor = (np.array(input_size) / heatmap_size).astype(np.float32)
        offsets = np.arange(-self.radius, self.radius + 1)
        self.gaussian = np.exp(-(offsets[:, None]**2 + offsets[None]**2) /
                               (2 * sigma**2)).astype(np.float32)

    def _window(self, cell: int, size: int) -> Tuple[slice, slice]:
        """The official heatmap and Gaussian index ranges of one axis (``draw_gaussian``, whose
        indices are 1-based); the peak's 1-based pixel is ``cell``."""
        low, high = cell - self.radius, cell + self.radius
        start = max(1, -low) - 1
        return (slice(max(1, low) - 1, min(high, size)),
                slice(start, start + min(high, size) - max(1, low) + 1))

    def encode(self, keypoints: np.ndarray,
               keypoints_visible: Optional[np.ndarray] = None) -> dict:
        """One face's keypoints (1, K, 2) in input pixels -> heatmaps (K, H, W) and
        ``keypoint_weights`` (1, K)."""
        if keypoints.shape[0] != 1:
            raise ValueError(f'AWingHeatmap encodes one face, got {keypoints.shape[0]}')
        if keypoints_visible is None:
            keypoints_visible = np.ones(keypoints.shape[:2], dtype=np.float32)
        w, h = self.heatmap_size
        heatmaps = np.zeros((keypoints.shape[1], h, w), dtype=np.float32)
        corners = keypoints[0, :, :2] + 0.5
        cells = np.floor(corners / self.scale_factor + 1).astype(np.int64)
        drawn = ((keypoints_visible[0] >= 0.5) & (corners[:, 0] > 0)
                 & (cells - self.radius <= [w, h]).all(1) & (cells + self.radius >= 1).all(1))
        whole = drawn & (cells - self.radius >= 1).all(1) & (cells + self.radius <= [w, h]).all(1)
        # windows inside the map, all at once: rows and columns from cell - radius - 1
        offsets = np.arange(2 * self.radius + 1)
        top_left = cells[whole] - self.radius - 1
        heatmaps[np.nonzero(whole)[0][:, None, None], top_left[:, 1, None, None]
                 + offsets[:, None], top_left[:, 0, None, None] + offsets] = self.gaussian
        for k in np.nonzero(drawn & ~whole)[0]:  # windows cut by the border
            (map_x, g_x), (map_y, g_y) = self._window(cells[k, 0], w), \
                self._window(cells[k, 1], h)
            heatmaps[k, map_y, map_x] = self.gaussian[g_y, g_x]
        return dict(heatmaps=heatmaps,
                    keypoint_weights=(keypoints_visible > 0.5).astype(np.float32))

    def decode(self, encoded: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """(K, H, W) heatmaps -> keypoints (1, K, 2) in input pixels and scores (1, K)."""
        k, h, w = encoded.shape
        flat = encoded.reshape(k, -1)
        index = flat.argmax(axis=1)
        x, y = index % w, index // w
        position = np.stack([x, y], axis=-1).astype(np.float64) + 0.5
        inside = (x > 0) & (x < w - 1) & (y > 0) & (y < h - 1)
        for j in np.nonzero(inside)[0]:
            heatmap, px, py = encoded[j], x[j], y[j]
            position[j] += 0.25 * np.sign([heatmap[py, px + 1] - heatmap[py, px - 1],
                                           heatmap[py + 1, px] - heatmap[py - 1, px]])
        keypoints = position * self.scale_factor - 0.5
        return keypoints[None].astype(np.float32), flat.max(axis=1)[None]
