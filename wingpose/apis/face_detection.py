"""Face boxes for the demos: OpenCV's bundled frontal-face Haar cascade (no download)."""
import os.path as osp
from functools import lru_cache

import cv2
import numpy as np


@lru_cache(maxsize=1)
def _cascade() -> cv2.CascadeClassifier:
    return cv2.CascadeClassifier(
        osp.join(cv2.data.haarcascades, 'haarcascade_frontalface_default.xml'))


def haar_face_boxes(image: np.ndarray, min_size: int = 24) -> np.ndarray:
    """Face boxes (N, 4) as x1, y1, x2, y2 in a BGR image, from OpenCV's frontal-face Haar
    cascade (scale step 1.1, 5 neighbours, faces of at least ``min_size`` pixels)."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    found = _cascade().detectMultiScale(grey, scaleFactor=1.1, minNeighbors=5,
                                        minSize=(min_size, min_size))
    return np.array([[x, y, x + w, y + h] for x, y, w, h in found],
                    dtype=np.float32).reshape(-1, 4)
