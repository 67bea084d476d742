"""Whether a labelled face is plausible: what the converters refuse and the datasets leave out."""
from typing import Optional, Sequence

import numpy as np

# how far beyond the image (a fraction of its size) landmarks, boxes and crops may reach
PLAUSIBLE_MARGIN = 0.5


def implausible_face(keypoints: np.ndarray, visible: np.ndarray, box_xywh: Sequence[float],
                     width: Optional[float], height: Optional[float],
                     center: Optional[Sequence[float]] = None,
                     scale: Optional[float] = None) -> Optional[str]:
    """What is wrong with a face, or None: non-finite landmarks, a box or crop of no size, or
    labelled landmarks (``visible > 0``), the box or the crop (``center``, side
    ``scale * 200``) beyond the ``width`` x ``height`` image extended by half its size on
    each side (:data:`PLAUSIBLE_MARGIN`; not checked without the image size).
    """
    keypoints = np.asarray(keypoints, dtype=np.float64).reshape(-1, 2)
    flags = np.asarray(visible).reshape(-1)
    if not np.isfinite(keypoints[flags > 0]).all():
        return 'non-finite landmark coordinates'
    x, y, w, h = (float(v) for v in box_xywh)
    if not (np.isfinite([x, y, w, h]).all() and w > 0 and h > 0):
        return f'invalid face box {[x, y, w, h]} (x, y, w, h; a positive size is needed)'
    if center is not None and not (np.isfinite(center).all() and np.isfinite(scale)
                                   and scale > 0):
        return f'invalid crop centre {[float(v) for v in center]} or scale {scale}'
    if width is None or height is None:
        return None
    size = np.array([width, height], dtype=np.float64)
    low, high = -PLAUSIBLE_MARGIN * size, (1 + PLAUSIBLE_MARGIN) * size
    far = np.nonzero(((keypoints < low) | (keypoints > high)).any(1) & (flags > 0))[0]
    if len(far):
        return (f'landmark {far[0]} at {keypoints[far[0]].round(2).tolist()} lies far '
                f'outside the {width} x {height} image ({len(far)} such landmarks)')
    if x < low[0] or y < low[1] or x + w > high[0] or y + h > high[1]:
        return (f'the face box {[x, y, w, h]} (x, y, w, h) reaches far outside the '
                f'{width} x {height} image')
    if center is not None and (((np.array(center) < low) | (np.array(center) > high)).any()
                               or scale * 200 > (1 + 2 * PLAUSIBLE_MARGIN) * size.max()):
        return (f'the crop (centre {[float(v) for v in center]}, side {scale * 200:g}) is not '
                f'within the {width} x {height} image')
    return None
