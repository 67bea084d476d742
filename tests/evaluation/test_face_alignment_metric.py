import csv
import os.path as osp

import numpy as np
import pytest
from mmpose.evaluation.metrics import NME

from wingpose.evaluation import FaceAlignmentMetric, benchmark_table
from wingpose.evaluation.reports import read_per_image_nme
from wingpose.evaluation.functional import auc, failure_rate


def sample(gt, pred, img_id, visible=None, box=None, subset=()):
    gt = np.asarray(gt, dtype=np.float32)
    visible = np.ones(len(gt)) if visible is None else np.asarray(visible, dtype=np.float32)
    ann = dict(subset=list(subset))
    if box is not None:
        ann['bbox'] = list(box)
    return dict(img_id=img_id, raw_ann_info=ann,
                gt_instances=dict(keypoints=gt[None], keypoints_visible=visible[None],
                                  bboxes=np.array([[0, 0, 10, 10]], dtype=np.float32)),
                pred_instances=dict(keypoints=np.asarray(pred, dtype=np.float32)[None]))


def face_68(scale=1.):
    """68 points: eye corners 36 (0, 0) and 45 (100, 0), eye centres (15, 0) and (85, 0)."""
    gt = np.random.default_rng(0).uniform(0, 100, (68, 2))
    gt[36:42] = [[0, 0], [10, 5], [20, 5], [30, 0], [20, -5], [10, -5]]
    gt[42:48] = [[70, 0], [80, 5], [90, 5], [100, 0], [90, -5], [80, -5]]
    return gt * scale


def run(metric, samples, dataset_name='300w'):
    metric.dataset_meta = dict(dataset_name=dataset_name)
    metric.process([], samples)
    return metric.compute_metrics(metric.results)


def test_inter_ocular_and_inter_pupil_differ_by_their_ratio():
    shift = np.array([3., 4.])  # every point off by 5 px
    samples = [sample(face_68(), face_68() + shift, 1), sample(face_68(2), face_68(2) + shift, 2)]
    metrics = run(FaceAlignmentMetric(subset_key=None), samples)
    # image 1: 5 / 100 and 5 / 70; image 2: 5 / 200 and 5 / 140
    assert metrics['NME_inter_ocular'] == pytest.approx(100 * (5 / 100 + 5 / 200) / 2, rel=1e-6)
    assert metrics['NME_inter_pupil'] == pytest.approx(100 * (5 / 70 + 5 / 140) / 2, rel=1e-6)
    assert metrics['NME_inter_pupil'] / metrics['NME_inter_ocular'] == pytest.approx(100 / 70)
    assert 'FR@0.08_inter_ocular' in metrics and 'AUC@0.08_inter_pupil' in metrics
    # MMPose's key: the first normalisation configured, on the full set
    assert metrics['NME'] == metrics['NME_inter_ocular']
    reordered = run(FaceAlignmentMetric(norms=['inter_pupil', 'inter_ocular'], subset_key=None),
                    samples)
    assert reordered['NME'] == reordered['NME_inter_pupil'] == metrics['NME_inter_pupil']


def test_box_normalisations():
    gt = np.zeros((19, 2))
    pred = gt + [3., 4.]
    metrics = run(FaceAlignmentMetric(norms=['bbox', 'bbox_diag', 'bbox_max'], thr=0.07,
                                      subset_key=None),
                  [sample(gt, pred, 7, box=[5, 5, 30, 40])], 'aflw')
    assert metrics['NME_bbox'] == pytest.approx(100 * 5 / np.sqrt(30 * 40), rel=1e-6)
    assert metrics['NME_bbox_diag'] == pytest.approx(100 * 5 / 50, rel=1e-6)
    assert metrics['NME_bbox_max'] == pytest.approx(100 * 5 / 40, rel=1e-6)


def test_explicit_pair_and_groups():
    gt = face_68()
    metrics = run(FaceAlignmentMetric(
        norms=[dict(name='corners', indices=(36, 45)),
               dict(name='pupils', groups=(list(range(36, 42)), list(range(42, 48))))],
        thr=0.1, subset_key=None), [sample(gt, gt + [0., 7.], 1)], 'my_faces')
    assert metrics['NME_corners'] == pytest.approx(7.)
    assert metrics['NME_pupils'] == pytest.approx(10.)


