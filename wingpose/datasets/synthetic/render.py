"""Draw a recognisable face from its 68 projected landmarks (OpenCV, BGR uint8)."""
from typing import Tuple

import cv2
import numpy as np

from .geometry import FaceParams, project, rotation, self_visible

AA = cv2.LINE_AA


def _poly(points: np.ndarray) -> np.ndarray:
    return np.round(points * 16).astype(np.int32).reshape(-1, 1, 2)


def _background(rng: np.random.Generator, size: int) -> np.ndarray:
    """A gradient with random blobs and stripes: a different scene per image."""
    c0, c1 = rng.uniform(20, 235, (2, 3))
    t = np.linspace(0, 1, size)[:, None, None]
    image = (c0 * (1 - t) + c1 * t) * np.ones((1, size, 1))
    if rng.random() < 0.5:
        image = image.transpose(1, 0, 2)
    image = np.ascontiguousarray(image.astype(np.uint8))
    for _ in range(rng.integers(2, 8)):
        color = tuple(int(c) for c in rng.uniform(0, 255, 3))
        centre = tuple(int(c) for c in rng.uniform(0, size, 2))
        if rng.random() < 0.5:
            axes = tuple(int(a) for a in rng.uniform(size / 20, size / 3, 2))
            cv2.ellipse(image, centre, axes, rng.uniform(0, 180), 0, 360, color, -1, AA)
        else:
            end = tuple(int(c) for c in rng.uniform(0, size, 2))
            cv2.line(image, centre, end, color, int(rng.integers(2, size // 12)), AA)
    return cv2.GaussianBlur(image, (0, 0), rng.uniform(0.5, 3))


def _shade(image: np.ndarray, mask: np.ndarray, centre: np.ndarray, radius: float,
           light: np.ndarray) -> None:
    """Darken ``image`` inside ``mask`` towards the face edge and away from the light."""
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return
    offset = (np.stack([xs, ys], axis=1) - centre) / radius
    factor = 1 - 0.35 * np.clip((offset**2).sum(1), 0, 1.5) ** 1.5 + 0.25 * offset @ light
    image[ys, xs] = np.clip(image[ys, xs] * np.clip(factor, 0.3, 1.3)[:, None], 0, 255)


def render_face(rng: np.random.Generator, face: FaceParams, size: int
                ) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Render one face.

    Returns:
        image (H, W, 3) uint8 BGR, landmarks (68, 2) in pixels, ``self_vis`` (68,) bool (not
        hidden by the head itself), ``occluded`` (68,) bool (under a drawn occluder).
    """
    rot = rotation(face.yaw, face.pitch, face.roll)
    face_width = rng.uniform(0.35, 0.6) * size
    scale = face_width / 1.45
    centre = size / 2 + rng.normal(0, size * 0.04, 2)
    points = project(face.shape, rot, centre, scale)
    visible = self_visible(face.shape, rot)

    # head outline: jaw plus a forehead above the brows, in 3-D so it turns with the pose
    brows = face.shape[17:27]
    forehead = brows[::-1] + [0, 0.45, -0.25]
    crown = brows[::-1] * [1.15, 1, 1] + [0, 0.95, -0.9]
    head = project(np.concatenate([face.shape[0:17], forehead, crown]), rot, centre, scale)

    image = _background(rng, size)
    tone = rng.uniform()  # from dark to light skin, BGR
    skin = np.array([45, 65, 105]) * (1 - tone) + np.array([175, 200, 240]) * tone
    skin = np.clip(skin + rng.normal(0, 8, 3), 0, 255)
    hair = np.clip(np.array([25, 35, 50]) * rng.uniform(0.4, 3.5) + rng.normal(0, 5, 3), 0, 255)
    # neck, then hair behind the head
    chin = points[8]
    neck = np.array([points[4], points[12], chin + [face_width * .3, size],
                     chin + [-face_width * .3, size]])
    cv2.fillConvexPoly(image, _poly(neck), tuple(skin * 0.8), AA, 4)
    cv2.fillConvexPoly(image, _poly(cv2.convexHull(head[17:].astype(np.float32))[:, 0] *
                                    1.0), tuple(hair), AA, 4)
    # face skin with shading
    hull = cv2.convexHull(np.concatenate([head[:27], points]).astype(np.float32))[:, 0]
    mask = np.zeros((size, size), np.uint8)
    cv2.fillConvexPoly(mask, _poly(hull), 255, AA, 4)
    face_layer = np.empty_like(image)
    face_layer[:] = skin.astype(np.uint8)
    light = rng.normal(0, 1, 2)
    _shade(face_layer, mask > 0, hull.mean(0), face_width * 0.7, light / np.linalg.norm(light))
    alpha = cv2.GaussianBlur(mask, (0, 0), 1.0)[..., None] / 255.
    image = (image * (1 - alpha) + face_layer * alpha).astype(np.uint8)

    dark = tuple(skin * 0.55)
    thickness = max(1, int(face_width / 40))
    # jaw line, nose, brows
    jaw = points[0:17][visible[0:17]]
    if len(jaw) > 1:
        cv2.polylines(image, [_poly(jaw)], False, tuple(skin * 0.75), 1, AA, 4)
    cv2.polylines(image, [_poly(points[27:31])], False, tuple(skin * 0.8), thickness, AA, 4)
    nostrils = points[31:36][visible[31:36]]
    if len(nostrils) > 1:
        cv2.polylines(image, [_poly(nostrils)], False, dark, thickness, AA, 4)
    for i in (32, 34):
        if visible[i]:
            cv2.circle(image, tuple(np.round(points[i] * 16).astype(int)),
                       max(16, int(face_width / 30 * 16)), tuple(skin * 0.35), -1, AA, 4)
    for brow in (range(17, 22), range(22, 27)):
        brow = list(brow)
        if visible[brow].sum() > 1:
            cv2.polylines(image, [_poly(points[brow][visible[brow]])], False, tuple(hair),
                          int(thickness * 2), AA, 4)
    # eyes: white, iris clipped to the eye, lid line
    iris_color = tuple(rng.uniform(20, 140, 3))
    for eye in (list(range(36, 42)), list(range(42, 48))):
        if not visible[eye].all():
            continue
        eye_mask = np.zeros((size, size), np.uint8)
        cv2.fillPoly(eye_mask, [_poly(points[eye])], 255, AA, 4)
        layer = image.copy()
        cv2.fillPoly(layer, [_poly(points[eye])], (225, 230, 235), AA, 4)
        eye_centre = points[eye].mean(0) + rng.normal(0, face_width / 150, 2)
        radius = np.linalg.norm(points[eye[3]] - points[eye[0]]) * 0.28
        cv2.circle(layer, tuple(np.round(eye_centre * 16).astype(int)), int(radius * 16),
                   iris_color, -1, AA, 4)
        cv2.circle(layer, tuple(np.round(eye_centre * 16).astype(int)), int(radius * 7),
                   (15, 15, 15), -1, AA, 4)
        inside = eye_mask > 127
        image[inside] = layer[inside]
        cv2.polylines(image, [_poly(points[eye])], True, (30, 30, 40), max(1, thickness // 2),
                      AA, 4)
    # lips, and the open mouth
    lips = list(range(48, 60))
    if visible[lips].sum() >= 6:
        lip_color = tuple(skin * rng.uniform([0.5, 0.45, 0.8], [0.75, 0.65, 1.0]))
        cv2.fillPoly(image, [_poly(points[lips])], lip_color, AA, 4)
        if face.mouth_open > 0.03:
            cv2.fillPoly(image, [_poly(points[60:68])], (35, 25, 45), AA, 4)
        else:
            cv2.polylines(image, [_poly(points[60:68])], True, tuple(skin * 0.4), 1, AA, 4)

    occluded = np.zeros(68, dtype=bool)
    if rng.random() < 0.25:
        occluder = np.zeros((size, size), np.uint8)
        anchor = points[rng.integers(0, 68)]
        axes = tuple(int(a * 16) for a in rng.uniform(0.1, 0.3, 2) * face_width)
        cv2.ellipse(occluder, tuple(np.round(anchor * 16).astype(int)), axes,
                    rng.uniform(0, 180), 0, 360, 255, -1, AA, 4)
        image[occluder > 127] = rng.uniform(0, 255, 3).astype(np.uint8)
        inside = np.clip(np.round(points).astype(int), 0, size - 1)
        occluded = occluder[inside[:, 1], inside[:, 0]] > 127

    # camera: brightness/contrast, blur, noise
    image = np.clip(image * rng.uniform(0.7, 1.2) + rng.normal(0, 12), 0, 255)
    if rng.random() < 0.5:
        image = cv2.GaussianBlur(image, (0, 0), rng.uniform(0.3, 1.6))
    image = image + rng.normal(0, rng.uniform(0, 6), image.shape)
    return np.clip(image, 0, 255).astype(np.uint8), points, visible, occluded
