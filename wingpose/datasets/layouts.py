"""Landmark indices that each face-alignment layout defines (0-based, MMPose's order).

One table for everything that needs the eyes: the normalisations of the metric
(``evaluation.functional.DATASET_PRESETS``) and the in-plane alignment of the two-stage model
(``models.utils.alignment``); and STAR's facial edges, for its network's gates
(``models.backbones.STARHourglassNet``) and edge-map targets (``GenerateEdgeMaps``).
"""
from typing import Dict, Optional, Sequence, Tuple

import numpy as np

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

Edge = Tuple[bool, Tuple[int, ...]]

# The STAR code's facial edges (``edge_info`` in ``conf/alignment.py``): (closed, landmarks),
# drawn as edge maps and used to gate the heatmaps. COFW's left eye is open there, unlike the
# right one; kept as the code has it.
STAR_EDGES: Dict[str, Tuple[Edge, ...]] = {
    'cofw': ((True, (0, 4, 2, 5)), (True, (1, 6, 3, 7)), (True, (8, 12, 10, 13)),
             (False, (9, 14, 11, 15)), (True, (18, 20, 19, 21)), (True, (22, 26, 23, 27)),
             (True, (22, 24, 23, 25))),
    '300w': ((False, tuple(range(0, 17))), (False, tuple(range(17, 22))),
             (False, tuple(range(22, 27))), (False, tuple(range(27, 31))),
             (False, tuple(range(31, 36))), (True, tuple(range(36, 42))),
             (True, tuple(range(42, 48))), (True, tuple(range(48, 60))),
             (True, tuple(range(60, 68)))),
    'wflw': ((False, tuple(range(0, 33))), (True, tuple(range(33, 42))),
             (True, tuple(range(42, 51))), (False, tuple(range(51, 55))),
             (False, tuple(range(55, 60))), (True, tuple(range(60, 68))),
             (True, tuple(range(68, 76))), (True, tuple(range(76, 88))),
             (True, tuple(range(88, 96)))),
}


def star_edges(edges, num_keypoints: Optional[int] = None) -> Tuple[Edge, ...]:
    """``edges`` as (closed, landmarks) pairs: a sequence of pairs, a layout name ('300w',
    'wflw', 'cofw') for its :data:`STAR_EDGES`, or None for the layout with
    ``num_keypoints`` landmarks."""
    if edges is None:
        layouts = [name for name in STAR_EDGES if NUM_KEYPOINTS[name] == num_keypoints]
        if not layouts:
            raise ValueError(f'no STAR edges for {num_keypoints} landmarks (layouts: '
                             + ', '.join(f'{n} = {NUM_KEYPOINTS[n]}' for n in STAR_EDGES)
                             + '); pass edges=[(closed, [landmark, ...]), ...]')
        edges = layouts[0]
    if isinstance(edges, str):
        if edges not in STAR_EDGES:
            raise ValueError(f'no STAR edges for layout {edges!r}; known: {sorted(STAR_EDGES)}, '
                             'or pass [(closed, [landmark, ...]), ...]')
        return STAR_EDGES[edges]
    return tuple((bool(closed), tuple(indices)) for closed, indices in edges)


def resample_landmarks(points: np.ndarray, num_keypoints: int) -> np.ndarray:
    """``num_keypoints`` points resampled along an annotation's points in their order (linear
    in the landmark index): a stand-in face of another layout for tools that only need plausibly
    placed landmarks (the comparisons and benchmarks on real photos with 68 points)."""
    points = np.asarray(points, dtype=np.float64)
    if num_keypoints == len(points):
        return points.astype(np.float32)
    t = np.linspace(0, len(points) - 1, num_keypoints)
    return np.stack([np.interp(t, np.arange(len(points)), points[:, i]) for i in (0, 1)],
                    axis=-1).astype(np.float32)
