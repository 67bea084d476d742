"""Boundary targets: AWing's boundary heatmaps (Wang et al., ICCV 2019, Sec. 4.3) and STAR's
edge maps (Zhou et al., CVPR 2023, the official ``alignmentDataset.py``)."""
from abc import abstractmethod
from typing import Optional, Sequence, Tuple

import cv2
import numpy as np
from mmcv.transforms import BaseTransform
from scipy import interpolate

from wingpose.codecs.utils import bilinear_resize_matrix
from wingpose.structures import FACE_LAYOUTS, Edge, face_layout, star_edges
from wingpose.registry import TRANSFORMS


def boundary_curve(points: np.ndarray, samples: int = 101) -> np.ndarray:
    """The interpolating spline through a boundary's points, (samples, 2), as the AWing code
    draws it (``splprep``, degree min(3, n - 1), s=0); repeated neighbours are dropped and a
    curve SciPy cannot fit is kept as its polyline."""
    keep = np.r_[True, np.any(np.diff(points, axis=0) != 0, axis=1)]
    points = points[keep]
    if len(points) < 2:
        return points
    try:
        tck, _ = interpolate.splprep(points.T, k=min(3, len(points) - 1), s=0)
    except (ValueError, TypeError):  # e.g. points repeated out of order
        return points
    return np.stack(interpolate.splev(np.linspace(0, 1, samples), tck), axis=-1)


def boundary_distance_maps(curves: Sequence[np.ndarray], size: tuple, sigma: float = 1.,
                           cutoff: float = 3.) -> np.ndarray:
    """Gaussian maps of the distance d to each polyline: ``exp(-d^2 / 2 sigma^2)`` for
    ``d < cutoff * sigma``, else 0 (AWing's boundary heatmap, Sec. 4.3).

    Only the pixels within ``cutoff * sigma`` of a segment's box can be non-zero: each segment's
    distances are computed in that window and the nearest segment is kept per pixel. The
    distance from every pixel to every segment gives the same maps, bit for bit, some 200
    times slower.

    Args:
        curves: (S, 2) vertices of each polyline, in heatmap pixels (one vertex: a point).
        size (tuple): heatmap (width, height).

    Returns:
        np.ndarray: (B, height, width) float32.
    """
    w, h = size
    reach = cutoff * sigma
    segments = []  # (start, end, curve index) of every segment of every curve
    for index, curve in enumerate(curves):
        curve = np.asarray(curve, dtype=np.float64).reshape(-1, 2)
        start, end = (curve[:-1], curve[1:]) if len(curve) > 1 else (curve, curve)
        segments.append((start, end, np.full(len(start), index)))
    start, end, owner = (np.concatenate(parts) for parts in zip(*segments))
    direction = end - start
    length2 = np.maximum((direction**2).sum(-1), 1e-12)
    low = np.ceil(np.minimum(start, end) - reach).astype(np.int64)  # first pixel within reach
    spans = np.floor(np.maximum(start, end) + reach).astype(np.int64) - low + 1
    distance = np.full(len(curves) * h * w, np.inf)
    # the segments with windows of one size together; x and y apart (NumPy reduces slowly
    # over an axis of two), in place (a quarter faster than with temporaries)
    sizes = spans[:, 0] * (spans[:, 1].max() + 1) + spans[:, 1]  # one number per window size
    for size in np.unique(sizes):
        group = sizes == size
        span_x, span_y = spans[group][0]
        # (S, span_x * span_y) the pixels of each segment's window
        x = (low[group, :1] + np.tile(np.arange(span_x), span_y)).astype(np.float64)
        y = (low[group, 1:] + np.repeat(np.arange(span_y), span_x)).astype(np.float64)
        (sx, sy), (dx, dy) = start[group].T[..., None], direction[group].T[..., None]
        along = (x - sx) * dx
        along += (y - sy) * dy
        along /= length2[group, None]
        np.clip(along, 0, 1, out=along)  # the nearest point's place on the segment
        to_segment = np.square(x - (dx * along + sx))
        to_segment += np.square(y - (dy * along + sy))
        np.sqrt(to_segment, out=to_segment)
        keep = (to_segment < reach) & (x >= 0) & (x < w) & (y >= 0) & (y < h)
        pixels = owner[group, None] * (h * w) + (y * w + x).astype(np.int64)
        np.minimum.at(distance, pixels[keep], to_segment[keep])
    maps = np.zeros(len(curves) * h * w, np.float32)
    near = distance < reach
    maps[near] = np.exp(-distance[near]**2 / (2 * sigma**2))
    return maps.reshape(len(curves), h, w)


