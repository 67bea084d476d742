"""Every face-alignment landmark layout, one entry each: what the parts of wingpose need to know
about its landmarks.

Indices are 0-based, in MMPose's keypoint order; names, colours and flip pairs are MMPose's
dataset info (``metainfo``). Looked up by MMPose's ``dataset_name`` with a fallback by the
number of keypoints (:func:`face_layout`). Used by the metric (normalisations and thresholds),
the two-stage model (its eye line), STAR's edge maps and gates, AWing's boundary maps, PDB (the
pose component) and the reports (landmark groups). A new layout is one entry of
:data:`FACE_LAYOUTS`.
"""
from typing import Dict, NamedTuple, Optional, Sequence, Tuple

import numpy as np

EyeGroups = Tuple[Sequence[int], Sequence[int]]
Edge = Tuple[bool, Tuple[int, ...]]


class FaceLayout(NamedTuple):
    """One landmark layout.

    Attributes:
        name (str): MMPose's ``dataset_name``.
        num_keypoints (int): K.
        metainfo (str): MMPose's dataset info file (names, flip pairs, colours).
        eye_centres (EyeGroups): Keypoints whose means are the two eye centres (the pupils
            where the layout has them): the inter-pupil distance, the two-stage eye line.
        outer_eye_corners (EyeGroups, optional): The inter-ocular distance's points.
        star_edges (tuple): STAR's facial edges, ``(closed, landmarks)`` (``conf/alignment.py``
            ``edge_info``); empty where STAR defines none.
        awing_boundaries (tuple): AWing's boundary chains (``core/dataloader.py``,
            ``AddBoundary``); empty where none are defined here.
        landmark_groups (tuple): ``(name, landmarks)`` groups of the reports.
        pose_component (int): The principal component of the aligned shapes that holds yaw,
            for PDB.
        metric_norms (tuple): The papers' normalisations on this benchmark.
        metric_thr (float): The papers' FR / AUC threshold on it.
    """
    name: str
    num_keypoints: int
    metainfo: str
    eye_centres: EyeGroups
    outer_eye_corners: Optional[EyeGroups]
    star_edges: Tuple[Edge, ...]
    awing_boundaries: Tuple[Tuple[int, ...], ...]
    landmark_groups: Tuple[Tuple[str, Tuple[int, ...]], ...]
    pose_component: int
    metric_norms: Tuple[str, ...]
    metric_thr: float


def _span(start: int, stop: int) -> Tuple[int, ...]:
    return tuple(range(start, stop))


