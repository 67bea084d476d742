"""COFW: ``COFW_{train,test}_color.mat`` (MATLAB v7.3 / HDF5), images stored in the file."""
import os.path as osp
from typing import Iterator

import cv2
import numpy as np

from wingpose.utils import atomic_write
from .coco import ConversionError, face_record

# variable names per split: images, shapes (29 x, 29 y, 29 occlusion flags), boxes [x, y, w, h]
FIELDS = {'train': ('IsTr', 'phisTr', 'bboxesTr'), 'test': ('IsT', 'phisT', 'bboxesT')}


def _open(mat_file: str, split: str):
    """The .mat file and its (shapes, boxes, image references) for ``split``, checked."""
    import h5py
    try:
        mat = h5py.File(mat_file, 'r')
    except OSError as error:
        raise ConversionError(f'{mat_file}: not a MATLAB v7.3 (HDF5) file: {error}') from None
    images_key, shapes_key, boxes_key = FIELDS[split]
    for key in FIELDS[split]:
        if key not in mat:
            found = sorted(mat)
            mat.close()
            raise ConversionError(f'{mat_file}: no variable {key!r} (found {found})')
    # MATLAB stores arrays column-major: h5py sees them transposed
    shapes = np.asarray(mat[shapes_key]).T
    boxes = np.asarray(mat[boxes_key]).T
    refs = np.asarray(mat[images_key]).reshape(-1)
    if shapes.shape[1:] != (87, ) or boxes.shape[1:] != (4, ) or not \
            len(refs) == len(shapes) == len(boxes):
        mat.close()
        raise ConversionError(
            f'{mat_file}: {shapes_key} must be N x 87 and {boxes_key} N x 4 with one image per '
            f'row, got {shapes.shape}, {boxes.shape} and {len(refs)} images')
    return mat, shapes, boxes, refs


def image_name(index: int, image_prefix: str) -> str:
    return f'{image_prefix}{index + 1:04d}.png'


def records(mat_file: str, split: str, image_prefix: str) -> Iterator[tuple]:
    """Records of a COFW split, read and checked without writing anything; the images are
    named ``image_prefix`` + the 1-based record number, ``.png`` (:func:`write_images`).

    Coordinates are 1-based in the file and 0-based in the output; an occluded landmark keeps
    its coordinates with visibility 1 (evaluated, as in the COFW protocol), others get 2.
    """
    mat, shapes, boxes, refs = _open(mat_file, split)
    with mat:
        for index, (shape, box, ref) in enumerate(zip(shapes, boxes, refs)):
            where = f'{mat_file}, {split} record {index + 1}'
            stored = mat[ref].shape  # (W, H) or (3, W, H): the image transposed
            if len(stored) not in (2, 3) or (len(stored) == 3 and stored[0] != 3):
                raise ConversionError(f'{where}: the image must be H x W or H x W x 3, '
                                      f'got {stored[::-1]} (as stored, transposed: {stored})')
            width, height = stored[-2:]
            points = np.stack([shape[:29], shape[29:58]], axis=1) - 1
            occluded = shape[58:87]
            if not set(np.unique(occluded)) <= {0., 1.}:
                raise ConversionError(f'{where}: occlusion flags must be 0 or 1')
            x, y, w, h = box
            yield face_record(index, image_name(index, image_prefix), width, height,
                              points, np.where(occluded > 0, 1, 2), [x - 1, y - 1, w, h], where,
                              occluded=occluded.astype(int).tolist())


def write_images(mat_file: str, split: str, image_dir: str, image_prefix: str) -> int:
    """Write the split's images as PNG under ``image_dir``, each atomically; returns the
    number written. Run it once the records are checked (:func:`records`)."""
    mat, _, _, refs = _open(mat_file, split)
    with mat:
        for index, ref in enumerate(refs):
            image = np.asarray(mat[ref]).T  # (H, W) or (H, W, 3), RGB
            if image.ndim == 3:
                image = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
            ok, png = cv2.imencode('.png', image)
            name = image_name(index, image_prefix)
            if not ok:
                raise ConversionError(f'{mat_file}, {split} record {index + 1}: cannot encode '
                                      f'{name}')
            with atomic_write(osp.join(image_dir, name)) as f:
                f.write(png.tobytes())
    return len(refs)
