"""Pose-based data balancing (PDB) of Feng et al., CVPR 2018, as small pure functions.

The steps of the official ``pdb.m``: align the training shapes to their mean (generalised
Procrustes), project them on one principal component of the aligned shapes (the pose
component), histogram the absolute projections in equal bins and repeat the samples of each
bin by ``round(max_count / count)``. Invisible keypoints (weight 0) take no part in the
alignment and add no deviation to the PCA.
"""
from dataclasses import dataclass
from typing import Optional, Sequence, Tuple

import numpy as np


def _similarity_to(shapes: np.ndarray, weights: np.ndarray, target: np.ndarray,
                   reflection: bool) -> np.ndarray:
    """Weighted Procrustes fit (translation, scale, rotation) of each shape onto ``target``.

    Only keypoints of non-zero weight enter the fit: both the shape and the target are centred
    on the centroid of those keypoints, so a partly visible shape lands exactly on the target.
    """
    total = np.maximum(weights.sum(axis=1), 1e-12)[:, None]
    shape_centroid = np.einsum('nk,nki->ni', weights, shapes) / total
    target_centroid = weights @ target / total
    x = shapes - shape_centroid[:, None]
    t = target[None] - target_centroid[:, None]
    cross = np.einsum('nk,nki,nkj->nij', weights, x, t)  # sum_k w x t^T, (N, 2, 2)
    u, s, vt = np.linalg.svd(cross)
    if not reflection:
        flip = np.linalg.det(u @ vt) < 0
        u[flip, :, -1] *= -1
        s[flip, -1] *= -1
    rotation = u @ vt  # row-vector convention: aligned = x @ rotation
    norm = np.einsum('nk,nki,nki->n', weights, x, x)
    scale = s.sum(axis=1) / np.maximum(norm, 1e-12)
    return scale[:, None, None] * x @ rotation + target_centroid[:, None]


def procrustes_align(shapes: np.ndarray, weights: Optional[np.ndarray] = None,
                     reflection: bool = False, iterations: int = 10,
                     tol: float = 1e-10) -> Tuple[np.ndarray, np.ndarray]:
    """Generalised Procrustes analysis with per-keypoint weights.

    Translation, scale and rotation (and a reflection if ``reflection``) of each shape are
    fitted to the current mean, which is then re-estimated from the visible keypoints and
    normalised to unit size; until the mean moves less than ``tol``.

    Args:
        shapes (np.ndarray): (N, K, 2) keypoints.
        weights (np.ndarray, optional): (N, K) visibility weights; 0 ignores a keypoint.

    Returns:
        tuple: aligned shapes (N, K, 2) and the mean shape (K, 2).
    """
    shapes = np.asarray(shapes, dtype=np.float64)
    weights = np.ones(shapes.shape[:2]) if weights is None else \
        (np.asarray(weights, dtype=np.float64) > 0).astype(np.float64)
    reference = int(np.argmax(weights.sum(axis=1)))  # the most complete shape starts the mean
    seen = weights[reference] > 0
    mean = np.where(seen[:, None], shapes[reference], shapes[reference][seen].mean(axis=0))
    mean = mean - mean[seen].mean(axis=0)
    mean /= np.linalg.norm(mean)
    for _ in range(iterations):
        aligned = _similarity_to(shapes, weights, mean, reflection)
        counts = np.maximum(weights.sum(axis=0), 1e-12)
        new_mean = (weights[..., None] * aligned).sum(axis=0) / counts[:, None]
        new_mean -= new_mean.mean(axis=0)
        new_mean /= np.linalg.norm(new_mean)
        # keep the orientation of the first estimate (the GPA mean is defined up to rotation)
        new_mean = _similarity_to(new_mean[None], np.ones((1, len(new_mean))), mean,
                                  reflection)[0]
        new_mean /= np.linalg.norm(new_mean)
        moved = np.linalg.norm(new_mean - mean)
        mean = new_mean
        if moved < tol:
            break
    return _similarity_to(shapes, weights, mean, reflection), mean


def principal_scores(aligned: np.ndarray, mean: np.ndarray,
                     weights: Optional[np.ndarray] = None) -> Tuple[np.ndarray, np.ndarray]:
    """Signed projections (N, C) of each aligned shape's deviation from the mean on the
    principal components of the deviations, and the components (C, 2K).

    Invisible keypoints get the mean's position, so they add no deviation.
    """
    flat = _deviations(aligned, mean, weights)
    _, _, vt = np.linalg.svd(flat - flat.mean(axis=0), full_matrices=False)
    return flat @ vt.T, vt


