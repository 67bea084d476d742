"""The One-Euro filter against its closed form, and the jitter measure."""
import math

import numpy as np
import pytest

from wingpose.apis import OneEuroFilter
from wingpose.apis.face_tracking import box_iou
from wingpose.evaluation.functional import landmark_jitter


def test_one_euro_filter_steps_as_its_formula():
    smoother = OneEuroFilter(min_cutoff=1.0, beta=0.5, d_cutoff=2.0)
    assert smoother(np.array([10.]), 0.0, scale=4.)[0] == 10.  # the first value passes
    dt = 0.04

    def alpha(cutoff):
        return 1 / (1 + 1 / (2 * math.pi * cutoff * dt))

    speed = alpha(2.0) * (14. - 10.) / dt  # smoothed from 0
    value = 10. + alpha(1.0 + 0.5 * speed / 4.) * (14. - 10.)
    assert smoother(np.array([14.]), dt, scale=4.)[0] == pytest.approx(value, rel=1e-12)
    # white noise around a still point: the frame-to-frame motion shrinks
    rng = np.random.default_rng(0)
    noisy = 50 + rng.normal(0, 1, (250, 68, 2))
    smoother.reset()
    smoothed = np.stack([smoother(x, t * dt, scale=100.) for t, x in enumerate(noisy)])
    one = np.ones(250)
    assert landmark_jitter(smoothed, one) < landmark_jitter(noisy, one) / 3
    with pytest.raises(ValueError, match='min_cutoff > 0, beta >= 0'):
        OneEuroFilter(min_cutoff=0)


def test_landmark_jitter_and_box_iou():
    track = np.zeros((4, 2, 2))
    track[1, 0] = [3, 4]  # moves 5 and back: two steps of 5 of the 6 landmark-steps
    track[3] = np.nan  # no face: its steps do not count
    assert landmark_jitter(track, np.full(4, 10.)) == pytest.approx(np.sqrt(2 * 0.25 / 4))
    assert box_iou(np.array([[0, 0, 2, 2]]), np.array([[1, 1, 3, 3], [5, 5, 6, 6]])).tolist() \
        == [[1 / 7, 0.]]
