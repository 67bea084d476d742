import json
import os.path as osp

import cv2
import numpy as np
import pytest

from wingpose.datasets.synthetic import generate_synthetic_faces


def load(root, layout, split):
    with open(osp.join(root, 'annotations', f'synthface_{layout}_{split}.json')) as f:
        return json.load(f)


def test_deterministic_for_a_seed(tmp_path):
    a = generate_synthetic_faces(str(tmp_path / 'a'), 6, 3, seed=5, image_size=96, workers=2)
    b = generate_synthetic_faces(str(tmp_path / 'b'), 6, 3, seed=5, image_size=96, workers=1)
    assert a == b
    assert load(tmp_path / 'a', 68, 'train') == load(tmp_path / 'b', 68, 'train')
    image_a = cv2.imread(str(tmp_path / 'a' / 'images' / 'train' / '000004.jpg'))
    image_b = cv2.imread(str(tmp_path / 'b' / 'images' / 'train' / '000004.jpg'))
    assert np.array_equal(image_a, image_b)
    generate_synthetic_faces(str(tmp_path / 'c'), 6, 3, seed=6, image_size=96)
    assert load(tmp_path / 'c', 68, 'train') != load(tmp_path / 'a', 68, 'train')


def test_landmarks_inside_the_image_and_layouts(synthface):
    for layout, k in ((68, 68), (19, 19)):
        data = load(synthface, layout, 'test')
        for image, ann in zip(data['images'], data['annotations']):
            points = np.asarray(ann['keypoints']).reshape(-1, 3)
            assert len(points) == k
            seen = points[points[:, 2] == 2]
            assert (seen[:, :2] >= 0).all() and (seen[:, :2] < image['width']).all()
            assert ann['scale'] == pytest.approx(max(ann['bbox'][2:]) / 200)
    train = load(synthface, 19, 'train')['annotations']
    assert any(0 in np.asarray(a['keypoints']).reshape(-1, 3)[:, 2] for a in train) or all(
        'frontal' in a['subset'] for a in train)


def test_long_tailed_yaw_and_large_pose_subset(tmp_path):
    counts = generate_synthetic_faces(str(tmp_path / 'd'), 400, 10, seed=0, image_size=64)
    yaws = np.abs([a['pose']['yaw'] for a in load(tmp_path / 'd', 68, 'train')['annotations']])
    assert np.mean(yaws < 20) > 0.6 and 0.02 < np.mean(yaws >= 45) < 0.2
    assert counts['train']['large_pose'] == int(np.sum(yaws >= 45))


def test_idempotent_and_refuses_other_settings(tmp_path):
    root = str(tmp_path / 'e')
    first = generate_synthetic_faces(root, 4, 2, seed=1, image_size=64)
    assert generate_synthetic_faces(root, 4, 2, seed=1, image_size=64) == first
    with pytest.raises(ValueError, match=r"made with .*'seed': 1.*not .*'seed': 2"):
        generate_synthetic_faces(root, 4, 2, seed=2, image_size=64)
    assert not osp.exists(root + '.partial')