def test_failure_rate_and_auc_on_known_errors():
    nme = np.linspace(0.0, 0.06, 101)  # uniform errors below the threshold
    assert auc(nme, 0.1) == pytest.approx(1 - nme.mean() / 0.1, rel=1e-12)
    assert auc(nme, 0.1, 'simpson') == pytest.approx(1 - nme.mean() / 0.1, abs=2e-3)
    errors = np.array([0.01, 0.05, 0.1, 0.2])
    assert failure_rate(errors, 0.1) == 0.25  # strict: 0.1 is not a failure
    # CED steps at 0.01 and 0.05 below thr=0.1: area = (0.09 + 0.05 + 0) / 4 / 0.1
    assert auc(errors, 0.1) == pytest.approx((0.09 + 0.05) / 4 / 0.1)


def test_subset_table_on_toy_set(tmp_path):
    gt = face_68()
    samples = [sample(gt, gt + [0., e], i, subset=[name])
               for i, (e, name) in enumerate([(2., 'common'), (4., 'common'), (9., 'challenge')])]
    metric = FaceAlignmentMetric(norms=['inter_ocular'], out_dir=str(tmp_path))
    metrics = run(metric, samples)
    assert metrics['NME_inter_ocular'] == pytest.approx(5.)
    assert metrics['common/NME_inter_ocular'] == pytest.approx(3.)
    assert metrics['challenge/NME_inter_ocular'] == pytest.approx(9.)
    assert metrics['challenge/FR@0.08_inter_ocular'] == pytest.approx(100.)
    assert metrics['common/FR@0.08_inter_ocular'] == pytest.approx(0.)
    table = benchmark_table(metrics).splitlines()
    assert table[0] == ('| subset | NME inter_ocular | FR@0.08 inter_ocular | '
                        'AUC@0.08 inter_ocular |')
    assert table[2].startswith('| full | 5.00 | 33.33 |')
    assert [line.split('|')[1].strip() for line in table[2:]] == ['full', 'challenge', 'common']
    with open(tmp_path / 'nme_per_image.csv') as f:
        rows = list(csv.DictReader(f))
    assert [r['subsets'] for r in rows] == ['common', 'common', 'challenge']
    assert float(rows[2]['nme_inter_ocular']) == pytest.approx(9.)
    assert osp.getsize(tmp_path / 'ced_inter_ocular.png') > 1000
    with open(tmp_path / 'ced_inter_ocular.csv') as f:
        ced_rows = list(csv.reader(f))
    assert ced_rows[0] == ['NME inter_ocular (%)', 'full', 'challenge', 'common']
    # the curves in percent up to the threshold; at it, each equals 1 - FR of the same table
    assert float(ced_rows[1][0]) == 0 and float(ced_rows[-1][0]) == pytest.approx(8.)
    for column, subset in enumerate(ced_rows[0][1:], start=1):
        key = 'FR@0.08_inter_ocular' if subset == 'full' else f'{subset}/FR@0.08_inter_ocular'
        assert float(ced_rows[-1][column]) == pytest.approx(1 - metrics[key] / 100)
    assert float(ced_rows[-1][1]) == pytest.approx(2 / 3)
    # the CED steps to 1/3 at the first image's NME (2 %) and to 2/3 at the second's (4 %)
    x = np.array([float(r[0]) for r in ced_rows[1:]])
    full = np.array([float(r[1]) for r in ced_rows[1:]])
    assert set(full[x < 1.999]) == {0.}
    assert set(full[(x > 2.001) & (x < 3.999)].round(6)) == {round(1 / 3, 6)}
    assert set(full[x > 4.001].round(6)) == {round(2 / 3, 6)}
    np.testing.assert_allclose(read_per_image_nme(str(tmp_path / 'nme_per_image.csv'),
                                                  'inter_ocular'), [0.02, 0.04, 0.09])


