"""Landmarks on video: faces tracked from frame to frame, landmarks smoothed by One-Euro filters.

A :class:`FaceTracker` keeps one track per face. Each track's box for the next frame is the
extent of its landmarks (the box convention of the face-alignment sets: 300W, WFLW, the
synthetic faces), so the detector runs only every ``redetect_every`` frames, when a track's
mean landmark score falls below ``min_score``, and while there is no track; detections are
matched to tracks by overlap (IoU), new faces start tracks and tracks the detector no longer
finds end (a new track starts when the face returns). Each track's landmarks pass through a
:class:`OneEuroFilter` per coordinate (Casiez et al., CHI 2012; MediaPipe's face mesh
smooths its landmarks so), reset with the track.
"""
import math
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, Iterator, List, Optional

import numpy as np
from mmpose.apis import inference_topdown
from torch import nn

__all__ = ['FaceTracker', 'OneEuroFilter', 'box_iou', 'landmark_box']


class OneEuroFilter:
    """The One-Euro filter (Casiez, Roussel, Vogel, CHI 2012) of an array of coordinates.

    An exponential smoother whose cut-off frequency rises with the speed:
    ``x_hat = a(fc) x + (1 - a(fc)) x_hat_prev``, ``a(f) = 1 / (1 + 1 / (2 pi f dt))``,
    ``fc = min_cutoff + beta |dx_hat|``, where ``dx_hat`` is the derivative smoothed at
    ``d_cutoff``. Slow motion (jitter) is cut at ``min_cutoff`` Hz; fast motion passes with
    little lag. The speed is divided by ``scale`` (here the face's size in pixels), so that
    ``beta`` means the same for small and large faces.
    """

    def __init__(self, min_cutoff: float = 1.0, beta: float = 1.0, d_cutoff: float = 1.0):
        if min_cutoff <= 0 or beta < 0 or d_cutoff <= 0:
            raise ValueError(f'OneEuroFilter needs min_cutoff > 0, beta >= 0 and d_cutoff > 0, '
                             f'got {min_cutoff}, {beta}, {d_cutoff}')
        self.min_cutoff, self.beta, self.d_cutoff = min_cutoff, beta, d_cutoff
        self.reset()

    def reset(self) -> None:
        self.value: Optional[np.ndarray] = None
        self.speed: Optional[np.ndarray] = None
        self.time: Optional[float] = None

    @staticmethod
    def _alpha(cutoff, dt: float):
        return 1 / (1 + 1 / (2 * math.pi * cutoff * dt))

    def __call__(self, value: np.ndarray, time: float, scale: float = 1.) -> np.ndarray:
        value = np.asarray(value, dtype=np.float64)
        if self.value is None or time <= self.time:
            self.value, self.speed, self.time = value, np.zeros_like(value), time
            return value
        dt = time - self.time
        speed = (value - self.value) / dt
        self.speed = self.speed + self._alpha(self.d_cutoff, dt) * (speed - self.speed)
        cutoff = self.min_cutoff + self.beta * np.abs(self.speed) / scale
        self.value = self.value + self._alpha(cutoff, dt) * (value - self.value)
        self.time = time
        return self.value


def landmark_box(landmarks: np.ndarray) -> np.ndarray:
    """[x1, y1, x2, y2] of the landmarks' extent."""
    return np.concatenate([landmarks.min(0), landmarks.max(0)]).astype(np.float32)


def _area(boxes: np.ndarray) -> np.ndarray:
    return np.prod(np.clip(boxes[..., 2:] - boxes[..., :2], 0, None), -1)