class _AppendTargetMaps(BaseTransform):
    """Appends maps, and a weight per map, to the heatmaps and keypoint weights that
    ``GenerateTarget`` made; :meth:`target_maps` makes them."""

    @abstractmethod
    def target_maps(self, results: dict) -> Tuple[np.ndarray, np.ndarray]:
        """(M, H, W) maps and (1, M) weights for the sample in ``results``."""

    def transform(self, results: dict) -> dict:
        if 'heatmaps' not in results or 'transformed_keypoints' not in results:
            raise KeyError(f'{type(self).__name__} needs the heatmaps and transformed '
                           'keypoints: put it after TopdownAffine and GenerateTarget')
        maps, weights = self.target_maps(results)
        results['heatmaps'] = np.concatenate([results['heatmaps'], maps])
        results['keypoint_weights'] = np.concatenate(
            [results['keypoint_weights'], weights], axis=1).astype(np.float32)
        return results


@TRANSFORMS.register_module()
class GenerateBoundaryHeatmaps(_AppendTargetMaps):
    """Append boundary heatmaps to the landmark heatmaps made by ``GenerateTarget``.

    Each boundary (a chain of keypoints: the AWing code's, the layout's ``awing_boundaries``,
    :mod:`wingpose.structures.face_layouts`) becomes the spline through its transformed keypoints
    (:func:`boundary_curve`) and then a Gaussian map of the distance to that curve (``sigma``
    = 1 heatmap pixel, cut at 3 sigma, as in the AWing paper). The maps follow the K landmark
    maps in ``heatmaps`` and ``keypoint_weights`` gets a weight per map. Train them with a
    head that knows the boundary channels (``BoundaryHeatmapHead``, ``STARHeatmapHead``,
    ``StackedHeatmapHead`` with ``num_boundaries``). Add it after ``GenerateTarget``.

    Args:
        boundaries (Sequence[Sequence[int]], optional): The chains; None takes those of the
            sample's layout (its ``dataset_name``, else its number of keypoints).
        sigma (float): Gaussian sigma in heatmap pixels. Default: 1.
        cutoff (float): Distance cut-off in sigmas. Default: 3.
        merge (bool): One map for all boundaries (their maximum) with weight 1, as AWing's
            network predicts (its boundary channel); else one map per boundary, weighted 1 if
            all its keypoints are visible. Default: False.
    """

    def __init__(self, boundaries: Optional[Sequence[Sequence[int]]] = None, sigma: float = 1.,
                 cutoff: float = 3., merge: bool = False):
        self.boundaries = boundaries
        self.sigma = sigma
        self.cutoff = cutoff
        self.merge = merge

    def target_maps(self, results: dict) -> Tuple[np.ndarray, np.ndarray]:
        num_keypoints, h, w = results['heatmaps'].shape
        chains = self.boundaries
        if chains is None:
            try:
                chains = face_layout(results.get('dataset_name'),
                                     num_keypoints).awing_boundaries or None
            except ValueError:
                pass
        if chains is None:
            raise ValueError(f'no boundary preset for {num_keypoints} keypoints (layouts with '
                             'boundaries: ' + ', '.join(
                                 f'{n} = {layout.num_keypoints}' for n, layout in
                                 FACE_LAYOUTS.items() if layout.awing_boundaries)
                             + '); pass boundaries=[[...], ...]')
        scale = np.array([w, h]) / np.array(results['input_size'])
        points = results['transformed_keypoints'][0] * scale
        curves = [boundary_curve(points[list(chain)]) for chain in chains]
        maps = boundary_distance_maps(curves, (w, h), self.sigma, self.cutoff)
        if self.merge:
            maps, weights = maps.max(axis=0, keepdims=True), np.ones((1, 1), np.float32)
        else:
            visible = np.asarray(results['keypoints_visible']).reshape(-1) > 0
            weights = np.array([[visible[list(c)].all() for c in chains]], dtype=np.float32)
        return maps, weights


