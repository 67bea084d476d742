"""Annotation noise for the synthetic training labels, as human annotators add it.

Studies of annotators (e.g. Sagonas et al.'s 300W, the Wing paper's argument for small and
medium errors) find their disagreement a few percent of the inter-ocular distance, mostly along
the facial contours (where a point of the jaw or brow sits on its curve) rather than across
them. :func:`noisy_landmarks` draws such noise: Gaussian along each landmark's contour and, with
a :data:`ALONG_TO_ACROSS` times smaller std, across it.
"""
import numpy as np

from wingpose.structures.face_layouts import face_layout

# the std of the noise along a contour over its std across it
ALONG_TO_ACROSS = 2.


def contour_tangents(points: np.ndarray, dataset_name: str = '300w') -> np.ndarray:
    """Unit tangents (K, 2) of each landmark's contour (the layout's STAR edges): the direction
    from its predecessor to its successor, one-sided at the ends of an open contour; (1, 0) for
    a landmark on no contour or where the two coincide."""
    tangents = np.zeros_like(points, dtype=np.float64)
    for closed, chain in face_layout(dataset_name).star_edges:
        chain = list(chain)
        for position, index in enumerate(chain):
            if closed:
                before, after = chain[position - 1], chain[(position + 1) % len(chain)]
            else:
                before = chain[max(position - 1, 0)]
                after = chain[min(position + 1, len(chain) - 1)]
            tangents[index] = points[after] - points[before]
    length = np.linalg.norm(tangents, axis=1, keepdims=True)
    return np.where(length > 1e-9, tangents / np.maximum(length, 1e-9), [1., 0.])


def noisy_landmarks(points: np.ndarray, percent: float, rng: np.random.Generator,
                    dataset_name: str = '300w') -> np.ndarray:
    """``points`` (68, 2) plus annotation noise of std ``percent`` % of the inter-ocular
    distance along each landmark's contour and ``percent / ALONG_TO_ACROSS`` % across it."""
    layout = face_layout(dataset_name)
    first, second = layout.outer_eye_corners
    inter_ocular = np.linalg.norm(points[list(first)].mean(0) - points[list(second)].mean(0))
    along = contour_tangents(points, dataset_name)
    across = np.stack([-along[:, 1], along[:, 0]], axis=1)
    std = percent / 100 * inter_ocular
    noise = rng.normal(0, std, (len(points), 1)) * along \
        + rng.normal(0, std / ALONG_TO_ACROSS, (len(points), 1)) * across
    return points + noise
