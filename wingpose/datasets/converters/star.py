"""STAR's annotation files (ADNet's metadata): one face a line, tab-separated.

Columns, as ``AlignmentDataset`` and ``evaluate.py`` of ZhenglinZhou/STAR read them: image path
(relative to the dataset's image folder), five landmarks (10 comma-separated values, unused
here), the K landmarks (2K comma-separated values, x y per landmark, 0-based pixels), the crop
scale (crop side / 200), the crop centre x and y, and optionally comma-separated tags. The
official crop is the square of side ``scale * 200`` around that centre (``GetCropMatrix``,
``target_face_scale`` 1): the converter keeps both as the annotation's ``center`` and ``scale``,
which :class:`~wingpose.datasets.FaceLandmarkDataset` turns into the crop box.
"""
import os.path as osp
from typing import Iterator

import numpy as np

from .coco import ConversionError, face_record, image_size, landmark_box

# prefixes that the official loaders strip from the image paths of ADNet's metadata
_PATH_PREFIXES = ('//msr-facestore/Workspace/MSRA_EP_Allergan/users/yanghuan/training_data/'
                  'wflw/rawImages/', './rawImages/')


def _numbers(field: str, where: str, what: str) -> np.ndarray:
    try:
        return np.array(field.split(','), dtype=np.float64)
    except ValueError:
        raise ConversionError(f'{where}: {what} must be comma-separated numbers, got '
                              f'{field[:60]!r}') from None


def image_path(path: str) -> str:
    """An image path of the metadata as the official loaders resolve it."""
    path = path.replace('\\', '/')
    for prefix in _PATH_PREFIXES:
        path = path.replace(prefix, '')
    return path


def records(tsv_file: str, image_root: str) -> Iterator[tuple]:
    """The faces of one STAR annotation file.

    A first line whose scale column is not a number is a header and skipped; a first line of
    numbers is a face, as ``evaluate.py`` reads it (``AlignmentDataset`` reads the files with
    pandas, which takes the first line as the header whatever it holds).
    """
    with open(tsv_file) as f:
        lines = [(n, line.rstrip('\r\n').split('\t')) for n, line in enumerate(f, start=1)
                 if line.strip()]
    if lines and len(lines[0][1]) >= 6:
        try:
            float(lines[0][1][3])
        except ValueError:
            lines = lines[1:]
    num_keypoints = None
    for image_id, (number, fields) in enumerate(lines):
        where = f'{tsv_file}, line {number}'
        if len(fields) < 6:
            raise ConversionError(f'{where}: expected at least 6 tab-separated columns (image, '
                                  f'5 landmarks, landmarks, scale, centre x, centre y), got '
                                  f'{len(fields)}')
        points = _numbers(fields[2], where, 'the landmarks')
        if points.size % 2 or points.size == 0:
            raise ConversionError(f'{where}: the landmarks must be x y pairs, got {points.size} '
                                  'values')
        if num_keypoints is None:
            num_keypoints = points.size // 2
        elif points.size != 2 * num_keypoints:
            raise ConversionError(f'{where}: {points.size // 2} landmarks, where the file\'s '
                                  f'first face has {num_keypoints}')
        points = points.reshape(-1, 2)
        scale, center_x, center_y = _numbers(','.join(fields[3:6]), where,
                                             'scale and centre')
        tags = [int(v) for v in _numbers(fields[6], where, 'the tags')] if (
            len(fields) > 6 and fields[6].strip()) else []
        file_name = image_path(fields[0])
        width, height = image_size(osp.join(image_root, file_name), where)
        yield face_record(image_id, file_name, width, height, points,
                          np.full(len(points), 2), landmark_box(points), where,
                          center=[center_x, center_y], scale=scale, tags=tags)
