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
    for layout, k in ((68, 68), (19, 19), (98, 98)):
        data = load(synthface, layout, 'test')
        for image, ann in zip(data['images'], data['annotations']):
            points = np.asarray(ann['keypoints']).reshape(-1, 3)
            assert len(points) == k
            seen = points[points[:, 2] == 2]
            assert (seen[:, :2] >= 0).all() and (seen[:, :2] < image['width']).all()
            assert ann['scale'] == pytest.approx(max(ann['bbox'][2:]) / 200)
    # the tags say what they mean: one yaw band per face in both layouts; frontal = all 19
    # AFLW points annotated (AFLW's definition), in the 19-point set only
    train19 = load(synthface, 19, 'train')['annotations']
    train68 = load(synthface, 68, 'train')['annotations']
    for ann19, ann68 in zip(train19, train68):
        yaw = abs(ann68['pose']['yaw'])
        band = 'yaw_0_15' if yaw < 15 else 'yaw_15_45' if yaw < 45 else 'yaw_45_90'
        assert ann68['subset'] == [band]
        flags = np.asarray(ann19['keypoints']).reshape(-1, 3)[:, 2]
        assert ann19['subset'] == [band] + (['frontal'] if (flags > 0).all() else [])
    frontal = sum('frontal' in a['subset'] for a in train19)
    assert 0 < frontal < len(train19)


def test_long_tailed_yaw_and_yaw_band_counts(tmp_path):
    counts = generate_synthetic_faces(str(tmp_path / 'd'), 400, 10, seed=0, image_size=64)
    yaws = np.abs([a['pose']['yaw'] for a in load(tmp_path / 'd', 68, 'train')['annotations']])
    assert np.mean(yaws < 20) > 0.6 and 0.02 < np.mean(yaws >= 45) < 0.2
    assert counts['train']['yaw_45_90'] == int(np.sum(yaws >= 45))
    assert counts['train']['yaw_15_45'] == int(np.sum((yaws >= 15) & (yaws < 45)))
    assert sum(counts['train'][b] for b in ('yaw_0_15', 'yaw_15_45', 'yaw_45_90')) == 400
    # a dataset written by an earlier version (other subsets) is not reused
    manifest = tmp_path / 'd' / 'manifest.json'
    old = json.loads(manifest.read_text())
    del old['settings']['format']
    manifest.write_text(json.dumps(old))
    with pytest.raises(ValueError, match='holds a synthetic dataset made with'):
        generate_synthetic_faces(str(tmp_path / 'd'), 400, 10, seed=0, image_size=64)


def test_accepts_an_empty_folder_and_refuses_a_foreign_one(tmp_path):
    empty = tmp_path / 'empty'
    empty.mkdir()
    counts = generate_synthetic_faces(str(empty), 3, 2, seed=0, image_size=64)
    assert counts['train']['images'] == 3 and (empty / 'manifest.json').is_file()
    foreign = tmp_path / 'foreign'
    foreign.mkdir()
    (foreign / 'notes.txt').write_text('mine')
    with pytest.raises(ValueError, match='exists and is not an empty folder or a synthetic'):
        generate_synthetic_faces(str(foreign), 3, 2, seed=0, image_size=64)
    assert (foreign / 'notes.txt').read_text() == 'mine'


def test_idempotent_and_refuses_other_settings(tmp_path):
    root = str(tmp_path / 'e')
    first = generate_synthetic_faces(root, 4, 2, seed=1, image_size=64)
    assert generate_synthetic_faces(root, 4, 2, seed=1, image_size=64) == first
    with pytest.raises(ValueError, match=r"made with .*'seed': 1.*not .*'seed': 2"):
        generate_synthetic_faces(root, 4, 2, seed=2, image_size=64)
    assert not osp.exists(root + '.partial')