def star_edge_curve(points: np.ndarray, closed: bool, density: int = 5) -> np.ndarray:
    """STAR's edge curve (``_fit_curve``): the interpolating cubic spline through the points
    (periodic when ``closed``), ``density`` samples per landmark interval; the points
    themselves if SciPy cannot fit it."""
    if closed:
        points = np.concatenate([points, points[:1]])
    try:
        tck, u = interpolate.splprep(points.T, s=0, per=closed, k=3)
    except (ValueError, TypeError):
        return points
    # np.linspace(a, b, density, endpoint=False) per interval, all at once
    steps = np.arange(density) * ((u[1:] - u[:-1]) / density)[:, None]
    params = np.concatenate([(u[:-1, None] + steps).ravel()] + ([] if closed else [u[-1:]]))
    return np.stack(interpolate.splev(params, tck), axis=-1)


def star_edge_maps(points: np.ndarray, edges: Sequence[Edge], image_size: Tuple[int, int],
                   heatmap_size: Tuple[int, int], supersample: int = 4) -> np.ndarray:
    """STAR's edge maps (``_generate_edgemap``): each edge's curve is drawn anti-aliased, one
    pixel wide, at ``supersample`` x the input size, area-downsampled to the input size, scaled
    to [0, 1] and bilinearly resized to the heatmap size (``F.interpolate``,
    ``align_corners=False``). Each curve is drawn on a canvas around it only (a full
    ``supersample`` x canvas per edge gives the same maps, 7 times slower for WFLW's nine).

    Args:
        points (np.ndarray): (K, 2) keypoints in input pixels.
        edges: (closed, landmark indices) per edge.
        image_size, heatmap_size: (width, height).

    Returns:
        np.ndarray: (E, heatmap height, heatmap width) float32.
    """
    w, h = image_size
    # float32 throughout: the maps are float32 and within 1e-7 of float64 arithmetic
    rows = bilinear_resize_matrix(h, heatmap_size[1]).astype(np.float32)
    cols = bilinear_resize_matrix(w, heatmap_size[0]).T.astype(np.float32)
    margin = 2 * supersample + 2  # the line's half width and its anti-aliased rim
    maps = np.empty((len(edges), heatmap_size[1], heatmap_size[0]), np.float32)
    for edge, (closed, indices) in enumerate(edges):
        curve = star_edge_curve(points[list(indices)].astype(np.float64), closed)
        vertices = (np.clip(curve, 0, [w - 1, h - 1]) * supersample + 0.5).astype(np.int32)
        # the canvas around the curve, in whole input pixels: drawing, block averaging and
        # resampling do not depend on where the canvas starts
        (x0, y0) = low = np.maximum((vertices.min(0) - margin) // supersample, 0)
        (x1, y1) = np.minimum(-(-(vertices.max(0) + margin + 1) // supersample), [w, h])
        canvas = np.zeros(((y1 - y0) * supersample, (x1 - x0) * supersample), np.float32)
        cv2.polylines(canvas, [vertices - low * supersample], closed, 255, supersample,
                      cv2.LINE_AA)
        window = cv2.resize(canvas, (int(x1 - x0), int(y1 - y0)), interpolation=cv2.INTER_AREA)
        np.matmul(rows[:, y0:y1] @ window, cols[x0:x1], out=maps[edge])
    maps /= 255.
    return maps


@TRANSFORMS.register_module()
class GenerateEdgeMaps(_AppendTargetMaps):
    """Append STAR's edge maps (:func:`star_edge_maps`) to the landmark heatmaps made by
    ``GenerateTarget``, with weight 1 each (the STAR code ignores visibility). Train them with
    ``StackedHeatmapHead(num_boundaries=E)``. Add it after ``GenerateTarget``.

    Args:
        edges (str | Sequence, optional): (closed, landmark indices) per edge, a layout name
            of :data:`wingpose.structures.STAR_EDGES` ('300w', 'wflw', 'cofw'), or None
            for the layout with as many landmarks as the heatmaps. Default: None.
    """

    def __init__(self, edges=None):
        self.edges = None if edges is None else star_edges(edges)

    def target_maps(self, results: dict) -> Tuple[np.ndarray, np.ndarray]:
        num_keypoints, h, w = results['heatmaps'].shape
        edges = star_edges(self.edges, num_keypoints)
        largest = max(max(indices) for _, indices in edges)
        if largest >= num_keypoints:
            raise ValueError(f'GenerateEdgeMaps: an edge uses landmark {largest} but the '
                             f'heatmaps have {num_keypoints}; pick the edges of this layout')
        maps = star_edge_maps(results['transformed_keypoints'][0], edges,
                              tuple(results['input_size']), (w, h))
        return maps, np.ones((1, len(maps)), np.float32)
