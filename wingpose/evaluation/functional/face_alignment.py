"""Face-alignment error measures: per-image NME under named normalisations, FR, AUC, CED.

All functions are vectorised over images and take numpy arrays; errors are fractions of the
normalising distance (multiply by 100 for the percentages papers print).
"""
from dataclasses import dataclass
from typing import Dict, Optional, Sequence, Tuple, Union

import numpy as np
from scipy.integrate import simpson

from wingpose.structures import FACE_LAYOUTS, FaceLayout

BOX_NORMS = ('bbox', 'bbox_diag', 'bbox_max')


@dataclass(frozen=True)
class Normalisation:
    """How the distance ``d`` of an image is measured.

    ``kind`` is ``'keypoints'`` (distance between the means of two groups of ground-truth
    keypoints: a pair of indices when each group has one element) or one of ``BOX_NORMS``
    on the ground-truth face box of width ``w`` and height ``h``: ``bbox`` is ``sqrt(w * h)``,
    ``bbox_diag`` is ``sqrt(w^2 + h^2)``, ``bbox_max`` is ``max(w, h)`` (MMPose's
    ``bbox_size``).
    """
    name: str
    kind: str
    groups: Tuple[Tuple[int, ...], Tuple[int, ...]] = ((), ())


def _preset(layout: FaceLayout) -> dict:
    """A layout's paper-standard normalisations and threshold: ``inter_ocular`` (outer eye
    corners) and ``inter_pupil`` (eye centres) where it defines them."""
    keypoints = dict(inter_ocular=layout.outer_eye_corners, inter_pupil=layout.eye_centres)
    return dict(keypoints={k: v for k, v in keypoints.items() if v is not None},
                norms=layout.metric_norms, thr=layout.metric_thr)


# Paper-standard normalisations and thresholds per MMPose ``dataset_name``.
DATASET_PRESETS: Dict[str, dict] = {name: _preset(layout) for name, layout in FACE_LAYOUTS.items()}

NormSpec = Union[str, dict]


def resolve_normalisation(spec: NormSpec, dataset_name: Optional[str]) -> Normalisation:
    """Turn a config entry into a :class:`Normalisation`.

    ``spec`` is a name (``'inter_ocular'``, ``'inter_pupil'`` through the dataset preset, or one
    of ``BOX_NORMS``), or ``dict(name=..., indices=(i, j))``, or
    ``dict(name=..., groups=([i, ...], [j, ...]))``.
    """
    if isinstance(spec, dict):
        unknown = set(spec) - {'name', 'indices', 'groups'}
        if 'name' not in spec or unknown or ('indices' in spec) == ('groups' in spec):
            raise ValueError('an explicit normalisation must be dict(name=..., indices=(i, j)) '
                             f'or dict(name=..., groups=([...], [...])), got {spec!r}')
        groups = spec.get('groups') or [[i] for i in spec['indices']]
        if len(groups) != 2 or not all(len(g) for g in groups):
            raise ValueError(f'normalisation {spec["name"]!r} needs two non-empty keypoint '
                             f'groups, got {groups!r}')
        return Normalisation(spec['name'], 'keypoints',
                             (tuple(map(int, groups[0])), tuple(map(int, groups[1]))))
    if spec in BOX_NORMS:
        return Normalisation(spec, spec)
    preset = DATASET_PRESETS.get(dataset_name, {}).get('keypoints', {})
    if spec in preset:
        return Normalisation(spec, 'keypoints', preset[spec])
    options = sorted(BOX_NORMS) + sorted(preset)
    raise ValueError(
        f'unknown normalisation {spec!r} for dataset {dataset_name!r}; options: {options}, '
        "or dict(name=..., indices=(i, j)) / dict(name=..., groups=([...], [...])); "
        f'datasets with keypoint presets: {sorted(DATASET_PRESETS)}')


def check_normalisation(spec: NormSpec) -> None:
    """Raise a ValueError when ``spec`` cannot be a normalisation of any dataset (checked when
    a metric is built; :func:`resolve_normalisation` resolves it for the dataset)."""
    if isinstance(spec, dict):
        resolve_normalisation(spec, None)
        return
    names = set(BOX_NORMS) | {n for p in DATASET_PRESETS.values() for n in p['keypoints']}
    if not isinstance(spec, str) or spec not in names:
        raise ValueError(
            f'unknown normalisation {spec!r}; options: {sorted(names)}, or dict(name=..., '
            'indices=(i, j)) / dict(name=..., groups=([...], [...]))')


def normalising_distance(norm: Normalisation, gt: np.ndarray,
                         box_wh: Optional[np.ndarray] = None) -> np.ndarray:
    """Per-image distance ``d`` (N,) from ground truth ``gt`` (N, K, 2) or boxes (N, 2)."""
    if norm.kind == 'keypoints':
        num_keypoints = gt.shape[1]
        for index in norm.groups[0] + norm.groups[1]:
            if not -num_keypoints <= index < num_keypoints:
                raise ValueError(f'normalisation {norm.name!r} uses keypoint {index}, but the '
                                 f'data has {num_keypoints} keypoints')
        first = gt[:, list(norm.groups[0])].mean(axis=1)
        second = gt[:, list(norm.groups[1])].mean(axis=1)
        return np.linalg.norm(first - second, axis=-1)
    if box_wh is None:
        raise ValueError(f'normalisation {norm.name!r} needs face boxes')
    w, h = box_wh[:, 0], box_wh[:, 1]
    if norm.kind == 'bbox':
        return np.sqrt(w * h)
    if norm.kind == 'bbox_diag':
        return np.hypot(w, h)
    return np.maximum(w, h)