def _deviations(shapes: np.ndarray, mean: np.ndarray,
                weights: Optional[np.ndarray]) -> np.ndarray:
    deviation = shapes - mean
    if weights is not None:
        deviation = deviation * (np.asarray(weights) > 0)[..., None]
    return deviation.reshape(len(shapes), -1)


def pose_projection(aligned: np.ndarray, mean: np.ndarray, weights: Optional[np.ndarray] = None,
                    component: int = 0) -> np.ndarray:
    """|projection| of each aligned shape's deviation from the mean on a principal component."""
    scores, _ = principal_scores(aligned, mean, weights)
    if not 0 <= component < scores.shape[1]:
        raise ValueError(f'component must be in [0, {scores.shape[1]}) for {len(aligned)} '
                         f'shapes of {aligned.shape[1]} keypoints, got {component}')
    return np.abs(scores[:, component])


def mirror_correlations(aligned: np.ndarray, mean: np.ndarray, weights: Optional[np.ndarray],
                        flip_indices: Sequence[int], num_components: int = 5) -> np.ndarray:
    """Per principal component, the correlation of the shapes' scores with their mirror
    images' scores (x negated, left and right keypoints swapped by ``flip_indices``, fitted to
    the mean by a similarity). Yaw is antisymmetric under a horizontal flip: its component
    scores about -1; a symmetric component (e.g. pitch, mouth opening) about +1.

    Returns:
        np.ndarray: (min(num_components, C), ) correlations.
    """
    flip_indices = np.asarray(flip_indices)
    if sorted(flip_indices.tolist()) != list(range(aligned.shape[1])):
        raise ValueError(f'flip_indices must be a permutation of the {aligned.shape[1]} '
                         f'keypoints, got {flip_indices.tolist()}')
    weights = np.ones(aligned.shape[:2]) if weights is None else \
        (np.asarray(weights) > 0).astype(np.float64)
    scores, vt = principal_scores(aligned, mean, weights)
    mirrored = aligned[:, flip_indices] * [-1., 1.]
    mirrored_weights = weights[:, flip_indices]
    mirrored = _similarity_to(mirrored, mirrored_weights, mean, reflection=False)
    mirrored_scores = _deviations(mirrored, mean, mirrored_weights) @ vt.T
    count = min(num_components, scores.shape[1])
    return np.array([np.corrcoef(scores[:, c], mirrored_scores[:, c])[0, 1]
                     for c in range(count)])


@dataclass
class Balancing:
    """The result of :func:`balance`: per-sample bin and repeat count, per-bin histograms."""
    bins: np.ndarray  # (N,) bin of each sample
    repeats: np.ndarray  # (N,) times each sample appears
    edges: np.ndarray  # (num_bins + 1,)
    counts_before: np.ndarray  # (num_bins,)
    counts_after: np.ndarray  # (num_bins,)


def balance(scores: np.ndarray, num_bins: int = 9, target: Optional[int] = None) -> Balancing:
    """Repeat counts that flatten the histogram of ``scores`` on [0, max] in equal bins.

    Each sample falls in exactly one bin (a score on an inner edge goes to the upper bin, the
    maximum to the last bin). A bin of ``c`` samples is repeated ``round(m / c)`` times, with
    ``m`` the largest bin (or ``target``), at least once; rounding is half away from zero as in
    MATLAB; empty bins are skipped.
    """
    scores = np.asarray(scores, dtype=np.float64)
    if num_bins < 1:
        raise ValueError(f'num_bins must be >= 1, got {num_bins}')
    if len(scores) == 0 or not np.isfinite(scores).all():
        raise ValueError(f'need finite scores for at least one sample, got {len(scores)} '
                         f'with {int((~np.isfinite(scores)).sum())} non-finite')
    top = scores.max()
    edges = np.linspace(0, top, num_bins + 1)
    bins = np.minimum((scores / top * num_bins).astype(int), num_bins - 1) if top > 0 \
        else np.zeros(len(scores), dtype=int)
    counts = np.bincount(bins, minlength=num_bins)
    goal = counts.max() if target is None else target
    factors = np.maximum(1, np.floor(goal / np.maximum(counts, 1) + 0.5)).astype(int)
    factors[counts == 0] = 0
    return Balancing(bins=bins, repeats=factors[bins], edges=edges, counts_before=counts,
                     counts_after=counts * factors)
