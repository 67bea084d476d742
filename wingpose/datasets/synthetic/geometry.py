"""3-D face shapes for the synthetic benchmark: identity, expression, pose, projection.

The shape model is the rigid 3-D mean face in iBUG 68-point order shipped beside this module
(``mean_face_3d_68.txt``, from the SPIGA package, BSD-3-Clause; x to image right, y up, z to
the viewer, nose tip at the origin), deformed per identity and expression.
"""
import os.path as osp
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

# AFLW-19 landmarks as groups of iBUG-68 points (their mean): brows (outer, centre, inner) x 2,
# eyes (outer corner, centre, inner corner) x 2, nostrils and tip, mouth corners and centre,
# chin. Left/right pairs follow the swap pairs of MMPose's aflw.py dataset info.
AFLW19_FROM_68 = ((17, ), (19, ), (21, ), (22, ), (24, ), (26, ), (36, ), (37, 38, 40, 41),
                  (39, ), (42, ), (43, 44, 46, 47), (45, ), (31, ), (30, ), (35, ), (48, ),
                  (51, 57), (54, ), (8, ))


def _wflw98_from_68() -> np.ndarray:
    """WFLW's 98 landmarks as points along the iBUG-68 contours, the (98, 68) weights: the jaw
    at every half step, the brows' upper edges as they are and their lower edges at the half
    steps a fifth of the way to the eye centre, each eyelid (corner to corner) at quarter
    steps, nose and lips as they are, the pupils at the eye centres."""
    weights = np.zeros((98, 68))

    def along(row: int, chain, position: float, share: float = 1.) -> None:
        low = min(int(position), len(chain) - 2)
        weights[row, chain[low]] += share * (low + 1 - position)
        weights[row, chain[low + 1]] += share * (position - low)

    for j in range(33):
        along(j, range(17), j / 2)
    for first, brow, eye in ((33, range(17, 22), range(36, 42)),
                             (42, range(22, 27), range(42, 48))):
        weights[range(first, first + 5), list(brow)] = 1.
        for k in range(4):  # the lower edge, from the inner end back to the outer one
            along(first + 5 + k, brow, 3.5 - k, .8)
            weights[first + 5 + k, list(eye)] += .2 / 6
    weights[range(51, 60), range(27, 36)] = 1.
    for first, (c0, u1, u2, c3, l1, l2) in ((60, range(36, 42)), (68, range(42, 48))):
        for k in range(5):
            along(first + k, (c0, u1, u2, c3), .75 * k)
        for k in range(1, 4):
            along(first + 4 + k, (c3, l1, l2, c0), .75 * k)
    weights[range(76, 96), range(48, 68)] = 1.
    weights[96, 36:42] = weights[97, 42:48] = 1 / 6
    return weights


WFLW98_FROM_68 = _wflw98_from_68()

# Points that move with an opened jaw, with how far they move (fraction of the opening).
_JAW_OPENING = {5: .3, 6: .5, 7: .6, 8: .65, 9: .6, 10: .5, 11: .3, 55: .9, 56: 1., 57: 1.,
                58: 1., 59: .9, 65: 1., 66: 1., 67: 1., 48: .4, 54: .4, 60: .45, 64: .45}
# Centre of the head sphere used to decide self-occlusion: a point is hidden when its
# outward direction from here turns away from the camera.
_HEAD_CENTRE = np.array([0., -0.1, -1.5])


@lru_cache(maxsize=1)
def mean_face() -> np.ndarray:
    """The 3-D mean face, (68, 3)."""
    table = np.loadtxt(osp.join(osp.dirname(__file__), 'mean_face_3d_68.txt'), comments='#')
    return table[:, 1:4]


@dataclass
class FaceParams:
    """Everything that decides one synthetic face's landmarks (angles in degrees)."""
    shape: np.ndarray  # (68, 3) identity + expression in the face frame
    yaw: float
    pitch: float
    roll: float
    mouth_open: float


