"""Training augmentations of the STAR code (``lib/dataset/augmentation.py``) that MMPose lacks.

The texture transforms act on the cropped face (put them after ``TopdownAffine``) and on uint8
images, as the STAR code's ``RandomTexture`` does, in its order: occlusion, blur, gamma, noise,
then grey (MMCV's ``RandomGrayscale``). Randomness comes from NumPy's global generator, which
MMEngine seeds (``randomness=dict(seed=...)``).
"""
from typing import Tuple

import cv2
import numpy as np
from mmcv.transforms import BaseTransform
from mmcv.transforms.utils import cache_randomness
from mmpose.datasets.transforms import RandomBBoxTransform

from wingpose.registry import TRANSFORMS


def _check_probability(name: str, prob: float) -> None:
    if not 0 <= prob <= 1:
        raise ValueError(f'{name}: prob must be in [0, 1], got {prob}')


@TRANSFORMS.register_module()
class RandomNormalBBoxTransform(RandomBBoxTransform):
    """MMPose's ``RandomBBoxTransform`` with STAR's untruncated normal draws, always applied.

    STAR (``GetRandomGeometryMatrix``) shifts the face by N(0, ``shift_sigma``) of the crop
    size, rotates it by N(0, ``rotate_sigma``) degrees and zooms it by N(1, ``scale_sigma``);
    here the box is scaled by the inverse zoom (a larger box is a smaller face). MMPose's
    transform draws from a normal truncated at one sigma, each with a probability.

    Args:
        shift_sigma (float): Shift sigma, a fraction of the box size. Default: 0.05.
        scale_sigma (float): Zoom sigma. Default: 0.1.
        rotate_sigma (float): Rotation sigma in degrees. Default: 18.
    """

    def __init__(self, shift_sigma: float = 0.05, scale_sigma: float = 0.1,
                 rotate_sigma: float = 18.):
        super().__init__(shift_factor=shift_sigma, shift_prob=1., scale_prob=1.,
                         rotate_factor=rotate_sigma, rotate_prob=1.)
        self.scale_sigma = scale_sigma

    @cache_randomness
    def _get_transform_params(self, num_bboxes: int) -> Tuple:
        draws = np.random.normal(size=(num_bboxes, 4)).astype(np.float32)
        offset = draws[:, :2] * self.shift_factor
        zoom = np.maximum(1 + draws[:, 2:3] * self.scale_sigma, 1e-2)
        return offset, 1 / zoom, draws[:, 3] * self.rotate_factor


@TRANSFORMS.register_module()
class RandomOcclusion(BaseTransform):
    """Black out a random rectangle (STAR's ``add_occ``): height ``rh`` ~ U(0.2, 0.8) and width
    ``rh - 0.2 + U(0, 0.4)`` of half the image, centred anywhere in the image.

    Args:
        prob (float): Probability. Default: 0.4 (STAR).
    """

    def __init__(self, prob: float = 0.4):
        _check_probability(type(self).__name__, prob)
        self.prob = prob

    def transform(self, results: dict) -> dict:
        if np.random.rand() >= self.prob:
            return results
        img = results['img'].copy()
        h, w = img.shape[:2]
        rh = 0.2 + 0.6 * np.random.rand()
        rw = rh - 0.2 + 0.4 * np.random.rand()
        cx, cy = int((w - 1) * np.random.rand()), int((h - 1) * np.random.rand())
        dw, dh = int(w / 2 * rw), int(h / 2 * rh)
        img[max(0, cy - dh // 2):min(h - 1, cy + dh // 2) + 1,
            max(0, cx - dw // 2):min(w - 1, cx + dw // 2) + 1] = 0
        results['img'] = img
        return results


@TRANSFORMS.register_module()
class RandomBlur(BaseTransform):
    """Blur with a kernel of up to ``max_ratio`` of the image size: a box blur as STAR's
    ``add_blur``, or a Gaussian (sigma from the kernel size, OpenCV's rule) as the AWing
    paper; kernels under 2 pixels leave the image as it is.

    Args:
        prob (float): Probability. Default: 0.3 (STAR).
        max_ratio (float): Largest kernel as a fraction of the mean side. Default: 0.05.
        kind (str): ``'box'`` or ``'gaussian'``. Default: ``'box'``.
    """

    def __init__(self, prob: float = 0.3, max_ratio: float = 0.05, kind: str = 'box'):
        _check_probability(type(self).__name__, prob)
        if kind not in ('box', 'gaussian'):
            raise ValueError(f"RandomBlur: kind must be 'box' or 'gaussian', got {kind!r}")
        self.prob = prob
        self.max_ratio = max_ratio
        self.kind = kind

    def transform(self, results: dict) -> dict:
        if np.random.rand() >= self.prob:
            return results
        img = results['img']
        size = int(sum(img.shape[:2]) / 2 * self.max_ratio * np.random.rand())
        if size > 1:
            results['img'] = (cv2.blur(img, (size, size)) if self.kind == 'box' else
                              cv2.GaussianBlur(img, (size | 1, size | 1), 0))
        return results


@TRANSFORMS.register_module()
class RandomGamma(BaseTransform):
    """``255 (img / 255) ** gamma`` with gamma ~ U(0.25, 1) or U(1, 4), each half of the time
    (STAR's ``add_gamma``).

    Args:
        prob (float): Probability. Default: 0.2 (STAR).
    """

    def __init__(self, prob: float = 0.2):
        _check_probability(type(self).__name__, prob)
        self.prob = prob

    def transform(self, results: dict) -> dict:
        if np.random.rand() >= self.prob:
            return results
        gamma = (0.25 + 0.75 * np.random.rand() if np.random.rand() < 0.5 else
                 1 + 3 * np.random.rand())
        results['img'] = ((results['img'] / 255.)**gamma * 255).astype(np.uint8)
        return results


@TRANSFORMS.register_module()
class RandomNoiseBlend(BaseTransform):
    """Blend the image with uniform uint8 noise, ``(1 - a) img + a noise``, a ~ U(0,
    ``max_alpha``) (STAR's ``add_nose_fusion``).

    Args:
        prob (float): Probability. Default: 0.2 (STAR).
        max_alpha (float): Largest noise weight. Default: 0.5.
    """

    def __init__(self, prob: float = 0.2, max_alpha: float = 0.5):
        _check_probability(type(self).__name__, prob)
        self.prob = prob
        self.max_alpha = max_alpha

    def transform(self, results: dict) -> dict:
        if np.random.rand() >= self.prob:
            return results
        img = results['img']
        noise = np.random.randint(0, 256, img.shape, dtype=np.uint8)
        alpha = self.max_alpha * np.random.rand()
        results['img'] = ((1 - alpha) * img + alpha * noise).astype(np.uint8)
        return results