def box_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU of boxes (N, 4) and (M, 4), [x1, y1, x2, y2]: (N, M)."""
    overlap = _area(np.concatenate([np.maximum(a[:, None, :2], b[None, :, :2]),
                                    np.minimum(a[:, None, 2:], b[None, :, 2:])], -1))
    return overlap / np.maximum(_area(a)[:, None] + _area(b)[None] - overlap, 1e-9)


@dataclass
class _Track:
    id: int
    box: np.ndarray
    filter: OneEuroFilter
    detected_at: int
    weak: bool = False  # its last mean landmark score was below min_score


@dataclass
class FaceTracker:
    """Landmarks of every face in a stream of frames (module docstring).

    Args:
        model: An MMPose top-down model (PyTorch, or the ONNX Runtime estimator), run by
            MMPose's ``inference_topdown`` on the boxes.
        detector: Image (H, W, 3) BGR -> face boxes (N, 4), [x1, y1, x2, y2].
        track (bool): Boxes from the previous frame's landmarks; False runs the detector on
            every frame. Default: True.
        smooth (bool): One-Euro filtering of the landmarks. Default: True.
        redetect_every (int): Frames between detector runs while tracking. Default: 10.
        min_score (float): A track whose mean landmark score falls below it is checked by the
            detector on the next frame. Default: 0.2.
        min_iou (float): The overlap that matches a detection to a track. Default: 0.3.
        min_cutoff, beta (float): The One-Euro filter's (:class:`OneEuroFilter`). Default:
            0.5 Hz and 10 per face size per second (``tools/benchmark/bench_video.py``:
            jitter cut 10x, NME on a moving face +3 %).
    """
    model: nn.Module
    detector: Callable[[np.ndarray], np.ndarray]
    track: bool = True
    smooth: bool = True
    redetect_every: int = 10
    min_score: float = 0.2
    min_iou: float = 0.3
    min_cutoff: float = 0.5
    beta: float = 10.0
    tracks: List[_Track] = field(default_factory=list)
    frame_index: int = 0
    next_id: int = 0

    def __post_init__(self):
        if self.redetect_every < 1:
            raise ValueError(f'redetect_every must be >= 1, got {self.redetect_every}')
        OneEuroFilter(self.min_cutoff, self.beta)  # the filter's own argument check

    def _detect(self) -> bool:
        return (not self.track or not self.tracks or any(t.weak for t in self.tracks)
                or any(self.frame_index - t.detected_at >= self.redetect_every
                       for t in self.tracks))

    def _match(self, boxes: np.ndarray) -> None:
        """Detections to tracks by overlap, greedily: matched tracks keep their box unless
        weak or not tracking, unmatched detections start tracks, unmatched tracks end."""
        old = self.tracks
        iou = box_iou(np.array([t.box for t in old]).reshape(-1, 4), boxes.reshape(-1, 4))
        kept, used = [], set()
        for i, j in sorted(np.argwhere(iou >= self.min_iou), key=lambda ij: -iou[tuple(ij)]):
            if old[i] in kept or j in used:
                continue
            track = old[i]
            if track.weak or not self.track:
                track.box = boxes[j]
            track.detected_at, track.weak = self.frame_index, False
            kept.append(track)
            used.add(j)
        for j in sorted(set(range(len(boxes))) - used):
            kept.append(_Track(self.next_id, boxes[j],
                               OneEuroFilter(self.min_cutoff, self.beta), self.frame_index))
            self.next_id += 1
        self.tracks = kept

    def update(self, frame: np.ndarray, time: float) -> List[Dict]:
        """The faces of ``frame`` (at ``time`` seconds): per face ``track``, ``bbox`` (the
        box its landmarks were estimated in), ``keypoints`` (K, 2), ``keypoint_scores`` (K)
        and ``raw_keypoints`` (before smoothing)."""
        if self._detect():
            self._match(np.asarray(self.detector(frame), np.float32).reshape(-1, 4))
        faces = []
        if self.tracks:
            boxes = np.stack([t.box for t in self.tracks])
            results = inference_topdown(self.model, frame, boxes)
            h, w = frame.shape[:2]
            for track, result, box in zip(list(self.tracks), results, boxes):
                raw = result.pred_instances.keypoints[0]
                scores = result.pred_instances.keypoint_scores[0]
                track.weak = float(scores.mean()) < self.min_score
                size = float(np.sqrt(np.prod(np.maximum(box[2:] - box[:2], 1))))
                points = track.filter(raw, time, size) if self.smooth else raw
                if self.track:  # the next frame's box; else the next detection's
                    track.box = landmark_box(raw)
                    if (track.box[2:] < 0).any() or track.box[0] > w or track.box[1] > h:
                        self.tracks.remove(track)  # left the frame
                faces.append(dict(track=track.id, bbox=box.tolist(),
                                  keypoints=np.asarray(points).tolist(),
                                  keypoint_scores=scores.tolist(), raw_keypoints=raw.tolist()))
        self.frame_index += 1
        return faces

    def run(self, frames: Iterable[np.ndarray], fps: float) -> Iterator[List[Dict]]:
        """:meth:`update` over ``frames`` taken at ``fps`` frames per second."""
        for index, frame in enumerate(frames):
            yield self.update(frame, index / fps)
