"""tools/analysis/contour_errors.py: a landmark's error split along and across its contour."""
import numpy as np
import pytest

from wingpose.datasets.synthetic.geometry import mean_face

from ..utils import load_tool

contour_errors = load_tool('tools/analysis/contour_errors.py').contour_errors


def dumped(truth: np.ndarray, prediction: np.ndarray, subset: str = 'yaw_0_15') -> dict:
    """One sample as tools/test.py --dump writes it."""
    return dict(dataset_name='300w', raw_ann_info=dict(subset=[subset]),
                gt_instances=dict(keypoints=truth[None]),
                pred_instances=dict(keypoints=prediction[None]))


def test_an_error_along_and_one_across_the_jaw_are_told_apart():
    truth = mean_face()[:, :2] * [100, -100] + 128  # image frame, y down
    inter_ocular = np.linalg.norm(truth[36] - truth[45])
    tangent = (truth[9] - truth[7]) / np.linalg.norm(truth[9] - truth[7])  # the chin's contour
    normal = np.array([-tangent[1], tangent[0]])
    prediction = truth.copy()
    prediction[8] += 0.03 * inter_ocular * tangent  # 3 % along the jaw
    prediction[7] += 0.04 * inter_ocular * normal  # not along point 7's own tangent: mixed
    errors = contour_errors([dumped(truth, prediction), dumped(truth, truth, 'yaw_45_90')],
                            subsets=['yaw_0_15'])
    assert errors['nme'].shape == (1, 68)
    np.testing.assert_allclose(errors['along'][0, 8], 3., rtol=1e-9)
    np.testing.assert_allclose(errors['across'][0, 8], 0., atol=1e-9)
    np.testing.assert_allclose(errors['nme'][0, 7], 4., rtol=1e-9)
    np.testing.assert_allclose(np.hypot(errors['along'][0, 7], errors['across'][0, 7]), 4.,
                               rtol=1e-9)
    assert errors['nme'][0, np.r_[0:7, 9:68]].max() == 0


def test_subsets_that_hold_no_face_are_named():
    truth = mean_face()[:, :2] * 100 + 128
    with pytest.raises(ValueError, match=r"no dumped face is in the subsets \['frontal'\]"):
        contour_errors([dumped(truth, truth)], subsets=['frontal'])
