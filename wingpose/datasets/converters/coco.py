"""Shared pieces of the converters: COCO-style face records, validation, atomic writing."""
import json
import os.path as osp
from collections import Counter
from typing import Callable, Dict, Iterable, List, Optional, Sequence

import numpy as np
from PIL import Image

from wingpose.utils import atomic_write
from ..face_checks import implausible_face


class ConversionError(ValueError):
    """A malformed input; the message names the file and the line or record."""


def image_size(path: str, where: str) -> tuple:
    """(width, height) of an image file, read from its header."""
    if not osp.isfile(path):
        raise ConversionError(f'{where}: image not found: {path}')
    try:
        with Image.open(path) as image:
            return image.size
    except OSError as error:  # PIL's UnidentifiedImageError among them
        raise ConversionError(f'{where}: not an image: {path} ({error})') from None


def face_record(image_id: int, file_name: str, width: int, height: int, keypoints: np.ndarray,
                visible: np.ndarray, box_xywh: Sequence[float], where: str,
                subset: Sequence[str] = (), center: Optional[Sequence[float]] = None,
                scale: Optional[float] = None, **extra) -> tuple:
    """An (image, annotation) pair in MMPose's face JSON layout.

    ``visible`` uses COCO's flags (0 not labelled, 1 labelled but occluded, 2 visible): MMPose
    evaluates 1 and 2. ``center`` / ``scale`` (the crop: its centre and side / 200) default to
    the box centre and its longer side / 200. Extra keys (``subset``, attributes, ...) are kept
    for the metrics. The face must be plausible (:func:`~wingpose.datasets.face_checks.
    implausible_face`): labelled landmarks, the box and the crop within the image extended by
    half its size on each side.
    """
    keypoints = np.asarray(keypoints, dtype=np.float64)
    if not np.isfinite(keypoints).all():
        raise ConversionError(f'{where}: non-finite landmark coordinates')
    x, y, w, h = (float(v) for v in box_xywh)
    if center is None and np.isfinite([x, y, w, h]).all():
        center, scale = [x + w / 2, y + h / 2], max(w, h) / 200
    flags = np.asarray(visible, dtype=int)
    problem = implausible_face(keypoints, flags, box_xywh, width, height, center, scale)
    if problem:
        raise ConversionError(f'{where}: {problem}')
    center = [float(v) for v in center]
    image = dict(id=image_id, file_name=file_name, width=int(width), height=int(height))
    annotation = dict(
        id=image_id, image_id=image_id, category_id=1, iscrowd=0, bbox=[x, y, w, h],
        area=w * h, center=center, scale=float(scale),
        keypoints=[v for (px, py), f in zip(keypoints, flags) for v in (float(px), float(py),
                                                                        int(f))],
        num_keypoints=int((flags > 0).sum()), subset=list(subset), **extra)
    return image, annotation


def landmark_box(keypoints: np.ndarray) -> List[float]:
    """[x, y, w, h] of the landmarks' extent."""
    low, high = keypoints.min(axis=0), keypoints.max(axis=0)
    return [float(low[0]), float(low[1]), float(high[0] - low[0]), float(high[1] - low[1])]


def write_coco(path: str, records: Iterable[tuple]) -> Dict[str, int]:
    """Write the records to ``path`` atomically; return the count per subset (and 'all').

    The JSON is written atomically (:func:`wingpose.utils.atomic_write`): an interrupted or
    failed conversion never leaves a partial file under the final name.
    """
    images, annotations = [], []
    for image, annotation in records:
        images.append(image)
        annotations.append(annotation)
    counts = Counter(t for a in annotations for t in a['subset'])
    counts['all'] = len(annotations)
    with atomic_write(path, 'w') as f:
        json.dump(dict(images=images, annotations=annotations,
                       categories=[dict(id=1, name='face', supercategory='face')]), f)
    return dict(counts)


def convert_splits(out_dir: str, prefix: str, splits: Dict[str, Iterable[tuple]],
                   printer: Optional[Callable] = print,
                   before_writing: Optional[Callable[[], None]] = None
                   ) -> Dict[str, Dict[str, int]]:
    """Build and check every split before writing anything (a bad record leaves every file
    as it was), run ``before_writing`` (e.g. a converter's image files), then write
    ``out_dir/{prefix}_{split}.json`` and print the counts per split and subset."""
    built = {split: list(records) for split, records in splits.items()}
    empty = [split for split, records in built.items() if not records]
    if empty:
        raise ConversionError(f'{prefix}: no faces in the {" and ".join(empty)} split(s); '
                              'nothing written')
    if before_writing is not None:
        before_writing()
    counts = {}
    for split, records in built.items():
        counts[split] = write_coco(osp.join(out_dir, f'{prefix}_{split}.json'), records)
        if printer:
            subsets = ', '.join(f'{k} {v}' for k, v in sorted(counts[split].items())
                                if k != 'all')
            printer(f'{prefix}_{split}.json: {counts[split]["all"]} faces'
                    + (f' ({subsets})' if subsets else ''))
    return counts