def _mmpose_nme(samples):
    metric = NME(norm_mode='keypoint_distance', keypoint_indices=[36, 45])
    metric.dataset_meta = dict(dataset_name='300w', keypoint_id2name={i: str(i) for i in range(68)})
    metric.process([], samples)
    return 100 * metric.compute_metrics(metric.results)['NME']


def test_agrees_with_mmpose_nme_when_images_have_equal_visible_points():
    rng = np.random.default_rng(1)
    samples = [sample(face_68(s), face_68(s) + rng.normal(0, 3, (68, 2)), i)
               for i, s in enumerate([1., 1.5, 2.])]
    ours = run(FaceAlignmentMetric(norms=['inter_ocular'], subset_key=None), samples)
    assert ours['NME_inter_ocular'] == pytest.approx(_mmpose_nme(samples), rel=1e-5)


def test_differs_from_pooled_mmpose_nme_with_unequal_visible_points():
    gt = face_68()
    visible = np.ones(68)
    visible[:60] = 0  # image 2 keeps 8 points (the eyes)
    samples = [sample(gt, gt + [0., 2.], 1), sample(gt, gt + [0., 10.], 2, visible=visible)]
    ours = run(FaceAlignmentMetric(norms=['inter_ocular'], subset_key=None), samples)
    assert ours['NME_inter_ocular'] == pytest.approx((2 + 10) / 2)  # per image, then mean
    pooled = (68 * 2 + 8 * 10) / (68 + 8)
    assert _mmpose_nme(samples) == pytest.approx(pooled, rel=1e-5)


def test_undefined_images_are_skipped_with_their_ids(caplog):
    gt = face_68()
    collapsed = gt.copy()
    collapsed[45] = collapsed[36]  # zero inter-ocular distance
    nan_pred = gt.copy()
    nan_pred[3] = np.nan
    samples = [sample(gt, gt + [0., 4.], 'a'), sample(collapsed, collapsed, 'b'),
               sample(gt, nan_pred, 'c'), sample(gt, gt, 'd', visible=np.zeros(68))]
    metrics = run(FaceAlignmentMetric(norms=['inter_ocular'], subset_key=None), samples)
    assert metrics['NME_inter_ocular'] == pytest.approx(4.)
    assert all(np.isfinite(v) for v in metrics.values())
    with pytest.raises(ValueError, match=r"3 image\(s\).*\['b', 'c', 'd'\]"):
        run(FaceAlignmentMetric(norms=['inter_ocular'], subset_key=None, strict=True), samples)


def test_unknown_dataset_lists_the_options():
    gt = face_68()
    with pytest.raises(ValueError, match=r"no preset for dataset_name='faces'.*'300w'"):
        run(FaceAlignmentMetric(), [sample(gt, gt, 1)], 'faces')
    with pytest.raises(ValueError, match=r"unknown normalisation 'inter_pupil'.*'bbox'"):
        run(FaceAlignmentMetric(norms=['inter_pupil'], thr=0.1), [sample(gt, gt, 1)], 'faces')
    with pytest.raises(ValueError, match='uses keypoint 36, but the data has 19 keypoints'):
        run(FaceAlignmentMetric(), [sample(gt[:19], gt[:19], 1)], '300w')


def test_arguments_are_checked_when_the_metric_is_built():
    """A typo in norms or thr fails when the config is built, not after training; norms may be
    a list or a tuple."""
    gt = face_68()
    as_tuple = run(FaceAlignmentMetric(norms=('inter_ocular', 'bbox'), subset_key=None),
                   [sample(gt, gt + 1, 1, box=[0, 0, 100, 50])], '300w')
    assert as_tuple == run(FaceAlignmentMetric(norms=['inter_ocular', 'bbox'], subset_key=None),
                           [sample(gt, gt + 1, 1, box=[0, 0, 100, 50])], '300w')
    for bad, message in ((dict(norms=('inter_oclar', )), r"norms: unknown normalisation "
                          r"'inter_oclar'; options: \['bbox', "),
                         (dict(norms=[dict(name='x')]), 'an explicit normalisation must be'),
                         (dict(thr=-1), r'thr \(thr\) must be a number > 0, got -1'),
                         (dict(thr=dict(bbox='0.1')), r"thr \(bbox\) must be a number > 0")):
        with pytest.raises(ValueError, match=message):
            FaceAlignmentMetric(**bad)