FACE_LAYOUTS: Dict[str, FaceLayout] = {layout.name: layout for layout in (
    FaceLayout(
        name='300w', num_keypoints=68, metainfo='configs/_base_/datasets/300w.py',
        # the six eye-contour points of each eye
        eye_centres=(_span(36, 42), _span(42, 48)), outer_eye_corners=((36, ), (45, )),
        star_edges=((False, _span(0, 17)), (False, _span(17, 22)), (False, _span(22, 27)),
                    (False, _span(27, 31)), (False, _span(31, 36)), (True, _span(36, 42)),
                    (True, _span(42, 48)), (True, _span(48, 60)), (True, _span(60, 68))),
        # jaw, brows, eyelids, nose bridge and base, outer and inner lips
        awing_boundaries=(_span(0, 17), _span(17, 22), _span(22, 27), (36, 37, 38, 39),
                          (36, 41, 40, 39), (42, 43, 44, 45), (42, 47, 46, 45), _span(27, 31),
                          _span(31, 36), _span(48, 55), (60, 61, 62, 63, 64),
                          (48, 59, 58, 57, 56, 55, 54), (60, 67, 66, 65, 64)),
        landmark_groups=(('jaw', _span(0, 17)), ('brows', _span(17, 27)),
                         ('nose', _span(27, 36)), ('eyes', _span(36, 48)),
                         ('mouth', _span(48, 68))),
        pose_component=0, metric_norms=('inter_ocular', 'inter_pupil'), metric_thr=0.08),
    FaceLayout(
        name='wflw', num_keypoints=98, metainfo='configs/_base_/datasets/wflw.py',
        eye_centres=((96, ), (97, )), outer_eye_corners=((60, ), (72, )),
        star_edges=((False, _span(0, 33)), (True, _span(33, 42)), (True, _span(42, 51)),
                    (False, _span(51, 55)), (False, _span(55, 60)), (True, _span(60, 68)),
                    (True, _span(68, 76)), (True, _span(76, 88)), (True, _span(88, 96))),
        # as 300W, the brows by their upper edges
        awing_boundaries=(_span(0, 33), _span(33, 38), _span(42, 47), (60, 61, 62, 63, 64),
                          (60, 67, 66, 65, 64), (68, 69, 70, 71, 72), (68, 75, 74, 73, 72),
                          _span(51, 55), _span(55, 60), _span(76, 83), (88, 89, 90, 91, 92),
                          (76, 87, 86, 85, 84, 83, 82), (88, 95, 94, 93, 92)),
        landmark_groups=(('jaw', _span(0, 33)), ('brows', _span(33, 51)),
                         ('nose', _span(51, 60)), ('eyes', _span(60, 76) + (96, 97)),
                         ('mouth', _span(76, 96))),
        pose_component=0, metric_norms=('inter_ocular', ), metric_thr=0.10),
    FaceLayout(
        name='cofw', num_keypoints=29, metainfo='configs/_base_/datasets/cofw.py',
        eye_centres=((16, ), (17, )), outer_eye_corners=((8, ), (9, )),
        # COFW's left eye is open in the STAR code, unlike the right one; kept as it has it
        star_edges=((True, (0, 4, 2, 5)), (True, (1, 6, 3, 7)), (True, (8, 12, 10, 13)),
                    (False, (9, 14, 11, 15)), (True, (18, 20, 19, 21)), (True, (22, 26, 23, 27)),
                    (True, (22, 24, 23, 25))),
        # upper and lower brows, eyelids and lips as three-point arcs, and the nose
        awing_boundaries=((0, 4, 2), (0, 5, 2), (1, 6, 3), (1, 7, 3), (8, 12, 10), (8, 13, 10),
                          (9, 14, 11), (9, 15, 11), (18, 21, 19), (22, 24, 23), (22, 25, 23),
                          (22, 26, 23), (22, 27, 23)),
        landmark_groups=(('brows', _span(0, 8)), ('eyes', _span(8, 18)),
                         ('nose', _span(18, 22)), ('mouth', _span(22, 28)), ('chin', (28, ))),
        pose_component=0, metric_norms=('inter_ocular', 'inter_pupil'), metric_thr=0.10),
    FaceLayout(
        name='aflw', num_keypoints=19, metainfo='configs/_base_/datasets/aflw.py',
        # AFLW-19's eye centres; it has no inter-ocular convention (its papers use the box)
        eye_centres=((7, ), (10, )), outer_eye_corners=None, star_edges=(),
        awing_boundaries=(),
        landmark_groups=(('brows', _span(0, 6)), ('eyes', _span(6, 12)),
                         ('nose', _span(12, 15)), ('mouth', _span(15, 18)), ('chin', (18, ))),
        # its yaw is the second component (pdb.m on AFLW)
        pose_component=1, metric_norms=('bbox', 'bbox_diag'), metric_thr=0.07),
)}

# by layout name, for the parts that take a layout name or a table of edges
STAR_EDGES: Dict[str, Tuple[Edge, ...]] = {
    name: layout.star_edges for name, layout in FACE_LAYOUTS.items() if layout.star_edges}


def face_layout(dataset_name: Optional[str] = None,
                num_keypoints: Optional[int] = None) -> FaceLayout:
    """The layout of MMPose's ``dataset_name``, else the one with ``num_keypoints`` landmarks.

    Raises:
        ValueError: no layout fits, listing the layouts.
    """
    layout = FACE_LAYOUTS.get(dataset_name)
    if layout is not None and num_keypoints in (None, layout.num_keypoints):
        return layout
    fits = [layout for layout in FACE_LAYOUTS.values() if layout.num_keypoints == num_keypoints]
    if num_keypoints is not None and len(fits) == 1:
        return fits[0]
    raise ValueError(
        f'no face layout for dataset_name={dataset_name!r}, num_keypoints={num_keypoints}; '
        'layouts: ' + ', '.join(f'{n} ({layout.num_keypoints} keypoints)'
                                for n, layout in FACE_LAYOUTS.items()))


def star_edges(edges, num_keypoints: Optional[int] = None) -> Tuple[Edge, ...]:
    """``edges`` as (closed, landmarks) pairs: a sequence of pairs, a layout name for its
    STAR edges, or None for the layout with ``num_keypoints`` landmarks."""
    if edges is None or isinstance(edges, str):
        name = edges
        try:
            layout = face_layout(name, None if name else num_keypoints)
        except ValueError:
            layout = None
        if layout is None or not layout.star_edges:
            what = f'layout {name!r}' if name else f'{num_keypoints} landmarks'
            raise ValueError(f'no STAR edges for {what} (layouts with edges: '
                             + ', '.join(f'{n} = {FACE_LAYOUTS[n].num_keypoints}'
                                         for n in STAR_EDGES)
                             + '); pass edges=[(closed, [landmark, ...]), ...]')
        return layout.star_edges
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
