"""WFLW: ``list_98pt_rect_attr_{train,test}.txt`` (207 tokens a line) and ``WFLW_images/``."""
import os.path as osp
from typing import Iterator, List, Sequence, Tuple

import numpy as np

from .coco import ConversionError, face_record, image_size

ATTRIBUTES = ('pose', 'expression', 'illumination', 'makeup', 'occlusion', 'blur')
TOKENS = 98 * 2 + 4 + len(ATTRIBUTES) + 1


def awing_crop(box_xyxy: Sequence[float], points: np.ndarray) -> Tuple[List[float], float]:
    """Centre and scale (side / 200) of the official Adaptive Wing test crop of a WFLW face.

    ``dataset/convert_WFLW.py`` pads the integer box by 5 % per side, crops a square of side
    ``L = 200 (w + h) / f`` (``f`` = 250, less 10 while a landmark falls within 10 pixels of the
    border) from ``int(c - L // 2)`` and resizes it to 450 pixels; ``core/dataloader.py``
    crops the middle 360 of those and resizes them to 256. Composed, the network sees the
    square of side ``0.8 W`` around the first crop's centre, ``W`` its width in pixels. The
    official code puts pixel corners at integers: the centre is returned with pixel centres at
    integers (less 1/2), for a crop that maps it to the crop's centre pixel
    (``AlignCornersTopdownAffine``). Not reproduced: the 450-pixel JPEG (quality 75) between
    the two resizes, and the landmarks scaled by ``450 / L`` where ``int`` pixels were cropped.
    """
    left, top, right, bottom = (int(v) for v in box_xyxy)
    pad_x, pad_y = int(0.05 * (right - left) / 2), int(0.05 * (bottom - top) / 2)
    left, top, right, bottom = max(0, left - pad_x), max(0, top - pad_y), right + pad_x, \
        bottom + pad_y
    center = np.array([right - (right - left) / 2., bottom - (bottom - top) / 2.],
                      dtype=np.float32)  # a float32 tensor in the official code
    for factor in range(250, 0, -10):
        length = 200. * (right - left + bottom - top) / factor
        low = (center - length // 2).astype(np.int64)
        high = (center + length // 2).astype(np.int64)
        crop = (points - low) * 450 / length
        if crop.min() >= 10 and crop.max() <= 440:
            break
    else:
        raise ConversionError(f'no AWing crop of the box {list(box_xyxy)} holds the landmarks')
    side = 0.8 * float(np.mean(high - low))
    return [float(v) for v in (low + high) / 2 - 0.5], side / 200


def records(list_file: str, image_root: str, crop: str = 'box') -> Iterator[tuple]:
    """The faces of a WFLW list. ``crop='box'``: MMPose's crop box (the WFLW box);
    ``crop='awing'``: the official Adaptive Wing test crop (:func:`awing_crop`), with the
    landmarks moved from the official code's pixel-corner frame to pixel centres (less 1/2)."""
    if crop not in ('box', 'awing'):
        raise ValueError(f"crop must be 'box' or 'awing', got {crop!r}")
    if not osp.isfile(list_file):
        raise ConversionError(f'list file not found: {list_file} (LIST_DIR holds '
                              'list_98pt_rect_attr_train.txt and list_98pt_rect_attr_test.txt)')
    with open(list_file) as f:
        lines = [(n, line.split()) for n, line in enumerate(f, start=1) if line.strip()]
    for image_id, (number, tokens) in enumerate(lines):
        where = f'{list_file}, line {number}'
        if len(tokens) != TOKENS:
            raise ConversionError(f'{where}: expected {TOKENS} tokens (196 coordinates, box, '
                                  f'6 attributes, image path), got {len(tokens)}')
        try:
            values = np.array(tokens[:-1], dtype=np.float64)
        except ValueError as error:
            raise ConversionError(f'{where}: {error}') from None
        points = values[:196].reshape(98, 2)
        x0, y0, x1, y1 = values[196:200]
        flags = values[200:206]
        if not set(flags) <= {0., 1.}:
            raise ConversionError(f'{where}: attribute flags must be 0 or 1, got {flags.tolist()}')
        subsets = [name for name, flag in zip(ATTRIBUTES, flags) if flag]
        file_name = tokens[-1]
        width, height = image_size(osp.join(image_root, file_name), where)
        center = scale = None
        if crop == 'awing':
            center, scale = awing_crop([x0, y0, x1, y1], points)
            points = points - 0.5
        yield face_record(image_id, file_name, width, height, points, np.full(98, 2),
                          [x0, y0, x1 - x0, y1 - y0], where, subsets, center=center,
                          scale=scale, attributes=dict(zip(ATTRIBUTES, map(int, flags))))