def test_result_order_does_not_change_the_figures():
    rng = np.random.default_rng(3)
    samples = [sample(face_68(s), face_68(s) + rng.normal(0, 2, (68, 2)), i, subset=['a'])
               for i, s in enumerate(rng.uniform(0.5, 3, 50))]
    forward = run(FaceAlignmentMetric(norms=['inter_ocular'], subset_key=None), samples)
    backward = run(FaceAlignmentMetric(norms=['inter_ocular'], subset_key=None), samples[::-1])
    assert forward == backward  # bitwise: the metric sorts by image id before summing


def test_two_faces_in_one_sample_are_refused():
    gt = face_68()
    two = sample(gt, gt, 0)
    two['pred_instances']['keypoints'] = np.stack([gt, gt]).astype(np.float32)
    with pytest.raises(ValueError, match='one face per sample: 2 samples hold 2 ground-truth '
                                         'and 3 predicted faces'):
        run(FaceAlignmentMetric(subset_key=None), [sample(gt, gt, 1), two])


def test_per_landmark_nme_and_error_bands(tmp_path):
    from wingpose.evaluation.functional import error_bands, per_landmark_nme
    from wingpose.evaluation.reports import read_per_landmark_nme
    gt = face_68()  # inter-ocular distance 100
    first, second = gt.copy(), gt.copy()
    first[0] += [3., 4.]  # landmark 0: 5 px = 5 % in the first image
    second[0] += [6., 8.]  # 10 % in the second
    second[1] += [0., 2.]  # landmark 1: 2 % in the second only
    visible = np.ones(68)
    visible[1] = 0  # ... where it is not visible
    samples = [sample(gt, first, 0), sample(gt, second, 1, visible=visible)]
    metric = FaceAlignmentMetric(norms=['inter_ocular'], out_dir=str(tmp_path))
    run(metric, samples)
    per_landmark = read_per_landmark_nme(str(tmp_path / 'nme_per_landmark.csv'), 'inter_ocular')
    assert per_landmark.shape == (68, )
    assert per_landmark[0] == pytest.approx(0.075) and per_landmark[1] == 0
    assert np.allclose(per_landmark[2:], 0)
    # the per-landmark means, weighted by visibility, give back the per-image means
    pred, truth = np.stack([first, second]), np.stack([gt, gt])
    mask = np.stack([np.ones(68, bool), visible > 0])
    assert per_landmark_nme(pred, truth, mask, np.array([100., np.nan]))[0] == \
        pytest.approx(0.05)  # an image without a valid distance counts nowhere
    bands = error_bands(np.array([0.01, 0.019, 0.02, 0.049, 0.07, 0.08, 0.3, np.nan]))
    assert bands.tolist() == pytest.approx([2 / 7, 2 / 7, 1 / 7, 2 / 7])  # [0,2) [2,5) [5,8) 8+


def test_files_are_written_only_when_asked(tmp_path):
    """With default arguments no file is written, even with a log file open (MMPose's metrics
    write only with ``outfile_prefix``); with a prefix, the CSVs and CED curves carry it."""
    from mmengine.logging import MMLogger
    (tmp_path / 'log').mkdir()
    MMLogger.get_instance('metric_files', log_file=str(tmp_path / 'log' / 'run.log'))
    gt = face_68()
    run(FaceAlignmentMetric(norms=['inter_ocular'], subset_key=None), [sample(gt, gt + 1, 1)])
    assert sorted(p.name for p in tmp_path.rglob('*') if p.is_file()) == ['run.log']
    prefix = str(tmp_path / 'eval' / 'val_')
    run(FaceAlignmentMetric(norms=['inter_ocular'], subset_key=None, outfile_prefix=prefix),
        [sample(gt, gt + 1, 1)])
    assert sorted(p.name for p in (tmp_path / 'eval').iterdir()) == [
        'val_ced_inter_ocular.csv', 'val_ced_inter_ocular.png', 'val_nme_per_image.csv',
        'val_nme_per_landmark.csv']
