"""The crop of the official STAR code: box centre on the crop's centre pixel."""
from typing import Dict, Optional

import numpy as np
from mmpose.datasets.transforms import TopdownAffine
from mmpose.structures.bbox import get_warp_matrix

from wingpose.registry import TRANSFORMS


@TRANSFORMS.register_module()
class AlignCornersTopdownAffine(TopdownAffine):
    """MMPose's ``TopdownAffine`` with the box centre mapped to ``((w - 1) / 2, (h - 1) / 2)``.

    MMPose maps the box centre to ``(w / 2, h / 2)``; STAR's ``GetCropMatrix`` (with
    ``align_corners=True``, ``lib/dataset/augmentation.py`` and ``evaluate.py``) maps it to
    the centre of the crop's middle, ``127.5`` for 256 pixels: its crop samples the image half a
    crop pixel away from MMPose's. Both scale by ``w / box size`` and rotate about the centre.

    The crop is MMPose's crop of the box moved by ``A^-1 (1/2, 1/2)``, ``A`` the warp's linear
    part, so ``input_center`` is that moved centre: MMPose's estimators map predictions back
    with it (``p / w * scale + input_center - scale / 2``), which inverts this crop exactly.
    ``use_udp`` is not supported (UDP has its own centre convention).
    """

    def __init__(self, input_size, use_udp: bool = False) -> None:
        if use_udp:
            raise ValueError('AlignCornersTopdownAffine: use_udp=True is not supported; use '
                             "MMPose's TopdownAffine for UDP")
        super().__init__(input_size, use_udp=False)

    def transform(self, results: Dict) -> Optional[dict]:
        w, h = self.input_size
        scale = self._fix_aspect_ratio(results['bbox_scale'], aspect_ratio=w / h)
        centers = results['bbox_center']
        rotations = results.get('bbox_rotation', np.zeros(len(centers)))
        moved = []
        for center, size, rotation in zip(centers, scale, rotations):
            linear = get_warp_matrix(center, size, rotation, output_size=(w, h))[:, :2]
            moved.append(center + np.linalg.solve(linear, [0.5, 0.5]))
        results['bbox_center'] = np.asarray(moved, dtype=np.float32)
        results = super().transform(results)
        results['bbox_center'] = centers
        return results
