"""Landmark indices that each face-alignment layout defines (0-based, MMPose's order).

One table for everything that needs the eyes: the normalisations of the metric
(``evaluation.functional.DATASET_PRESETS``) and the in-plane alignment of the two-stage model
(``models.utils.alignment``).
"""
from typing import Dict, Sequence, Tuple

EyeGroups = Tuple[Sequence[int], Sequence[int]]

NUM_KEYPOINTS: Dict[str, int] = {'300w': 68, 'wflw': 98, 'cofw': 29, 'aflw': 19}

# Keypoints whose means are the two eye centres: the pupils where the layout has them (WFLW
# 96/97, COFW 16/17), the six eye-contour points of 300W, AFLW-19's eye centres 7/10.
EYE_CENTRES: Dict[str, EyeGroups] = {
    '300w': (tuple(range(36, 42)), tuple(range(42, 48))),
    'wflw': ((96, ), (97, )),
    'cofw': ((16, ), (17, )),
    'aflw': ((7, ), (10, )),
}

# The outer eye corners (AFLW-19 has no inter-ocular convention: its papers normalise by box).
OUTER_EYE_CORNERS: Dict[str, EyeGroups] = {
    '300w': ((36, ), (45, )),
    'wflw': ((60, ), (72, )),
    'cofw': ((8, ), (9, )),
}
