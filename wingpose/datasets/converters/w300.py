"""300W: ``.pts`` files beside the images of afw, helen, lfpw and ibug (1-based coordinates)."""
import glob
import os.path as osp
from typing import Iterator, List, Tuple

import numpy as np

from .coco import ConversionError, face_record, image_size, landmark_box

IMAGE_EXTENSIONS = ('.jpg', '.png', '.jpeg', '.ppm', '.bmp')
# The standard split: train = AFW + HELEN train + LFPW train (3148); test = common (HELEN test +
# LFPW test, 554) and challenge (iBUG, 135).
SPLITS = {
    'train': [('afw', ()), ('helen/trainset', ()), ('lfpw/trainset', ())],
    'test': [('helen/testset', ('common', )), ('lfpw/testset', ('common', )),
             ('ibug', ('challenge', ))],
}


def read_pts(path: str, num_keypoints: int = 68) -> np.ndarray:
    """The (n, 2) points of a ``.pts`` file, converted to 0-based coordinates."""
    with open(path) as f:
        lines = [line.strip() for line in f]
    try:
        start, end = lines.index('{'), lines.index('}')
    except ValueError:
        raise ConversionError(f'{path}: no "{{ ... }}" block of points') from None
    header = dict(line.split(':', 1) for line in lines[:start] if ':' in line)
    declared = int(header.get('n_points', -1))
    body = lines[start + 1:end]
    if declared != num_keypoints or len(body) != num_keypoints:
        raise ConversionError(f'{path}: expected {num_keypoints} points, header says {declared} '
                              f'and the block holds {len(body)}')
    points = []
    for number, line in enumerate(body, start=start + 2):
        tokens = line.split()
        try:
            x, y = (float(t) for t in tokens)
        except ValueError:
            raise ConversionError(f'{path}, line {number}: expected "x y", got {line!r}') from None
        if not np.isfinite([x, y]).all():
            raise ConversionError(f'{path}, line {number}: non-finite coordinates {line!r}')
        points.append((x - 1, y - 1))
    return np.array(points)


def _image_for(pts_path: str) -> str:
    stem = osp.splitext(pts_path)[0]
    for ext in IMAGE_EXTENSIONS:
        if osp.isfile(stem + ext):
            return stem + ext
    raise ConversionError(f'{pts_path}: image not found (looked for {stem}{{'
                          f'{",".join(IMAGE_EXTENSIONS)}}})')


def labelled_photos(folder: str) -> List[Tuple[str, np.ndarray]]:
    """(image path, 68 landmarks) of every photo in ``folder`` with a 68-point ``.pts`` file
    beside it (files of other point counts, and ``.pts`` without a photo, are passed over)."""
    photos = []
    for pts in sorted(glob.glob(osp.join(folder, '*.pts'))):
        try:
            photos.append((_image_for(pts), read_pts(pts)))
        except ConversionError:
            continue
    return photos


def split_files(root: str, split: str) -> List[Tuple[str, tuple]]:
    """``(pts_path, subsets)`` of a split, sorted by folder then name."""
    files = []
    for folder, subsets in SPLITS[split]:
        if not osp.isdir(osp.join(root, folder)):
            raise ConversionError(f'{root}: missing folder {folder}/ of the 300W {split} split')
        files += [(p, subsets) for p in sorted(glob.glob(osp.join(root, folder, '*.pts')))]
    return files


def records(root: str, split: str) -> Iterator[tuple]:
    for image_id, (pts_path, subsets) in enumerate(split_files(root, split)):
        points = read_pts(pts_path)
        image_path = _image_for(pts_path)
        width, height = image_size(image_path, pts_path)
        yield face_record(image_id, osp.relpath(image_path, root), width, height, points,
                          np.full(len(points), 2), landmark_box(points), pts_path, subsets)
