"""The crop of the official STAR code: box centre on the crop's centre pixel."""
from typing import Dict, Optional, Sequence, Tuple

import cv2
import numpy as np
from mmpose.datasets.transforms import TopdownAffine

from wingpose.registry import TRANSFORMS


def align_corners_crop_matrix(center: Sequence[float], size: Sequence[float], rotation: float,
                              output_size: Tuple[int, int]) -> np.ndarray:
    """The 3 x 3 float32 matrix from the image to a crop of ``output_size`` (w, h) pixels.

    The box of ``size`` (w, h) around ``center`` fills the crop, its centre on
    ``((w - 1) / 2, (h - 1) / 2)``, rotated by ``rotation`` degrees as MMPose's
    ``get_warp_matrix`` rotates: ``A = (w / size) [[cos, sin], [-sin, cos]]``. Computed in
    double and rounded to float32 as STAR's ``GetCropMatrix`` (``align_corners=True``) does.
    """
    w, h = output_size
    zoom = w / float(size[0])
    cos, sin = np.cos(np.deg2rad(rotation)) * zoom, np.sin(np.deg2rad(rotation)) * zoom
    cx, cy = (float(v) for v in center)
    return np.array([[cos, sin, (w - 1) / 2. - cos * cx - sin * cy],
                     [-sin, cos, (h - 1) / 2. + sin * cx - cos * cy],
                     [0., 0., 1.]], dtype=np.float32)


def contiguous_image(img: np.ndarray) -> np.ndarray:
    """``img`` in C order, as OpenCV takes it.

    MMPose's ``RandomFlip`` leaves a reversed view (``np.flip``), which OpenCV copies element by
    element before it reads it (4 ms for a 1024 x 700 image); flipped back to the contiguous
    array it views, ``cv2.flip`` makes the same flipped copy 50 times faster.
    """
    if img.flags.c_contiguous:
        return img
    for axes, code in (((1, ), 1), ((0, ), 0), ((0, 1), -1)):
        source = np.flip(img, axes)
        if source.flags.c_contiguous:
            return cv2.flip(source, code)
    return np.ascontiguousarray(img)


@TRANSFORMS.register_module()
class AlignCornersTopdownAffine(TopdownAffine):
    """MMPose's ``TopdownAffine`` with the box centre mapped to ``((w - 1) / 2, (h - 1) / 2)``.

    MMPose maps the box centre to ``(w / 2, h / 2)``; STAR's ``GetCropMatrix`` (with
    ``align_corners=True``, ``lib/dataset/augmentation.py`` and ``evaluate.py``) maps it to the
    centre of the crop's middle, 127.5 for 256 pixels: its crop samples the image half a crop
    pixel away from MMPose's. Both scale by ``w / box size`` and rotate about the centre.

    The matrix is :func:`align_corners_crop_matrix` and the image is resampled by
    ``cv2.warpPerspective``, as the official code does: ``cv2.warpAffine`` quantises the sample
    positions differently and gives crops up to 7 grey levels apart on upscaled faces. The
    keypoints go through the same matrix. ``input_center`` is the image point on the crop's
    ``(w / 2, h / 2)``: MMPose's estimators map predictions back with it
    (``p / w * scale + input_center - scale / 2``), which inverts this crop exactly when it is
    not rotated. A flipped view of the image is made contiguous with ``cv2.flip``
    (:func:`contiguous_image`). ``use_udp`` is not supported (UDP has its own centre convention).
    """

    def __init__(self, input_size: Tuple[int, int], use_udp: bool = False) -> None:
        if use_udp:
            raise ValueError('AlignCornersTopdownAffine: use_udp=True is not supported; use '
                             "MMPose's TopdownAffine for UDP")
        super().__init__(input_size, use_udp=False)

    def transform(self, results: Dict) -> Optional[dict]:
        w, h = self.input_size
        results['bbox_scale'] = self._fix_aspect_ratio(results['bbox_scale'],
                                                       aspect_ratio=w / h)
        if results['bbox_center'].shape[0] != 1:
            raise ValueError('AlignCornersTopdownAffine crops one face, got '
                             f'{results["bbox_center"].shape[0]} boxes')
        center, scale = results['bbox_center'][0], results['bbox_scale'][0]
        rotation = results['bbox_rotation'][0] if 'bbox_rotation' in results else 0.
        matrix = align_corners_crop_matrix(center, scale, rotation, (w, h))

        def warp(img: np.ndarray) -> np.ndarray:
            return cv2.warpPerspective(contiguous_image(img), matrix, (int(w), int(h)),
                                       flags=cv2.INTER_LINEAR)

        results['img'] = [warp(img) for img in results['img']] if isinstance(
            results['img'], list) else warp(results['img'])
        if results.get('keypoints') is not None:
            transformed = results['keypoints'].copy()
            transformed[..., :2] = results['keypoints'][..., :2] @ matrix[:2, :2].T \
                + matrix[:2, 2]
            results['transformed_keypoints'] = transformed
        else:
            results['transformed_keypoints'] = np.zeros([])
            results['keypoints_visible'] = np.ones((1, 1, 1))
        results['input_size'] = (w, h)
        results['input_center'] = np.linalg.solve(
            matrix[:2, :2].astype(np.float64), [w / 2, h / 2] - matrix[:2, 2]).astype(np.float32)
        results['input_scale'] = scale
        return results