def per_image_nme(pred: np.ndarray, gt: np.ndarray, mask: np.ndarray,
                  distance: np.ndarray) -> np.ndarray:
    """NME of each image: mean over its visible keypoints of ``|pred - gt| / d``.

    Args:
        pred, gt (np.ndarray): (N, K, 2) coordinates.
        mask (np.ndarray): (N, K) bool, the keypoints that count.
        distance (np.ndarray): (N,) normalising distances.

    Returns:
        np.ndarray: (N,) errors as fractions of ``d``; NaN where an image has no visible
        keypoint or ``d`` is not a positive finite number (the caller decides what to do).
    """
    errors = np.linalg.norm(pred - gt, axis=-1)
    count = mask.sum(axis=1)
    with np.errstate(invalid='ignore', divide='ignore'):
        mean_error = np.where(mask, errors, 0.).sum(axis=1) / count
        nme = mean_error / distance
    valid = (count > 0) & np.isfinite(distance) & (distance > 0)
    return np.where(valid, nme, np.nan)


def landmark_jitter(landmarks: np.ndarray, distance: np.ndarray) -> float:
    """RMS frame-to-frame motion of landmarks over a clip, as a fraction of ``d``:
    ``sqrt(mean_{t,k} |p_t,k - p_t-1,k|^2 / d_t^2)`` over the consecutive frames that both
    have landmarks. On a still face all of it is jitter.

    Args:
        landmarks (np.ndarray): (T, K, 2); NaN in a frame without landmarks.
        distance (np.ndarray): (T,) normalising distances.
    """
    steps = np.linalg.norm(np.diff(landmarks, axis=0), axis=-1) / distance[1:, None]
    steps = steps[np.isfinite(steps).all(axis=1)]
    return float(np.sqrt(np.mean(steps**2))) if len(steps) else float('nan')


def per_landmark_nme(pred: np.ndarray, gt: np.ndarray, mask: np.ndarray,
                     distance: np.ndarray) -> np.ndarray:
    """NME of each landmark: mean over the images where it is visible (and ``d`` is a
    positive finite number) of ``|pred - gt| / d``; (K,) fractions, NaN for a landmark never
    visible. Arguments as :func:`per_image_nme`."""
    valid = np.isfinite(distance) & (distance > 0)
    mask = mask & valid[:, None] & np.isfinite(pred).all(axis=-1)
    with np.errstate(invalid='ignore', divide='ignore'):
        errors = np.linalg.norm(pred - gt, axis=-1) / distance[:, None]
        return np.where(mask, errors, 0.).sum(axis=0) / mask.sum(axis=0)


def error_bands(nme: np.ndarray, edges: Sequence[float] = (0.02, 0.05, 0.08)) -> np.ndarray:
    """The share of images in each band of per-image NME: [0, e1), [e1, e2), ..., [e_last,
    inf); (len(edges) + 1,) fractions summing to 1 (NaN images left out)."""
    nme = np.asarray(nme, dtype=np.float64)
    nme = nme[np.isfinite(nme)]
    counts = np.bincount(np.searchsorted(np.asarray(edges), nme, side='right'),
                         minlength=len(edges) + 1)
    return counts / max(len(nme), 1)


def failure_rate(nme: np.ndarray, thr: float) -> float:
    """FR@thr: the share of images whose NME is strictly above ``thr``."""
    return float(np.mean(nme > thr))


def auc(nme: np.ndarray, thr: float, method: str = 'exact', step: float = 1e-4) -> float:
    """AUC@thr: area under the CED on [0, thr] divided by ``thr``.

    ``'exact'`` integrates the CED step function in closed form,
    ``mean(clip(1 - nme / thr, 0, 1))``; ``'simpson'`` samples the CED every ``step`` and
    applies Simpson's rule (the STAR evaluation code), which differs by the grid error.
    """
    if method == 'exact':
        return float(np.mean(np.clip(1 - nme / thr, 0, 1)))
    if method == 'simpson':
        x, y = ced(nme, thr, step)
        return float(simpson(y, x=x) / thr)
    raise ValueError(f"auc method must be 'exact' or 'simpson', got {method!r}")


def ced(nme: np.ndarray, thr: float, step: float = 1e-4) -> Tuple[np.ndarray, np.ndarray]:
    """Cumulative error distribution: ``x`` on [0, thr] every ``step``, share with NME <= x."""
    x = np.linspace(0, thr, int(round(thr / step)) + 1)
    y = np.searchsorted(np.sort(nme), x, side='right') / max(len(nme), 1)
    return x, y


def summarise(nme: np.ndarray, thr: float, auc_method: str = 'exact') -> Dict[str, float]:
    """NME, FR@thr and AUC@thr of a set of per-image errors, in percent."""
    if len(nme) == 0:
        return dict(NME=float('nan'), FR=float('nan'), AUC=float('nan'))
    return dict(NME=100 * float(nme.mean()), FR=100 * failure_rate(nme, thr),
                AUC=100 * auc(nme, thr, auc_method))


def subset_members(tags: Sequence[Sequence[str]],
                   order: Optional[Sequence[str]] = None) -> Dict[str, np.ndarray]:
    """Boolean membership (N,) of each subset named in ``tags`` (a list of names per image)."""
    names = list(order) if order else sorted({t for image_tags in tags for t in image_tags})
    return {name: np.array([name in image_tags for image_tags in tags], dtype=bool)
            for name in names}
