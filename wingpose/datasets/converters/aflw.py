"""AFLW-19: ``AFLWinfo_release.mat`` (bbox [xmin, xmax, ymin, ymax], data 19 x then 19 y,
mask_new, nameList, ra), with the images under ``flickr/``."""
import os.path as osp
from typing import Dict, Iterator

import numpy as np

from .coco import ConversionError, face_record, image_size

NUM_TRAIN = 20000  # the first 20000 of the ``ra`` permutation train, the rest (4386) test


def load(mat_file: str) -> Dict[str, np.ndarray]:
    from scipy.io import loadmat
    from scipy.io.matlab import MatReadError
    try:
        mat = loadmat(mat_file)
    except (OSError, ValueError, NotImplementedError, MatReadError) as error:
        raise ConversionError(f'{mat_file}: cannot read as a MATLAB file: {error}') from None
    missing = {'bbox', 'data', 'mask_new', 'nameList', 'ra'} - set(mat)
    if missing:
        raise ConversionError(f'{mat_file}: missing variables {sorted(missing)}')
    return mat


def records(mat: Dict[str, np.ndarray], split: str, image_root: str,
            mat_file: str) -> Iterator[tuple]:
    """Records of a split; ``frontal`` = all 19 landmarks visible (the AFLW-Frontal subset)."""
    order = np.asarray(mat['ra']).reshape(-1).astype(int) - 1  # 1-based permutation
    boxes, data, masks = mat['bbox'], mat['data'], mat['mask_new']
    names = [str(np.asarray(n).reshape(-1)[0]) for n in np.asarray(mat['nameList']).reshape(-1)]
    if data.shape[1] != 38 or masks.shape[1] != 19 or boxes.shape[1] != 4:
        raise ConversionError(f'{mat_file}: expected data N x 38, mask_new N x 19, bbox N x 4, '
                              f'got {data.shape}, {masks.shape}, {boxes.shape}')
    if sorted(order.tolist()) != list(range(len(data))):
        raise ConversionError(f'{mat_file}: ra is not a permutation of 1..{len(data)}')
    if len(data) <= NUM_TRAIN:
        raise ConversionError(f'{mat_file}: {len(data)} faces; the AFLW-19 protocol trains on '
                              f'the first {NUM_TRAIN} of ra and tests on the rest (AFLW has '
                              '24386), so there would be no test set')
    chosen = order[:NUM_TRAIN] if split == 'train' else order[NUM_TRAIN:]
    for image_id, index in enumerate(chosen):
        where = f'{mat_file}, record {index + 1} ({names[index]})'
        x_min, x_max, y_min, y_max = boxes[index]
        points = np.stack([data[index, :19], data[index, 19:]], axis=1)
        visible = masks[index] > 0
        width, height = image_size(osp.join(image_root, names[index]), where)
        w, h = x_max - x_min, y_max - y_min
        # box_size: wingpose's metric measures boxes itself, but MMPose's AFLWDataset requires
        # the field in test mode and MMPose's NME normalises AFLW by it (norm_item='box_size')
        yield face_record(image_id, names[index], width, height, points,
                          np.where(visible, 2, 0), [x_min, y_min, w, h], where,
                          ['frontal'] if visible.all() else [],
                          box_size=float(np.sqrt(max(w, 0) * max(h, 0))))
