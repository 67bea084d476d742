"""WFLW: ``list_98pt_rect_attr_{train,test}.txt`` (207 tokens a line) and ``WFLW_images/``."""
import os.path as osp
from typing import Iterator

import numpy as np

from .coco import ConversionError, face_record, image_size

ATTRIBUTES = ('pose', 'expression', 'illumination', 'makeup', 'occlusion', 'blur')
TOKENS = 98 * 2 + 4 + len(ATTRIBUTES) + 1


def records(list_file: str, image_root: str) -> Iterator[tuple]:
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
        yield face_record(image_id, file_name, width, height, points, np.full(98, 2),
                          [x0, y0, x1 - x0, y1 - y0], where, subsets,
                          attributes=dict(zip(ATTRIBUTES, map(int, flags))))
