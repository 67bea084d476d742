"""Every config in configs/ builds: model, datasets (on a tiny fixture in the format the config
expects) with one sample through its pipeline, and the evaluator."""
import glob
import os
import os.path as osp

import cv2
import numpy as np
import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope

from wingpose.datasets import FaceLandmarkDataset, leaf_datasets
from wingpose.datasets.converters import face_record, write_coco
from mmpose.registry import DATASETS, METRICS, MODELS

from .utils import ROOT

CONFIGS = sorted(p for p in glob.glob(osp.join(ROOT, 'configs', '**', '*.py'), recursive=True)
                 if '_base_' not in p)


def make_fixture(root, dataset_cfg):
    """Write the annotation file and image the dataset config points to, with K keypoints."""
    num_keypoints = FaceLandmarkDataset._load_metainfo(dict(dataset_cfg.metainfo))['num_keypoints']
    image_dir = osp.join(root, dataset_cfg.data_prefix['img'])
    os.makedirs(image_dir, exist_ok=True)
    cv2.imwrite(osp.join(image_dir, 'face.jpg'), np.full((96, 96, 3), 100, np.uint8))
    rng = np.random.default_rng(0)
    records = [face_record(i, 'face.jpg', 96, 96, rng.uniform(20, 76, (num_keypoints, 2)),
                           np.full(num_keypoints, 2), [20, 20, 56, 56], 'fixture',
                           ['frontal'] if i else ['large_pose']) for i in range(4)]
    write_coco(osp.join(root, dataset_cfg.ann_file), records)
    return num_keypoints


def test_configs_found():
    assert len(CONFIGS) >= 50


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: osp.relpath(p, ROOT))
def test_config_builds(path, tmp_path):
    cfg = Config.fromfile(path)
    scope = 'mmpose' if 'mmpose_project' in path else 'wingpose'
    assert cfg.default_scope == scope
    init_default_scope(scope)
    model = MODELS.build(cfg.model)
    for loader in ('train_dataloader', 'val_dataloader'):
        dataset_cfg = cfg[loader].dataset
        leaf = next(leaf_datasets(dataset_cfg))
        leaf.data_root = str(tmp_path / loader)
        num_keypoints = make_fixture(leaf.data_root, leaf)
        dataset = DATASETS.build(dataset_cfg)
        sample = dataset[0]
        assert sample['inputs'].shape[0] == 3
        assert sample['data_samples'].gt_instances.keypoints.shape == (1, num_keypoints, 2)
    head = model.head
    predicted = next(getattr(head, name) for name in ('num_keypoints', 'num_joints', 'out_channels')
                     if hasattr(head, name))
    assert predicted == num_keypoints
    metric = METRICS.build(cfg.val_evaluator)
    metric.dataset_meta = dataset.metainfo
    assert metric._settings()[0]


SOFT_ARGMAX_CONFIGS = [p for p in CONFIGS
                       if Config.fromfile(p).model.head.get('decoder', {}).get('type')
                       == 'SoftArgmaxHeatmap']


@pytest.mark.parametrize('path', SOFT_ARGMAX_CONFIGS, ids=lambda p: osp.relpath(p, ROOT))
def test_soft_argmax_targets_decode_where_their_labels_point(path):
    """Each soft-argmax config's targets and labels share one frame: decoding the targets of
    points inside the crop returns them without a systematic shift (a label frame that
    disagrees with where the Gaussians are drawn shifts every point by 1.5 input pixels)."""
    from wingpose.registry import KEYPOINT_CODECS
    codec = KEYPOINT_CODECS.build(Config.fromfile(path).model.head.decoder)
    size = np.array(codec.input_size, dtype=np.float64)
    points = np.random.default_rng(0).uniform(0.15, 0.85, (4, 68, 2)) * size
    decoded = np.concatenate([codec.decode(codec.encode(p[None])['heatmaps'])[0][0]
                              for p in points])
    label_points = np.concatenate([codec.encode(p[None])['keypoint_labels'][0] for p in points])
    shift = (decoded - points.reshape(-1, 2)).mean(0)
    assert np.abs(shift).max() < 0.4 * size[0] / 128, shift
    # the labels are the points in the decoder's frame
    expected = points.reshape(-1, 2)
    if codec.align_corners:
        assert np.allclose((label_points + 1) / 2 * (np.array(codec.heatmap_size) - 1)
                           * codec.scale_factor, expected, atol=1e-3)
    else:
        assert np.allclose(((label_points + 1) * size - 1) / 2, expected, atol=1e-3)
