"""COFW: ``COFW_{train,test}_color.mat`` (MATLAB v7.3 / HDF5), images stored in the file."""
import os
import os.path as osp
from typing import Iterator

import cv2
import numpy as np

from .coco import ConversionError, face_record

# variable names per split: images, shapes (29 x, 29 y, 29 occlusion flags), boxes [x, y, w, h]
FIELDS = {'train': ('IsTr', 'phisTr', 'bboxesTr'), 'test': ('IsT', 'phisT', 'bboxesT')}


def records(mat_file: str, split: str, image_dir: str, image_prefix: str) -> Iterator[tuple]:
    """Records of a COFW split; the images are written as PNG under ``image_dir``.

    Coordinates are 1-based in the file and 0-based in the output; an occluded landmark keeps
    its coordinates with visibility 1 (evaluated, as in the COFW protocol), others get 2.
    """
    import h5py
    images_key, shapes_key, boxes_key = FIELDS[split]
    try:
        mat = h5py.File(mat_file, 'r')
    except OSError as error:
        raise ConversionError(f'{mat_file}: not a MATLAB v7.3 (HDF5) file: {error}') from None
    with mat:
        for key in FIELDS[split]:
            if key not in mat:
                raise ConversionError(f'{mat_file}: no variable {key!r} (found {sorted(mat)})')
        # MATLAB stores arrays column-major: h5py sees them transposed
        shapes = np.asarray(mat[shapes_key]).T
        boxes = np.asarray(mat[boxes_key]).T
        refs = np.asarray(mat[images_key]).reshape(-1)
        if shapes.shape[1] != 87 or len(shapes) != len(boxes) or len(refs) != len(shapes):
            raise ConversionError(
                f'{mat_file}: {shapes_key} must be N x 87 with one box and image per row, got '
                f'{shapes.shape}, {boxes.shape} and {len(refs)} images')
        os.makedirs(image_dir, exist_ok=True)
        for index, (shape, box, ref) in enumerate(zip(shapes, boxes, refs)):
            where = f'{mat_file}, {split} record {index + 1}'
            image = np.asarray(mat[ref]).T  # (H, W) or (H, W, 3), RGB
            if image.ndim == 3:
                image = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
            file_name = f'{image_prefix}{index + 1:04d}.png'
            if not cv2.imwrite(osp.join(image_dir, file_name), image):
                raise ConversionError(f'{where}: cannot write {file_name} in {image_dir}')
            points = np.stack([shape[:29], shape[29:58]], axis=1) - 1
            occluded = shape[58:87]
            if not set(np.unique(occluded)) <= {0., 1.}:
                raise ConversionError(f'{where}: occlusion flags must be 0 or 1')
            x, y, w, h = box
            yield face_record(index, file_name, image.shape[1], image.shape[0], points,
                              np.where(occluded > 0, 1, 2), [x - 1, y - 1, w, h], where,
                              occluded=occluded.astype(int).tolist())
