"""Boundary heatmaps of the Adaptive Wing paper (Wang et al., ICCV 2019, Sec. 4.3)."""
from typing import Dict, Optional, Sequence

import numpy as np
from mmcv.transforms import BaseTransform

from wingpose.registry import TRANSFORMS


def _closed(chain: Sequence[int]) -> tuple:
    return tuple(chain) + (chain[0], )


# Facial boundary lines as chains of keypoint indices, per number of keypoints.
BOUNDARY_PRESETS: Dict[int, tuple] = {
    # 300W / iBUG 68: jaw, brows, nose bridge and base, eyelids, outer and inner lips (13)
    68: (tuple(range(0, 17)), tuple(range(17, 22)), tuple(range(22, 27)), tuple(range(27, 31)),
         tuple(range(31, 36)), (36, 37, 38, 39), (39, 40, 41, 36), (42, 43, 44, 45),
         (45, 46, 47, 42), tuple(range(48, 55)), (54, 55, 56, 57, 58, 59, 48),
         (60, 61, 62, 63, 64), (64, 65, 66, 67, 60)),
    # WFLW 98: jaw, brows, nose bridge and base, eyelids, outer and inner lips (13)
    98: (tuple(range(0, 33)), _closed(tuple(range(33, 42))), _closed(tuple(range(42, 51))),
         tuple(range(51, 55)), tuple(range(55, 60)), (60, 61, 62, 63, 64), (64, 65, 66, 67, 60),
         (68, 69, 70, 71, 72), (72, 73, 74, 75, 68), tuple(range(76, 83)),
         (82, 83, 84, 85, 86, 87, 76), (88, 89, 90, 91, 92), (92, 93, 94, 95, 88)),
}


def boundary_distance_maps(points: np.ndarray, chains: Sequence[Sequence[int]], size: tuple,
                           sigma: float = 1., cutoff: float = 3.) -> np.ndarray:
    """Gaussian maps of the distance to each polyline: ``exp(-d^2 / 2 sigma^2)`` for
    ``d < cutoff * sigma``, else 0.

    Args:
        points (np.ndarray): (K, 2) keypoints in heatmap pixels.
        chains: keypoint indices of each polyline.
        size (tuple): heatmap (width, height).

    Returns:
        np.ndarray: (B, height, width) float32.
    """
    w, h = size
    grid = np.stack(np.meshgrid(np.arange(w), np.arange(h)), axis=-1).reshape(-1, 1, 2)
    maps = []
    for chain in chains:
        start, end = points[list(chain[:-1])], points[list(chain[1:])]  # (S, 2) segments
        direction = end - start
        length2 = np.maximum((direction**2).sum(-1), 1e-12)
        along = np.clip(((grid - start) * direction).sum(-1) / length2, 0, 1)  # (HW, S)
        nearest = start + along[..., None] * direction
        distance = np.sqrt(((grid - nearest)**2).sum(-1)).min(axis=1).reshape(h, w)
        maps.append(np.where(distance < cutoff * sigma,
                             np.exp(-distance**2 / (2 * sigma**2)), 0.))
    return np.stack(maps).astype(np.float32)


@TRANSFORMS.register_module()
class GenerateBoundaryHeatmaps(BaseTransform):
    """Append boundary heatmaps to the landmark heatmaps made by ``GenerateTarget``.

    Each boundary line (a chain of keypoints, :data:`BOUNDARY_PRESETS` for 68 and 98
    keypoints) becomes a Gaussian map of the distance to the polyline through its transformed
    keypoints (``sigma`` = 1 heatmap pixel, cut at 3 sigma, as in the AWing paper). The maps
    follow the K landmark maps in ``heatmaps`` (K + B channels) and ``keypoint_weights`` gets
    a weight per boundary: 1 if all its keypoints are visible, else 0. Train them with a head
    that knows the boundary channels (``BoundaryHeatmapHead`` / ``STARHeatmapHead`` with
    ``num_boundaries=B``). Add it after ``GenerateTarget`` in the training pipeline.

    Args:
        boundaries (Sequence[Sequence[int]], optional): The chains; None takes the preset for
            the number of keypoints.
        sigma (float): Gaussian sigma in heatmap pixels. Default: 1.
        cutoff (float): Distance cut-off in sigmas. Default: 3.
    """

    def __init__(self, boundaries: Optional[Sequence[Sequence[int]]] = None, sigma: float = 1.,
                 cutoff: float = 3.):
        self.boundaries = boundaries
        self.sigma = sigma
        self.cutoff = cutoff

    def transform(self, results: dict) -> dict:
        if 'heatmaps' not in results or 'transformed_keypoints' not in results:
            raise KeyError('GenerateBoundaryHeatmaps needs the heatmaps and transformed '
                           'keypoints: put it after TopdownAffine and GenerateTarget')
        heatmaps = results['heatmaps']
        num_keypoints, h, w = heatmaps.shape
        chains = self.boundaries if self.boundaries is not None else \
            BOUNDARY_PRESETS.get(num_keypoints)
        if chains is None:
            raise ValueError(f'no boundary preset for {num_keypoints} keypoints (presets: '
                             f'{sorted(BOUNDARY_PRESETS)}); pass boundaries=[[...], ...]')
        scale = np.array([w, h]) / np.array(results['input_size'])
        points = results['transformed_keypoints'][0] * scale
        visible = np.asarray(results['keypoints_visible']).reshape(-1) > 0
        maps = boundary_distance_maps(points, chains, (w, h), self.sigma, self.cutoff)
        weights = np.array([[visible[list(c)].all() for c in chains]], dtype=np.float32)
        results['heatmaps'] = np.concatenate([heatmaps, maps])
        results['keypoint_weights'] = np.concatenate(
            [results['keypoint_weights'], weights], axis=1).astype(np.float32)
        return results
