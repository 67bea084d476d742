"""Bilinear resampling as a matrix, for maps computed where they are non-zero."""
from functools import lru_cache

import numpy as np


@lru_cache(maxsize=16)
def bilinear_resize_matrix(size_in: int, size_out: int) -> np.ndarray:
    """(size_out, size_in) weights of PyTorch's bilinear resampling of one axis
    (``align_corners=False``: source ``(j + 1/2) size_in / size_out - 1/2``, clamped at 0).
    Cached per sizes and read-only."""
    source = np.maximum((np.arange(size_out) + 0.5) * size_in / size_out - 0.5, 0)
    low = np.floor(source).astype(np.int64)
    high = np.minimum(low + 1, size_in - 1)
    fraction = source - low
    matrix = np.zeros((size_out, size_in))
    rows = np.arange(size_out)
    np.add.at(matrix, (rows, low), 1 - fraction)
    np.add.at(matrix, (rows, high), fraction)
    matrix.flags.writeable = False
    return matrix