def sample_face(rng: np.random.Generator, yaw_scale: float = 18.) -> FaceParams:
    """Draw an identity, an expression and a pose.

    Yaw is Laplace-distributed (scale ``yaw_scale`` degrees, clipped to +-88): mostly
    near-frontal faces and a long tail of profiles, the imbalance pose-based data balancing
    addresses. Pitch ~ N(0, 10), roll ~ N(0, 12) degrees.
    """
    shape = mean_face().copy()
    # identity: global proportions, jaw width, eye spacing, mouth width, nose length, noise
    shape *= rng.normal(1, [0.06, 0.06, 0.08])
    shape[0:17, 0] *= rng.normal(1, 0.05)
    shape[36:42, 0] -= rng.normal(0, 0.02)
    shape[42:48, 0] += rng.normal(0, 0.02)
    mouth_centre = shape[48:68].mean(axis=0)
    shape[48:68, 0] = mouth_centre[0] + (shape[48:68, 0] - mouth_centre[0]) * rng.normal(1, .08)
    shape[27:36, 1] += np.linspace(0, rng.normal(0, 0.04), 9)
    shape += rng.normal(0, 0.012, shape.shape)
    # expression: jaw opening, smile, brow raise
    mouth_open = float(np.clip(rng.normal(0.04, 0.1), 0, 0.35))
    for index, amount in _JAW_OPENING.items():
        shape[index, 1] -= amount * mouth_open
    smile = rng.normal(0, 0.03)
    for corner, side in ((48, -1), (60, -1), (54, 1), (64, 1)):
        shape[corner] += [side * abs(smile) / 2, smile, 0]
    shape[17:27, 1] += rng.normal(0, 0.03)
    return FaceParams(shape=shape,
                      yaw=float(np.clip(rng.laplace(0, yaw_scale), -88, 88)),
                      pitch=float(np.clip(rng.normal(0, 10), -40, 40)),
                      roll=float(np.clip(rng.normal(0, 12), -45, 45)),
                      mouth_open=mouth_open)


def rotation(yaw: float, pitch: float, roll: float) -> np.ndarray:
    """Rotation matrix ``Rz(roll) @ Ry(yaw) @ Rx(pitch)`` (degrees)."""
    y, p, r = np.radians([yaw, pitch, roll])
    rx = np.array([[1, 0, 0], [0, np.cos(p), -np.sin(p)], [0, np.sin(p), np.cos(p)]])
    ry = np.array([[np.cos(y), 0, np.sin(y)], [0, 1, 0], [-np.sin(y), 0, np.cos(y)]])
    rz = np.array([[np.cos(r), -np.sin(r), 0], [np.sin(r), np.cos(r), 0], [0, 0, 1]])
    return rz @ ry @ rx


def project(points: np.ndarray, rot: np.ndarray, centre: np.ndarray, scale: float,
            camera_distance: float = 8.) -> np.ndarray:
    """Perspective projection of face-frame points to image pixels (y down), (N, 2)."""
    rotated = points @ rot.T
    depth = camera_distance / (camera_distance - rotated[:, 2])
    return np.stack([centre[0] + scale * depth * rotated[:, 0],
                     centre[1] - scale * depth * rotated[:, 1]], axis=1)


def self_visible(points: np.ndarray, rot: np.ndarray) -> np.ndarray:
    """Whether each point faces the camera after rotation (not hidden by the head), (N,)."""
    normals = (points - _HEAD_CENTRE) @ rot.T
    return normals[:, 2] > 0.05


def to_aflw19(points: np.ndarray, visible: np.ndarray):
    """AFLW-19 landmarks and visibility from iBUG-68 ones (a group is visible if all are)."""
    return (np.stack([points[list(g)].mean(axis=0) for g in AFLW19_FROM_68]),
            np.array([visible[list(g)].all() for g in AFLW19_FROM_68]))


def to_wflw98(points: np.ndarray, visible: np.ndarray):
    """WFLW-98 landmarks and visibility from iBUG-68 ones (:data:`WFLW98_FROM_68`; a point is
    visible if all the points it is placed between are)."""
    return (WFLW98_FROM_68 @ points,
            ~((WFLW98_FROM_68 > 0) @ ~np.asarray(visible, bool)).astype(bool))
