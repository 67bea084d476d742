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
    with pytest.raises(ValueError, match="metainfo repeats the inner dataset's"):
        PoseBalancedDataset(dict(type='FaceLandmarkDataset', metainfo=dict(from_file='a.py')),
                            metainfo=dict(from_file='b.py'), lazy_init=True)
    for component in (1.5, -1, True, 'yaw'):
        with pytest.raises(ValueError, match=rf"PoseBalancedDataset: component must be an .*"
                                             rf"got {component!r}"):
            PoseBalancedDataset(ShapeDataset(np.zeros(3), lazy_init=True), component=component,
                                lazy_init=True)


def synthetic_shapes(layout, count=400, seed=0):
    """Synthetic faces (the embedded benchmark's geometry) with their yaw; 68 or 19 points,
    the 19 with AFLW's self-occlusion (hidden points not annotated)."""
    from wingpose.datasets.synthetic.geometry import (project, rotation, sample_face,
                                                      self_visible, to_aflw19)
    rng = np.random.default_rng(seed)
    shapes, weights, yaws = [], [], []
    for _ in range(count):
        face = sample_face(rng, yaw_scale=25.)
        rot = rotation(face.yaw, face.pitch, face.roll)
        points, visible = project(face.shape, rot, np.array([128., 128.]), 60.), \
            self_visible(face.shape, rot)
        if layout == 19:
            points, visible = to_aflw19(points, visible)
        else:
            visible = np.ones(68, bool)  # 300W labels every point
        shapes.append(points)
        weights.append(visible.astype(float))
        yaws.append(face.yaw)
    return np.array(shapes), np.array(weights), np.array(yaws)


@pytest.mark.parametrize('layout,metainfo', [(68, 'configs/_base_/datasets/300w.py'),
                                             (19, 'configs/_base_/datasets/aflw.py')])
def test_auto_component_is_the_one_that_mirroring_negates(layout, metainfo):
    from wingpose.datasets import FaceLandmarkDataset
    from wingpose.datasets.pose_balancing import mirror_correlations, principal_scores
    flip_indices = FaceLandmarkDataset._load_metainfo(dict(from_file=metainfo))['flip_indices']
    shapes, weights, yaws = synthetic_shapes(layout)
    aligned, mean = procrustes_align(shapes, weights, reflection=True)
    correlations = mirror_correlations(aligned, mean, weights, flip_indices)
    chosen = int(np.argmin(correlations))
    assert correlations[chosen] < -0.8
    # it is the yaw: its signed scores follow the yaw (|scores| less so for 19 points, whose
    # hidden points add no deviation at large yaws)
    scores, _ = principal_scores(aligned, mean, weights)
    assert abs(np.corrcoef(scores[:, chosen], yaws)[0, 1]) > 0.8
    assert all(abs(np.corrcoef(scores[:, c], yaws)[0, 1]) < 0.3
               for c in range(5) if c != chosen)
    with pytest.raises(ValueError, match='flip_indices must be a permutation of the'):
        mirror_correlations(aligned, mean, weights, flip_indices[:-1])


class PoseDataset(BaseDataset):
    METAINFO = dict(flip_indices=[])

    def __init__(self, layout, **kwargs):
        self.layout = layout
        super().__init__(**kwargs)

    def load_data_list(self):
        shapes, weights, _ = synthetic_shapes(self.layout, count=200)
        return [dict(keypoints=s[None], keypoints_visible=w[None])
                for s, w in zip(shapes, weights)]


def test_wrapper_chooses_the_component_and_says_so():
    from wingpose.datasets import FaceLandmarkDataset
    flip = FaceLandmarkDataset._load_metainfo(
        dict(from_file='configs/_base_/datasets/300w.py'))['flip_indices']
    dataset = PoseBalancedDataset(PoseDataset(68, metainfo=dict(flip_indices=flip)),
                                  component='auto')
    assert dataset.mirror_correlation < -0.8
    assert dataset.pose_component in range(5)
    with pytest.raises(ValueError, match="needs the dataset's flip_indices"):
        PoseBalancedDataset(PoseDataset(68), component='auto')
    with pytest.raises(ValueError, match="component must be an index, None or 'auto'"):
        PoseBalancedDataset(PoseDataset(68), component='yaw')
