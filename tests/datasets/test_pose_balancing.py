import numpy as np
import pytest
from mmengine.dataset import BaseDataset

from wingpose.datasets import PoseBalancedDataset
from wingpose.datasets.pose_balancing import balance, pose_projection, procrustes_align


def similarity(shapes, angle, scale, shift, reflect=False):
    c, s = np.cos(angle), np.sin(angle)
    rot = np.array([[c, -s], [s, c]])
    if reflect:
        rot = rot @ np.diag([-1., 1.])
    return scale * shapes @ rot.T + shift


def test_procrustes_removes_a_known_similarity():
    rng = np.random.default_rng(0)
    base = rng.normal(size=(19, 2))
    shapes = np.stack([similarity(base, a, s, t) for a, s, t in
                       [(0., 1., (0, 0)), (0.7, 3., (5, -2)), (-2.0, 0.2, (100, 40))]])
    aligned, mean = procrustes_align(shapes)
    assert np.allclose(aligned, aligned[0], atol=1e-9)
    assert np.allclose(np.linalg.norm(mean), 1.)


def test_reflection_only_when_allowed():
    rng = np.random.default_rng(1)
    base = rng.normal(size=(10, 2))
    shapes = np.stack([base, similarity(base, 0.3, 2., (1, 1), reflect=True)])
    aligned, _ = procrustes_align(shapes, reflection=True)
    assert np.allclose(aligned[0], aligned[1], atol=1e-9)
    aligned, _ = procrustes_align(shapes, reflection=False)
    assert not np.allclose(aligned[0], aligned[1], atol=1e-3)


def test_invisible_keypoints_do_not_distort():
    rng = np.random.default_rng(2)
    base = rng.normal(size=(19, 2))
    shapes = np.stack([similarity(base, rng.uniform(-3, 3), rng.uniform(0.5, 2), rng.normal(
        size=2)) for _ in range(20)])
    weights = np.ones((20, 19))
    weights[3, :4] = 0
    shapes[3, :4] = 1e6  # garbage where invisible
    aligned, mean = procrustes_align(shapes, weights)
    visible = weights > 0
    assert np.allclose(aligned[visible], np.broadcast_to(mean, aligned.shape)[visible], atol=1e-8)
    scores = pose_projection(aligned, mean, weights)
    assert np.all(np.isfinite(scores)) and scores.max() < 1e-6


def test_balance_flattens_a_known_imbalance():
    scores = np.concatenate([np.full(90, 0.05), np.full(30, 0.5), np.full(9, 0.95), [1.0]])
    result = balance(scores, num_bins=10)
    assert result.counts_before.tolist() == [90, 0, 0, 0, 0, 30, 0, 0, 0, 10]
    assert result.counts_after.tolist() == [90, 0, 0, 0, 0, 90, 0, 0, 0, 90]
    assert result.repeats.tolist() == [1] * 90 + [3] * 30 + [9] * 10
    assert balance(scores, num_bins=10, target=180).counts_after.tolist()[0] == 180


def test_bin_edges_and_matlab_rounding():
    # 0.5 lies on the inner edge of 2 bins on [0, 1]: it belongs to the upper bin only
    result = balance(np.array([0., 0.2, 0.5, 1.0]), num_bins=2)
    assert result.bins.tolist() == [0, 0, 1, 1]
    # 5 / 2 = 2.5 rounds half away from zero to 3 (MATLAB), not to 2
    result = balance(np.array([0.1] * 5 + [0.9] * 2), num_bins=2)
    assert result.repeats.tolist() == [1] * 5 + [3] * 2


def test_balanced_set_is_untouched():
    scores = np.linspace(0, 1, 90, endpoint=False) + 1 / 180
    result = balance(scores, num_bins=9)
    assert result.counts_before.tolist() == [10] * 9 and (result.repeats == 1).all()


class ShapeDataset(BaseDataset):
    """Shapes with a pose imbalance: 3-D points under yaw, mostly frontal."""

    def __init__(self, yaws, **kwargs):
        self.yaws = yaws
        super().__init__(**kwargs)

    def load_data_list(self):
        rng = np.random.default_rng(0)
        face = rng.normal(size=(19, 3))
        out = []
        for yaw in self.yaws:
            c, s = np.cos(yaw), np.sin(yaw)
            points = face @ np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]]).T
            out.append(dict(keypoints=points[None, :, :2] * 50 + 100,
                            keypoints_visible=np.ones((1, 19))))
        return out


def test_wrapper_is_deterministic_and_lazy():
    yaws = np.concatenate([np.random.default_rng(1).normal(0, 0.1, 200), np.linspace(0.6, 1.2, 10)])
    lazy = PoseBalancedDataset(ShapeDataset(yaws, lazy_init=True), num_bins=5, lazy_init=True)
    assert lazy.balancing is None and not lazy._fully_initialized
    lazy.full_init()
    again = PoseBalancedDataset(ShapeDataset(yaws), num_bins=5)
    assert lazy.repeat_indices == again.repeat_indices
    assert len(lazy) > len(yaws)
    # the rare large-yaw shapes are repeated most
    assert lazy.balancing.repeats[-10:].min() > lazy.balancing.repeats[:200].max()
    assert lazy.get_data_info(len(lazy) - 1)['keypoints'].shape == (1, 19, 2)


def test_bad_arguments():
    with pytest.raises(ValueError, match='num_bins must be >= 1, got 0'):
        balance(np.ones(3), num_bins=0)
    with pytest.raises(ValueError, match=r'component must be in \[0, 4\)'):
        pose_projection(np.zeros((4, 19, 2)), np.zeros((19, 2)), component=7)