def test_the_98_points_lie_along_the_68_point_contours(synthface):
    """WFLW's layout from the same faces: the jaw at every half step of the 68-point jaw, the
    eye corners, nose and lips where the 68 have them, the pupils at the eye centres, the
    brows' lower edges between their upper edges and the eyes; each point seen only where the
    points it lies between are."""
    from wingpose.datasets.synthetic import WFLW98_FROM_68
    np.testing.assert_allclose(WFLW98_FROM_68.sum(axis=1), 1.)
    for ann68, ann98 in zip(load(synthface, 68, 'test')['annotations'],
                            load(synthface, 98, 'test')['annotations']):
        p68 = np.asarray(ann68['keypoints']).reshape(-1, 3)
        p98 = np.asarray(ann98['keypoints']).reshape(-1, 3)
        np.testing.assert_allclose(p98[0:33:2, :2], p68[0:17, :2], atol=1e-3)
        np.testing.assert_allclose(p98[1:33:2, :2], (p68[0:16, :2] + p68[1:17, :2]) / 2,
                                   atol=1e-3)
        for w98, w68 in ((60, 36), (64, 39), (68, 42), (72, 45), (54, 30), (76, 48)):
            np.testing.assert_allclose(p98[w98, :2], p68[w68, :2], atol=1e-3)
        np.testing.assert_allclose(p98[96, :2], p68[36:42, :2].mean(axis=0), atol=1e-3)
        lower_brow, upper_brow, eye = p98[38:42, 1].mean(), p98[33:38, 1].mean(), p98[96, 1]
        assert upper_brow < lower_brow < eye  # image y grows downwards
        hidden = p68[:, 2] < 2
        assert (p98[0:33:2, 2] < 2).tolist() == hidden[0:17].tolist()
        assert ann98['subset'] == ann68['subset'] and ann98['bbox'] == ann68['bbox']


def test_validation_is_carved_from_the_training_set_only(tmp_path):
    from wingpose.datasets.synthetic import carve_validation
    root = tmp_path / 'd'
    generate_synthetic_faces(str(root), 10, 4, seed=0, image_size=64)
    paths = carve_validation(str(root), 3)
    assert paths == dict(fit='annotations/synthface_68_fit.json',
                         val='annotations/synthface_68_val.json')
    for layout in (68, 19, 98):
        fit, val = (load(root, layout, s) for s in ('fit', 'val'))
        train, test = (load(root, layout, s) for s in ('train', 'test'))
        names = {s: {i['file_name'] for i in d['images']}
                 for s, d in dict(fit=fit, val=val, train=train, test=test).items()}
        assert len(names['val']) == 3 and len(names['fit']) == 7
        assert names['fit'] | names['val'] == names['train']
        assert not names['fit'] & names['val'] and not names['val'] & names['test']
        assert val['annotations'] == train['annotations'][-3:]
    with pytest.raises(ValueError, match=r'num_val must be in \[1, 10\)'):
        carve_validation(str(root), 10)


def test_label_noise_moves_training_labels_along_their_contours(tmp_path):
    """Noise on the training labels only, its std along and across each contour as asked; the
    images and the test labels are those of the dataset without it."""
    from wingpose.datasets.synthetic.label_noise import ALONG_TO_ACROSS, contour_tangents
    exact, noisy = str(tmp_path / 'exact'), str(tmp_path / 'noisy')
    generate_synthetic_faces(exact, num_train=40, num_test=4, seed=5, image_size=96)
    generate_synthetic_faces(noisy, num_train=40, num_test=4, seed=5, image_size=96,
                             label_noise=3.)

    def keypoints(root, split):
        with open(osp.join(root, 'annotations', f'synthface_68_{split}.json')) as f:
            annotations = json.load(f)['annotations']
        return np.array([a['keypoints'] for a in annotations]).reshape(len(annotations), 68, 3)

    assert np.array_equal(keypoints(exact, 'test'), keypoints(noisy, 'test'))
    clean, moved = keypoints(exact, 'train')[..., :2], keypoints(noisy, 'train')[..., :2]
    along = np.stack([contour_tangents(face) for face in clean])
    across = np.stack([-along[..., 1], along[..., 0]], axis=-1)
    inter_ocular = np.linalg.norm(clean[:, 36] - clean[:, 45], axis=1)[:, None]
    delta = moved - clean
    std_along = np.sqrt(np.mean(((delta * along).sum(-1) / inter_ocular)**2)) * 100
    std_across = np.sqrt(np.mean(((delta * across).sum(-1) / inter_ocular)**2)) * 100
    assert std_along == pytest.approx(3., rel=0.1)  # 2720 draws: 2 % standard error
    assert std_across == pytest.approx(3. / ALONG_TO_ACROSS, rel=0.1)
    for name in ('train/000000.jpg', 'test/000001.jpg'):
        assert np.array_equal(cv2.imread(osp.join(exact, 'images', name)),
                              cv2.imread(osp.join(noisy, 'images', name)))
    with pytest.raises(ValueError, match='label_noise is a percentage of the inter-ocular '
                                         'distance, >= 0; got -1'):
        generate_synthetic_faces(str(tmp_path / 'bad'), 4, 4, label_noise=-1)
