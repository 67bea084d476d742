"""Synthetic face videos with exact landmarks per frame: a still face under sensor noise, and a
face moving and turning along a known path."""
from dataclasses import replace
from typing import List, Tuple

import numpy as np

from .geometry import sample_face
from .render import render_face


def render_video(seed: int, num_frames: int, frame_size: Tuple[int, int] = (640, 480),
                 face_size: int = 160, moving: bool = False, noise: float = 4.
                 ) -> Tuple[List[np.ndarray], np.ndarray]:
    """Frames (H, W, 3) BGR uint8 and their landmarks (T, 68, 2) in frame pixels.

    One near-frontal face (identity, skin, background, lighting from ``seed``) is rendered in a
    ``face_size`` square (:func:`render_face`, the same look in every frame) and placed on a
    grey frame of ``frame_size`` (w, h), each frame with its own Gaussian sensor noise of std
    ``noise`` grey levels. Still: the face sits at the centre, the same pose throughout.
    Moving: the tile travels once round an ellipse (an eighth of the frame's width and height
    in radius) while the head turns (yaw +-25, pitch +-8, roll +-10 degrees) over the clip.
    """
    rng = np.random.default_rng([seed, 0])
    face = sample_face(rng)
    face = replace(face, yaw=0., pitch=0., roll=0., mouth_open=0.)
    width, height = frame_size
    frames, landmarks = [], []
    for t in range(num_frames):
        phase = 2 * np.pi * t / max(num_frames - 1, 1)
        pose = face
        centre = np.array([width, height], dtype=np.float64) / 2
        if moving:
            pose = replace(face, yaw=25 * np.sin(phase), pitch=8 * np.sin(2 * phase),
                           roll=10 * np.sin(phase + 1))
            centre += [width / 8 * np.sin(phase), height / 8 * np.cos(phase)]
        # the same generator state every frame: the same face, background and light
        tile, points, _, _ = render_face(np.random.default_rng([seed, 1]), pose, face_size)
        frame = np.full((height, width, 3), 110, np.float64)
        x, y = np.round(centre - face_size / 2).astype(int)
        frame[y:y + face_size, x:x + face_size] = tile
        frame += np.random.default_rng([seed, 2, t]).normal(0, noise, frame.shape)
        frames.append(np.clip(frame, 0, 255).astype(np.uint8))
        landmarks.append(points + [x, y])
    return frames, np.stack(landmarks)
